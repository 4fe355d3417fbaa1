// JSON request bodies through nlohmann::ordered_json, never throwing past this file.
#include "http/json_body.h"

namespace shortener {

namespace {
// Far beyond any metadata a person writes, far below what the stack can take.
constexpr int kMaxJsonDepth = 32;
}  // namespace

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
  // Nesting is capped while parsing: copying or serialising a value recurses once per level,
  // and a 64 KiB body of brackets would otherwise take a worker's stack.
  struct TooDeep {};
  nlohmann::ordered_json body;
  try {
    body = nlohmann::ordered_json::parse(
        request.body,
        [](int depth, nlohmann::ordered_json::parse_event_t, nlohmann::ordered_json&) {
          if (depth > kMaxJsonDepth) throw TooDeep{};
          return true;
        },
        /*allow_exceptions=*/false);
  } catch (const TooDeep&) {
    return Error::Make(ErrorCode::kBadJson, "The request body is nested too deeply.");
  }
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

Result<std::optional<bool>> OptionalBool(const nlohmann::ordered_json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (it->is_boolean()) return std::optional<bool>(it->get<bool>());
  return Error::Validation(field, std::string(field) + " must be true or false.");
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
