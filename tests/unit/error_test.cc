// Unit tests of src/base/error.h: RETURN_IF_ERROR and ASSIGN_OR_RETURN pass errors up whole and
// values on, each evaluating its expression once.
#include "base/error.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

namespace shortener {
namespace {

// An error with every part set, so that a test sees any part lost on the way up.
Error FullError() {
  Error error = Error::Validation("name", "name is wrong.");
  error.headers.emplace_back("RateLimit-Remaining", "3");
  return error;
}

void CheckIsFullError(const Error& error) {
  BOOST_TEST(static_cast<int>(error.code) == static_cast<int>(ErrorCode::kValidation));
  BOOST_TEST(error.message == "name is wrong.");
  BOOST_TEST(error.field == "name");
  BOOST_TEST(error.headers.size() == 1u);
  if (error.headers.size() == 1u) {
    BOOST_TEST(error.headers[0].first == "RateLimit-Remaining");
    BOOST_TEST(error.headers[0].second == "3");
  }
}

// Counts its calls, and fails or succeeds as told.
struct Source {
  int calls = 0;
  Status Check(bool ok) {
    ++calls;
    return ok ? Status::Ok() : Status(FullError());
  }
  Result<int> Number(bool ok, int value) {
    ++calls;
    if (!ok) return FullError();
    return value;
  }
  Result<std::unique_ptr<std::string>> Owned(bool ok) {
    ++calls;
    if (!ok) return FullError();
    return std::make_unique<std::string>("moved, not copied");
  }
};

// RETURN_IF_ERROR on a Status, in a function returning Result<int>.
Result<int> AfterCheck(Source* source, bool ok) {
  RETURN_IF_ERROR(source->Check(ok));
  return 7;
}

// RETURN_IF_ERROR on a Result, in a function returning Status.
Status AfterNumber(Source* source, bool ok) {
  RETURN_IF_ERROR(source->Number(ok, 1));
  return Status::Ok();
}

// Two ASSIGN_OR_RETURN in one scope, one declaring and one assigning to an existing lvalue.
Result<int> Sum(Source* source, bool first_ok, bool second_ok) {
  ASSIGN_OR_RETURN(int a, source->Number(first_ok, 40));
  int b = 0;
  ASSIGN_OR_RETURN(b, source->Number(second_ok, 2));
  return a + b;
}

// ASSIGN_OR_RETURN of a move-only value, in a function returning Status.
Status TakeOwned(Source* source, bool ok, std::string* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<std::string> owned, source->Owned(ok));
  *out = *owned;
  return Status::Ok();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(error_helpers)

BOOST_AUTO_TEST_CASE(return_if_error_passes_a_status_error_up_whole) {
  Source source;
  Result<int> ok = AfterCheck(&source, true);
  BOOST_TEST(ok.ok());
  if (ok.ok()) BOOST_TEST(ok.value() == 7);
  Result<int> failed = AfterCheck(&source, false);
  BOOST_TEST(!failed.ok());
  if (!failed.ok()) CheckIsFullError(failed.error());
  BOOST_TEST(source.calls == 2);  // once per use
}

BOOST_AUTO_TEST_CASE(return_if_error_takes_a_result_too) {
  Source source;
  BOOST_TEST(AfterNumber(&source, true).ok());
  Status failed = AfterNumber(&source, false);
  BOOST_TEST(!failed.ok());
  if (!failed.ok()) CheckIsFullError(failed.error());
  BOOST_TEST(source.calls == 2);
}

BOOST_AUTO_TEST_CASE(assign_or_return_declares_assigns_and_stops_at_the_first_error) {
  Source source;
  Result<int> sum = Sum(&source, true, true);
  BOOST_TEST(sum.ok());
  if (sum.ok()) BOOST_TEST(sum.value() == 42);
  BOOST_TEST(source.calls == 2);

  source.calls = 0;
  Result<int> first_failed = Sum(&source, false, true);
  BOOST_TEST(!first_failed.ok());
  if (!first_failed.ok()) CheckIsFullError(first_failed.error());
  BOOST_TEST(source.calls == 1);  // the second expression never ran

  source.calls = 0;
  Result<int> second_failed = Sum(&source, true, false);
  BOOST_TEST(!second_failed.ok());
  if (!second_failed.ok()) CheckIsFullError(second_failed.error());
  BOOST_TEST(source.calls == 2);
}

BOOST_AUTO_TEST_CASE(assign_or_return_moves_a_move_only_value) {
  Source source;
  std::string out;
  BOOST_TEST(TakeOwned(&source, true, &out).ok());
  BOOST_TEST(out == "moved, not copied");
  Status failed = TakeOwned(&source, false, &out);
  BOOST_TEST(!failed.ok());
  if (!failed.ok()) CheckIsFullError(failed.error());
}

BOOST_AUTO_TEST_CASE(an_rvalue_error_moves_out_whole) {
  Result<int> failed = FullError();
  Error moved = std::move(failed).error();
  CheckIsFullError(moved);
  Status status = FullError();
  CheckIsFullError(std::move(status).error());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
