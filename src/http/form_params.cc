// Form parameters: the query string and a urlencoded body, both through ParseQuery (uriparser).
#include "http/form_params.h"

namespace shortener {

bool IsFormContentType(std::string_view content_type) {
  return HasMediaType(content_type, "application/x-www-form-urlencoded");
}

Result<FormParams> ReadFormParams(const Request& request) {
  if (request.body_too_large) {
    return Error::Make(ErrorCode::kPayloadTooLarge, "The request body is too large.");
  }
  Result<FormParams> params = ParseQuery(request.query);
  if (!params.ok()) return params.error();
  if (request.body.empty()) return params;
  if (!IsFormContentType(request.content_type)) {
    return Error::Make(ErrorCode::kUnsupportedMediaType,
                       "Send the parameters in the query string or as an "
                       "application/x-www-form-urlencoded body.");
  }
  Result<FormParams> body = ParseQuery(request.body);
  if (!body.ok()) {
    Error error = body.error();
    if (error.field == "query") {
      error.field = "body";
      error.message = "the request body is not a well-formed form encoding";
    }
    return error;
  }
  for (auto& [name, value] : body.value()) params.value()[name] = std::move(value);
  return params;
}

}  // namespace shortener
