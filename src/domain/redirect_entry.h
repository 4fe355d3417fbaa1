// The redirect cache's entries (API.md "Target URLs"): what a slug resolved to, or that it
// resolved to nothing, signed so that whoever else can write to memcached cannot make a slug
// redirect anywhere. The protocol around them (keys, fills, change markers) is
// store/link_cache.h.
#ifndef SHORTENER_REDIRECT_ENTRY_H_
#define SHORTENER_REDIRECT_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/keyed_mac.h"

namespace shortener {

// What one cache value says of its slug.
struct RedirectEntry {
  enum class Kind {
    kLink,     // the slug's live link: url, id, expires_at
    kAbsent,   // no link had the slug when the entry was made; trusted until `until`
    kFence,    // the link changed a moment ago (LinkCache::MarkChanged): read MySQL, do not fill
    kInvalid,  // not an entry of this format (an older one, or garbage): a miss
    kForged,   // this format, but the MAC does not verify: a miss, and someone else wrote it
  };
  Kind kind = Kind::kInvalid;
  std::string url;
  uint64_t id = 0;
  int64_t expires_at = 0;
  int redirect_code = 302;  // the link's redirect status
  bool limited = false;     // the link has max_visits: each visit asks MySQL
  int64_t until = 0;
};

// Values are "m<MAC> <body>": the MAC (16 bytes, base64url) covers the slug and the body, so an
// entry is valid for its own slug only. Bodies: "<expires_at> <id> <url>" for a link that
// redirects with 302 and has no visit limit, "<expires_at> <id> <code><L|U> <url>" for any
// other ("308U": 308, unlimited; "302L": 302, limited), "- <until>" for an absent slug. A URL
// starts with its scheme, never with such a word, so the short form stays what it always was:
// entries written before the long form existed read as 302 and unlimited, and a worker that
// knows only the short form reads a long one as a URL with a space before its scheme, which
// the URL rules refuse on every read (a 404 while both run, never a wrong redirect). The fence is
// the bare word "changed", unsigned: it only ever sends a reader to MySQL, which anyone able to
// write to memcached can do anyway by deleting entries.
class RedirectEntryCodec {
 public:
  // Keys the MAC from `secret` (slug_secret) under its own context.
  explicit RedirectEntryCodec(std::string_view secret);

  std::string EncodeLink(std::string_view slug, int64_t expires_at, uint64_t id,
                         std::string_view url, int redirect_code = 302, bool limited = false) const;
  std::string EncodeAbsent(std::string_view slug, int64_t until) const;
  static const char* Fence() { return "changed"; }

  // What `value`, read under `slug`'s key, says. Never throws; any bytes may come in.
  RedirectEntry Decode(std::string_view slug, std::string_view value) const;

 private:
  std::string Sign(std::string_view slug, const std::string& body) const;

  MacKey key_;
};

}  // namespace shortener

#endif  // SHORTENER_REDIRECT_ENTRY_H_
