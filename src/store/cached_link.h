// A link as the redirect path needs it: what the redirect cache's tiers keep of a slug
// (store/link_cache.h, store/local_link_cache.h).
#ifndef SHORTENER_CACHED_LINK_H_
#define SHORTENER_CACHED_LINK_H_

#include <cstdint>
#include <string>

#include "domain/store.h"

namespace shortener {

struct CachedLink {
  std::string url;
  uint64_t id = 0;
  int64_t expires_at = 0;  // kNeverExpires (store.h) for a permanent link
  int redirect_code = kDefaultRedirectCode;
  bool limited = false;  // it has max_visits (LinkStore::UseVisit decides each visit)
};

}  // namespace shortener

#endif  // SHORTENER_CACHED_LINK_H_
