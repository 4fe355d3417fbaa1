// Building JSON responses, and the one mapping from an Error to its HTTP answer.
#ifndef SHORTENER_RESPOND_H_
#define SHORTENER_RESPOND_H_

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "http/http.h"

namespace shortener {

// A response with `status` and `body` serialised as JSON (application/json; charset=utf-8,
// X-Content-Type-Options: nosniff). Invalid UTF-8 that came from a client is replaced, never
// thrown on.
Response JsonResponse(int status, const nlohmann::ordered_json& body);

// The API.md error answer of `error`: its status and {"ok": false, "error", "message"} plus
// "field" for validation errors; 401s also carry WWW-Authenticate and "detail", 503s
// Retry-After: 1; then error.headers, in order. Handlers never call it: they return their
// Error, and dispatch answers it through AnswerOf.
Response ErrorResponse(const Error& error);

// What a handler's outcome is answered with: the response, or ErrorResponse of the error. The
// one place an outcome becomes HTTP (Router::Dispatch calls it).
Response AnswerOf(Result<Response> outcome);

// The HTTP status `outcome` will be answered with.
int AnswerStatus(const Result<Response>& outcome);

// Adds the header `name: value` to whatever `outcome` is answered with, a response or an error.
// A value holding CR or LF is dropped, as Response::AddHeader drops it.
void AddAnswerHeader(Result<Response>* outcome, std::string name, std::string value);

// Serialises `value` the way every response does (compact, invalid UTF-8 replaced).
std::string DumpJson(const nlohmann::ordered_json& value);

}  // namespace shortener

#endif  // SHORTENER_RESPOND_H_
