// The parameters of a request the way form-driven APIs read them: the query string and, for a
// POST, an application/x-www-form-urlencoded body, merged into one map.
#ifndef SHORTENER_FORM_PARAMS_H_
#define SHORTENER_FORM_PARAMS_H_

#include <map>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/http.h"

namespace shortener {

using FormParams = std::map<std::string, std::string>;

// True if `content_type` is application/x-www-form-urlencoded, any case, parameters allowed.
bool IsFormContentType(std::string_view content_type);

// The decoded parameters of `request`: its query string, then its body when the request has
// one, a body's value winning over the query's for a name given in both (as PHP's $_REQUEST
// does by default, which clients of form APIs count on). Within one part, the last of a
// repeated name wins. Errors:
// - kPayloadTooLarge when the body was too large to read (request.body_too_large);
// - kUnsupportedMediaType for a non-empty body of another content type (multipart included);
// - kValidation (field "query" or "body", or the name of a parameter whose value would hold an
//   encoded NUL) when either part is not a well-formed form encoding.
// Names and values are bytes as sent once percent-decoded ('+' is a space); they are not
// checked for UTF-8 here.
Result<FormParams> ReadFormParams(const Request& request);

}  // namespace shortener

#endif  // SHORTENER_FORM_PARAMS_H_
