// Making a link: the creation rules and the store and cache around them (see link_creator.h).
#include "store/link_creator.h"

#include "domain/timefmt.h"
#include "domain/url_check.h"

namespace shortener {

const char kIdempotencyKeyField[] = "Idempotency-Key";

Result<std::optional<uint64_t>> CheckMaxVisits(std::optional<int64_t> max_visits) {
  if (!max_visits) return std::optional<uint64_t>();
  if (*max_visits < 1) {
    return Error::Validation("max_visits",
                             "max_visits must be a whole number from 1 up, or null for no limit.");
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(*max_visits));
}

Result<int> CheckRedirectCode(int64_t code) {
  if (code != 301 && code != 302 && code != 307 && code != 308) {
    return Error::Validation("redirect_code", "redirect_code must be 301, 302, 307 or 308.");
  }
  return static_cast<int>(code);
}

LinkCreator::LinkCreator(const LinkSettings* settings, LinkStore* store, LinkCache* cache,
                         const SlugCodec* slugs)
    : settings_(settings), store_(store), cache_(cache), slugs_(slugs) {}

Result<std::string> LinkCreator::CheckTarget(const std::string& url, const char* field) const {
  return AcceptTargetUrl(url, settings_->url_policy, field);
}

Result<std::optional<Expiry>> LinkCreator::RequestedExpiry(const ExpiryFields& fields,
                                                           int64_t now) const {
  const char* at_field = fields.at_field;
  if (fields.in_given && fields.at_given) {
    return Error::Validation(at_field,
                             std::string("Give expires_in or ") + at_field + ", not both.");
  }
  if ((fields.in_given && !fields.in) || (fields.at_given && !fields.at)) {
    const char* field = fields.in_given ? "expires_in" : at_field;
    if (!settings_->allow_permanent_links) {
      return Error::Validation(field, std::string("Permanent links are turned off here: give ") +
                                          field + " a value instead of null.");
    }
    return std::optional<Expiry>(std::in_place, std::nullopt);
  }
  if (fields.in) {
    if (*fields.in <= 0 || *fields.in > settings_->max_ttl) {
      return Error::Validation("expires_in", "expires_in must be between 1 and " +
                                                 std::to_string(settings_->max_ttl) +
                                                 " seconds, or null for a permanent link.");
    }
    return std::optional<Expiry>(now + *fields.in);
  }
  if (fields.at) {
    std::optional<int64_t> when = ParseIso8601(*fields.at);
    if (!when) {
      return Error::Validation(
          at_field, std::string(at_field) + " must be an ISO 8601 time with Z or an offset.");
    }
    if (*when <= now || *when - now > settings_->max_ttl) {
      return Error::Validation(
          at_field, std::string(at_field) + " must be in the future and within max_ttl.");
    }
    return std::optional<Expiry>(*when);
  }
  return std::optional<Expiry>();
}

Result<NewLink> LinkCreator::Check(const LinkRequest& request, std::optional<uint64_t> owner,
                                   int64_t now) const {
  ASSIGN_OR_RETURN(std::string target, CheckTarget(request.url, request.url_field));
  if (request.slug) {
    if (!IsValidCustomSlug(*request.slug)) {
      return Error::Validation("slug",
                               "slug must be 3 to 64 characters of A-Z, a-z, 0-9, _ and -.");
    }
    if (IsReservedSlug(*request.slug)) {
      return Error::Validation("slug", "That slug is reserved; choose another.");
    }
  }
  ASSIGN_OR_RETURN(std::optional<Expiry> expiry, RequestedExpiry(request.expiry, now));
  ASSIGN_OR_RETURN(std::optional<uint64_t> max_visits, CheckMaxVisits(request.max_visits));
  ASSIGN_OR_RETURN(int redirect_code,
                   CheckRedirectCode(request.redirect_code.value_or(kDefaultRedirectCode)));

  NewLink link;
  link.url = std::move(target);
  link.custom_slug = request.slug;
  link.owner_id = owner;
  link.now = now;
  link.expires_at = expiry ? *expiry : Expiry(now + request.default_ttl);
  link.metadata_json = request.metadata_json;
  link.freed_slug_hold = settings_->freed_slug_hold;
  link.max_visits = max_visits;
  link.redirect_code = redirect_code;
  return link;
}

SlugMaker LinkCreator::GeneratedSlugs() const {
  const SlugCodec* slugs = slugs_;
  return [slugs](uint64_t number) -> std::optional<std::string> {
    std::string slug = slugs->Encode(number);
    if (IsReservedSlug(slug)) return std::nullopt;
    return slug;
  };
}

Result<Link> LinkCreator::Store(const NewLink& link) {
  ASSIGN_OR_RETURN(Link made, store_->CreateLink(link, GeneratedSlugs()));
  Publish(made, link.now);
  return made;
}

Result<CreateAnswer> LinkCreator::StoreOnce(
    const NewLink& link, const std::optional<std::string>& key, const std::string& request_digest,
    const std::function<CreateAnswer(const Link&)>& answer_of) {
  if (!key) {
    ASSIGN_OR_RETURN(Link made, Store(link));
    return answer_of(made);
  }
  CreateAnswer answer;
  std::optional<Link> made;  // the link this request created, if it created one
  IdempotencyClaim claim;
  claim.key = *key;
  claim.request_digest = request_digest;
  // The store keeps the answer it is given, and this request sends that same one.
  claim.answer = [&](const Link& stored) {
    made = stored;
    return answer = answer_of(stored);
  };
  ASSIGN_OR_RETURN(KeyedCreate outcome, store_->CreateLinkOnce(link, GeneratedSlugs(), claim));
  if (outcome.earlier) {
    if (outcome.earlier_digest != claim.request_digest) {
      return Error::Validation(
          kIdempotencyKeyField,
          "This Idempotency-Key came with another request in the last 24 hours; a new "
          "request needs a new key.");
    }
    return *outcome.earlier;
  }
  if (made) Publish(*made, link.now);
  return answer;
}

void LinkCreator::Publish(const Link& link, int64_t now) {
  // Generated slugs can be probed before they exist too: the key may hold an absent entry.
  cache_->Publish(link.slug,
                  CachedLink{link.url, link.id, link.expires_at.value_or(kNeverExpires),
                             link.redirect_code, link.max_visits.has_value()},
                  now);
}

}  // namespace shortener
