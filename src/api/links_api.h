// Handlers of the link endpoints of both API families, and the redirect path.
#ifndef SHORTENER_LINKS_API_H_
#define SHORTENER_LINKS_API_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/auth_gate.h"
#include "base/clock.h"
#include "domain/blocklist.h"
#include "domain/cache.h"
#include "domain/clicks.h"
#include "domain/cursor.h"
#include "domain/rate_limit.h"
#include "domain/slug.h"
#include "domain/store.h"
#include "domain/url_check.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

// What the link handlers take from Config, resolved once at start.
struct LinkSettings {
  std::string public_base_url;  // no trailing slash
  int64_t shorten_default_ttl = 3600;
  int64_t v1_default_ttl = 432000;
  int64_t max_ttl = 315360000;
  int64_t cache_ttl = 86400;
  RateLimit create_limit = {60, 60};  // per user, both create endpoints together
  UrlPolicy url_policy;
  // Borrowed; checked on every redirect, so links to a host listed after their creation answer
  // 404. Null: no blocklist.
  BlocklistFile* blocklist = nullptr;
  // Borrowed; counts every GET redirect or lookup that finds its link (never HEAD). Null: clicks
  // are not counted (click_counting = false).
  ClickCounter* clicks = nullptr;
};

class LinksApi {
 public:
  // Borrows every pointer; they must outlive this object.
  LinksApi(LinkSettings settings, LinkStore* store, Cache* cache, AuthGate* gate,
           RateLimiter* limiter, const SlugCodec* slugs, const CursorCodec* cursors, Clock clock);

  // Adds this file's routes, the "/{slug}" catch-all among them.
  void Register(Router* router);

  // POST /url/shorten (auth; limited by create_limit per user)
  Response Shorten(const Request& request);
  // POST /api/v1/url-shortener (auth; limited by create_limit per user)
  Response V1Create(const Request& request);
  // GET /api/v1/url-shorteners: the caller's links (an admin's: all), newest first.
  Response V1List(const Request& request);
  // GET /api/v1/url-shorteners/{slug}: the record and its clicks by day; 404 unless the caller
  // owns the link (or is an admin).
  Response V1Get(const Request& request, const std::string& slug);
  // PATCH /api/v1/url-shorteners/{slug}: changes target, expiry or metadata; the next redirect
  // on every instance sees the change.
  Response V1Patch(const Request& request, const std::string& slug);
  // DELETE /api/v1/url-shorteners/{slug}: 204; the slug stops redirecting at once.
  Response V1Delete(const Request& request, const std::string& slug);
  // GET /r/{slug}: 302 to the target, 404 if unknown or expired, 503 if the database is down.
  // A 302 to a GET counts one click.
  Response Redirect(const Request& request, const std::string& slug);
  // GET /{slug}: JSON {"ok", "original_url"}, or the redirect for a browser (Accept). A 200 or
  // 302 to a GET counts one click.
  Response Lookup(const Request& request, const std::string& slug);

 private:
  // The fields a create request gives, under either family's names.
  struct CreateRequest {
    std::string url;
    std::optional<std::string> slug;
    std::optional<int64_t> expires_in;
    std::optional<std::string> expires_at;
    std::string metadata_json = "{}";
  };

  // The auth gate and the creation limit around `create`: 401/429 before it runs, and the
  // RateLimit-* headers on whatever it answers.
  Response LimitedCreate(const Request& request,
                         const std::function<Response(const Principal&)>& create);
  Response ShortenAs(const Request& request, const Principal& who);
  Response V1CreateAs(const Request& request, const Principal& who);
  // The link `slug` if `who` may see and change it: its owner, or an admin. kNotFound for
  // everyone else, the same answer as for no link at all, so existence is not revealed.
  Result<Link> OwnedLink(const Principal& who, const std::string& slug);
  // The expiry an expires_in or an absolute time (the field `at_field`) asks for, checked against
  // max_ttl; nullopt when neither is given. Both at once: kValidation.
  Result<std::optional<int64_t>> RequestedExpiry(std::optional<int64_t> expires_in,
                                                 const std::optional<std::string>& at,
                                                 const char* at_field, int64_t now) const;
  // Reads and checks the create fields of `request`; url_field names the target's field.
  Result<CreateRequest> ParseCreate(const Request& request, const char* url_field,
                                    bool allow_expires_at);
  // Validates and stores a link, answering as API.md says on failure.
  Result<Link> Create(const CreateRequest& create, const Principal& owner, const char* url_field,
                      int64_t default_ttl);
  // A live link's target and id.
  struct Resolved {
    std::string url;
    uint64_t id = 0;
  };
  // The target of `slug` if it exists and has not expired: cache first, MySQL on a miss, the
  // cache filled for no longer than the link's time left.
  Result<Resolved> Resolve(const std::string& slug);
  // Counts a click on link `id` for `request`, unless it is a HEAD or counting is off.
  void CountClick(const Request& request, uint64_t id);
  // The v1 <record> of a link.
  nlohmann::ordered_json Record(const Link& link) const;

  LinkSettings settings_;
  LinkStore* store_;
  Cache* cache_;
  AuthGate* gate_;
  RateLimiter* limiter_;
  const SlugCodec* slugs_;
  const CursorCodec* cursors_;
  Clock clock_;
};

// The cache key of a slug's redirect entry.
std::string RedirectCacheKey(const std::string& slug);

// Tells every instance that `slug`'s row changed (updated, deleted, or newly holding a custom
// slug): its cache entry is replaced by a short-lived marker that refuses fills, so a reader that
// loaded the old row just before the change cannot cache it again afterwards. Best effort: with
// the cache unreachable there is nothing to invalidate either, unless it comes back with the
// old entry, which then lives at most until its own expiry (cache_ttl or the link's).
void MarkLinkChanged(Cache* cache, const std::string& slug);

}  // namespace shortener

#endif  // SHORTENER_LINKS_API_H_
