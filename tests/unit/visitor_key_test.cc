// Unit tests of src/domain/visitor_key.h: one hash per visitor and day, unrelated across days and
// secrets.
#include "domain/visitor_key.h"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

namespace shortener {
namespace {

VisitorKeys Keys(const std::string& secret) {
  Result<VisitorKeys> keys = VisitorKeys::Create(secret);
  if (!keys.ok()) BOOST_FAIL("VisitorKeys::Create: " << keys.error().message);
  return keys.value();
}

constexpr int64_t kDay = 20789;  // 2026-12-02
const char kChrome[] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36";

BOOST_AUTO_TEST_SUITE(visitor_key)

BOOST_AUTO_TEST_CASE(same_visitor_same_day_same_hash) {
  const VisitorKeys keys = Keys("a statistics secret");
  // Two workers (or instances) with the same secret derive the same key independently.
  const VisitorKeys other_worker = Keys("a statistics secret");
  const uint64_t hash = keys.ForDay(kDay).Hash("192.0.2.7", kChrome);
  BOOST_TEST(keys.ForDay(kDay).Hash("192.0.2.7", kChrome) == hash);
  BOOST_TEST(other_worker.ForDay(kDay).Hash("192.0.2.7", kChrome) == hash);
  BOOST_TEST(keys.ForDay(kDay).day() == kDay);
}

BOOST_AUTO_TEST_CASE(another_day_secret_address_or_agent_gives_another_hash) {
  const VisitorKeys keys = Keys("a statistics secret");
  const uint64_t hash = keys.ForDay(kDay).Hash("192.0.2.7", kChrome);
  BOOST_TEST(keys.ForDay(kDay + 1).Hash("192.0.2.7", kChrome) != hash);
  BOOST_TEST(keys.ForDay(kDay - 1).Hash("192.0.2.7", kChrome) != hash);
  BOOST_TEST(Keys("another secret").ForDay(kDay).Hash("192.0.2.7", kChrome) != hash);
  BOOST_TEST(keys.ForDay(kDay).Hash("192.0.2.8", kChrome) != hash);
  BOOST_TEST(keys.ForDay(kDay).Hash("192.0.2.7", "curl/8.0") != hash);
  // The address length is hashed too: moving bytes between the fields changes the hash.
  BOOST_TEST(keys.ForDay(kDay).Hash("192.0.2.7x", "y") !=
             keys.ForDay(kDay).Hash("192.0.2.7", "xy"));
}

BOOST_AUTO_TEST_CASE(hashes_of_distinct_visitors_do_not_collide) {
  const DailyVisitorKey key = Keys("a statistics secret").ForDay(kDay);
  std::set<uint64_t> seen;
  for (int i = 0; i < 65536; ++i) {
    seen.insert(key.Hash("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), ""));
  }
  BOOST_TEST(seen.size() == 65536u);
}

BOOST_AUTO_TEST_CASE(an_empty_secret_is_refused) {
  Result<VisitorKeys> keys = VisitorKeys::Create("");
  BOOST_TEST_REQUIRE(!keys.ok());
  BOOST_TEST((keys.error().code == ErrorCode::kValidation));
  BOOST_TEST(keys.error().field == "visitor_secret");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
