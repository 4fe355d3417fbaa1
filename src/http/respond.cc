// JSON response construction and the Error -> HTTP answer mapping.
#include "http/respond.h"

namespace shortener {

std::string DumpJson(const nlohmann::ordered_json& value) {
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Response JsonResponse(int status, const nlohmann::ordered_json& body) {
  Response response(status);
  response.AddHeader("Content-Type", "application/json; charset=utf-8");
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.set_body(DumpJson(body));
  return response;
}

Response ErrorResponse(const Error& error) {
  nlohmann::ordered_json body = {
      {"ok", false}, {"error", ErrorCodeName(error.code)}, {"message", error.message}};
  if (!error.field.empty()) body["field"] = error.field;
  if (error.code == ErrorCode::kUnauthorized) body["detail"] = "Token not provided or invalid";
  Response response = JsonResponse(ErrorHttpStatus(error.code), body);
  if (error.code == ErrorCode::kUnauthorized) response.AddHeader("WWW-Authenticate", "Bearer");
  // API.md "Retries": a 503 says when to try again. A second: the database's circuit breaker
  // probes again within a few, and a retry that comes early is refused just as quickly.
  if (error.code == ErrorCode::kUnavailable) response.AddHeader("Retry-After", "1");
  for (const auto& header : error.headers) response.AddHeader(header.first, header.second);
  return response;
}

Response AnswerOf(Result<Response> outcome) {
  if (outcome.ok()) return std::move(outcome).value();
  return ErrorResponse(outcome.error());
}

int AnswerStatus(const Result<Response>& outcome) {
  return outcome.ok() ? outcome.value().status() : ErrorHttpStatus(outcome.error().code);
}

void AddAnswerHeader(Result<Response>* outcome, std::string name, std::string value) {
  if (outcome->ok()) {
    outcome->value().AddHeader(std::move(name), std::move(value));
    return;
  }
  if (value.find_first_of("\r\n") != std::string::npos) return;
  // error() is const; the headers are the one part of an error that grows on the way up.
  Error error = std::move(*outcome).error();
  error.headers.emplace_back(std::move(name), std::move(value));
  *outcome = std::move(error);
}

}  // namespace shortener
