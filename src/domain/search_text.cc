// Search text normalisation.
#include "domain/search_text.h"

namespace shortener {

Result<std::optional<std::string>> SearchText(std::string_view q) {
  while (!q.empty() && (q.front() == ' ' || q.front() == '\t')) q.remove_prefix(1);
  while (!q.empty() && (q.back() == ' ' || q.back() == '\t')) q.remove_suffix(1);
  if (q.empty()) return std::optional<std::string>();
  if (q.size() > kMaxSearchText) {
    return Error::Validation("q", "q must be at most 200 bytes.");
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string text;
  for (char c : q) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return Error::Validation("q", "q must not hold control characters.");
    }
    if (byte < 0x80) {
      text += c;
    } else {
      text += '%';
      text += kHex[byte >> 4];
      text += kHex[byte & 0xf];
    }
  }
  return std::optional<std::string>(std::move(text));
}

}  // namespace shortener
