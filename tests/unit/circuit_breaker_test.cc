// CircuitBreaker's intervals and OutageLog's counting.
#include "store/circuit_breaker.h"

#include <boost/test/unit_test.hpp>

#include "store/outage.h"

namespace shortener {
namespace {

using Clock = CircuitBreaker::Clock;
using std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(circuit_breaker)

BOOST_AUTO_TEST_CASE(closed_until_a_slow_failure) {
  CircuitBreaker b(milliseconds(500), milliseconds(4000));
  Clock::time_point t0 = Clock::now();
  BOOST_TEST(b.Allow(t0));
  // A refusal that came at once opens nothing: a restarted server is found at once.
  b.Failed(t0, false);
  BOOST_TEST(b.Allow(t0));
  BOOST_TEST(b.interval().count() == 0);
}

BOOST_AUTO_TEST_CASE(open_interval_doubles_up_to_the_maximum_then_closes_on_success) {
  CircuitBreaker b(milliseconds(500), milliseconds(4000));
  Clock::time_point t = Clock::now();
  const int expected[] = {500, 1000, 2000, 4000, 4000};
  for (int ms : expected) {
    b.Failed(t, true);
    BOOST_TEST(b.interval().count() == ms);
    BOOST_TEST(!b.Allow(t));
    BOOST_TEST(!b.Allow(t + milliseconds(ms - 1)));
    t += milliseconds(ms);
    BOOST_TEST(b.Allow(t));  // the probe
  }
  b.Succeeded();
  BOOST_TEST(b.Allow(t));
  b.Failed(t, true);
  BOOST_TEST(b.interval().count() == 500);
}

BOOST_AUTO_TEST_CASE(outage_counts_every_affected_request_of_one_outage) {
  OutageLog log("test", "answering 503", "requests refused");
  Clock::time_point t = Clock::now();
  log.Succeeded(t);  // no outage: nothing to end
  BOOST_TEST(!log.down());
  log.Failed("timed out", t);
  log.Failed("timed out", t);
  log.Skipped();
  BOOST_TEST(log.down());
  BOOST_TEST(log.affected_count() == 3u);
  log.Succeeded(t + milliseconds(1500));
  BOOST_TEST(!log.down());
  log.Failed("refused", t);  // a new outage counts from zero
  BOOST_TEST(log.affected_count() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
