// The project's error type and the Result/Status values every fallible call returns.
//
// Foreign errors (SQLException, memcached_return_t, argon2 codes) are turned into an
// Error once, in the file that wraps that library; everything above speaks Error only.
// ErrorHttpStatus() and ErrorCodeName() are the one mapping from an Error to HTTP.
#ifndef SHORTENER_ERROR_H_
#define SHORTENER_ERROR_H_

#include <string>
#include <utility>
#include <variant>

namespace shortener {

// Stable machine codes of API.md; the order is not significant.
enum class ErrorCode {
  kBadJson,
  kValidation,
  kNotFound,
  kSlugTaken,
  kUsernameTaken,
  kEmailTaken,
  kUnauthorized,
  kForbidden,
  kRateLimited,
  kMethodNotAllowed,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kBadRequest,
  kUnavailable,
  kInternal,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  // Text for people. Never SQL, paths or library internals: it reaches clients.
  std::string message;
  // The offending field, for kValidation; empty otherwise.
  std::string field;

  static Error Validation(std::string field, std::string message) {
    return Error{ErrorCode::kValidation, std::move(message), std::move(field)};
  }
  static Error Make(ErrorCode code, std::string message) {
    return Error{code, std::move(message), {}};
  }
};

// Returns the API.md code string, e.g. "slug_taken".
const char* ErrorCodeName(ErrorCode code);

// Returns the HTTP status an error is answered with, e.g. 409 for kSlugTaken.
int ErrorHttpStatus(ErrorCode code);

// A value or an Error. Access value() only when ok().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error, for calls with nothing to return.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace shortener

#endif  // SHORTENER_ERROR_H_
