// IRI -> URI (RFC 3987 3.1): glibc's iconv decodes and validates the UTF-8, libidn2 makes the
// A-label, liburiparser finds the host.
#include "domain/iri.h"

#include <iconv.h>
#include <idn2.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/ascii.h"
#include "domain/parsed_uri.h"

namespace shortener {

namespace {

struct Range {
  uint32_t first;
  uint32_t last;
};

// RFC 3987's ucschar. Private-use characters (its iprivate, allowed in queries only) are left out:
// nobody pastes them, and they render as nothing a reader could check.
constexpr Range kIriChars[] = {
    {0xA0, 0xD7FF},     {0xF900, 0xFDCF},   {0xFDF0, 0xFFEF},   {0x10000, 0x1FFFD},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}, {0x40000, 0x4FFFD}, {0x50000, 0x5FFFD},
    {0x60000, 0x6FFFD}, {0x70000, 0x7FFFD}, {0x80000, 0x8FFFD}, {0x90000, 0x9FFFD},
    {0xA0000, 0xAFFFD}, {0xB0000, 0xBFFFD}, {0xC0000, 0xCFFFD}, {0xD0000, 0xDFFFD},
    {0xE1000, 0xEFFFD},
};

// Inside ucschar but refused: Unicode's White_Space characters (API.md: no whitespace anywhere),
// and the bidirectional formatting characters RFC 3987 4.1 forbids (plus the later isolates and
// the Arabic letter mark), which can make a URL read differently from where it goes.
constexpr Range kRefused[] = {
    {0x00A0, 0x00A0}, {0x061C, 0x061C}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x200E, 0x200F},
    {0x2028, 0x202F}, {0x205F, 0x205F}, {0x2066, 0x2069}, {0x3000, 0x3000},
};

template <size_t N>
bool InRanges(uint32_t c, const Range (&ranges)[N]) {
  for (const Range& range : ranges) {
    if (c >= range.first && c <= range.last) return true;
  }
  return false;
}

bool AllAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The code points of `text`, or nullopt if it is not UTF-8 (overlong forms, surrogates, values
// past U+10FFFF and cut sequences included: glibc's decoder refuses them all).
std::optional<std::vector<uint32_t>> DecodeUtf8(std::string_view text) {
  iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::vector<unsigned char> out(4 * text.size());
  char* in_ptr = const_cast<char*>(text.data());  // iconv's signature; it does not write input
  size_t in_left = text.size();
  char* out_ptr = reinterpret_cast<char*>(out.data());
  size_t out_left = out.size();
  const size_t rc = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1) || in_left != 0) return std::nullopt;
  std::vector<uint32_t> points((out.size() - out_left) / 4);
  for (size_t i = 0; i < points.size(); ++i) {
    points[i] = uint32_t{out[4 * i]} | uint32_t{out[4 * i + 1]} << 8 |
                uint32_t{out[4 * i + 2]} << 16 | uint32_t{out[4 * i + 3]} << 24;
  }
  return points;
}

// The refusal of a host libidn2 does not take (rc, one of its error codes).
Error NotAnIdnaName(const std::string& field, int rc) {
  return Error::Validation(field, field +
                                      " has a host that is not a valid internationalized "
                                      "domain name (" +
                                      idn2_strerror(rc) + ").");
}

}  // namespace

Status CheckALabels(std::string_view host, const std::string& field) {
  for (size_t at = 0; at <= host.size();) {
    size_t end = host.find('.', at);
    if (end == std::string_view::npos) end = host.size();
    const std::string label(host.substr(at, end - at));
    at = end + 1;
    if (label.size() < 4 || ToLowerAscii(label.substr(0, 4)) != "xn--") continue;
    uint8_t* checked = nullptr;
    const int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(label.c_str()), &checked,
                                  IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    idn2_free(checked);
    if (rc != IDN2_OK) return NotAnIdnaName(field, rc);
  }
  return Status::Ok();
}

Result<std::string> IriToUri(std::string_view text, const std::string& field) {
  if (AllAscii(text)) return std::string(text);
  std::optional<std::vector<uint32_t>> points = DecodeUtf8(text);
  if (!points) return Error::Validation(field, field + " is not valid UTF-8.");
  for (uint32_t c : *points) {
    if (c < 0x80) continue;
    if (!InRanges(c, kIriChars) || InRanges(c, kRefused)) {
      return Error::Validation(field, field +
                                          " must not contain spaces, control characters or "
                                          "invisible formatting characters.");
    }
  }
  // Every non-ASCII byte percent-encoded; origin[i] is where encoded byte i came from, so the
  // host found in the encoded text can be read in the original.
  static const char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  std::vector<size_t> origin;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      encoded += static_cast<char>(b);
      origin.push_back(i);
    } else {
      encoded += {'%', kHex[b >> 4], kHex[b & 0xf]};
      origin.insert(origin.end(), 3, i);
    }
  }
  origin.push_back(text.size());
  const ParsedUri uri(encoded);
  // Not a URI even so (or no host): CheckTargetUrl says why, on this ASCII form.
  if (!uri.ok()) return encoded;
  const std::string_view host = ParsedUri::View(uri.uri().hostText);
  if (host.empty()) return encoded;
  const size_t start = static_cast<size_t>(host.data() - encoded.data());
  const size_t end = start + host.size();
  const std::string original_host(text.substr(origin[start], origin[end] - origin[start]));
  if (AllAscii(original_host) || original_host.find('\0') != std::string::npos) return encoded;
  char* a_label = nullptr;
  const int rc =
      idn2_to_ascii_8z(original_host.c_str(), &a_label, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK) return NotAnIdnaName(field, rc);
  std::string out = encoded.substr(0, start) + a_label + encoded.substr(end);
  idn2_free(a_label);
  return out;
}

}  // namespace shortener
