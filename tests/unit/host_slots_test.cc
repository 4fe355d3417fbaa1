// Unit tests of src/base/host_slots.h: slots shared through one lock file, released by their
// holders, by dying processes, and the wait that gives up.
#include "base/host_slots.h"

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

#include "temp_file.h"

namespace shortener {
namespace {

// A fresh lock file path in a private temporary directory, removed afterwards.
struct TempLock : TempFile {
  TempLock() : TempFile("slots.lock") {}
};

long ElapsedMs(std::chrono::steady_clock::time_point since) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - since)
                               .count());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(host_slots)

BOOST_AUTO_TEST_CASE(two_slots_bound_three_holders) {
  TempLock lock;
  // Separate objects open the file separately: their locks conflict as separate workers' do.
  HostSlots a(lock.path, 2), b(lock.path, 2), c(lock.path, 2);
  std::optional<HostSlots::Hold> first = a.Acquire(0);
  std::optional<HostSlots::Hold> second = b.Acquire(0);
  BOOST_TEST(first.has_value());
  BOOST_TEST(second.has_value());
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(!c.Acquire(30).has_value());
  BOOST_TEST(ElapsedMs(start) >= 30);
  BOOST_TEST(ElapsedMs(start) < 1000);
  first.reset();
  BOOST_TEST(c.Acquire(0).has_value());
}

BOOST_AUTO_TEST_CASE(a_slot_freed_during_the_wait_is_taken) {
  TempLock lock;
  HostSlots holder(lock.path, 1), waiter(lock.path, 1);
  std::optional<HostSlots::Hold> held = holder.Acquire(0);
  BOOST_REQUIRE(held.has_value());
  const pid_t child = fork();
  if (child == 0) {
    // The child takes the slot as soon as the parent lets it go, within its wait.
    HostSlots mine(lock.path, 1);
    std::_Exit(mine.Acquire(2000).has_value() ? 0 : 1);
  }
  usleep(100 * 1000);
  held.reset();
  int status = 0;
  waitpid(child, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
  BOOST_TEST(waiter.Acquire(0).has_value());
}

BOOST_AUTO_TEST_CASE(a_dead_holder_frees_its_slot) {
  TempLock lock;
  int ready[2];
  BOOST_REQUIRE(pipe(ready) == 0);
  const pid_t child = fork();
  if (child == 0) {
    HostSlots mine(lock.path, 1);
    std::optional<HostSlots::Hold> held = mine.Acquire(0);
    char byte = held ? 'y' : 'n';
    if (write(ready[1], &byte, 1) != 1) std::_Exit(2);
    pause();  // killed holding the slot, its destructors never run
    std::_Exit(0);
  }
  char byte = 0;
  BOOST_REQUIRE(read(ready[0], &byte, 1) == 1);
  BOOST_TEST(byte == 'y');
  HostSlots other(lock.path, 1);
  BOOST_TEST(!other.Acquire(0).has_value());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  BOOST_TEST(other.Acquire(0).has_value());
  close(ready[0]);
  close(ready[1]);
}

BOOST_AUTO_TEST_CASE(unusable_file) {
  BOOST_TEST(!HostSlots::CheckUsable("/nonexistent-dir/slots.lock").ok());
  TempLock lock;
  BOOST_TEST(HostSlots::CheckUsable(lock.path).ok());
  // Unbounded rather than refusing every login when the file cannot be opened.
  HostSlots gone("/nonexistent-dir/slots.lock", 1);
  std::optional<HostSlots::Hold> one = gone.Acquire(0);
  std::optional<HostSlots::Hold> two = gone.Acquire(0);
  BOOST_TEST((one.has_value() && two.has_value()));
  BOOST_TEST(DefaultHostSlots() >= 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
