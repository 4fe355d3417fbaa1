// Unit tests of src/http/http.h: header safety, response serialisation, content negotiation,
// queries.
#include "http/http.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "http/fcgi_io.h"

namespace shortener {
namespace {

// A serialised response taken apart again: the Status line, the header lines in order and what
// follows the blank line.
struct ParsedOutput {
  std::string status_line;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool well_formed = false;
};

ParsedOutput ParseOutput(const std::string& out) {
  ParsedOutput parsed;
  size_t end_of_head = out.find("\r\n\r\n");
  if (end_of_head == std::string::npos) return parsed;
  std::string head = out.substr(0, end_of_head + 2);
  parsed.body = out.substr(end_of_head + 4);
  size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    if (eol == std::string::npos) return parsed;
    std::string line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (first) {
      parsed.status_line = line;
      first = false;
      continue;
    }
    size_t colon = line.find(": ");
    if (colon == std::string::npos) return parsed;
    parsed.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  parsed.well_formed = !first;
  return parsed;
}

int CountHeader(const ParsedOutput& parsed, const std::string& name) {
  int n = 0;
  for (const auto& header : parsed.headers) n += header.first == name;
  return n;
}

std::string HeaderValue(const ParsedOutput& parsed, const std::string& name) {
  for (const auto& header : parsed.headers) {
    if (header.first == name) return header.second;
  }
  return "<absent>";
}

// "{k=v, ...}" with byte counts, so maps compare readably and embedded NULs show.
std::string Describe(const std::map<std::string, std::string>& map) {
  std::string out = "{";
  for (const auto& [key, value] : map) {
    if (out.size() > 1) out += ", ";
    out += "[" + key + "](" + std::to_string(key.size()) + ")=[" + value + "](" +
           std::to_string(value.size()) + ")";
  }
  return out + "}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http)

BOOST_AUTO_TEST_CASE(the_larger_body_limit_holds_for_a_post_to_its_path_only) {
  const BodyLimits limits{65536, "/api/v1/import", 67108864};
  BOOST_TEST(limits.For("POST", "/api/v1/import") == 67108864u);
  BOOST_TEST(limits.For("PUT", "/api/v1/import") == 65536u);
  BOOST_TEST(limits.For("POST", "/api/v1/import2") == 65536u);
  BOOST_TEST(limits.For("POST", "/api/v1/url-shortener") == 65536u);
  BOOST_TEST((BodyLimits{65536, "", 1}.For("POST", "") == 65536u));
}

BOOST_AUTO_TEST_CASE(add_header_accepts_plain_values) {
  Response response;
  BOOST_TEST(response.AddHeader("Location", "https://example.org/a?b=c#d"));
  BOOST_TEST(response.AddHeader("X-Empty", ""));
  BOOST_REQUIRE_EQUAL(response.headers().size(), 2u);
  BOOST_TEST(response.headers()[0].first == "Location");
  BOOST_TEST(response.headers()[0].second == "https://example.org/a?b=c#d");
  BOOST_TEST(response.headers()[1].first == "X-Empty");
  BOOST_TEST(response.headers()[1].second == "");
}

BOOST_AUTO_TEST_CASE(add_header_refuses_cr_and_lf) {
  const std::vector<std::string> values = {
      "a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "\r", "\n", "trailing\r\n", "\r\nleading",
  };
  for (const std::string& value : values) {
    BOOST_TEST_CONTEXT("value with " << value.size() << " bytes") {
      Response response;
      response.AddHeader("X-Before", "1");
      BOOST_TEST(!response.AddHeader("Location", value));
      BOOST_TEST(response.headers().size() == 1u);
      BOOST_TEST(response.FindHeader("Location") == nullptr);
      // Nothing of the refused value can reach the wire.
      std::string out = SerializeResponse(response, false);
      BOOST_TEST(out.find("Location") == std::string::npos);
      BOOST_TEST(out.find("Set-Cookie") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(find_header_returns_first_match_case_sensitively) {
  Response response;
  response.AddHeader("Vary", "Accept");
  response.AddHeader("Allow", "GET");
  response.AddHeader("Vary", "Origin");
  const std::string* vary = response.FindHeader("Vary");
  BOOST_REQUIRE(vary != nullptr);
  BOOST_TEST(*vary == "Accept");
  const std::string* allow = response.FindHeader("Allow");
  BOOST_REQUIRE(allow != nullptr);
  BOOST_TEST(*allow == "GET");
  BOOST_TEST(response.FindHeader("vary") == nullptr);
  BOOST_TEST(response.FindHeader("Location") == nullptr);
  BOOST_TEST(response.FindHeader("") == nullptr);
  BOOST_TEST(Response().FindHeader("Vary") == nullptr);
}

BOOST_AUTO_TEST_CASE(status_reasons) {
  const std::vector<std::pair<int, std::string>> cases = {
      {200, "OK"},
      {201, "Created"},
      {204, "No Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {409, "Conflict"},
      {413, "Content Too Large"},
      {415, "Unsupported Media Type"},
      {422, "Unprocessable Content"},
      {429, "Too Many Requests"},
      {500, "Internal Server Error"},
      {503, "Service Unavailable"},
  };
  for (const auto& [status, reason] : cases) {
    BOOST_TEST_CONTEXT("status " << status) { BOOST_TEST(StatusReason(status) == reason); }
  }
}

BOOST_AUTO_TEST_CASE(serialize_status_line_headers_and_body) {
  struct Case {
    int status;
    std::string body;
    std::string status_line;
  };
  const std::vector<Case> cases = {
      {200, "{\"ok\":true}", "Status: 200 OK"},
      {201, "{\"ok\":true,\"slug\":\"abc\"}", "Status: 201 Created"},
      {302, "", "Status: 302 Found"},
      {404, "{\"ok\":false}", "Status: 404 Not Found"},
      {422, "x", "Status: 422 Unprocessable Content"},
      {503, std::string(70000, 'b'), "Status: 503 Service Unavailable"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("status " << c.status << ", body of " << c.body.size() << " bytes") {
      Response response(c.status);
      response.AddHeader("Content-Type", "application/json; charset=utf-8");
      response.AddHeader("X-Content-Type-Options", "nosniff");
      response.set_body(c.body);
      std::string out = SerializeResponse(response, false);
      ParsedOutput parsed = ParseOutput(out);
      BOOST_REQUIRE(parsed.well_formed);
      BOOST_TEST(parsed.status_line == c.status_line);
      BOOST_REQUIRE_EQUAL(parsed.headers.size(), 3u);
      BOOST_TEST(parsed.headers[0].first == "Content-Type");
      BOOST_TEST(parsed.headers[0].second == "application/json; charset=utf-8");
      BOOST_TEST(parsed.headers[1].first == "X-Content-Type-Options");
      BOOST_TEST(parsed.headers[1].second == "nosniff");
      BOOST_TEST(CountHeader(parsed, "Content-Length") == 1);
      BOOST_TEST(HeaderValue(parsed, "Content-Length") == std::to_string(c.body.size()));
      BOOST_TEST(parsed.body == c.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(serialize_unknown_status_still_well_formed) {
  Response response(418);
  response.set_body("tea");
  ParsedOutput parsed = ParseOutput(SerializeResponse(response, false));
  BOOST_REQUIRE(parsed.well_formed);
  BOOST_TEST(parsed.status_line == "Status: 418 Unknown");
  BOOST_TEST(HeaderValue(parsed, "Content-Length") == "3");
  BOOST_TEST(parsed.body == "tea");
}

BOOST_AUTO_TEST_CASE(serialize_empty_body_has_content_length_zero) {
  Response response(302);
  response.AddHeader("Location", "https://example.org/");
  std::string out = SerializeResponse(response, false);
  BOOST_TEST(out ==
             "Status: 302 Found\r\nLocation: https://example.org/\r\nContent-Length: 0\r\n\r\n");
}

BOOST_AUTO_TEST_CASE(serialize_head_writes_no_body_but_the_get_length) {
  const std::vector<std::pair<int, std::string>> cases = {
      {200, "{\"ok\":true,\"original_url\":\"https://example.org/\"}"},
      {404, "{\"ok\":false,\"error\":\"not_found\",\"message\":\"URL Shortener not found.\"}"},
      {302, ""},
  };
  for (const auto& [status, body] : cases) {
    BOOST_TEST_CONTEXT("status " << status) {
      Response response(status);
      response.AddHeader("Content-Type", "application/json; charset=utf-8");
      response.set_body(body);
      std::string head = SerializeResponse(response, true);
      std::string get = SerializeResponse(response, false);
      ParsedOutput parsed = ParseOutput(head);
      BOOST_REQUIRE(parsed.well_formed);
      BOOST_TEST(parsed.body.empty());
      // The HEAD answer is the GET answer's head, byte for byte (RFC 9110 9.3.2).
      BOOST_TEST(get == head + body);
      BOOST_TEST(HeaderValue(parsed, "Content-Length") == std::to_string(body.size()));
    }
  }
}

BOOST_AUTO_TEST_CASE(serialize_204_has_content_length_zero_and_no_body) {
  for (bool head_only : {false, true}) {
    BOOST_TEST_CONTEXT("head_only " << head_only) {
      Response response(204);
      response.AddHeader("Allow", "GET, HEAD, OPTIONS");
      response.set_body("must not be sent");
      std::string out = SerializeResponse(response, head_only);
      BOOST_TEST(out ==
                 "Status: 204 No Content\r\nAllow: GET, HEAD, OPTIONS\r\nContent-Length: "
                 "0\r\n\r\n");
    }
  }
}

BOOST_AUTO_TEST_CASE(is_json_content_type) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"application/json", true},
      {"application/json; charset=utf-8", true},
      {"application/json;charset=UTF-8", true},
      {"Application/JSON", true},
      {"APPLICATION/JSON; CHARSET=UTF-8", true},
      {"  application/json  ", true},
      {"application/json ; charset=utf-8", true},
      {"\tapplication/json\t;charset=utf-8", true},
      {"", false},
      {" ", false},
      {";", false},
      {"text/plain", false},
      {"text/json", false},
      {"application/jsonp", false},
      {"application/json5", false},
      {"application/json-patch+json", false},
      {"application/ld+json", false},
      {"application/x-www-form-urlencoded", false},
      {"multipart/form-data; boundary=x", false},
      {"application/", false},
      {"json", false},
      {"xapplication/json", false},
      {"application/json,text/plain", false},
  };
  for (const auto& [content_type, expected] : cases) {
    BOOST_TEST_CONTEXT("Content-Type \"" << content_type << "\"") {
      BOOST_TEST(IsJsonContentType(content_type) == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(accepts_html) {
  const std::vector<std::pair<std::string, bool>> cases = {
      // Firefox
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
      // Chrome
      {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
       "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
       true},
      // Safari
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
      // curl, wget-like and API clients
      {"*/*", false},
      {"", false},
      {"application/json", false},
      {"application/json, text/plain, */*", false},
      {"application/json;q=1.0, */*;q=0.1", false},
      // text/html with q values
      {"text/html", true},
      {"TEXT/HTML", true},
      {"Text/Html", true},
      {"text/html;q=0", false},
      {"text/html;q=0.0", false},
      {"text/html;q=0.000", false},
      {"text/html; q=0", false},
      {"text/html;Q=0", false},
      {"text/html;q=0.1", true},
      {"text/html;q=0.001", true},
      {"text/html;q=1", true},
      {"text/html;q=1.0", true},
      {"text/html ; q=0.5", true},
      {"text/html;level=1", true},
      {"text/html;level=1;q=0", false},
      {"application/json, text/html;q=0.1", true},
      {"text/html;q=0, */*", false},
      {"text/html;q=0, application/json", false},
      {"*/*;q=0.8, text/html;q=0.9", true},
      {"  text/html  ,  application/json", true},
      // Things that are not text/html
      {"text/*", false},
      {"text/htm", false},
      {"text/html5", false},
      {"text/htmlx;q=1", false},
      {"application/xhtml+xml", false},
      {"xtext/html", false},
      // Junk
      {",,,", false},
      {";;;", false},
      {";q=1", false},
      {"text/html;q=", false},
      {"text/html;q=abc", false},
      {"text/html;q=0.5x", false},
      {"text/html;q=-1", false},
      // Out of the RFC 9110 qvalue range or form: never a yes
      {"text/html;q=inf", false},
      {"text/html;q=2", false},
      {"text/html;q=1e9", false},
      {"text/html;q=0x1", false},
      {"text/html;q=1.5", false},
      {"text/html;q=0.1234", false},
      {"text/html;q=1.000", true},
      {"\x01\xff", false},
      {std::string(10000, ','), false},
  };
  for (const auto& [accept, expected] : cases) {
    BOOST_TEST_CONTEXT("Accept \"" << accept.substr(0, 80) << "\"") {
      BOOST_TEST(AcceptsHtml(accept) == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_query_decodes) {
  using Map = std::map<std::string, std::string>;
  struct Case {
    std::string query;
    Map expected;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"limit=10", {{"limit", "10"}}},
      {"limit=10&cursor=abc", {{"limit", "10"}, {"cursor", "abc"}}},
      {"a=%41%42%43", {{"a", "ABC"}}},
      {"a=%2b%2B", {{"a", "++"}}},
      {"a=b+c", {{"a", "b c"}}},
      {"a=%20", {{"a", " "}}},
      {"a=%26b%3Dc", {{"a", "&b=c"}}},
      {"%6C%69mit=5", {{"limit", "5"}}},
      {"a+b=c", {{"a b", "c"}}},
      {"a=%C3%A9", {{"a", "\xC3\xA9"}}},
      {"flag", {{"flag", ""}}},
      {"a=", {{"a", ""}}},
      {"a=b=c", {{"a", "b=c"}}},
      {"&&a=1&&", {{"a", "1"}}},
      {"cursor=AAAAAAAAAAE-_w", {{"cursor", "AAAAAAAAAAE-_w"}}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("query \"" << c.query << "\"") {
      Result<Map> parsed = ParseQuery(c.query);
      BOOST_REQUIRE(parsed.ok());
      BOOST_TEST(Describe(parsed.value()) == Describe(c.expected));
    }
  }
}

// A name given twice is refused, naming it: the last one winning silently answered another
// range than the caller may have meant (a review of the stats endpoint).
BOOST_AUTO_TEST_CASE(parse_query_refuses_a_name_given_twice) {
  for (const char* query : {"a=1&a=2", "a=1&b=2&a=3", "a&a=", "%61=1&a=2"}) {
    BOOST_TEST_CONTEXT(query) {
      Result<std::map<std::string, std::string>> parsed = ParseQuery(query);
      BOOST_TEST_REQUIRE(!parsed.ok());
      BOOST_TEST((parsed.error().code == ErrorCode::kValidation));
      BOOST_TEST(parsed.error().field == "a");
      BOOST_TEST(parsed.error().message == "a must be given once.");
    }
  }
  // Empty names mean nothing, however many.
  BOOST_TEST(ParseQuery("&&=x&=y&a=1").ok());
}

// Regression: ParseQuery once copied decoded values as C strings, so a percent-encoded NUL
// silently cut them short ("limit=5%00junk" read as limit "5"). Refusing or keeping it whole
// are both fine.
BOOST_AUTO_TEST_CASE(parse_query_does_not_truncate_at_encoded_nul) {
  Result<std::map<std::string, std::string>> parsed = ParseQuery("limit=5%00junk");
  if (parsed.ok()) {
    auto it = parsed.value().find("limit");
    BOOST_REQUIRE(it != parsed.value().end());
    BOOST_TEST(it->second == std::string("5\0junk", 6));
  } else {
    BOOST_TEST(ErrorCodeName(parsed.error().code) == std::string("validation"));
  }
}

BOOST_AUTO_TEST_CASE(int_param_takes_plain_digits_in_range) {
  const std::map<std::string, std::string> query = {
      {"ok", "40"},    {"low", "0"},     {"high", "41"}, {"sign", "+5"},
      {"space", " 5"}, {"junk", "5abc"}, {"empty", ""},  {"huge", "99999999999999999999"},
      {"lead", "007"}};
  BOOST_TEST(IntParam(query, "ok", 1, 40, 8).value() == 40);
  BOOST_TEST(IntParam(query, "missing", 1, 40, 8).value() == 8);
  BOOST_TEST(IntParam(query, "lead", 1, 40, 8).value() == 7);
  for (const char* bad : {"low", "high", "sign", "space", "junk", "empty", "huge"}) {
    Result<int> value = IntParam(query, bad, 1, 40, 8);
    BOOST_TEST_CONTEXT(bad) {
      BOOST_REQUIRE(!value.ok());
      BOOST_TEST(value.error().field == bad);
      BOOST_TEST(value.error().message ==
                 std::string(bad) + " must be a whole number from 1 to 40.");
    }
  }
}

BOOST_AUTO_TEST_CASE(normalize_path) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // Untouched: the redirect path's usual case takes no parse at all.
      {"/r/Abc123", "/r/Abc123"},
      {"/", "/"},
      {"/url/login/", "/url/login/"},
      // Percent-encoded unreserved characters decode; others stay encoded.
      {"/r/%41bc", "/r/Abc"},
      {"/%61%62%63", "/abc"},
      {"/r/a%2Db%5fc%7e", "/r/a-b_c~"},
      {"/a%2fb", "/a%2Fb"},
      {"/a%20b", "/a%20b"},
      // Dot segments go.
      {"/r/../my-slug", "/my-slug"},
      {"/./healthz", "/healthz"},
      {"/r/./abc", "/r/abc"},
      // Does not parse: returned as it is (and matches no route).
      {"/a%zzb", "/a%zzb"},
  };
  for (const auto& [path, expected] : cases) {
    BOOST_TEST_CONTEXT("path \"" << path << "\"") { BOOST_TEST(NormalizePath(path) == expected); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
