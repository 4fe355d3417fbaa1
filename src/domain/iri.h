// IRIs (RFC 3987) as people paste them, converted once to the URI stored and redirected to
// (API.md "Target URLs").
#ifndef SHORTENER_IRI_H_
#define SHORTENER_IRI_H_

#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

// Returns the URI form of `text`:
// - text of ASCII bytes only comes back unchanged, byte for byte (URI rules are CheckTargetUrl's);
// - otherwise `text` must be UTF-8 of characters RFC 3987 allows in an IRI (its ucschar and
//   iprivate ranges: no C1 controls, surrogates or noncharacters), and holds no Unicode
//   whitespace (NBSP, U+2028, U+3000 ...) and no bidirectional formatting characters
//   (RFC 3987 4.1); its authority's host, if it holds non-ASCII characters, becomes its IDNA
//   A-label (libidn2, UTS #46 nontransitional processing with NFC, as browsers do:
//   "MÜNCHEN.de" is "xn--mnchen-3ya.de", "faß.de" is "xn--fa-hia.de") and every other non-ASCII
//   character its UTF-8 bytes percent-encoded in upper-case hex ("Köln" is "K%C3%B6ln").
// The result is ASCII; converting it again changes nothing. Errors, kValidation naming `field`:
// bytes that are not UTF-8, a character IRIs do not allow, a host libidn2 refuses (not a valid
// IDNA name), or text that is no URI once its non-ASCII characters are encoded.
Result<std::string> IriToUri(std::string_view text, const std::string& field);

// OK unless a label of `host` (a URI's host, ASCII) claims to be an IDNA A-label ("xn--" in any
// case) and is none: libidn2 must decode it and find the result a valid IDNA2008 name under the
// same processing IriToUri uses, so "xn--zz", "xn--a" and an empty "xn--" are refused as the
// IRI hosts they stand for would be. The error is IriToUri's (kValidation naming `field`).
// Other labels are the URL rules' (url_check.h): browsers open "exa_mple.org" and "-a-.org".
Status CheckALabels(std::string_view host, const std::string& field);

}  // namespace shortener

#endif  // SHORTENER_IRI_H_
