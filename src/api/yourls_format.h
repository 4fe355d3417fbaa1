// The three output formats of the YOURLS API (json, xml, simple) for one answer.
#ifndef SHORTENER_YOURLS_FORMAT_H_
#define SHORTENER_YOURLS_FORMAT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http.h"

namespace shortener {

enum class YourlsFormat { kJson, kXml, kSimple };

// One answer of the YOURLS API, before it is put in a format.
struct YourlsAnswer {
  // The HTTP status. YOURLS sends its statusCode (or errorCode) as the status, and so do we.
  int status = 200;
  // The fields, in YOURLS's order: an object whose values are strings, numbers, null or objects
  // of the same kind (no arrays: YOURLS names list items, "link_1", ...).
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  // The text format=simple sends.
  std::string simple;
  // Headers the answer carries besides its Content-Type (Retry-After, RateLimit-*).
  std::vector<std::pair<std::string, std::string>> headers;
};

// The format named by `name` ("json", "xml", "simple"; exact, lower case as YOURLS compares),
// or nullopt.
std::optional<YourlsFormat> ParseYourlsFormat(std::string_view name);

// The HTTP answer: `answer.status`, the body in `format` with its Content-Type (UTF-8),
// X-Content-Type-Options: nosniff and answer.headers. Strings that are not UTF-8 are repaired
// (U+FFFD), never refused.
Response RenderYourls(const YourlsAnswer& answer, YourlsFormat format);

// The body alone, as RenderYourls writes it.
std::string YourlsBody(const YourlsAnswer& answer, YourlsFormat format);
// The Content-Type of a format's bodies.
const char* YourlsContentType(YourlsFormat format);

// `fields` as an XML document: an XML declaration and a <result> element holding one element
// per field, named by its key, objects as nested elements. Keys must be XML names (YOURLS's
// are); values are escaped with XmlText.
std::string YourlsXml(const nlohmann::ordered_json& fields);

// `text` as XML character data that is also safe inside an attribute value: & < > " ' escaped,
// invalid UTF-8 and the characters XML 1.0 forbids (C0 controls but tab, LF and CR; U+FFFE,
// U+FFFF) replaced by U+FFFD.
std::string XmlText(std::string_view text);

// `text` with every byte sequence that is not UTF-8 replaced by U+FFFD; valid text unchanged.
std::string RepairUtf8(std::string_view text);

// The metadata of a link made from a YOURLS title (the API's shorturl, `shortener-admin import
// yourls`): "{}" for none, else {"title": title}, with bytes that are not UTF-8 as U+FFFD. A
// title whose object would pass kMaxMetadataBytes (API.md's 4 KiB, which every way in holds
// to; JSON escaping can double a title) is cut at a character boundary to the longest start
// that fits: a title is a label, and a long one must not refuse or break the link.
std::string TitleMetadata(std::string_view title);

}  // namespace shortener

#endif  // SHORTENER_YOURLS_FORMAT_H_
