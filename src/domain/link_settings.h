// The link handlers' settings: the home of every link setting of the config (its key table binds
// the keys to these fields; the initialisers are the defaults).
#ifndef SHORTENER_DOMAIN_LINK_SETTINGS_H_
#define SHORTENER_DOMAIN_LINK_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/host_changes.h"
#include "domain/blocklist.h"
#include "domain/clicks.h"
#include "domain/client_address.h"
#include "domain/rate_limit.h"
#include "domain/url_check.h"
#include "domain/visit_classifier.h"

namespace shortener {

// What the link handlers take from Config.
struct LinkSettings {
  std::string public_base_url = "http://localhost:8000";  // http(s), no trailing slash
  int64_t shorten_default_ttl = 3600;
  int64_t v1_default_ttl = 432000;
  int64_t max_ttl = 315360000;
  int64_t cache_ttl = 86400;  // the longest a redirect cache entry lives
  // false: a null expiry (a permanent link) is refused with 422 naming the field.
  bool allow_permanent_links = true;
  int64_t freed_slug_hold = 7776000;  // see NewLink::freed_slug_hold
  RateLimit create_limit = {60, 60};  // per user, both create endpoints together
  // Keys the MAC of the redirect cache's entries (slug_secret).
  std::string cache_secret;
  // Seconds a slug that names no link is remembered as absent in the cache; 0: never.
  int64_t negative_cache_ttl = 5;
  // Seconds a worker keeps the redirects it found in memcached in its own memory; 0: never
  // (local_cache_ttl: changes made on other hosts are then seen within it, API.md).
  int64_t local_cache_ttl = 0;
  // Borrowed; the host's link change counters (local_cache_change_file), which every change
  // bumps and the in-memory copies are checked against. Null: none (nor any in-memory copy).
  HostChanges* host_changes = nullptr;
  // 404s of the redirect paths per client address (rate_limit_not_found).
  RateLimit not_found_limit = {100, 60};
  std::vector<IpNetwork> trusted_proxies;  // for the client address of not_found_limit
  // Checked at creation and again on every redirect (RecheckStoredTarget), cache hit or not.
  UrlPolicy url_policy;
  // Borrowed; when set, url_policy.is_blocked is this list (at creation and on every redirect,
  // so links to a host listed after their creation answer 404). Null: no blocklist.
  BlocklistFile* blocklist = nullptr;
  // Borrowed; counts every GET redirect or lookup that finds its link (never HEAD). Null: clicks
  // are not counted (click_counting = false).
  ClickCounter* clicks = nullptr;
  // Borrowed; when set (and clicks is), every counted visit is classified for the statistics
  // and counted with its classification. Null: visit_statistics = false.
  VisitClassifier* visits = nullptr;
};

// Points settings->url_policy.is_blocked at settings->blocklist (when set), read at `now`: the
// one wiring of the blocklist, for the workers and for shortener-admin's link create alike.
inline void BindBlocklist(LinkSettings* settings, Clock now) {
  BlocklistFile* blocklist = settings->blocklist;
  if (blocklist == nullptr) return;
  settings->url_policy.is_blocked = [blocklist, now](std::string_view host) {
    return blocklist->BlocksHost(host, now());
  };
}

}  // namespace shortener

#endif  // SHORTENER_DOMAIN_LINK_SETTINGS_H_
