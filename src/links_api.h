// Handlers of the link endpoints of both API families, and the redirect path.
#ifndef SHORTENER_LINKS_API_H_
#define SHORTENER_LINKS_API_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "blocklist.h"
#include "cache.h"
#include "cursor.h"
#include "http.h"
#include "router.h"
#include "slug.h"
#include "store.h"
#include "url_check.h"

namespace shortener {

// What the link handlers take from Config, resolved once at start.
struct LinkSettings {
  std::string public_base_url;  // no trailing slash
  int64_t shorten_default_ttl = 3600;
  int64_t v1_default_ttl = 432000;
  int64_t max_ttl = 315360000;
  int64_t cache_ttl = 86400;
  UrlPolicy url_policy;
  // Borrowed; checked on every redirect, so links to a host listed after their creation answer
  // 404. Null: no blocklist.
  BlocklistFile* blocklist = nullptr;
};

using Clock = std::function<int64_t()>;  // unix seconds

class LinksApi {
 public:
  // Borrows every pointer; they must outlive this object.
  LinksApi(LinkSettings settings, LinkStore* store, Cache* cache, const SlugCodec* slugs,
           const CursorCodec* cursors, Clock clock);

  // Adds this file's routes, the "/{slug}" catch-all among them.
  void Register(Router* router);

  // POST /url/shorten
  Response Shorten(const Request& request);
  // POST /api/v1/url-shortener
  Response V1Create(const Request& request);
  // GET /api/v1/url-shorteners
  Response V1List(const Request& request);
  // GET /r/{slug}: 302 to the target, 404 if unknown or expired, 503 if the database is down.
  Response Redirect(const Request& request, const std::string& slug);
  // GET /{slug}: JSON {"ok", "original_url"}, or the redirect for a browser (Accept).
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

  // Reads and checks the create fields of `request`; url_field names the target's field.
  Result<CreateRequest> ParseCreate(const Request& request, const char* url_field,
                                    bool allow_expires_at);
  // Validates and stores a link, answering as API.md says on failure.
  Result<Link> Create(const CreateRequest& create, const char* url_field, int64_t default_ttl);
  // The target of `slug` if it exists and has not expired: cache first, MySQL on a miss, the
  // cache filled for no longer than the link's time left.
  Result<std::string> Resolve(const std::string& slug);
  // The v1 <record> of a link.
  nlohmann::ordered_json Record(const Link& link) const;

  LinkSettings settings_;
  LinkStore* store_;
  Cache* cache_;
  const SlugCodec* slugs_;
  const CursorCodec* cursors_;
  Clock clock_;
};

// The cache key of a slug's redirect entry.
std::string RedirectCacheKey(const std::string& slug);

}  // namespace shortener

#endif  // SHORTENER_LINKS_API_H_
