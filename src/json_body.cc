// JSON request bodies through nlohmann::ordered_json, never throwing past this file.
#include "json_body.h"

namespace shortener {

Result<nlohmann::ordered_json> ReadJsonObject(const Request& request, bool empty_ok) {
  if (request.body_too_large) {
    return Error::Make(ErrorCode::kPayloadTooLarge, "The request body is too large.");
  }
  if (request.body.empty() && empty_ok) return nlohmann::ordered_json::object();
  if (!IsJsonContentType(request.content_type)) {
    return Error::Make(ErrorCode::kUnsupportedMediaType,
                       "Send the body as JSON with Content-Type: application/json.");
  }
  // JSON text never holds a raw NUL, and the parser would take one for the end of input,
  // accepting "{}\0junk": refuse it outright.
  if (request.body.find('\0') != std::string::npos) {
    return Error::Make(ErrorCode::kBadJson, "The request body is not valid JSON.");
  }
  nlohmann::ordered_json body =
      nlohmann::ordered_json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return Error::Make(ErrorCode::kBadJson, "The request body is not valid JSON.");
  }
  if (!body.is_object()) {
    return Error::Make(ErrorCode::kBadJson, "The request body must be a JSON object.");
  }
  return body;
}

Result<std::optional<std::string>> OptionalString(const nlohmann::ordered_json& body,
                                                  const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Error::Validation(field, std::string(field) + " must be a string.");
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int64_t>> OptionalInteger(const nlohmann::ordered_json& body,
                                               const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<int64_t>();
  if (it->is_number_integer()) {
    if (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX) {
      return Error::Validation(field, std::string(field) + " is out of range.");
    }
    return std::optional<int64_t>(it->get<int64_t>());
  }
  return Error::Validation(field, std::string(field) + " must be a whole number.");
}

Result<std::optional<nlohmann::ordered_json>> OptionalObject(const nlohmann::ordered_json& body,
                                                             const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<nlohmann::ordered_json>();
  if (!it->is_object()) {
    return Error::Validation(field, std::string(field) + " must be a JSON object.");
  }
  return std::optional<nlohmann::ordered_json>(*it);
}

Result<std::string> RequiredString(const nlohmann::ordered_json& body, const char* field) {
  Result<std::optional<std::string>> value = OptionalString(body, field);
  if (!value.ok()) return value.error();
  if (!value.value()) return Error::Validation(field, std::string(field) + " is required.");
  return *value.value();
}

}  // namespace shortener
