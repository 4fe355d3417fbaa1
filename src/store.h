// Interfaces of the data the service keeps. MySQL is the truth; see mysql_store.h.
//
// Every call may fail with kUnavailable (the database cannot be reached even after one
// reconnect) or kInternal; the other errors are named at each call.
#ifndef SHORTENER_STORE_H_
#define SHORTENER_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "error.h"

namespace shortener {

// Times are unix seconds, UTC.
struct Link {
  uint64_t id = 0;
  std::string slug;
  std::string url;
  std::optional<uint64_t> owner_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t expires_at = 0;
  uint64_t clicks = 0;
  std::string metadata_json = "{}";  // a serialised JSON object
};

struct NewLink {
  std::string url;
  std::optional<std::string> custom_slug;
  std::optional<uint64_t> owner_id;
  int64_t now = 0;
  int64_t expires_at = 0;
  std::string metadata_json = "{}";
};

// What a redirect needs, and nothing more.
struct RedirectTarget {
  std::string url;
  int64_t expires_at = 0;
};

// One page of a newest-first listing.
struct LinkPage {
  std::vector<Link> links;
  std::optional<uint64_t> next_before_id;  // set when more links may follow
};

// Turns a fresh AUTO_INCREMENT id into its slug, or returns nullopt when that slug may not be
// used (a reserved word), in which case the store takes the next id.
using SlugMaker = std::function<std::optional<std::string>(uint64_t id)>;

class LinkStore {
 public:
  virtual ~LinkStore() = default;

  // The target of `slug`, expired or not (the caller decides). kNotFound if there is none.
  virtual Result<RedirectTarget> FindRedirect(const std::string& slug) = 0;

  // Inserts a link and returns it as stored. A custom slug is inserted as given (kSlugTaken if
  // any link holds it). Otherwise the slug is make_slug(id) of the row's own id; when that slug
  // is held by a custom link or refused, the row is rolled back and the next id is tried.
  // Returns only after the row is committed.
  virtual Result<Link> CreateLink(const NewLink& link, const SlugMaker& make_slug) = 0;

  // Up to `limit` links with id < before_id (all if unset), newest first; only owner_id's
  // links when set.
  virtual Result<LinkPage> ListLinks(std::optional<uint64_t> owner_id,
                                     std::optional<uint64_t> before_id, int limit) = 0;

  // OK when the database answers.
  virtual Status Ping() = 0;
};

}  // namespace shortener

#endif  // SHORTENER_STORE_H_
