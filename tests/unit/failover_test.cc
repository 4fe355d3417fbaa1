// ServerFailover: the order servers are tried in, resting after failures, moving back.
#include "store/failover.h"

#include <boost/test/unit_test.hpp>

namespace shortener {
namespace {

using Clock = ServerFailover::Clock;
using std::chrono::seconds;
using Order = std::vector<size_t>;

BOOST_AUTO_TEST_SUITE(failover)

BOOST_AUTO_TEST_CASE(list_order_while_nothing_failed) {
  ServerFailover f(3, seconds(30));
  Clock::time_point t = Clock::now();
  BOOST_TEST(f.ConnectOrder(t) == (Order{0, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(!f.MoveBack(0, t).has_value());
  BOOST_TEST(!f.AllResting(t));
  BOOST_TEST(!f.MoveBack(2, t + seconds(100)).has_value() == false);  // 0 never failed
}

BOOST_AUTO_TEST_CASE(a_failed_server_goes_last_until_its_rest_is_over) {
  ServerFailover f(3, seconds(30));
  Clock::time_point t = Clock::now();
  f.Failed(0, t);
  BOOST_TEST(f.ConnectOrder(t) == (Order{1, 2, 0}), boost::test_tools::per_element());
  BOOST_TEST(f.ConnectOrder(t + seconds(29)) == (Order{1, 2, 0}), boost::test_tools::per_element());
  // Connected to 1 meanwhile: no way back while 0 rests, then 0 is the one to try.
  BOOST_TEST(!f.MoveBack(1, t + seconds(29)).has_value());
  BOOST_TEST_REQUIRE(f.MoveBack(1, t + seconds(30)).has_value());
  BOOST_TEST(*f.MoveBack(1, t + seconds(30)) == 0u);
  BOOST_TEST(f.ConnectOrder(t + seconds(30)) == (Order{0, 1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_failed_attempt_to_move_back_rests_again) {
  ServerFailover f(2, seconds(10));
  Clock::time_point t = Clock::now();
  f.Failed(0, t);
  BOOST_TEST(*f.MoveBack(1, t + seconds(10)) == 0u);
  f.Failed(0, t + seconds(10));  // still down
  BOOST_TEST(!f.MoveBack(1, t + seconds(19)).has_value());
  BOOST_TEST(*f.MoveBack(1, t + seconds(20)) == 0u);
}

BOOST_AUTO_TEST_CASE(the_second_node_failing_too_moves_to_the_third) {
  ServerFailover f(3, seconds(30));
  Clock::time_point t = Clock::now();
  f.Failed(0, t);
  f.Failed(1, t + seconds(5));
  BOOST_TEST(f.ConnectOrder(t + seconds(6)) == (Order{2, 0, 1}), boost::test_tools::per_element());
  // On 2, the first choice comes back first, though 1 rests no longer either.
  BOOST_TEST(*f.MoveBack(2, t + seconds(40)) == 0u);
  // 0's rest is over but 1's is not.
  BOOST_TEST(*f.MoveBack(2, t + seconds(31)) == 0u);
  f.Failed(0, t + seconds(31));
  BOOST_TEST(*f.MoveBack(2, t + seconds(35)) == 1u);
}

BOOST_AUTO_TEST_CASE(all_failed_still_tries_each_oldest_failure_first) {
  ServerFailover f(3, seconds(30));
  Clock::time_point t = Clock::now();
  f.Failed(2, t);
  f.Failed(0, t + seconds(1));
  f.Failed(1, t + seconds(2));
  BOOST_TEST(f.ConnectOrder(t + seconds(3)) == (Order{2, 0, 1}), boost::test_tools::per_element());
  BOOST_TEST(f.AllResting(t + seconds(3)));
  BOOST_TEST(!f.AllResting(t + seconds(30)));  // 2's rest is over
}

BOOST_AUTO_TEST_CASE(one_server_is_always_tried) {
  ServerFailover f(1, seconds(30));
  Clock::time_point t = Clock::now();
  f.Failed(0, t);
  BOOST_TEST(f.ConnectOrder(t) == (Order{0}), boost::test_tools::per_element());
  BOOST_TEST(!f.MoveBack(0, t + seconds(60)).has_value());
  f.Failed(7, t);  // out of range: ignored
  BOOST_TEST(f.count() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
