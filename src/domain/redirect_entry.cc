// Redirect cache values: a keyed MAC (keyed_mac.h) over slug and body, base64url via libsodium.
#include "domain/redirect_entry.h"

#include <sodium.h>

#include <limits>
#include <optional>

#include "base/ascii.h"

namespace shortener {

namespace {

constexpr char kMacMark = 'm';
constexpr size_t kMacTextBytes =
    sodium_base64_ENCODED_LEN(kShortMacBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;

// The signed message: the slug, a NUL (slugs hold none), the body.
std::string Message(std::string_view slug, std::string_view body) {
  std::string message(slug);
  message += '\0';
  message += body;
  return message;
}

// A decimal number with an optional '-', nothing else, within +-INT64_MAX; nullopt otherwise.
std::optional<int64_t> ParseInt(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 19) return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');  // 19 digits fit in uint64
  }
  if (value > kMax) return std::nullopt;
  return negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
}

// Splits off what precedes the first space of *text; nullopt when there is none.
std::optional<std::string_view> TakeWord(std::string_view* text) {
  const size_t space = text->find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view word = text->substr(0, space);
  text->remove_prefix(space + 1);
  return word;
}

}  // namespace

RedirectEntryCodec::RedirectEntryCodec(std::string_view secret)
    : key_(DeriveMacKey("shortener redirect cache v1", secret)) {}

std::string RedirectEntryCodec::Sign(std::string_view slug, const std::string& body) const {
  const ShortMac mac = MakeShortMac(key_, Message(slug, body));
  char text[kMacTextBytes + 1];
  sodium_bin2base64(text, sizeof text, mac.data(), mac.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return kMacMark + std::string(text) + ' ' + body;
}

std::string RedirectEntryCodec::EncodeLink(std::string_view slug, int64_t expires_at, uint64_t id,
                                           std::string_view url, int redirect_code,
                                           bool limited) const {
  std::string body = std::to_string(expires_at) + ' ' + std::to_string(id) + ' ';
  if (redirect_code != 302 || limited) {
    body += std::to_string(redirect_code) + (limited ? "L " : "U ");
  }
  return Sign(slug, body + std::string(url));
}

std::string RedirectEntryCodec::EncodeAbsent(std::string_view slug, int64_t until) const {
  return Sign(slug, "- " + std::to_string(until));
}

RedirectEntry RedirectEntryCodec::Decode(std::string_view slug, std::string_view value) const {
  RedirectEntry entry;
  if (value == Fence()) {
    entry.kind = RedirectEntry::Kind::kFence;
    return entry;
  }
  // "m", the MAC's base64url text, a space: anything else is no entry of this format.
  if (value.size() < 2 + kMacTextBytes || value[0] != kMacMark || value[1 + kMacTextBytes] != ' ') {
    return entry;
  }
  const std::string_view mac_text = value.substr(1, kMacTextBytes);
  // libsodium 1.0.18 decodes bytes >= 0x80 as '_': one spelling per MAC, checked first.
  for (char c : mac_text) {
    if (!IsAsciiAlnum(c) && c != '-' && c != '_') return entry;
  }
  unsigned char mac[kShortMacBytes];
  size_t length = 0;
  if (sodium_base642bin(mac, sizeof mac, mac_text.data(), mac_text.size(), nullptr, &length,
                        nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      length != kShortMacBytes) {
    return entry;
  }
  std::string_view body = value.substr(2 + kMacTextBytes);
  if (!ShortMacMatches(key_, Message(slug, body), mac)) {
    entry.kind = RedirectEntry::Kind::kForged;
    return entry;
  }
  // Signed by us, so well-formed unless the format changed; parsed strictly all the same.
  std::optional<std::string_view> first = TakeWord(&body);
  if (!first) return entry;
  if (*first == "-") {
    std::optional<int64_t> until = ParseInt(body);
    if (!until) return entry;
    entry.kind = RedirectEntry::Kind::kAbsent;
    entry.until = *until;
    return entry;
  }
  std::optional<int64_t> expires_at = ParseInt(*first);
  std::optional<std::string_view> id_text = TakeWord(&body);
  std::optional<int64_t> id = id_text ? ParseInt(*id_text) : std::nullopt;
  if (!expires_at || !id || *id < 0 || body.empty()) return entry;
  // The long form's "<code><L|U> " cannot begin a URL (it has a scheme): no ambiguity.
  if (body.size() > 5 && body[4] == ' ' && (body[3] == 'L' || body[3] == 'U')) {
    std::optional<int64_t> code = ParseInt(body.substr(0, 3));
    if (code && (*code == 301 || *code == 302 || *code == 307 || *code == 308)) {
      entry.redirect_code = static_cast<int>(*code);
      entry.limited = body[3] == 'L';
      body.remove_prefix(5);
    }
  }
  entry.kind = RedirectEntry::Kind::kLink;
  entry.expires_at = *expires_at;
  entry.id = static_cast<uint64_t>(*id);
  entry.url = std::string(body);
  return entry;
}

}  // namespace shortener
