// Unit tests of src/http/form_params.h: query string and urlencoded body merged, refusals.
#include "http/form_params.h"

#include <boost/test/unit_test.hpp>

namespace shortener {
namespace {

Request FormPost(std::string query, std::string body,
                 std::string type = "application/x-www-form-urlencoded") {
  Request request;
  request.method = "POST";
  request.query = std::move(query);
  request.body = std::move(body);
  request.content_type = std::move(type);
  return request;
}

BOOST_AUTO_TEST_SUITE(form_params)

BOOST_AUTO_TEST_CASE(query_and_body_merge_with_the_body_winning) {
  Result<FormParams> params =
      ReadFormParams(FormPost("action=expand&format=xml&a=1", "action=version&b=two+words"));
  BOOST_REQUIRE(params.ok());
  const FormParams expected = {
      {"action", "version"}, {"format", "xml"}, {"a", "1"}, {"b", "two words"}};
  BOOST_CHECK(params.value() == expected);
}

BOOST_AUTO_TEST_CASE(percent_decoding_and_plus_as_space) {
  Result<FormParams> params =
      ReadFormParams(FormPost("", "url=https%3A%2F%2Fex.org%2F%3Fq%3D1%262&title=K%C3%B6ln+1"));
  BOOST_REQUIRE(params.ok());
  BOOST_CHECK_EQUAL(params.value().at("url"), "https://ex.org/?q=1&2");
  BOOST_CHECK_EQUAL(params.value().at("title"), "K\xC3\xB6ln 1");
}

BOOST_AUTO_TEST_CASE(content_type_parameters_and_case_are_allowed) {
  BOOST_CHECK(IsFormContentType("application/x-www-form-urlencoded"));
  BOOST_CHECK(IsFormContentType("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  BOOST_CHECK(!IsFormContentType("multipart/form-data; boundary=x"));
  BOOST_CHECK(!IsFormContentType("application/json"));
  BOOST_CHECK(!IsFormContentType(""));
}

BOOST_AUTO_TEST_CASE(a_body_of_another_type_is_415_and_an_empty_one_is_no_body) {
  Result<FormParams> multipart =
      ReadFormParams(FormPost("", "--x\r\n", "multipart/form-data; boundary=x"));
  BOOST_REQUIRE(!multipart.ok());
  BOOST_CHECK(multipart.error().code == ErrorCode::kUnsupportedMediaType);
  Result<FormParams> untyped = ReadFormParams(FormPost("action=version", "a=1", ""));
  BOOST_REQUIRE(!untyped.ok());
  BOOST_CHECK(untyped.error().code == ErrorCode::kUnsupportedMediaType);
  // curl -d '' sends a form type; a GET has no type at all: both are just the query.
  Result<FormParams> empty = ReadFormParams(FormPost("action=version", "", ""));
  BOOST_REQUIRE(empty.ok());
  BOOST_CHECK_EQUAL(empty.value().at("action"), "version");
}

BOOST_AUTO_TEST_CASE(too_large_and_malformed_bodies) {
  Request big = FormPost("", "");
  big.body_too_large = true;
  Result<FormParams> too_large = ReadFormParams(big);
  BOOST_REQUIRE(!too_large.ok());
  BOOST_CHECK(too_large.error().code == ErrorCode::kPayloadTooLarge);
  Result<FormParams> nul = ReadFormParams(FormPost("", "url=a%00b"));
  BOOST_REQUIRE(!nul.ok());
  BOOST_CHECK(nul.error().code == ErrorCode::kValidation);
  BOOST_CHECK_EQUAL(nul.error().field, "url");
  Result<FormParams> nul_query = ReadFormParams(FormPost("x=%00", ""));
  BOOST_REQUIRE(!nul_query.ok());
  BOOST_CHECK_EQUAL(nul_query.error().field, "x");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
