// Handlers of the link endpoints of both API families, and the redirect path.
#ifndef SHORTENER_LINKS_API_H_
#define SHORTENER_LINKS_API_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/auth_gate.h"
#include "base/clock.h"
#include "domain/blocklist.h"
#include "domain/cache.h"
#include "domain/clicks.h"
#include "domain/client_address.h"
#include "domain/cursor.h"
#include "domain/link_settings.h"
#include "domain/rate_limit.h"
#include "domain/slug.h"
#include "domain/store.h"
#include "domain/url_check.h"
#include "http/http.h"
#include "http/router.h"
#include "store/link_cache.h"
#include "store/link_creator.h"

namespace shortener {

class LinksApi {
 public:
  // Borrows every pointer; they must outlive this object.
  LinksApi(LinkSettings settings, LinkStore* store, Cache* cache, AuthGate* gate,
           RateLimiter* limiter, const SlugCodec* slugs, const CursorCodec* cursors, Clock clock);

  // Adds this file's routes, the "/{slug}" catch-all among them.
  void Register(Router* router);

  // POST /url/shorten (auth; limited by create_limit per user). Both create endpoints honour
  // an Idempotency-Key (API.md "Retries"): a malformed one is 422 with field
  // "Idempotency-Key" (an empty one counts as none); the same user's same key within
  // kIdempotencyKeyLifetime answers the first request's 201 again (same link, same body), or 422
  // (same field) if it came with another request: another endpoint or another body (compared as
  // JSON, key order aside).
  Result<Response> Shorten(const Request& request);
  // POST /api/v1/url-shortener (auth; limited by create_limit per user; Idempotency-Key as
  // above). Takes expiration_date as well as expires_in, as PATCH does.
  Result<Response> V1Create(const Request& request);
  // GET /api/v1/url-shorteners: the caller's links (an admin's: all), newest first. With q=
  // (SearchText), only those whose slug or URL contains it (LinkStore::SearchLinks, looking
  // through kSearchWindow links a page: a page may hold fewer than `limit` and still have a
  // next_cursor).
  Result<Response> V1List(const Request& request);
  // GET /api/v1/url-shorteners/{slug}: the record and its clicks by day; 404 unless the caller
  // owns the link (or is an admin).
  Result<Response> V1Get(const Request& request, const std::string& slug);
  // PATCH /api/v1/url-shorteners/{slug}: changes target, expiry (null: permanent) or metadata;
  // the next redirect on every instance sees the change.
  Result<Response> V1Patch(const Request& request, const std::string& slug);
  // DELETE /api/v1/url-shorteners/{slug}: 204; the slug stops redirecting at once and is held
  // from other users for freed_slug_hold.
  Result<Response> V1Delete(const Request& request, const std::string& slug);
  // The pieces of creation that every create endpoint shares, for endpoints with requests of
  // their own shape (the YOURLS API):
  // - the create_limit decision for `who`, counted now (every authenticated creation counts);
  RateDecision HitCreateLimit(const Principal& who);
  // - `url` through API.md's URL rules (LinkCreator::CheckTarget);
  Result<std::string> CheckTarget(const std::string& url, const char* field) const;
  // - storing `link` and publishing its cache entry, with an Idempotency-Key if given
  //   (LinkCreator::StoreOnce).
  Result<CreateAnswer> StoreNewLink(const NewLink& link, const std::optional<std::string>& key,
                                    const std::string& request_digest,
                                    const std::function<CreateAnswer(const Link&)>& answer_of);
  const LinkSettings& settings() const { return settings_; }
  // The link `slug` if `who` may see and change it: its owner, or an admin. kNotFound for
  // everyone else, the same answer as for no link at all, so existence is not revealed.
  Result<Link> OwnedLink(const Principal& who, const std::string& slug);

  // GET /r/{slug}: 302 to the target, 404 if unknown or expired, 503 if the database is down,
  // 429 once the client's 404s exceed not_found_limit. A 302 to a GET counts one click.
  Result<Response> Redirect(const Request& request, const std::string& slug);
  // GET /{slug}: JSON {"ok", "original_url"}, or the redirect for a browser (Accept). A 200 or
  // 302 to a GET counts one click.
  Result<Response> Lookup(const Request& request, const std::string& slug);

 private:
  // What tells a create endpoint's flavour: its field names, default lifetime and answer.
  struct Family {
    const char* route;  // for the Idempotency-Key's request digest
    const char* url_field;
    const char* at_field;
    int64_t default_ttl;
    std::function<CreateAnswer(const Link&)> answer;
  };

  // The auth gate and the creation limit around `create`: 401/429 before it runs, and the
  // RateLimit-* headers on whatever it answers.
  Result<Response> LimitedCreate(const Request& request,
                                 const std::function<Result<Response>(const Principal&)>& create);
  // Either create endpoint, once the caller is known and within the limit.
  Result<Response> CreateAs(const Request& request, const Principal& who, const Family& family);
  // Reads expires_in and `at_field` of `body`: each absent, null or a value of the right type
  // (kValidation otherwise).
  static Result<ExpiryFields> ReadExpiryFields(const nlohmann::ordered_json& body,
                                               const char* at_field);
  // Reads the create fields of `request` under `family`'s names (checked by creator_).
  Result<LinkRequest> ParseCreate(const Request& request, const Family& family);
  // The 201 of /url/shorten, and of the v1 create, for a stored link.
  CreateAnswer ShortenAnswer(const Link& link) const;
  CreateAnswer V1CreateAnswer(const Link& link) const;
  // What Resolve found: the link, or the error to answer, and the decision of the 404 limit
  // when it was consulted (its RateLimit-* headers go on the answer; refused: the answer is 429).
  struct Resolution {
    Result<CachedLink> link;
    std::optional<RateDecision> not_found;
  };
  // The target of `slug` if it exists, has not expired and still passes the URL rules: one
  // cache get (LinkCache::Lookup); on a miss or a fence the 404 limit is looked at, then MySQL,
  // and after a miss the cache is filled (the link, or its absence). Every 404 of a well-formed
  // slug counts against the client's not_found_limit.
  Resolution Resolve(const Request& request, const std::string& slug);
  // The Resolution of a 404 for a well-formed slug: counted against the client's 404 limit.
  Resolution NotFound(const Request& request);
  // The error of a Resolution that found nothing, with the 404 limit's headers when consulted.
  static Error Unresolved(const Resolution& resolution);
  // Counts a click on link `id` for `request`, unless it is a HEAD or counting is off.
  void CountClick(const Request& request, uint64_t id);
  // The v1 <record> of a link.
  nlohmann::ordered_json Record(const Link& link) const;

  LinkSettings settings_;
  LinkStore* store_;
  AuthGate* gate_;
  RateLimiter* limiter_;
  const CursorCodec* cursors_;
  Clock clock_;
  LinkCache links_cache_;
  LinkCreator creator_;  // on settings_ and links_cache_ above
};

// The request's Idempotency-Key, nullopt if it sent none; kValidation unless it is 1 to 64
// printable ASCII characters. An empty header counts as none: lighttpd does not pass empty
// headers on, so behind it one could not be told from the other.
Result<std::optional<std::string>> IdempotencyKeyOf(const Request& request);

}  // namespace shortener

#endif  // SHORTENER_LINKS_API_H_
