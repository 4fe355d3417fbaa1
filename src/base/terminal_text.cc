// Control characters and their escapes, on a UTF-8 decoder of a few lines.
#include "base/terminal_text.h"

#include <cstdio>

namespace shortener {

namespace {

// The length of the valid UTF-8 sequence at the start of `text` (1 to 4) and its code point,
// or 0 when it is not one (a stray continuation byte, an overlong form, a surrogate, > U+10FFFF).
size_t DecodeOne(std::string_view text, char32_t* code_point) {
  const unsigned char lead = static_cast<unsigned char>(text[0]);
  size_t length;
  char32_t value;
  char32_t minimum;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, value = lead & 0x1f, minimum = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, value = lead & 0x0f, minimum = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    const unsigned char next = static_cast<unsigned char>(text[i]);
    if ((next & 0xc0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3f);
  }
  if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return 0;
  *code_point = value;
  return length;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7f && c <= 0x9f); }

}  // namespace

bool HasControlCharacter(std::string_view text) {
  while (!text.empty()) {
    char32_t c = 0;
    const size_t length = DecodeOne(text, &c);
    if (length == 0 || IsControl(c)) return true;
    text.remove_prefix(length);
  }
  return false;
}

std::string TerminalSafe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char escape[8];
  while (!text.empty()) {
    char32_t c = 0;
    const size_t length = DecodeOne(text, &c);
    if (length == 0) {
      std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(text[0]));
      out += escape;
      text.remove_prefix(1);
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (IsControl(c)) {
      std::snprintf(escape, sizeof escape, c < 0x80 ? "\\x%02x" : "\\u%04x",
                    static_cast<unsigned>(c));
      out += escape;
    } else {
      out.append(text.data(), length);
    }
    text.remove_prefix(length);
  }
  return out;
}

}  // namespace shortener
