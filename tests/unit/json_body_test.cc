// Unit tests of src/http/json_body.h: reading JSON request bodies and their typed fields.
#include "http/json_body.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace shortener {
namespace {

Request MakeRequest(std::string content_type, std::string body, bool too_large = false) {
  Request request;
  request.method = "POST";
  request.path = "/url/shorten";
  request.content_type = std::move(content_type);
  request.body = std::move(body);
  request.body_too_large = too_large;
  return request;
}

// "ok" or the error's API code name, so failures print readably.
template <typename T>
std::string Outcome(const Result<T>& result) {
  return result.ok() ? "ok" : ErrorCodeName(result.error().code);
}

template <typename T>
std::string FieldOf(const Result<T>& result) {
  return result.ok() ? "<ok>" : result.error().field;
}

nlohmann::ordered_json J(const char* text) { return nlohmann::ordered_json::parse(text); }

}  // namespace

BOOST_AUTO_TEST_SUITE(json_body)

BOOST_AUTO_TEST_CASE(read_json_object_outcomes) {
  const std::string json = "application/json";
  struct Case {
    std::string name;
    Request request;
    bool empty_ok;
    std::string outcome;  // "ok" or the API error code
  };
  const std::vector<Case> cases = {
      // 413 comes first, whatever else is wrong.
      {"too large", MakeRequest(json, "", true), false, "payload_too_large"},
      {"too large, empty_ok", MakeRequest(json, "", true), true, "payload_too_large"},
      {"too large, wrong type", MakeRequest("text/plain", "x", true), false, "payload_too_large"},
      // 415 for anything but JSON.
      {"text/plain", MakeRequest("text/plain", "{}"), false, "unsupported_media_type"},
      {"form", MakeRequest("application/x-www-form-urlencoded", "url=x"), false,
       "unsupported_media_type"},
      {"jsonp", MakeRequest("application/jsonp", "{}"), false, "unsupported_media_type"},
      {"missing type with a body", MakeRequest("", "{\"url\":\"x\"}"), false,
       "unsupported_media_type"},
      {"missing type with a body, empty_ok", MakeRequest("", "{}"), true, "unsupported_media_type"},
      {"missing type, no body", MakeRequest("", ""), false, "unsupported_media_type"},
      // empty_ok with no body at all, whatever the type.
      {"empty_ok, no body", MakeRequest("", ""), true, "ok"},
      {"empty_ok, no body, json", MakeRequest(json, ""), true, "ok"},
      {"empty_ok, with an object", MakeRequest(json, "{\"name\":\"k\"}"), true, "ok"},
      {"empty_ok, with junk", MakeRequest(json, "nope"), true, "bad_json"},
      // Parameters and case of the content type.
      {"charset", MakeRequest("application/json; charset=utf-8", "{}"), false, "ok"},
      {"upper case", MakeRequest("APPLICATION/JSON", "{}"), false, "ok"},
      // 400 for what does not parse or is not an object.
      {"json type, empty body", MakeRequest(json, ""), false, "bad_json"},
      {"whitespace only", MakeRequest(json, "  \n"), false, "bad_json"},
      {"truncated", MakeRequest(json, "{\"url\": "), false, "bad_json"},
      {"trailing junk", MakeRequest(json, "{} x"), false, "bad_json"},
      {"two objects", MakeRequest(json, "{}{}"), false, "bad_json"},
      {"single quotes", MakeRequest(json, "{'url': 'x'}"), false, "bad_json"},
      {"trailing comma", MakeRequest(json, "{\"a\":1,}"), false, "bad_json"},
      {"comment", MakeRequest(json, "{/* c */}"), false, "bad_json"},
      {"NaN", MakeRequest(json, "{\"a\":NaN}"), false, "bad_json"},
      {"array", MakeRequest(json, "[]"), false, "bad_json"},
      {"array of object", MakeRequest(json, "[{\"url\":\"x\"}]"), false, "bad_json"},
      {"string", MakeRequest(json, "\"{}\""), false, "bad_json"},
      {"number", MakeRequest(json, "42"), false, "bad_json"},
      {"true", MakeRequest(json, "true"), false, "bad_json"},
      {"null", MakeRequest(json, "null"), false, "bad_json"},
      {"invalid UTF-8 in a string", MakeRequest(json, "{\"url\":\"\xff\"}"), false, "bad_json"},
      {"invalid UTF-8 in a key", MakeRequest(json, "{\"\xc3\x28\":1}"), false, "bad_json"},
      {"overlong UTF-8", MakeRequest(json, "{\"a\":\"\xc0\xaf\"}"), false, "bad_json"},
      {"UTF-16 surrogate in UTF-8", MakeRequest(json, "{\"a\":\"\xed\xa0\x80\"}"), false,
       "bad_json"},
      {"lone surrogate escape", MakeRequest(json, "{\"a\":\"\\ud800\"}"), false, "bad_json"},
      {"raw control character", MakeRequest(json, "{\"a\":\"x\ny\"}"), false, "bad_json"},
      {"NUL byte inside a string", MakeRequest(json, std::string("{\"a\":\"x\0y\"}", 12)), false,
       "bad_json"},
      // Valid objects.
      {"object", MakeRequest(json, "{\"url\":\"https://a.test/\"}"), false, "ok"},
      {"nested", MakeRequest(json, "{\"m\":{\"a\":[1,2,{\"b\":null}]}}"), false, "ok"},
      {"escaped UTF-8", MakeRequest(json, "{\"a\":\"\\u00e9\\ud83d\\ude00\"}"), false, "ok"},
      {"raw UTF-8", MakeRequest(json, "{\"a\":\"\xc3\xa9\xf0\x9f\x98\x80\"}"), false, "ok"},
      {"whitespace around", MakeRequest(json, " \r\n\t{}\n "), false, "ok"},
      {"duplicate keys", MakeRequest(json, "{\"a\":1,\"a\":2}"), false, "ok"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      Result<nlohmann::ordered_json> result = ReadJsonObject(c.request, c.empty_ok);
      BOOST_TEST(Outcome(result) == c.outcome);
      if (result.ok()) {
        BOOST_TEST(result.value().is_object());
      } else {
        BOOST_TEST(!result.error().message.empty());
        BOOST_TEST(result.error().field.empty());
      }
    }
  }
}

// Regression: nlohmann's lexer takes a NUL byte for the end of input, so "{}" followed by a NUL
// and any junk was once accepted as the object {} instead of being answered 400 bad_json.
BOOST_AUTO_TEST_CASE(read_json_object_rejects_bytes_after_a_nul) {
  for (const std::string& body : {std::string("{\"a\":1}\0", 8), std::string("{}\0junk", 7)}) {
    BOOST_TEST_CONTEXT("body of " << body.size() << " bytes") {
      BOOST_TEST(Outcome(ReadJsonObject(MakeRequest("application/json", body), false)) ==
                 "bad_json");
    }
  }
}

BOOST_AUTO_TEST_CASE(read_json_object_values) {
  Result<nlohmann::ordered_json> empty = ReadJsonObject(MakeRequest("", ""), /*empty_ok=*/true);
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty.value() == nlohmann::ordered_json::object());

  Result<nlohmann::ordered_json> body = ReadJsonObject(
      MakeRequest("application/json; charset=utf-8", "{\"url\":\"https://a.test/\",\"n\":3}"),
      /*empty_ok=*/false);
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(body.value() == J(R"({"url": "https://a.test/", "n": 3})"));

  Result<nlohmann::ordered_json> utf8 =
      ReadJsonObject(MakeRequest("application/json", "{\"a\":\"\\u00e9\"}"), false);
  BOOST_REQUIRE(utf8.ok());
  BOOST_TEST(utf8.value()["a"].get<std::string>() == "\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(read_json_object_deep_nesting_does_not_crash) {
  // 64 KiB of brackets: within max_body_bytes, so it reaches the parser.
  std::string deep = "{\"a\":" + std::string(30000, '[') + std::string(30000, ']') + "}";
  Result<nlohmann::ordered_json> result =
      ReadJsonObject(MakeRequest("application/json", deep), false);
  BOOST_TEST(Outcome(result) == "bad_json");
  // The cap is 32 levels, the body object itself being the first.
  auto nested = [](int levels) {  // REQUIRES: levels >= 2
    return "{\"a\":" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  BOOST_TEST(Outcome(ReadJsonObject(MakeRequest("application/json", nested(32)), false)) == "ok");
  BOOST_TEST(Outcome(ReadJsonObject(MakeRequest("application/json", nested(34)), false)) ==
             "bad_json");
  // Nesting a person might write is fine.
  std::string modest = "{\"a\":" + std::string(20, '[') + std::string(20, ']') + "}";
  BOOST_TEST(Outcome(ReadJsonObject(MakeRequest("application/json", modest), false)) == "ok");
  std::string unclosed = std::string(60000, '[');
  Result<nlohmann::ordered_json> bad =
      ReadJsonObject(MakeRequest("application/json", unclosed), false);
  BOOST_TEST(Outcome(bad) == "bad_json");
}

BOOST_AUTO_TEST_CASE(optional_string) {
  const nlohmann::ordered_json body = J(R"({
    "s": "text", "empty": "", "null": null, "n": 3, "f": 1.5, "b": true,
    "a": ["x"], "o": {"x": 1}, "numstr": "3"
  })");
  struct Case {
    const char* field;
    std::string outcome;
    std::optional<std::string> value;
  };
  const std::vector<Case> cases = {
      {"s", "ok", "text"},          {"empty", "ok", ""},
      {"numstr", "ok", "3"},        {"absent", "ok", std::nullopt},
      {"null", "ok", std::nullopt}, {"n", "validation", {}},
      {"f", "validation", {}},      {"b", "validation", {}},
      {"a", "validation", {}},      {"o", "validation", {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("field " << c.field) {
      Result<std::optional<std::string>> result = OptionalString(body, c.field);
      BOOST_TEST(Outcome(result) == c.outcome);
      if (result.ok()) {
        BOOST_TEST(result.value().has_value() == c.value.has_value());
        if (result.value() && c.value) BOOST_TEST(*result.value() == *c.value);
      } else {
        BOOST_TEST(FieldOf(result) == c.field);
        BOOST_TEST(!result.error().message.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(optional_integer) {
  const nlohmann::ordered_json body = J(R"({
    "zero": 0, "one": 1, "neg": -5, "big": 9223372036854775807,
    "min": -9223372036854775808, "huge": 9223372036854775808,
    "max_u64": 18446744073709551615, "beyond_u64": 18446744073709551616,
    "below_min": -9223372036854775809,
    "f": 1.5, "f_whole": 1.0, "exp": 1e3, "str": "3", "b": true, "bf": false,
    "a": [3], "o": {"v": 3}, "null": null
  })");
  struct Case {
    const char* field;
    std::string outcome;
    std::optional<int64_t> value;
  };
  const std::vector<Case> cases = {
      {"zero", "ok", 0},
      {"one", "ok", 1},
      {"neg", "ok", -5},
      {"big", "ok", INT64_MAX},
      {"min", "ok", INT64_MIN},
      {"absent", "ok", std::nullopt},
      {"null", "ok", std::nullopt},
      {"huge", "validation", {}},
      {"max_u64", "validation", {}},
      {"beyond_u64", "validation", {}},
      {"below_min", "validation", {}},
      {"f", "validation", {}},
      {"f_whole", "validation", {}},
      {"exp", "validation", {}},
      {"str", "validation", {}},
      {"b", "validation", {}},
      {"bf", "validation", {}},
      {"a", "validation", {}},
      {"o", "validation", {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("field " << c.field) {
      Result<std::optional<int64_t>> result = OptionalInteger(body, c.field);
      BOOST_TEST(Outcome(result) == c.outcome);
      if (result.ok()) {
        BOOST_TEST(result.value().has_value() == c.value.has_value());
        if (result.value() && c.value) BOOST_TEST(*result.value() == *c.value);
      } else {
        BOOST_TEST(FieldOf(result) == c.field);
        BOOST_TEST(!result.error().message.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(optional_object) {
  const nlohmann::ordered_json body = J(R"({
    "o": {"a": 1, "b": [true]}, "empty": {}, "null": null, "a": [], "s": "{}", "n": 0, "b": false
  })");
  struct Case {
    const char* field;
    std::string outcome;
    std::optional<nlohmann::ordered_json> value;
  };
  const std::vector<Case> cases = {
      {"o", "ok", J(R"({"a": 1, "b": [true]})")},
      {"empty", "ok", nlohmann::ordered_json::object()},
      {"absent", "ok", std::nullopt},
      {"null", "ok", std::nullopt},
      {"a", "validation", {}},
      {"s", "validation", {}},
      {"n", "validation", {}},
      {"b", "validation", {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("field " << c.field) {
      Result<std::optional<nlohmann::ordered_json>> result = OptionalObject(body, c.field);
      BOOST_TEST(Outcome(result) == c.outcome);
      if (result.ok()) {
        BOOST_TEST(result.value().has_value() == c.value.has_value());
        if (result.value() && c.value) BOOST_TEST(*result.value() == *c.value);
      } else {
        BOOST_TEST(FieldOf(result) == c.field);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(required_string) {
  const nlohmann::ordered_json body =
      J(R"({"url": "https://a.test/", "empty": "", "null": null, "n": 1, "o": {}, "b": true})");
  struct Case {
    const char* field;
    std::string outcome;
    std::string value;
  };
  const std::vector<Case> cases = {
      // An empty string is given: emptiness is for the field's own rules to judge.
      {"url", "ok", "https://a.test/"}, {"empty", "ok", ""},     {"absent", "validation", ""},
      {"null", "validation", ""},       {"n", "validation", ""}, {"o", "validation", ""},
      {"b", "validation", ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("field " << c.field) {
      Result<std::string> result = RequiredString(body, c.field);
      BOOST_TEST(Outcome(result) == c.outcome);
      if (result.ok()) {
        BOOST_TEST(result.value() == c.value);
      } else {
        BOOST_TEST(FieldOf(result) == c.field);
        BOOST_TEST(!result.error().message.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
