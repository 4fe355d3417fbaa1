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
// "field" for validation errors; 401s also carry WWW-Authenticate and "detail".
Response ErrorResponse(const Error& error);

// Serialises `value` the way every response does (compact, invalid UTF-8 replaced).
std::string DumpJson(const nlohmann::ordered_json& value);

}  // namespace shortener

#endif  // SHORTENER_RESPOND_H_
