// Unit tests of src/http/respond.h and src/base/error.h: the Error -> HTTP answer mapping of
// API.md.
#include "http/respond.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"

namespace shortener {
namespace {

struct CodeCase {
  ErrorCode code;
  const char* name;
  int status;
};

// API.md's table of machine codes, with the status each is answered with.
const std::vector<CodeCase>& AllCodes() {
  static const std::vector<CodeCase> cases = {
      {ErrorCode::kBadJson, "bad_json", 400},
      {ErrorCode::kValidation, "validation", 422},
      {ErrorCode::kNotFound, "not_found", 404},
      {ErrorCode::kSlugTaken, "slug_taken", 409},
      {ErrorCode::kUsernameTaken, "username_taken", 409},
      {ErrorCode::kEmailTaken, "email_taken", 409},
      {ErrorCode::kUnauthorized, "unauthorized", 401},
      {ErrorCode::kForbidden, "forbidden", 403},
      {ErrorCode::kRateLimited, "rate_limited", 429},
      {ErrorCode::kMethodNotAllowed, "method_not_allowed", 405},
      {ErrorCode::kPayloadTooLarge, "payload_too_large", 413},
      {ErrorCode::kUnsupportedMediaType, "unsupported_media_type", 415},
      {ErrorCode::kBadRequest, "bad_request", 400},
      {ErrorCode::kUnavailable, "unavailable", 503},
      {ErrorCode::kInternal, "internal", 500},
  };
  return cases;
}

std::string HeaderOr(const Response& response, const char* name) {
  const std::string* value = response.FindHeader(name);
  return value ? *value : "<absent>";
}

int CountHeader(const Response& response, const std::string& name) {
  int n = 0;
  for (const auto& header : response.headers()) n += header.first == name;
  return n;
}

void CheckJsonHeaders(const Response& response) {
  BOOST_TEST(HeaderOr(response, "Content-Type") == "application/json; charset=utf-8");
  BOOST_TEST(HeaderOr(response, "X-Content-Type-Options") == "nosniff");
  BOOST_TEST(CountHeader(response, "Content-Type") == 1);
  BOOST_TEST(CountHeader(response, "X-Content-Type-Options") == 1);
}

nlohmann::ordered_json Parse(const std::string& text) {
  return nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(respond)

BOOST_AUTO_TEST_CASE(every_code_has_the_api_name_and_status) {
  std::set<std::string> names;
  for (const CodeCase& c : AllCodes()) {
    BOOST_TEST_CONTEXT("code " << c.name) {
      BOOST_TEST(ErrorCodeName(c.code) == std::string(c.name));
      BOOST_TEST(ErrorHttpStatus(c.code) == c.status);
      names.insert(ErrorCodeName(c.code));
    }
  }
  // No two codes share a name.
  BOOST_TEST(names.size() == AllCodes().size());
}

BOOST_AUTO_TEST_CASE(error_response_status_and_body_shape) {
  for (const CodeCase& c : AllCodes()) {
    if (c.code == ErrorCode::kValidation) continue;  // takes a field; see below
    BOOST_TEST_CONTEXT("code " << c.name) {
      Response response = ErrorResponse(Error::Make(c.code, "Something for people."));
      BOOST_TEST(response.status() == c.status);
      CheckJsonHeaders(response);
      nlohmann::ordered_json body = Parse(response.body());
      BOOST_TEST(body.is_object());
      if (!body.is_object()) continue;
      BOOST_TEST(body["ok"] == false);
      BOOST_TEST(body["error"] == c.name);
      BOOST_TEST(body["message"] == "Something for people.");
      BOOST_TEST(!body.contains("field"));
      std::set<std::string> keys;
      for (auto it = body.begin(); it != body.end(); ++it) keys.insert(it.key());
      std::set<std::string> expected = {"ok", "error", "message"};
      if (c.code == ErrorCode::kUnauthorized) expected.insert("detail");
      BOOST_TEST(keys == expected, boost::test_tools::per_element());
      if (c.code != ErrorCode::kUnauthorized) {
        BOOST_TEST(response.FindHeader("WWW-Authenticate") == nullptr);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(validation_names_its_field) {
  const std::vector<std::string> fields = {"url", "original_url", "limit", "cursor", "metadata"};
  for (const std::string& field : fields) {
    BOOST_TEST_CONTEXT("field " << field) {
      Response response = ErrorResponse(Error::Validation(field, field + " is wrong."));
      BOOST_TEST(response.status() == 422);
      CheckJsonHeaders(response);
      nlohmann::ordered_json body = Parse(response.body());
      BOOST_TEST(body.is_object());
      if (!body.is_object()) continue;
      BOOST_TEST(body["ok"] == false);
      BOOST_TEST(body["error"] == "validation");
      BOOST_TEST(body["message"] == field + " is wrong.");
      BOOST_TEST(body["field"] == field);
      BOOST_TEST(body.size() == 4u);
    }
  }
}

BOOST_AUTO_TEST_CASE(unauthorized_carries_www_authenticate_and_detail) {
  for (const char* message : {"Missing token.", "Token expired.", ""}) {
    BOOST_TEST_CONTEXT("message \"" << message << "\"") {
      Response response = ErrorResponse(Error::Make(ErrorCode::kUnauthorized, message));
      BOOST_TEST(response.status() == 401);
      BOOST_TEST(HeaderOr(response, "WWW-Authenticate") == "Bearer");
      BOOST_TEST(CountHeader(response, "WWW-Authenticate") == 1);
      CheckJsonHeaders(response);
      nlohmann::ordered_json body = Parse(response.body());
      BOOST_TEST(body.is_object());
      if (!body.is_object()) continue;
      BOOST_TEST(body["ok"] == false);
      BOOST_TEST(body["error"] == "unauthorized");
      BOOST_TEST(body["message"] == message);
      BOOST_TEST(body["detail"] == "Token not provided or invalid");
    }
  }
}

BOOST_AUTO_TEST_CASE(json_response_headers_and_body) {
  const std::vector<std::pair<int, nlohmann::ordered_json>> cases = {
      {200, {{"ok", true}, {"original_url", "https://example.org/"}}},
      {201, {{"ok", true}, {"data", {{"_id", "1"}, {"clicks", 0}}}}},
      {200, nlohmann::ordered_json::object()},
      {200, nlohmann::ordered_json::array()},
      {500, {{"ok", false}}},
  };
  for (const auto& [status, value] : cases) {
    BOOST_TEST_CONTEXT("status " << status << " body " << value.dump()) {
      Response response = JsonResponse(status, value);
      BOOST_TEST(response.status() == status);
      CheckJsonHeaders(response);
      BOOST_TEST(Parse(response.body()) == value);
      // Compact: no pretty-printing newlines.
      BOOST_TEST(response.body().find('\n') == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_message_is_replaced_not_thrown) {
  const std::vector<std::string> messages = {
      "bad \xff byte",
      "truncated \xc3",
      "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80",
      std::string("nul \0 inside", 12),
  };
  for (const std::string& message : messages) {
    BOOST_TEST_CONTEXT("message of " << message.size() << " bytes") {
      Response response;
      BOOST_CHECK_NO_THROW(response = ErrorResponse(Error::Make(ErrorCode::kNotFound, message)));
      BOOST_TEST(response.status() == 404);
      nlohmann::ordered_json body = Parse(response.body());
      // The output is valid JSON (hence valid UTF-8) with the message still there.
      BOOST_TEST(body.is_object());
      if (!body.is_object()) continue;
      BOOST_TEST(body["error"] == "not_found");
      BOOST_TEST(body["message"].is_string());
      std::string out = body["message"].get<std::string>();
      BOOST_TEST(out.rfind(message.substr(0, 3), 0) == 0u);
    }
  }
  // Invalid UTF-8 in a field name and in JsonResponse / DumpJson directly.
  BOOST_CHECK_NO_THROW(ErrorResponse(Error::Validation("fi\xfeld", "m")));
  BOOST_CHECK_NO_THROW(JsonResponse(200, {{"original_url", "https://x.test/\x80"}}));
  std::string dumped;
  // 'z' is no hex digit, so each \x escape below is one byte.
  BOOST_CHECK_NO_THROW(dumped = DumpJson(nlohmann::ordered_json("a\xffz")));
  BOOST_TEST(dumped == "\"a\xEF\xBF\xBDz\"");  // U+FFFD in place of the bad byte
}

BOOST_AUTO_TEST_CASE(error_headers_follow_those_of_the_code) {
  Error error = Error::Make(ErrorCode::kUnavailable, "Busy.");
  error.headers = {{"RateLimit-Limit", "5"}, {"Vary", "Accept"}};
  Response response = ErrorResponse(error);
  BOOST_TEST(response.status() == 503);
  std::vector<std::string> names;
  for (const auto& header : response.headers()) names.push_back(header.first);
  const std::vector<std::string> expected = {"Content-Type", "X-Content-Type-Options",
                                             "Retry-After", "RateLimit-Limit", "Vary"};
  BOOST_TEST(names == expected, boost::test_tools::per_element());
  BOOST_TEST(HeaderOr(response, "Retry-After") == "1");
}

BOOST_AUTO_TEST_CASE(answer_of_an_outcome) {
  Response made(302);
  made.AddHeader("Location", "https://t.test/");
  Response answered = AnswerOf(made);
  BOOST_TEST(answered.status() == 302);
  BOOST_TEST(HeaderOr(answered, "Location") == "https://t.test/");
  BOOST_TEST(AnswerStatus(made) == 302);

  for (const CodeCase& c : AllCodes()) {
    BOOST_TEST_CONTEXT("code " << c.name) {
      Error error = Error::Make(c.code, "For people.");
      Response mapped = AnswerOf(error);
      Response direct = ErrorResponse(error);
      BOOST_TEST(mapped.status() == c.status);
      BOOST_TEST(AnswerStatus(error) == c.status);
      BOOST_TEST(mapped.body() == direct.body());
      BOOST_TEST(mapped.headers() == direct.headers());
    }
  }
}

BOOST_AUTO_TEST_CASE(an_answer_header_goes_on_a_response_and_on_an_error_alike) {
  Result<Response> success = Response(200);
  AddAnswerHeader(&success, "Vary", "Accept");
  Result<Response> failure = Error::Make(ErrorCode::kNotFound, "Gone.");
  AddAnswerHeader(&failure, "Vary", "Accept");
  BOOST_TEST(HeaderOr(AnswerOf(success), "Vary") == "Accept");
  Response failed = AnswerOf(failure);
  BOOST_TEST(failed.status() == 404);
  BOOST_TEST(HeaderOr(failed, "Vary") == "Accept");
  // CR or LF would split the answer: dropped on both sides, as Response::AddHeader drops it.
  for (const char* bad : {"a\r\nSet-Cookie: x=1", "a\nb", "a\rb"}) {
    Result<Response> ok = Response(200);
    AddAnswerHeader(&ok, "X-Bad", bad);
    Result<Response> err = Error::Make(ErrorCode::kNotFound, "Gone.");
    AddAnswerHeader(&err, "X-Bad", bad);
    BOOST_TEST(AnswerOf(ok).FindHeader("X-Bad") == nullptr);
    BOOST_TEST(AnswerOf(err).FindHeader("X-Bad") == nullptr);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
