// Reading a request's JSON body and its typed fields, with API.md's 413/415/400/422 answers.
#ifndef SHORTENER_JSON_BODY_H_
#define SHORTENER_JSON_BODY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/error.h"
#include "http/http.h"

namespace shortener {

// The body of `request` as a JSON object. kPayloadTooLarge if it was over the limit,
// kUnsupportedMediaType if the content type is not JSON, kBadJson if it does not parse or is not
// an object. With `empty_ok`, a request with no body at all yields an empty object (for POSTs
// that take no fields).
Result<nlohmann::ordered_json> ReadJsonObject(const Request& request, bool empty_ok);

// Typed field access. A field that is absent or JSON null is "not given" (nullopt); any other
// type is kValidation naming the field.
Result<std::optional<std::string>> OptionalString(const nlohmann::ordered_json& body,
                                                  const char* field);
// A whole number (1.5, "3" and true are refused); nullopt if not given.
Result<std::optional<int64_t>> OptionalInteger(const nlohmann::ordered_json& body,
                                               const char* field);
// true or false; nullopt if not given.
Result<std::optional<bool>> OptionalBool(const nlohmann::ordered_json& body, const char* field);
// A JSON object; nullopt if not given.
Result<std::optional<nlohmann::ordered_json>> OptionalObject(const nlohmann::ordered_json& body,
                                                             const char* field);
// A string that must be given.
Result<std::string> RequiredString(const nlohmann::ordered_json& body, const char* field);

}  // namespace shortener

#endif  // SHORTENER_JSON_BODY_H_
