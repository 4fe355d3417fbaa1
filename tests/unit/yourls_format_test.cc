// Unit tests of src/api/yourls_format.h and the pure helpers of src/api/yourls_api.h: XML
// escaping, UTF-8 repair, the three formats, keywords from short URLs and YOURLS's times.
#include "api/yourls_format.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/yourls_api.h"
#include "domain/store.h"

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(yourls_format)

BOOST_AUTO_TEST_CASE(xml_text_escapes_markup_and_quotes) {
  BOOST_CHECK_EQUAL(XmlText("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  BOOST_CHECK_EQUAL(XmlText("&amp;"), "&amp;amp;");
  BOOST_CHECK_EQUAL(XmlText("plain text, K\xC3\xB6ln \xF0\x9F\x98\x80"),
                    "plain text, K\xC3\xB6ln \xF0\x9F\x98\x80");
  BOOST_CHECK_EQUAL(XmlText(""), "");
}

BOOST_AUTO_TEST_CASE(xml_text_replaces_what_xml_cannot_hold) {
  const std::string fffd = "\xEF\xBF\xBD";
  BOOST_CHECK_EQUAL(XmlText(std::string("a\0b", 3)), "a" + fffd + "b");
  BOOST_CHECK_EQUAL(XmlText("a\x01\x1F"
                            "b"),
                    "a" + fffd + fffd + "b");
  BOOST_CHECK_EQUAL(XmlText("tab\there\nand\r"), "tab\there\nand\r");
  BOOST_CHECK_EQUAL(XmlText("\xEF\xBF\xBE\xEF\xBF\xBF"), fffd + fffd);  // U+FFFE, U+FFFF
  BOOST_CHECK_EQUAL(XmlText("bad \xC3 byte"), "bad " + fffd + " byte");
  BOOST_CHECK_EQUAL(XmlText("\xFF<"), fffd + "&lt;");
}

BOOST_AUTO_TEST_CASE(repair_utf8_keeps_valid_text) {
  BOOST_CHECK_EQUAL(RepairUtf8("K\xC3\xB6ln"), "K\xC3\xB6ln");
  BOOST_CHECK_EQUAL(RepairUtf8("\xC3"), "\xEF\xBF\xBD");
  BOOST_CHECK_EQUAL(RepairUtf8("quote \" back\\slash"), "quote \" back\\slash");
}

BOOST_AUTO_TEST_CASE(title_metadata_fits_the_4_kib_whatever_the_title) {
  BOOST_TEST(TitleMetadata("") == "{}");
  BOOST_TEST(TitleMetadata("Köln") == "{\"title\":\"Köln\"}");
  BOOST_TEST(TitleMetadata("a\xff") == "{\"title\":\"a\xef\xbf\xbd\"}");  // U+FFFD
  // {"title":"..."}: 12 bytes around the text. 4,084 letters fit exactly; one more is cut.
  BOOST_TEST(TitleMetadata(std::string(4084, 'a')).size() == 4096u);
  BOOST_TEST(TitleMetadata(std::string(4085, 'a')) == TitleMetadata(std::string(4084, 'a')));
  struct Case {
    std::string title;
    std::string kept;  // the start of the title that stays
  };
  const std::vector<Case> cases = {
      {std::string(100000, 'x'), std::string(4084, 'x')},
      {std::string(40000, '"'), std::string(2042, '"')},  // each escapes to two bytes
      // "é" is 2 bytes: 2,042 of them fill 4,084; a cut never splits one.
      {[] {
         std::string t;
         for (int i = 0; i < 30000; ++i) t += "\xc3\xa9";
         return t;
       }(),
       [] {
         std::string t;
         for (int i = 0; i < 2042; ++i) t += "\xc3\xa9";
         return t;
       }()},
      {"\x01" + std::string(5000, 'y'), "\x01" + std::string(4078, 'y')},  // \u0001: 6 bytes
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("title of " << c.title.size() << " bytes starting " << int(c.title[0])) {
      const std::string json = TitleMetadata(c.title);
      BOOST_TEST(json.size() <= kMaxMetadataBytes);
      const nlohmann::json parsed = nlohmann::json::parse(json);
      BOOST_TEST(parsed.at("title").get<std::string>() == c.kept);
    }
  }
}

BOOST_AUTO_TEST_CASE(xml_document_nests_objects_and_writes_numbers) {
  nlohmann::ordered_json fields = {{"status", "success"},
                                   {"statusCode", 200},
                                   {"url", {{"keyword", "abc"}, {"title", "<T&>"}}},
                                   {"ip", ""},
                                   {"none", nullptr}};
  BOOST_CHECK_EQUAL(YourlsXml(fields),
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<result><status>success</status><statusCode>200</statusCode>"
                    "<url><keyword>abc</keyword><title>&lt;T&amp;&gt;</title></url>"
                    "<ip></ip><none></none></result>\n");
}

BOOST_AUTO_TEST_CASE(render_sets_status_type_and_body_per_format) {
  YourlsAnswer answer;
  answer.status = 404;
  answer.fields = {{"message", "Error: short URL not found"}, {"errorCode", 404}};
  answer.simple = "not found";
  Response json = RenderYourls(answer, YourlsFormat::kJson);
  BOOST_CHECK_EQUAL(json.status(), 404);
  BOOST_CHECK_EQUAL(json.body(), R"({"message":"Error: short URL not found","errorCode":404})");
  BOOST_CHECK_EQUAL(*json.FindHeader("Content-Type"), "application/json; charset=utf-8");
  BOOST_CHECK_EQUAL(*json.FindHeader("X-Content-Type-Options"), "nosniff");
  Response xml = RenderYourls(answer, YourlsFormat::kXml);
  BOOST_CHECK_EQUAL(*xml.FindHeader("Content-Type"), "application/xml; charset=utf-8");
  BOOST_CHECK(xml.body().find("<errorCode>404</errorCode>") != std::string::npos);
  Response simple = RenderYourls(answer, YourlsFormat::kSimple);
  BOOST_CHECK_EQUAL(simple.body(), "not found");
  BOOST_CHECK_EQUAL(*simple.FindHeader("Content-Type"), "text/plain; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(formats_are_named_exactly) {
  BOOST_CHECK(ParseYourlsFormat("json") == YourlsFormat::kJson);
  BOOST_CHECK(ParseYourlsFormat("xml") == YourlsFormat::kXml);
  BOOST_CHECK(ParseYourlsFormat("simple") == YourlsFormat::kSimple);
  BOOST_CHECK(!ParseYourlsFormat("jsonp"));
  BOOST_CHECK(!ParseYourlsFormat("JSON"));
  BOOST_CHECK(!ParseYourlsFormat(""));
}

BOOST_AUTO_TEST_CASE(keywords_from_short_urls) {
  const std::string base = "https://sho.rt";
  BOOST_CHECK_EQUAL(KeywordOf("abc", base), "abc");
  BOOST_CHECK_EQUAL(KeywordOf("https://sho.rt/abc", base), "abc");
  BOOST_CHECK_EQUAL(KeywordOf("http://sho.rt/abc", base), "abc");
  BOOST_CHECK_EQUAL(KeywordOf("https://sho.rt/r/abc", base), "abc");
  BOOST_CHECK_EQUAL(KeywordOf("https://other.example/abc", base), "https://other.example/abc");
  BOOST_CHECK_EQUAL(KeywordOf("https://sho.rtx/abc", base), "https://sho.rtx/abc");
}

BOOST_AUTO_TEST_CASE(times_and_titles) {
  BOOST_CHECK_EQUAL(YourlsTime(0), "1970-01-01 00:00:00");
  BOOST_CHECK_EQUAL(YourlsTime(1796126400), "2026-12-01 12:00:00");
  Link link;
  link.metadata_json = R"({"title":"T\u00f6"})";
  BOOST_CHECK_EQUAL(TitleOf(link), "T\xC3\xB6");
  link.metadata_json = R"({"title":5})";
  BOOST_CHECK_EQUAL(TitleOf(link), "");
  link.metadata_json = "{}";
  BOOST_CHECK_EQUAL(TitleOf(link), "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
