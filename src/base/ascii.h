// Locale-free ASCII helpers: HTTP tokens, hosts and config keys are ASCII, and <cctype> would
// consult the C locale (and take UB on negative chars).
#ifndef SHORTENER_ASCII_H_
#define SHORTENER_ASCII_H_

#include <string>
#include <string_view>

namespace shortener {

inline bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

inline char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ToLowerAscii(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = ToLowerAscii(c);
  return lower;
}

inline char ToUpperAscii(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string ToUpperAscii(std::string_view s) {
  std::string upper(s);
  for (char& c : upper) c = ToUpperAscii(c);
  return upper;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

// `text` without leading and trailing spaces, tabs, CR, FF and VT.
inline std::string_view TrimBlanks(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r\f\v";
  size_t first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlank) - first + 1);
}

}  // namespace shortener

#endif  // SHORTENER_ASCII_H_
