// Unit tests of src/base/metrics.h: counting, the Prometheus text, and sums over shared slots.
#include "base/metrics.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

// Every test starts on a fresh, zeroed region so the counts of other tests do not show.
void Fresh(int slots) {
  BOOST_REQUIRE(InitMetrics(slots).ok());
  SetRouteLabels({"/a", "/b/{x}", "none"});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

// Runs `body` in a child process; returns its exit status.
template <typename Fn>
int InChild(Fn body) {
  pid_t child = fork();
  if (child == 0) _exit(body());
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

BOOST_AUTO_TEST_CASE(single_workers_on_one_socket_share_a_sum) {
  const std::string key = "unix:/tmp/metrics-test-" + std::to_string(getpid()) + ".sock";
  BOOST_REQUIRE(JoinSharedMetrics(key).ok());
  SetRouteLabels({"/a", "none"});
  CountRequest(0, 200, 10);
  // Another worker on the same socket (spawn-fcgi's, no common parent but the key) adds to it.
  BOOST_TEST(InChild([&] {
               if (!JoinSharedMetrics(key).ok()) return 1;
               CountRequest(0, 200, 10);
               CountRequest(0, 200, 10);
               return 0;  // dies without leaving: its slot is free for the next one
             }) == 0);
  std::string text = RenderMetrics();
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"/a\",status=\"200\"} 3"), text);
  BOOST_TEST(Has(text, "shortener_worker_slots 2"), text);
  // Its replacement takes the dead one's slot and continues its counts.
  BOOST_TEST(InChild([&] {
               if (!JoinSharedMetrics(key).ok()) return 1;
               CountRequest(0, 200, 10);
               return 0;
             }) == 0);
  text = RenderMetrics();
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"/a\",status=\"200\"} 4"), text);
  BOOST_TEST(Has(text, "shortener_worker_slots 2"), text);
  // The last one to leave removes the object: a pool started later begins at zero.
  LeaveSharedMetrics();
  BOOST_REQUIRE(JoinSharedMetrics(key).ok());
  BOOST_TEST(RenderMetrics().find("status=\"200\"") == std::string::npos);
  LeaveSharedMetrics();
  Fresh(1);
}

BOOST_AUTO_TEST_CASE(shared_metrics_others_can_write_are_refused) {
  const std::string key = "unix:/tmp/metrics-open-" + std::to_string(getpid()) + ".sock";
  const std::string name = SharedMetricsName(key);
  BOOST_TEST(name.rfind("/shortener-metrics-", 0) == 0);
  BOOST_TEST(name.find('/', 1) == std::string::npos);
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(fchmod(fd, 0666) == 0);  // what a squatter would leave for us
  close(fd);
  Status joined = JoinSharedMetrics(key);
  shm_unlink(name.c_str());
  BOOST_TEST_REQUIRE(!joined.ok());
  BOOST_TEST(joined.error().message.find("not this user's alone") != std::string::npos);
  Fresh(1);
}

BOOST_AUTO_TEST_CASE(requests_by_route_and_status) {
  Fresh(1);
  CountRequest(0, 200, 100);
  CountRequest(0, 200, 3000);
  CountRequest(1, 404, 10);
  CountRequest(1, 299, 10);  // a status the table does not list
  CountRequest(2, 404, 10);
  std::string text = RenderMetrics();
  BOOST_TEST(Has(text, "# TYPE shortener_http_requests_total counter"));
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"/a\",status=\"200\"} 2"));
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"/b/{x}\",status=\"404\"} 1"));
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"/b/{x}\",status=\"other\"} 1"));
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"none\",status=\"404\"} 1"));
  // Series that never counted are left out.
  BOOST_TEST(text.find("route=\"/a\",status=\"404\"") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(latency_histogram_is_cumulative) {
  Fresh(1);
  CountRequest(0, 200, 100);      // <= 0.5 ms
  CountRequest(0, 200, 3000);     // <= 5 ms
  CountRequest(0, 200, 9000000);  // > 5 s: +Inf only
  std::string text = RenderMetrics();
  const std::string b = "shortener_http_request_duration_seconds_bucket{route=\"/a\",le=";
  BOOST_TEST(Has(text, b + "\"0.0005\"} 1"));
  BOOST_TEST(Has(text, b + "\"0.0025\"} 1"));
  BOOST_TEST(Has(text, b + "\"0.005\"} 2"));
  BOOST_TEST(Has(text, b + "\"5\"} 2"));
  BOOST_TEST(Has(text, b + "\"+Inf\"} 3"));
  BOOST_TEST(Has(text, "shortener_http_request_duration_seconds_count{route=\"/a\"} 3"));
  BOOST_TEST(Has(text, "shortener_http_request_duration_seconds_sum{route=\"/a\"} 9.003100"));
}

BOOST_AUTO_TEST_CASE(cache_database_and_restart_counters) {
  Fresh(1);
  CountCacheLookup(true);
  CountCacheLookup(true);
  CountCacheLookup(false);
  CountLocalCacheHit();
  CountDatabaseError();
  CountWorkerRestart();
  std::string text = RenderMetrics();
  BOOST_TEST(Has(text, "shortener_cache_hits_total 2"));
  BOOST_TEST(Has(text, "shortener_cache_misses_total 1"));
  BOOST_TEST(Has(text, "shortener_local_cache_hits_total 1"));
  BOOST_TEST(Has(text, "shortener_database_errors_total 1"));
  BOOST_TEST(Has(text, "shortener_worker_restarts_total 1"));
  BOOST_TEST(Has(text, "shortener_worker_slots 1"));
}

BOOST_AUTO_TEST_CASE(slots_are_summed_across_processes) {
  Fresh(3);
  UseMetricsSlot(0);
  CountRequest(0, 302, 10);
  pid_t child = fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    // Another process, another slot, the same mapping: what it counts shows in the parent.
    UseMetricsSlot(2);
    CountRequest(0, 302, 10);
    CountRequest(0, 302, 10);
    CountCacheLookup(true);
    _exit(0);
  }
  int status = 0;
  BOOST_REQUIRE(waitpid(child, &status, 0) == child);
  BOOST_REQUIRE(WIFEXITED(status));
  std::string text = RenderMetrics();
  BOOST_TEST(Has(text, "shortener_http_requests_total{route=\"/a\",status=\"302\"} 3"));
  BOOST_TEST(Has(text, "shortener_cache_hits_total 1"));
  BOOST_TEST(Has(text, "shortener_worker_slots 3"));
}

BOOST_AUTO_TEST_CASE(route_indexes_are_clamped_and_labels_escaped) {
  Fresh(1);
  SetRouteLabels({"/q\"uote\\d"});
  CountRequest(0, 200, 1);
  CountRequest(kMaxMetricRoutes + 5, 200, 1);  // counted under the last index, never outside
  std::string text = RenderMetrics();
  BOOST_TEST(
      Has(text, "shortener_http_requests_total{route=\"/q\\\"uote\\\\d\",status=\"200\"} 1"));
}

BOOST_AUTO_TEST_CASE(bad_slot_counts_are_refused) {
  BOOST_TEST(!InitMetrics(0).ok());
  BOOST_TEST(!InitMetrics(kMaxMetricSlots + 1).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
