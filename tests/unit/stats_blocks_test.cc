// Unit tests of src/store/stats_blocks.h: the stored form of a stats block round-trips, anything
// else is refused, and a link's blocks are kept under keys of their own.
#include "store/stats_blocks.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>

#include "map_cache.h"

namespace shortener {
namespace {

StatsBlock SampleBlock() {
  StatsBlock block;
  block.visits = 1234;
  for (size_t i = 0; i < block.unique_visitors.size(); ++i) block.unique_visitors[i] = i * 7;
  block.breakdowns[0] = {{"news.example.com", 700}, {"direct", 500}, {"other", 34}};
  block.breakdowns[1] = {{"DE", 1200}, {"unknown", 34}};
  block.breakdowns[2] = {{"desktop", 1234}};
  block.breakdowns[3] = {{"Firefox", 1000}, {"other bot", 234}};
  block.breakdowns[4] = {{"Linux", 1234}};
  return block;
}

bool Same(const StatsBlock& a, const StatsBlock& b) {
  return a.visits == b.visits && a.unique_visitors == b.unique_visitors &&
         a.breakdowns == b.breakdowns;
}

BOOST_AUTO_TEST_SUITE(stats_blocks)

BOOST_AUTO_TEST_CASE(a_block_round_trips) {
  const StatsBlock block = SampleBlock();
  std::optional<StatsBlock> back = DecodeStatsBlock(EncodeStatsBlock(block));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(Same(*back, block));
  std::optional<StatsBlock> empty = DecodeStatsBlock(EncodeStatsBlock(StatsBlock()));
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(Same(*empty, StatsBlock()));
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused) {
  const std::string sixteen = "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]";
  const std::string five = "[{},{},{},{},{}]";
  BOOST_TEST(DecodeStatsBlock("{\"v\":1,\"u\":" + sixteen + ",\"b\":" + five + "}").has_value());
  for (const std::string& bad : {
           std::string(""),
           std::string("not json"),
           std::string("[]"),
           "{\"v\":-1,\"u\":" + sixteen + ",\"b\":" + five + "}",
           "{\"v\":1.5,\"u\":" + sixteen + ",\"b\":" + five + "}",
           "{\"v\":\"1\",\"u\":" + sixteen + ",\"b\":" + five + "}",
           "{\"v\":1,\"u\":[0,0],\"b\":" + five + "}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":[{},{}]}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":[{\"a\":-2},{},{},{},{}]}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":[{\"\":2},{},{},{},{}]}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":[{\"a\\nb\":2},{},{},{},{}]}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":[{\"" + std::string(254, 'a') +
               "\":2},{},{},{},{}]}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":[[],{},{},{},{}]}",
           "{\"v\":1,\"u\":" + sixteen + ",\"b\":" + five + ",\"x\":1}",
           "{\"v\":1,\"u\":" + sixteen + "}",
       }) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!DecodeStatsBlock(bad).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(each_link_keeps_its_own_blocks) {
  MapCache cache;
  Link a;
  a.id = 7;
  a.created_at = 1000;
  Link same_id_later = a;  // the id again, after a database restore
  same_id_later.created_at = 2000;
  CachedStatsBlocks blocks(&cache, a);
  BOOST_TEST(!blocks.Get({1300})[0].has_value());
  blocks.Put(1300, SampleBlock());
  BOOST_TEST(cache.last_ttl == 30 * 86400);
  std::optional<StatsBlock> got = blocks.Get({1300})[0];
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(Same(*got, SampleBlock()));
  BOOST_TEST(!blocks.Get({1301})[0].has_value());
  CachedStatsBlocks other(&cache, same_id_later);
  BOOST_TEST(!other.Get({1300})[0].has_value());
  // Whatever else the shared cache holds there is a miss, not a block.
  cache.values.begin()->second = "garbage";
  BOOST_TEST(!blocks.Get({1300})[0].has_value());
}

BOOST_AUTO_TEST_CASE(blocks_are_asked_at_once_and_answered_in_order) {
  MapCache cache;
  Link link;
  link.id = 9;
  link.created_at = 1000;
  CachedStatsBlocks blocks(&cache, link);
  StatsBlock second = SampleBlock();
  second.visits = 99;
  blocks.Put(1302, SampleBlock());
  blocks.Put(1300, second);
  std::vector<std::optional<StatsBlock>> got = blocks.Get({1300, 1301, 1302});
  BOOST_REQUIRE(got.size() == 3u);
  BOOST_REQUIRE(got[0].has_value());
  BOOST_TEST(got[0]->visits == 99u);
  BOOST_TEST(!got[1].has_value());
  BOOST_REQUIRE(got[2].has_value());
  BOOST_TEST(Same(*got[2], SampleBlock()));
  BOOST_TEST(cache.many_calls == 1);
  BOOST_TEST(blocks.Get({}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
