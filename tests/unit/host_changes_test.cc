// Unit tests of src/base/host_changes.h: counters shared through one mapped file by separate
// objects (as by separate processes), a forked process's bump seen by its parent, and the files
// it refuses.
#include "base/host_changes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

#include "temp_file.h"

namespace shortener {
namespace {

// A fresh counters path in a private temporary directory, removed afterwards.
struct TempCounters : TempFile {
  TempCounters() : TempFile("changes") {}
};

uint64_t CountOf(HostChanges* changes, const std::string& key) {
  return changes->Count(key).value_or(~uint64_t{0});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(host_changes)

BOOST_AUTO_TEST_CASE(a_bump_is_seen_through_another_mapping) {
  TempCounters file;
  HostChanges reader(file.path, /*create=*/true), writer(file.path, /*create=*/false);
  BOOST_TEST(CountOf(&reader, "abc123") == 0u);
  const uint64_t other_before = CountOf(&reader, "zz9999");
  writer.Bump("abc123");
  writer.Bump("abc123");
  BOOST_TEST(CountOf(&reader, "abc123") == 2u);
  BOOST_TEST(CountOf(&writer, "abc123") == 2u);
  if (HostChangeSlot("zz9999") != HostChangeSlot("abc123")) {
    BOOST_TEST(CountOf(&reader, "zz9999") == other_before);
  }
  struct stat st;
  BOOST_TEST_REQUIRE(stat(file.path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(static_cast<size_t>(st.st_size) == HostChanges::kSlots * sizeof(uint64_t));
}

BOOST_AUTO_TEST_CASE(a_forked_process_bump_reaches_the_parent) {
  TempCounters file;
  HostChanges parent(file.path, /*create=*/true);
  const uint64_t before = CountOf(&parent, "forked");
  const pid_t child = fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    HostChanges own(file.path, /*create=*/false);
    own.Bump("forked");
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  BOOST_TEST(CountOf(&parent, "forked") == before + 1);
}

BOOST_AUTO_TEST_CASE(without_create_a_missing_file_counts_nothing) {
  TempCounters file;
  HostChanges bumper(file.path, /*create=*/false);
  bumper.Bump("abc123");
  BOOST_TEST(!bumper.Count("abc123").has_value());
  BOOST_TEST(access(file.path.c_str(), F_OK) != 0);  // not created
  // Once a pool that keeps copies made it, the next bump lands.
  HostChanges pool(file.path, /*create=*/true);
  BOOST_TEST(CountOf(&pool, "abc123") == 0u);
  bumper.Bump("abc123");
  BOOST_TEST(CountOf(&pool, "abc123") == 1u);
}

BOOST_AUTO_TEST_CASE(files_others_could_write_are_refused) {
  TempCounters file;
  const int fd = open(file.path.c_str(), O_CREAT | O_WRONLY, 0600);
  BOOST_TEST_REQUIRE(fd >= 0);
  close(fd);
  BOOST_TEST_REQUIRE(chmod(file.path.c_str(), 0660) == 0);
  BOOST_TEST(!HostChanges::CheckUsable(file.path).ok());
  HostChanges changes(file.path, /*create=*/true);
  BOOST_TEST(!changes.Count("abc123").has_value());
  BOOST_TEST_REQUIRE(chmod(file.path.c_str(), 0600) == 0);
  BOOST_TEST(HostChanges::CheckUsable(file.path).ok());
  // A symlink is not followed, whatever it points at.
  BOOST_TEST_REQUIRE(symlink(file.path.c_str(), (file.dir + "/link").c_str()) == 0);
  BOOST_TEST(!HostChanges::CheckUsable(file.dir + "/link").ok());
  BOOST_TEST(!HostChanges::CheckUsable(file.dir).ok());  // a directory
}

BOOST_AUTO_TEST_CASE(slots_spread_keys) {
  std::set<size_t> slots;
  for (int i = 0; i < 1000; ++i) {
    const size_t slot = HostChangeSlot("slug" + std::to_string(i));
    BOOST_TEST_REQUIRE(slot < HostChanges::kSlots);
    slots.insert(slot);
  }
  BOOST_TEST(slots.size() > 800u);  // 1000 keys into 4096 slots: few collisions
  BOOST_TEST(HostChangeSlot("abc123") == HostChangeSlot("abc123"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
