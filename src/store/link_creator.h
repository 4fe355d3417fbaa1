// Making a link: API.md's creation rules (target URL, custom slug, expiry) and storing it with
// its redirect cache entry published. One path for every way a link is made: both JSON API
// families, the YOURLS API and `shortener-admin link create`, so an operator's link obeys the
// same URL rules, blocklist and slug rules as a client's.
#ifndef SHORTENER_STORE_LINK_CREATOR_H_
#define SHORTENER_STORE_LINK_CREATOR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/error.h"
#include "domain/link_settings.h"
#include "domain/slug.h"
#include "domain/store.h"
#include "store/link_cache.h"

namespace shortener {

// The expiry a request gives: each field absent, null (a permanent link) or a value.
struct ExpiryFields {
  const char* at_field = "expires_at";  // the request's name of the absolute time
  bool in_given = false;
  std::optional<int64_t> in;  // expires_in, unless null
  bool at_given = false;
  std::optional<std::string> at;  // at_field, unless null (ISO 8601, checked by Check)
};

// What a creation asks for, whatever shape its request came in.
struct LinkRequest {
  std::string url;
  const char* url_field = "url";  // the field a bad URL's error names
  std::optional<std::string> slug;
  ExpiryFields expiry;
  int64_t default_ttl = 0;  // the lifetime when the request gives no expiry
  std::string metadata_json = "{}";
  std::optional<int64_t> max_visits;     // as given: checked by Check (CheckMaxVisits)
  std::optional<int64_t> redirect_code;  // as given; unset: kDefaultRedirectCode
};

// API.md's `max_visits`: a whole number from 1 up (nullopt: no limit); kValidation naming
// max_visits otherwise.
Result<std::optional<uint64_t>> CheckMaxVisits(std::optional<int64_t> max_visits);
// API.md's `redirect_code`: 301, 302, 307 or 308; kValidation naming redirect_code otherwise.
Result<int> CheckRedirectCode(int64_t code);

class LinkCreator {
 public:
  // Borrows every pointer; they must outlive this object. settings->url_policy is used as it
  // is: its own_host and is_blocked must be set already (BindBlocklist).
  LinkCreator(const LinkSettings* settings, LinkStore* store, LinkCache* cache,
              const SlugCodec* slugs);

  // `url` through API.md's URL rules: its stored form (IRIs converted), or kValidation naming
  // `field`.
  Result<std::string> CheckTarget(const std::string& url, const char* field) const;

  // The expiry `fields` ask for: a time checked against max_ttl, or a permanent link (nullopt
  // inside; kValidation naming the null field unless allow_permanent_links); nullopt when
  // neither field is given. Both fields at once: kValidation.
  Result<std::optional<Expiry>> RequestedExpiry(const ExpiryFields& fields, int64_t now) const;

  // Validates `request` into the link to store, owned by `owner` (none: an ownerless link, as
  // an operator may make). kValidation naming the field at fault.
  Result<NewLink> Check(const LinkRequest& request, std::optional<uint64_t> owner,
                        int64_t now) const;

  // Stores `link` with a generated slug unless it names one, and publishes its cache entry.
  // Store errors as LinkStore::CreateLink's (kSlugTaken for a taken or held custom slug).
  Result<Link> Store(const NewLink& link);

  // Store with an Idempotency-Key (`key`, which needs link.owner_id): a retry of the same
  // request (`request_digest`, 32 bytes that tell it from any other) within
  // kIdempotencyKeyLifetime gets the answer kept by the first (answer_of(link) is what is kept,
  // and returned for a new link); the same key with another digest is kValidation naming
  // "Idempotency-Key". Without a key, Store's answer through answer_of.
  Result<CreateAnswer> StoreOnce(const NewLink& link, const std::optional<std::string>& key,
                                 const std::string& request_digest,
                                 const std::function<CreateAnswer(const Link&)>& answer_of);

 private:
  // Turns the store's slug numbers into generated slugs, skipping reserved words.
  SlugMaker GeneratedSlugs() const;
  // Publishes a link just created to the redirect cache (LinkCache::Publish).
  void Publish(const Link& link, int64_t now);

  const LinkSettings* settings_;
  LinkStore* store_;
  LinkCache* cache_;
  const SlugCodec* slugs_;
};

// The field an Idempotency-Key's errors name.
extern const char kIdempotencyKeyField[];

}  // namespace shortener

#endif  // SHORTENER_STORE_LINK_CREATOR_H_
