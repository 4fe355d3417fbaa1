// Fuzzes ClassifyUserAgent (src/domain/ua_class.h): any bytes give a result from the tables, bot
// exactly when the device is "bot", the same for any letter case, and nothing past
// kMaxUserAgentScan bytes changes it; a UserAgentMemo that has seen every input so far answers
// the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/ua_class.h"
#include "fuzz_check.h"

namespace {

bool SameClass(const shortener::UserAgentClass& a, const shortener::UserAgentClass& b) {
  return a.device == b.device && a.browser == b.browser && a.os == b.os && a.bot == b.bot &&
         a.script == b.script;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string ua(reinterpret_cast<const char*>(data), size);
  const shortener::UserAgentClass got = shortener::ClassifyUserAgent(ua);

  const std::string_view device = shortener::DeviceName(got.device);
  FUZZ_CHECK(device == "desktop" || device == "mobile" || device == "tablet" || device == "bot" ||
                 device == "other",
             "a device outside API.md's five");
  FUZZ_CHECK(got.bot == (got.device == shortener::Device::kBot), "bot and device disagree");
  FUZZ_CHECK(!got.browser.empty() && !got.os.empty(), "an empty family name");
  // Family names come from the tables, never from the input: short and printable.
  for (std::string_view name : {got.browser, got.os}) {
    FUZZ_CHECK(name.size() <= 32, "a family name longer than any in the tables");
    for (char c : name) FUZZ_CHECK(c >= 0x20 && c < 0x7f, "a family name with a strange byte");
  }

  std::string flipped = ua;
  for (char& c : flipped) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  FUZZ_CHECK(SameClass(shortener::ClassifyUserAgent(flipped), got), "letter case changed it");

  if (ua.size() >= shortener::kMaxUserAgentScan) {
    const std::string cut = ua.substr(0, shortener::kMaxUserAgentScan);
    FUZZ_CHECK(SameClass(shortener::ClassifyUserAgent(cut), got), "bytes past the scan counted");
  }

  // Kept across inputs, so it answers from entries that other inputs filled.
  static shortener::UserAgentMemo memo;
  FUZZ_CHECK(SameClass(memo.Classify(ua), got), "the memo answered otherwise (filling)");
  FUZZ_CHECK(SameClass(memo.Classify(ua), got), "the memo answered otherwise (holding)");
  return 0;
}
