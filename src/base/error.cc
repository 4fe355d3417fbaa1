// The one mapping from the project's error codes to API.md's names and HTTP statuses.
#include "base/error.h"

namespace shortener {

namespace {

struct ErrorInfo {
  const char* name;
  int http_status;
};

ErrorInfo Info(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadJson:
      return {"bad_json", 400};
    case ErrorCode::kValidation:
      return {"validation", 422};
    case ErrorCode::kNotFound:
      return {"not_found", 404};
    case ErrorCode::kSlugTaken:
      return {"slug_taken", 409};
    case ErrorCode::kUsernameTaken:
      return {"username_taken", 409};
    case ErrorCode::kEmailTaken:
      return {"email_taken", 409};
    case ErrorCode::kUnauthorized:
      return {"unauthorized", 401};
    case ErrorCode::kForbidden:
      return {"forbidden", 403};
    case ErrorCode::kRateLimited:
      return {"rate_limited", 429};
    case ErrorCode::kMethodNotAllowed:
      return {"method_not_allowed", 405};
    case ErrorCode::kPayloadTooLarge:
      return {"payload_too_large", 413};
    case ErrorCode::kUnsupportedMediaType:
      return {"unsupported_media_type", 415};
    case ErrorCode::kBadRequest:
      return {"bad_request", 400};
    case ErrorCode::kUnavailable:
      return {"unavailable", 503};
    case ErrorCode::kInternal:
      return {"internal", 500};
  }
  return {"internal", 500};
}

}  // namespace

const char* ErrorCodeName(ErrorCode code) { return Info(code).name; }

int ErrorHttpStatus(ErrorCode code) { return Info(code).http_status; }

}  // namespace shortener
