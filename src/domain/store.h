// Interfaces of the data the service keeps. MySQL is the truth; see mysql_store.h.
//
// Every call may fail with kUnavailable (the database cannot be reached even after one
// reconnect) or kInternal; the other errors are named at each call.
#ifndef SHORTENER_STORE_H_
#define SHORTENER_STORE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/visit_stats.h"

namespace shortener {

// Times are unix seconds, UTC.

// When a link expires: a time, or nullopt for a permanent link (API.md: `null`).
using Expiry = std::optional<int64_t>;

// A permanent link's expiry where a plain time is needed (RedirectTarget): later than any now.
inline constexpr int64_t kNeverExpires = std::numeric_limits<int64_t>::max();

// The status of a link's redirects unless it names another (API.md `redirect_code`).
inline constexpr int kDefaultRedirectCode = 302;

// How long the answer to a create with an Idempotency-Key is kept for retries (API.md
// "Retries": 24 hours); the purge removes older ones.
inline constexpr int64_t kIdempotencyKeyLifetime = 86400;

// The most bytes a link's metadata takes, as the JSON object serialised (API.md): it is stored
// per link and returned in every list. Every way in holds to it (the JSON APIs refuse more, the
// YOURLS API cuts a title to fit, an import skips the line).
inline constexpr size_t kMaxMetadataBytes = 4096;

struct Link {
  uint64_t id = 0;
  std::string slug;
  std::string url;
  std::optional<uint64_t> owner_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  Expiry expires_at;
  uint64_t clicks = 0;
  std::string metadata_json = "{}";          // a serialised JSON object
  std::optional<uint64_t> max_visits;        // unset: no limit
  int redirect_code = kDefaultRedirectCode;  // 301, 302, 307 or 308
};

struct NewLink {
  std::string url;
  std::optional<std::string> custom_slug;
  std::optional<uint64_t> owner_id;
  int64_t now = 0;
  Expiry expires_at;
  std::string metadata_json = "{}";
  std::optional<uint64_t> max_visits;
  int redirect_code = kDefaultRedirectCode;
  // A slug freed (its link deleted or purged) less than this many seconds ago is held: only
  // the freed link's owner may take it again, and no generated slug lands on it. API.md's
  // freed_slug_hold, whose default this is.
  int64_t freed_slug_hold = 7776000;
};

// What a redirect needs, and nothing more.
struct RedirectTarget {
  std::string url;
  int64_t expires_at = 0;  // kNeverExpires for a permanent link
  uint64_t id = 0;         // the link's, for counting its clicks
  int redirect_code = kDefaultRedirectCode;
  bool limited = false;  // it has max_visits: each visit asks UseVisit
};

// A link's clicks on one UTC day; day counts days since 1970-01-01.
struct DayClicks {
  int64_t day = 0;
  uint64_t clicks = 0;
};

// One page of a newest-first listing.
struct LinkPage {
  std::vector<Link> links;
  std::optional<uint64_t> next_before_id;  // set when more links may follow
};

// A change to a link; unset fields stay as they are.
struct LinkChange {
  std::optional<std::string> url;
  std::optional<Expiry> expires_at;  // set to nullopt: the link becomes permanent
  std::optional<std::string> metadata_json;
  std::optional<std::optional<uint64_t>> max_visits;  // set to nullopt: the limit goes
  std::optional<int> redirect_code;
  int64_t now = 0;  // becomes updated_at
};

// Turns a fresh slug number (never given before; not the row's id) into its slug, or returns
// nullopt when that slug may not be used (a reserved word), in which case the store takes the
// next number.
using SlugMaker = std::function<std::optional<std::string>(uint64_t number)>;

// The 201 a create answered, as kept for a retry with the same Idempotency-Key.
struct CreateAnswer {
  std::string location;  // the Location header
  std::string body;      // the JSON body, as sent
};

// A create sent with an Idempotency-Key: see LinkStore::CreateLinkOnce.
struct IdempotencyClaim {
  std::string key;             // the header's value, 1 to 64 printable ASCII characters
  std::string request_digest;  // 32 bytes that tell this request from any other
  // The answer to keep for `link`, called before the link is committed.
  std::function<CreateAnswer(const Link& link)> answer;
};

// What CreateLinkOnce did: made a link, or found the key used already.
struct KeyedCreate {
  std::optional<Link> created;
  // Set instead of `created` when the owner used the key in the last kIdempotencyKeyLifetime
  // seconds: the answer kept then, and that request's digest (compare with the claim's).
  std::optional<CreateAnswer> earlier;
  std::string earlier_digest;
};

// API.md's one answer for a short link that is unknown, expired, used up or malformed.
inline Error LinkNotFound() {
  return Error::Make(ErrorCode::kNotFound, "URL Shortener not found.");
}

class LinkStore {
 public:
  virtual ~LinkStore() = default;

  // The target of `slug`, expired or not (the caller decides). kNotFound if there is none,
  // also for any bytes that cannot be a slug (LooksLikeSlug).
  virtual Result<RedirectTarget> FindRedirect(const std::string& slug) = 0;

  // Inserts a link and returns it as stored. A custom slug is inserted as given (kSlugTaken if
  // any link holds it). Otherwise the slug is make_slug(n) of a fresh number n (a store-wide
  // counter, not the row's id); when that slug is held by a custom link or refused, nothing is
  // written and the next number is tried.
  // A custom slug held after its link was freed (see NewLink::freed_slug_hold) is kSlugTaken
  // unless link.owner_id owned that link; a generated slug skips held slugs like taken ones.
  // Returns only after the row is committed.
  virtual Result<Link> CreateLink(const NewLink& link, const SlugMaker& make_slug) = 0;

  // CreateLink for a request with an Idempotency-Key. REQUIRES: link.owner_id is set.
  // If the owner used claim.key less than kIdempotencyKeyLifetime seconds before link.now,
  // nothing is created and the answer kept then is returned. Otherwise the link is created as
  // CreateLink does, and the key with claim.answer(link) is stored in the same transaction: a
  // committed link always has its key, so a retry after an unknown outcome (the connection
  // lost at COMMIT) finds whichever happened. Two requests with the same key at once: one
  // creates, the other waits for its commit and returns its answer.
  virtual Result<KeyedCreate> CreateLinkOnce(const NewLink& link, const SlugMaker& make_slug,
                                             const IdempotencyClaim& claim) = 0;

  // The search of the links list: links whose slug or url contains `text` (taken literally,
  // ASCII case ignored), newest first, looked for among at most `window` links with
  // id < before_id (all if unset; only owner_id's when set), so that one search costs the same
  // bounded work for a user with a hundred links or a hundred thousand. Up to `limit` matches;
  // next_before_id is set when more may follow: after the last match when `limit` were found,
  // else after the last link looked at when the window was full (the page may then hold fewer
  // than `limit`, even none).
  virtual Result<LinkPage> SearchLinks(std::optional<uint64_t> owner_id, const std::string& text,
                                       std::optional<uint64_t> before_id, int limit,
                                       int window) = 0;

  // Up to `limit` links with id < before_id (all if unset), newest first; only owner_id's
  // links when set.
  virtual Result<LinkPage> ListLinks(std::optional<uint64_t> owner_id,
                                     std::optional<uint64_t> before_id, int limit) = 0;

  // The link named `slug`, expired or not. kNotFound if there is none, also for any bytes that
  // cannot be a slug (LooksLikeSlug).
  virtual Result<Link> FindLink(const std::string& slug) = 0;

  // Applies `change` to link `id` and returns the link as stored afterwards. kNotFound if the
  // row is gone.
  virtual Result<Link> UpdateLink(uint64_t id, const LinkChange& change) = 0;

  // Deletes link `id`, and its clicks by day, and holds its slug from `now` on (see
  // NewLink::freed_slug_hold), in one transaction. kNotFound if the row is already gone.
  virtual Status DeleteLink(uint64_t id, int64_t now) = 0;

  // For a link with max_visits, at the moment of a visit: true if it may be answered. With
  // `consume`, uses one visit, exactly: of any number of concurrent calls on any instances, at
  // most max_visits ever get true. Without, only looks whether one is left (HEAD and bots,
  // which use none). A link without a limit (it was removed since the cache said otherwise)
  // answers true; one that is gone, false.
  virtual Result<bool> UseVisit(uint64_t id, bool consume) = 0;

  // Link `id`'s clicks per UTC day, oldest first; days without clicks are left out. Empty for a
  // link that does not exist.
  virtual Result<std::vector<DayClicks>> ClicksByDay(uint64_t id) = 0;

  // OK when the database answers.
  virtual Status Ping() = 0;
};

// Clicks a worker counted since its last flush, on one link and one UTC day.
struct ClickCount {
  uint64_t link_id = 0;
  int64_t day = 0;  // days since 1970-01-01
  uint64_t clicks = 0;
};

// The visit statistics a worker gathered since its last flush on one link and one UTC day
// (visit_stats.h): the same visits as the ClickCount of that (link, day), classified.
struct VisitRollup {
  uint64_t link_id = 0;
  int64_t day = 0;  // days since 1970-01-01
  DayStats stats;
};

// What one flush of a worker writes: see ClickStore::AddClicks.
struct ClickBatch {
  // Unique among every batch of every worker ever made: 32 lowercase hex characters.
  std::string id;
  // Sorted by (link_id, day), each pair at most once, every clicks > 0.
  std::vector<ClickCount> counts;
  // Sorted by (link_id, day), each pair at most once and also in `counts`, with stats.clicks
  // equal to that count; empty when visit_statistics is off.
  std::vector<VisitRollup> visits;
  // Ids of earlier batches of the same worker that it knows are applied: their records may go.
  std::vector<std::string> forget;
};

// Where workers' click counts go. Apart from LinkStore so the aggregator (clicks.h) can be tested
// against a fake.
class ClickStore {
 public:
  virtual ~ClickStore() = default;

  // In one transaction: records batch.id, adds batch.counts to the links' days (a link's total
  // is the sum of its days), adds batch.visits to the links' visit statistics (counters added,
  // unique-visitor sketches merged, each breakdown folded to its top kTopValues + "other"), and
  // deletes the records of batch.forget. Counts of links that no
  // longer exist are dropped. Returns true when the batch was applied now and false when batch.id
  // was recorded already: a retry after an unknown outcome (the connection lost around COMMIT)
  // applies nothing twice. On an error nothing was applied, or the outcome is unknown; either
  // way the caller retries later with the same batch.
  virtual Result<bool> AddClicks(const ClickBatch& batch) = 0;
};

struct User {
  uint64_t id = 0;
  std::string username;  // as signed up
  std::string email;
  std::string password_hash;  // Argon2id encoded
  bool is_admin = false;
  int64_t created_at = 0;
  // Set while the user is disabled (shortener-admin user disable): no login succeeds and no
  // token or key of the user authenticates.
  std::optional<int64_t> disabled_at;
};

// A user as shortener-admin's `user list` shows it.
struct UserSummary {
  User user;
  uint64_t links = 0;  // links the user owns
};

struct NewUser {
  std::string username;
  std::string email;
  std::string password_hash;
  bool is_admin = false;
  int64_t now = 0;
};

// Who a request acts for, once its token or API key checked out.
struct Principal {
  uint64_t user_id = 0;
  bool is_admin = false;
  bool via_api_key = false;
};

struct ApiKeyInfo {
  uint64_t id = 0;
  uint64_t user_id = 0;
  std::string name;
  int64_t created_at = 0;
  std::optional<int64_t> last_used_at;
};

// What a password change ends besides the old password.
enum class EndAccess {
  kNothing,           // a rehash with new costs: the same password
  kLoginTokens,       // every login token of the user
  kTokensAndApiKeys,  // every login token and every API key of the user
};

// Users, login tokens and API keys. Secrets arrive here only as digests (auth.h SecretDigest):
// the store never sees a token, a key or a password in clear.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Inserts a user. Usernames and emails are unique ignoring ASCII case: kUsernameTaken or
  // kEmailTaken (the username is checked first when both are).
  virtual Result<User> CreateUser(const NewUser& user) = 0;

  // The user called `username`, ignoring ASCII case. kNotFound if there is none.
  virtual Result<User> FindUser(const std::string& username) = 0;

  // Replaces a user's password hash and, in the same transaction, deletes what `end` names: a
  // password change must lock out whoever had the old one (or a key made with it).
  virtual Status SetPasswordHash(uint64_t user_id, const std::string& password_hash,
                                 EndAccess end) = 0;

  // Stores a login token's digest, valid until expires_at, for user `user_id` if its password
  // hash is still `password_hash` (the one the login verified) and it is not disabled;
  // kUnauthorized otherwise. A login whose check of the old password overlapped a password
  // change (SetPasswordHash, which deletes the user's tokens) must not add its token after
  // that delete: the token would outlive the change.
  virtual Status AddToken(const std::string& token_digest, uint64_t user_id,
                          const std::string& password_hash, int64_t now, int64_t expires_at) = 0;

  // The owner of an unexpired token. kNotFound if there is none, it has expired, or its user is
  // disabled.
  virtual Result<Principal> FindToken(const std::string& token_digest, int64_t now) = 0;

  // Deletes a token (logout). Deleting one that is gone is not an error.
  virtual Status DeleteToken(const std::string& token_digest) = 0;

  // Stores an API key's digest for `user_id`.
  virtual Result<ApiKeyInfo> AddApiKey(uint64_t user_id, const std::string& name,
                                       const std::string& key_digest, int64_t now) = 0;

  // The owner of an API key, kNotFound if there is none or its user is disabled. Records `now` as
  // its last use, at most once a minute per key so that a busy key does not turn every request into
  // a write.
  virtual Result<Principal> UseApiKey(const std::string& key_digest, int64_t now) = 0;

  // A user's keys, oldest first.
  virtual Result<std::vector<ApiKeyInfo>> ListApiKeys(uint64_t user_id) = 0;

  // Deletes key `key_id`; only if it belongs to `user_id` when that is set. kNotFound if there
  // is no such key (or it is someone else's).
  virtual Status DeleteApiKey(std::optional<uint64_t> user_id, uint64_t key_id) = 0;

  // Deletes tokens that expired before `now`, at most `limit`; returns how many.
  virtual Result<uint64_t> PurgeExpiredTokens(int64_t now, int limit) = 0;
};

}  // namespace shortener

#endif  // SHORTENER_STORE_H_
