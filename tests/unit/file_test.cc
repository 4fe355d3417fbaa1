// Unit tests of src/base/file.h and the case helpers of src/base/ascii.h.
#include "base/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <fstream>
#include <string>

#include "base/ascii.h"
#include "temp_file.h"

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(file)

BOOST_AUTO_TEST_CASE(reads_a_whole_file_and_its_signature) {
  TempFile temp("data");
  // Longer than one read buffer, with a NUL inside.
  std::string written(10000, 'x');
  written[5000] = '\0';
  std::ofstream(temp.path, std::ios::binary) << written;
  FileContents read = ReadWholeFile(temp.path, written.size());
  BOOST_TEST(read.failure.ok());
  BOOST_TEST(read.text == written);
  BOOST_TEST(read.st.st_size == static_cast<off_t>(written.size()));

  const std::string nothing = temp.dir + "/nothing-here";
  FileContents missing = ReadWholeFile(nothing, 100);
  BOOST_TEST((missing.failure.step == FileFailure::Step::kOpen));
  BOOST_TEST(missing.failure.error == ENOENT);
  BOOST_TEST(missing.text.empty());
  BOOST_TEST(missing.failure.Message("config file", nothing) ==
             "cannot open config file '" + nothing + "': No such file or directory");
}

BOOST_AUTO_TEST_CASE(a_file_over_the_bound_is_refused_unread) {
  TempFile temp("data");
  std::ofstream(temp.path, std::ios::binary) << std::string(10001, 'x');
  FileContents read = ReadWholeFile(temp.path, 10000);
  BOOST_TEST((read.failure.step == FileFailure::Step::kTooLarge));
  BOOST_TEST(read.text.empty());
  BOOST_TEST(read.failure.Message("blocklist_file", temp.path) ==
             "blocklist_file '" + temp.path + "' is larger than 10000 bytes");
  FileFailure mib{FileFailure::Step::kTooLarge, 0, size_t{1} << 20};
  BOOST_TEST(mib.Message("config file", "/c") == "config file '/c' is larger than 1 MiB");
}

// Reading /dev/zero never ends and a FIFO without a writer blocks at open: each used to hang
// the config check while memory grew.
BOOST_AUTO_TEST_CASE(only_regular_files_are_opened) {
  TempFile fifo("fifo");
  BOOST_REQUIRE(mkfifo(fifo.path.c_str(), 0600) == 0);
  for (const std::string& path : {fifo.dir, fifo.path, std::string("/dev/zero")}) {
    BOOST_TEST_CONTEXT(path) {
      FileContents read = ReadWholeFile(path, size_t{1} << 20);
      BOOST_TEST((read.failure.step == FileFailure::Step::kNotRegular));
      BOOST_TEST(read.text.empty());
      BOOST_TEST(read.failure.Message("config file", path) ==
                 "config file '" + path + "' is not a regular file");
      OpenFile open = OpenRegularFile(path);
      BOOST_TEST((open.failure.step == FileFailure::Step::kNotRegular));
      BOOST_TEST(!open.stream);
    }
  }
}

BOOST_AUTO_TEST_CASE(ascii_case_helpers_touch_ascii_letters_only) {
  BOOST_TEST(ToUpperAscii("slug_min_length-09") == "SLUG_MIN_LENGTH-09");
  BOOST_TEST(ToLowerAscii("SHORTENER_MAX_TTL") == "shortener_max_ttl");
  BOOST_TEST(ToUpperAscii("\xc3\xa9z") == "\xc3\xa9Z");  // UTF-8 bytes stay
  BOOST_TEST(ToUpperAscii('`') == '`');
  BOOST_TEST(ToUpperAscii('{') == '{');
  BOOST_TEST(ToLowerAscii('@') == '@');
  BOOST_TEST(ToLowerAscii('[') == '[');
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
