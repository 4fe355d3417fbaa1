// The project's error type and the Result/Status values every fallible call returns.
//
// Foreign errors (SQLException, memcached_return_t, argon2 codes) are turned into an
// Error once, in the file that wraps that library; everything above speaks Error only.
// ErrorHttpStatus() and ErrorCodeName() are the one mapping from an Error to HTTP.
//
// Both are [[nodiscard]]: an outcome is handled, passed up, or dropped on purpose with
// IgnoreError() (best effort work, where the comment beside it says why). RETURN_IF_ERROR and
// ASSIGN_OR_RETURN, at the end, pass an error up in one line.
#ifndef SHORTENER_ERROR_H_
#define SHORTENER_ERROR_H_

#include <string>
#include <utility>
#include <variant>
#include <vector>

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
  // Headers its HTTP answer carries besides those its code implies (RateLimit-*, Retry-After of a
  // limit, Vary): name and value, added in this order by the one mapping (http/respond.h).
  std::vector<std::pair<std::string, std::string>> headers;

  static Error Validation(std::string field, std::string message) {
    return Error{ErrorCode::kValidation, std::move(message), std::move(field), {}};
  }
  static Error Make(ErrorCode code, std::string message) {
    return Error{code, std::move(message), {}, {}};
  }
};

// Returns the API.md code string, e.g. "slug_taken".
const char* ErrorCodeName(ErrorCode code);

// Returns the HTTP status an error is answered with, e.g. 409 for kSlugTaken.
int ErrorHttpStatus(ErrorCode code);

// A value or an Error. Access value() only when ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  // Drops the outcome on purpose (best effort work); the caller says why in a comment.
  void IgnoreError() const {}

 private:
  std::variant<T, Error> v_;
};

// Success or an Error, for calls with nothing to return.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }
  // Drops the outcome on purpose (best effort work); the caller says why in a comment.
  void IgnoreError() const {}

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace shortener

// Inside a function returning Status or Result<U>: evaluates `expr` (a Status or a Result) once
// and returns its Error if it failed.
//   RETURN_IF_ERROR(CheckPassword(password));
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    auto shortener_status_ = (expr);               \
    if (!shortener_status_.ok()) {                 \
      return std::move(shortener_status_).error(); \
    }                                              \
  } while (false)

// Inside a function returning Status or Result<U>: evaluates `expr` (a Result<T>) once; on an
// error returns it, else moves the value into `lhs`, a declaration or an lvalue:
//   ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOnly));
//   ASSIGN_OR_RETURN(change.url, AcceptTargetUrl(url, policy, "original_url"));
// It expands to several statements: not the body of an unbraced if. A type with a comma in
// it needs an alias (or auto).
#define ASSIGN_OR_RETURN(lhs, expr) \
  SHORTENER_ASSIGN_OR_RETURN_(SHORTENER_CONCAT_(shortener_result_, __COUNTER__), lhs, expr)

#define SHORTENER_CONCAT_INNER_(a, b) a##b
#define SHORTENER_CONCAT_(a, b) SHORTENER_CONCAT_INNER_(a, b)
#define SHORTENER_ASSIGN_OR_RETURN_(result, lhs, expr) \
  auto result = (expr);                                \
  if (!result.ok()) return std::move(result).error();  \
  lhs = std::move(result).value()

#endif  // SHORTENER_ERROR_H_
