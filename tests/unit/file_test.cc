// Unit tests of src/base/file.h and the case helpers of src/base/ascii.h.
#include "base/file.h"

#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <fstream>
#include <string>

#include "base/ascii.h"

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(file)

BOOST_AUTO_TEST_CASE(reads_a_whole_file_and_its_signature) {
  char dir_template[] = "/tmp/file-test-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string path = dir + "/data";
  // Longer than one read buffer, with a NUL inside.
  std::string written(10000, 'x');
  written[5000] = '\0';
  std::ofstream(path, std::ios::binary) << written;
  FileContents read = ReadWholeFile(path);
  BOOST_TEST((read.failure == FileContents::Failure::kNone));
  BOOST_TEST(read.text == written);
  BOOST_TEST(read.st.st_size == static_cast<off_t>(written.size()));

  FileContents missing = ReadWholeFile(dir + "/nothing-here");
  BOOST_TEST((missing.failure == FileContents::Failure::kOpen));
  BOOST_TEST(missing.error == ENOENT);
  BOOST_TEST(missing.text.empty());

  // A directory opens, and fails at the read.
  FileContents directory = ReadWholeFile(dir);
  BOOST_TEST((directory.failure == FileContents::Failure::kRead));
  BOOST_TEST(directory.error == EISDIR);

  unlink(path.c_str());
  rmdir(dir.c_str());
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
