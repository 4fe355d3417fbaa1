// API.md's rules for account fields.
#include "domain/account_rules.h"

#include "base/ascii.h"
#include "base/terminal_text.h"

namespace shortener {

namespace {

constexpr size_t kMinUsername = 3;
constexpr size_t kMaxUsername = 32;
constexpr size_t kMaxEmail = 254;
constexpr size_t kMaxEmailLocalPart = 64;  // RFC 5321 section 4.5.3.1.1
constexpr size_t kMinPassword = 8;
constexpr size_t kMaxKeyName = 100;

}  // namespace

Status CheckUsername(std::string_view username) {
  bool ok = username.size() >= kMinUsername && username.size() <= kMaxUsername;
  for (char c : username) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '.' && c != '-') ok = false;
  }
  if (!ok) {
    return Error::Validation("username",
                             "username must be 3 to 32 characters of A-Z, a-z, 0-9, _, . and -.");
  }
  return Status::Ok();
}

std::string CanonicalUsername(std::string_view username) {
  return ToLowerAscii(TrimBlanks(username));
}

Status CheckEmail(std::string_view email) {
  Error bad = Error::Validation("email",
                                "email must be an address like name@example.com, at "
                                "most 254 bytes.");
  if (email.size() > kMaxEmail) return bad;
  // Plausible, not RFC 5322 in full: one local part and one dotted domain, no spaces or control
  // characters anywhere. Whether it receives mail only a mail could tell.
  for (char c : email) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return bad;
  }
  size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > kMaxEmailLocalPart) return bad;
  std::string_view domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return bad;
  }
  for (char c : domain) {
    // The domain is an ASCII hostname or an internationalised one in UTF-8.
    if (c == '@' || c == '[' || c == ']' || c == '"' || c == ',' || c == ';') return bad;
  }
  return Status::Ok();
}

Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPassword || password.size() > kMaxPasswordBytes) {
    return Error::Validation("password", "password must be 8 to 1024 bytes.");
  }
  return Status::Ok();
}

Status CheckKeyName(std::string_view name) {
  if (name.size() > kMaxKeyName)
    return Error::Validation("name", "name must be at most 100 bytes.");
  if (HasControlCharacter(name)) {
    return Error::Validation("name", "name must not hold control characters.");
  }
  return Status::Ok();
}

}  // namespace shortener
