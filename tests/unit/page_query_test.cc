// Unit tests of src/api/page_query.h: the limit and cursor every cursor-paged list takes.
#include "api/page_query.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

namespace shortener {
namespace {

using Query = std::map<std::string, std::string>;

const CursorCodec& Cursors() {
  static const CursorCodec codec("page query test secret");
  return codec;
}

BOOST_AUTO_TEST_SUITE(page_query)

BOOST_AUTO_TEST_CASE(defaults_to_the_first_page_of_100) {
  Result<PageQuery> page = ReadPageQuery(Query{}, Cursors());
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page.value().limit == 100);
  BOOST_TEST(!page.value().before_id.has_value());
}

BOOST_AUTO_TEST_CASE(reads_a_limit_and_an_issued_cursor) {
  Result<PageQuery> page =
      ReadPageQuery(Query{{"limit", "1000"}, {"cursor", Cursors().Encode(42)}}, Cursors());
  BOOST_REQUIRE(page.ok());
  BOOST_TEST(page.value().limit == 1000);
  BOOST_TEST(page.value().before_id.value_or(0) == 42u);
  BOOST_TEST(ReadPageQuery(Query{{"limit", "1"}}, Cursors()).value().limit == 1);
}

BOOST_AUTO_TEST_CASE(refuses_limits_outside_1_to_1000_naming_limit) {
  for (const char* limit : {"0", "1001", "-1", "x", "", "1.5", "99999999999999999999"}) {
    Result<PageQuery> page = ReadPageQuery(Query{{"limit", limit}}, Cursors());
    BOOST_REQUIRE_MESSAGE(!page.ok(), limit);
    BOOST_TEST((page.error().code == ErrorCode::kValidation));
    BOOST_TEST(page.error().field == "limit");
  }
}

BOOST_AUTO_TEST_CASE(refuses_cursors_it_did_not_issue_naming_cursor) {
  const CursorCodec other("another secret");
  std::string edited = Cursors().Encode(42);
  edited[0] = edited[0] == 'A' ? 'B' : 'A';
  for (const std::string& cursor :
       {std::string(), std::string("forged"), other.Encode(42), edited}) {
    Result<PageQuery> page = ReadPageQuery(Query{{"cursor", cursor}}, Cursors());
    BOOST_REQUIRE_MESSAGE(!page.ok(), cursor);
    BOOST_TEST((page.error().code == ErrorCode::kValidation));
    BOOST_TEST(page.error().field == "cursor");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
