// Unit tests of src/domain/blocklist.h: the file format, host matching, and re-reading a changed
// file.
#include "domain/blocklist.h"

#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <string>
#include <vector>

namespace shortener {
namespace {

HostBlocklist MustParse(const std::string& text) {
  Result<HostBlocklist> list = HostBlocklist::Parse(text, "test.list");
  if (!list.ok()) BOOST_FAIL("unexpected error: " << list.error().message);
  return list.value();
}

// A file under /tmp removed at the end of the test.
class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/blocklist-test-XXXXXX";
    int fd = mkstemp(name);
    BOOST_REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

  // Replaces the contents the way editors do: a new file renamed over the old one, so the
  // inode changes even when size and mtime would not.
  void Write(const std::string& text) {
    const std::string next = path_ + ".new";
    std::ofstream(next) << text;
    BOOST_REQUIRE(rename(next.c_str(), path_.c_str()) == 0);
  }

 private:
  std::string path_;
};

BOOST_AUTO_TEST_SUITE(blocklist)

BOOST_AUTO_TEST_CASE(matching) {
  const HostBlocklist list = MustParse(
      "# abuse reports\n"
      "\n"
      "evil.example\n"
      "  *.Phish.Example.  # any subdomain\n"
      "[2001:db8::1]\n"
      "192.0.2.7\r\n");
  BOOST_TEST(list.size() == 4u);
  struct Case {
    const char* host;
    bool blocked;
  };
  const std::vector<Case> cases = {
      {"evil.example", true},
      {"www.evil.example", false},  // an exact entry is that host only
      {"notevil.example", false},
      {"evil.example.org", false},
      {"phish.example", false},  // "*." covers subdomains, not the domain itself
      {"login.phish.example", true},
      {"a.b.phish.example", true},
      {"xphish.example", false},
      {"phish.example.com", false},
      {"2001:db8::1", true},
      {"2001:db8::2", false},
      {"192.0.2.7", true},
      {"192.0.2.70", false},
      {"example", false},
      {"", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("host " << c.host) { BOOST_TEST(list.Blocks(c.host) == c.blocked); }
  }
}

BOOST_AUTO_TEST_CASE(empty_and_comment_only_lists_block_nothing) {
  for (const char* text : {"", "\n\n", "# nothing yet\n   \n#*.example\n"}) {
    const HostBlocklist list = MustParse(text);
    BOOST_TEST(list.empty());
    BOOST_TEST(!list.Blocks("example.com"));
  }
}

BOOST_AUTO_TEST_CASE(bad_entries_name_the_line) {
  const std::vector<std::string> bad = {
      "https://evil.example/", "evil example",      "*evil.example", "evil.*.example", "*.", "a..b",
      ".evil.example",         "evil.example/path", "bad\x01host",   "*.*.example",
  };
  for (const std::string& entry : bad) {
    BOOST_TEST_CONTEXT("entry " << entry) {
      Result<HostBlocklist> list = HostBlocklist::Parse("ok.example\n# c\n" + entry + "\n", "f");
      BOOST_TEST_REQUIRE(!list.ok());
      BOOST_TEST(list.error().field == "blocklist_file");
      BOOST_TEST(list.error().message.rfind("f:3: ", 0) == 0u, list.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(no_file_blocks_nothing) {
  Result<BlocklistFile> file = BlocklistFile::Open("");
  BOOST_TEST_REQUIRE(file.ok());
  BOOST_TEST(!file.value().watched());
  BOOST_TEST(!file.value().BlocksUrl("https://evil.example/", 1000));
}

BOOST_AUTO_TEST_CASE(unreadable_file_at_start_is_an_error_naming_it) {
  Result<BlocklistFile> file = BlocklistFile::Open("/nonexistent/blocklist");
  BOOST_TEST_REQUIRE(!file.ok());
  BOOST_TEST((file.error().code == ErrorCode::kUnavailable));
  BOOST_TEST(file.error().message.find("blocklist_file '/nonexistent/blocklist'") !=
             std::string::npos);
  Result<BlocklistFile> dir = BlocklistFile::Open("/tmp");
  BOOST_TEST(!dir.ok());
}

BOOST_AUTO_TEST_CASE(urls_are_judged_by_their_host) {
  TempFile temp;
  temp.Write("evil.example\n*.phish.example\n");
  Result<BlocklistFile> opened = BlocklistFile::Open(temp.path());
  BOOST_TEST_REQUIRE(opened.ok());
  BlocklistFile& file = opened.value();
  BOOST_TEST(file.BlocksUrl("https://EVIL.example./x?y#z", 1000));
  BOOST_TEST(file.BlocksUrl("http://evil.example:8080/", 1000));
  BOOST_TEST(file.BlocksUrl("https://a.phish.example/", 1000));
  BOOST_TEST(!file.BlocksUrl("https://example.com/evil.example", 1000));
  BOOST_TEST(file.BlocksHost("evil.example", 1000));
  BOOST_TEST(!file.BlocksHost("example.com", 1000));
}

BOOST_AUTO_TEST_CASE(changes_are_seen_a_second_later_and_bad_ones_keep_the_list) {
  TempFile temp;
  temp.Write("# none yet\n");
  Result<BlocklistFile> opened = BlocklistFile::Open(temp.path());
  BOOST_TEST_REQUIRE(opened.ok());
  BlocklistFile& file = opened.value();
  BOOST_TEST(!file.BlocksUrl("https://evil.example/", 1000));

  temp.Write("evil.example\n");
  // Within the second of the last look the file is not looked at again.
  BOOST_TEST(!file.BlocksUrl("https://evil.example/", 1000));
  BOOST_TEST(file.BlocksUrl("https://evil.example/", 1001));

  temp.Write("evil.example\nnot a host\n");
  BOOST_TEST(file.BlocksUrl("https://evil.example/", 1002));  // bad line: previous list kept

  unlink(temp.path().c_str());
  BOOST_TEST(file.BlocksUrl("https://evil.example/", 1003));  // gone: previous list kept

  temp.Write("other.example\n");
  BOOST_TEST(!file.BlocksUrl("https://evil.example/", 1004));
  BOOST_TEST(file.BlocksUrl("https://other.example/", 1004));

  // Reload reads at once, whatever the clock says.
  temp.Write("evil.example\n");
  file.Reload();
  BOOST_TEST(file.BlocksUrl("https://evil.example/", 1004));
  BOOST_TEST(!file.BlocksUrl("https://other.example/", 1004));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
