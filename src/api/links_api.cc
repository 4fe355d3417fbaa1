// Link handlers: creation and listing for both API families, the redirect and the lookup.
#include "api/links_api.h"

#include <algorithm>
#include <cstdlib>

#include "api/page_query.h"
#include "base/decimal.h"
#include "base/log.h"
#include "domain/auth.h"
#include "domain/search_text.h"
#include "domain/timefmt.h"
#include "domain/ua_class.h"
#include "http/html_page.h"
#include "http/json_body.h"
#include "http/respond.h"

namespace shortener {

namespace {

// Links a search looks through per request (LinkStore::SearchLinks): a few milliseconds of
// index and row reads, whoever asks; a longer history is searched page by page.
constexpr int kSearchWindow = 5000;

// The serialised "metadata" object of a request body, nullopt if not given.
Result<std::optional<std::string>> MetadataField(const nlohmann::ordered_json& body) {
  ASSIGN_OR_RETURN(std::optional<nlohmann::ordered_json> metadata,
                   OptionalObject(body, "metadata"));
  if (!metadata) return std::optional<std::string>();
  std::string text = DumpJson(*metadata);
  if (text.size() > kMaxMetadataBytes) {
    return Error::Validation("metadata", "metadata must be at most 4 KiB once serialised.");
  }
  return std::optional<std::string>(std::move(text));
}

// A link's expiry as the API writes it: a time, or null for a permanent link.
nlohmann::ordered_json ExpiryJson(const Expiry& expires_at) {
  if (!expires_at) return nullptr;
  return FormatIso8601(*expires_at);
}

// The longest Idempotency-Key (API.md "Retries").
constexpr size_t kMaxIdempotencyKeyLength = 64;

}  // namespace

Result<std::optional<std::string>> IdempotencyKeyOf(const Request& request) {
  if (!request.idempotency_key || request.idempotency_key->empty()) {
    return std::optional<std::string>();
  }
  const std::string& key = *request.idempotency_key;
  bool printable = !key.empty() && key.size() <= kMaxIdempotencyKeyLength;
  for (char c : key) printable = printable && c >= 0x20 && c <= 0x7e;
  if (!printable) {
    return Error::Validation(kIdempotencyKeyField,
                             "Idempotency-Key must be 1 to 64 printable ASCII characters.");
  }
  return std::optional<std::string>(key);
}

namespace {

// What tells one create request from another for its Idempotency-Key: the endpoint and the
// body as JSON (parsed into sorted keys, so a client that re-serialises its retry in another
// key order still matches), hashed with SHA-256.
std::string RequestDigest(const char* route, const std::string& body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string canonical =
      parsed.is_discarded() ? body
                            : parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return SecretDigest(std::string(route) + '\n' + canonical);
}

// The 201 of a create, new or replayed.
Response CreatedResponse(const CreateAnswer& answer) {
  // JsonResponse's headers, with the body exactly as answered (and kept) before.
  Response response = JsonResponse(201, nullptr);
  response.set_body(answer.body);
  response.AddHeader("Location", answer.location);
  return response;
}

// How long a browser or shared cache may keep a 301 or 308 (docs/usage.md, redirect codes): long
// enough to spare repeat visits a round trip, short enough that a PATCH or DELETE reaches
// everyone within the hour.
constexpr int64_t kPermanentRedirectMaxAge = 3600;

// The Cache-Control of `link`'s redirect at `now`: 301 and 308 may be kept (never past the
// link's expiry); 302 and 307 are not, nor any redirect of a link with max_visits, each of
// whose visits must reach a worker to be counted.
std::string RedirectCaching(const CachedLink& link, int64_t now) {
  const bool permanent = link.redirect_code == 301 || link.redirect_code == 308;
  if (!permanent || link.limited) return "private, max-age=0";
  return "public, max-age=" +
         std::to_string(std::min(kPermanentRedirectMaxAge, link.expires_at - now));
}

Result<Response> RedirectTo(const CachedLink& link, int64_t now) {
  Response response(link.redirect_code);
  // Validation refused CR/LF in stored URLs; AddHeader refuses them again should one slip in.
  if (!response.AddHeader("Location", link.url)) {
    Log(Severity::kError, "stored target holds CR or LF; refusing to redirect to it");
    return LinkNotFound();
  }
  response.AddHeader("Cache-Control", RedirectCaching(link, now));
  return response;
}

// The max_visits of a body: absent, null (no limit) or a whole number from 1 up.
Result<std::optional<std::optional<uint64_t>>> MaxVisitsField(const nlohmann::ordered_json& body) {
  if (!body.contains("max_visits")) return std::optional<std::optional<uint64_t>>();
  ASSIGN_OR_RETURN(std::optional<int64_t> given, OptionalInteger(body, "max_visits"));
  ASSIGN_OR_RETURN(std::optional<uint64_t> limit, CheckMaxVisits(given));
  return std::optional<std::optional<uint64_t>>(std::in_place, limit);
}

// The redirect_code of a body: absent, or 301, 302, 307 or 308 (null is none of them).
Result<std::optional<int>> RedirectCodeField(const nlohmann::ordered_json& body) {
  if (!body.contains("redirect_code")) return std::optional<int>();
  ASSIGN_OR_RETURN(std::optional<int64_t> given, OptionalInteger(body, "redirect_code"));
  ASSIGN_OR_RETURN(int code, CheckRedirectCode(given.value_or(0)));
  return std::optional<int>(code);
}

// A link's max_visits as the API writes it: a number, or null for no limit.
nlohmann::ordered_json MaxVisitsJson(const std::optional<uint64_t>& max_visits) {
  if (!max_visits) return nullptr;
  return *max_visits;
}

}  // namespace

LinksApi::LinksApi(LinkSettings settings, LinkStore* store, Cache* cache, AuthGate* gate,
                   RateLimiter* limiter, const SlugCodec* slugs, const CursorCodec* cursors,
                   Clock clock)
    : settings_(std::move(settings)),
      store_(store),
      gate_(gate),
      limiter_(limiter),
      cursors_(cursors),
      clock_(std::move(clock)),
      links_cache_(cache, LinkCacheOptions(settings_)),
      creator_(&settings_, store, &links_cache_, slugs) {
  BindBlocklist(&settings_, clock_);
}

void LinksApi::Register(Router* router) {
  using S = Router::Slash;
  router->Add("POST", "/url/shorten", S::kTolerant,
              [this](const Request& r, const std::string&) { return Shorten(r); });
  router->Add("GET", "/r/{slug}", S::kStrict,
              [this](const Request& r, const std::string& slug) { return Redirect(r, slug); });
  router->Add("POST", "/api/v1/url-shortener", S::kTolerant,
              [this](const Request& r, const std::string&) { return V1Create(r); });
  router->Add("GET", "/api/v1/url-shorteners", S::kTolerant,
              [this](const Request& r, const std::string&) { return V1List(r); });
  router->Add("GET", "/api/v1/url-shorteners/{slug}", S::kStrict,
              [this](const Request& r, const std::string& slug) { return V1Get(r, slug); });
  router->Add("PATCH", "/api/v1/url-shorteners/{slug}", S::kStrict,
              [this](const Request& r, const std::string& slug) { return V1Patch(r, slug); });
  router->Add("DELETE", "/api/v1/url-shorteners/{slug}", S::kStrict,
              [this](const Request& r, const std::string& slug) { return V1Delete(r, slug); });
  router->Add("GET", "/{slug}", S::kStrict,
              [this](const Request& r, const std::string& slug) { return Lookup(r, slug); });
}

Result<ExpiryFields> LinksApi::ReadExpiryFields(const nlohmann::ordered_json& body,
                                                const char* at_field) {
  ExpiryFields fields;
  fields.at_field = at_field;
  // OptionalInteger and OptionalString read null as "not given"; here null says "permanent".
  ASSIGN_OR_RETURN(fields.in, OptionalInteger(body, "expires_in"));
  fields.in_given = body.contains("expires_in");
  ASSIGN_OR_RETURN(fields.at, OptionalString(body, at_field));
  fields.at_given = body.contains(at_field);
  return fields;
}

Result<LinkRequest> LinksApi::ParseCreate(const Request& request, const Family& family) {
  ASSIGN_OR_RETURN(const nlohmann::ordered_json json, ReadJsonObject(request, /*empty_ok=*/false));
  LinkRequest create;
  create.url_field = family.url_field;
  create.default_ttl = family.default_ttl;
  ASSIGN_OR_RETURN(create.url, RequiredString(json, family.url_field));
  ASSIGN_OR_RETURN(create.slug, OptionalString(json, "slug"));
  ASSIGN_OR_RETURN(create.expiry, ReadExpiryFields(json, family.at_field));
  ASSIGN_OR_RETURN(std::optional<std::string> metadata, MetadataField(json));
  if (metadata) create.metadata_json = std::move(*metadata);
  ASSIGN_OR_RETURN(std::optional<std::optional<uint64_t>> max_visits, MaxVisitsField(json));
  if (max_visits && *max_visits) create.max_visits = static_cast<int64_t>(**max_visits);
  ASSIGN_OR_RETURN(std::optional<int> code, RedirectCodeField(json));
  if (code) create.redirect_code = *code;
  return create;
}

Result<CreateAnswer> LinksApi::StoreNewLink(
    const NewLink& link, const std::optional<std::string>& key, const std::string& request_digest,
    const std::function<CreateAnswer(const Link&)>& answer_of) {
  return creator_.StoreOnce(link, key, request_digest, answer_of);
}

Result<Response> LinksApi::CreateAs(const Request& request, const Principal& who,
                                    const Family& family) {
  ASSIGN_OR_RETURN(std::optional<std::string> key, IdempotencyKeyOf(request));
  ASSIGN_OR_RETURN(LinkRequest create, ParseCreate(request, family));
  ASSIGN_OR_RETURN(NewLink link, creator_.Check(create, who.user_id, clock_()));
  std::string digest = key ? RequestDigest(family.route, request.body) : std::string();
  ASSIGN_OR_RETURN(CreateAnswer answer, StoreNewLink(link, key, digest, family.answer));
  return CreatedResponse(answer);
}

RateDecision LinksApi::HitCreateLimit(const Principal& who) {
  return limiter_->Hit("create", std::to_string(who.user_id), settings_.create_limit);
}

Result<std::string> LinksApi::CheckTarget(const std::string& url, const char* field) const {
  return creator_.CheckTarget(url, field);
}

Result<Response> LinksApi::LimitedCreate(
    const Request& request, const std::function<Result<Response>(const Principal&)>& create) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  // Every authenticated creation counts, whatever its outcome: a client probing slugs or URLs
  // spends its allowance too.
  RateDecision decision = HitCreateLimit(who);
  if (!decision.allowed) return RateLimited(decision);
  return WithRateLimitHeaders(decision, create(who));
}

Result<Response> LinksApi::Shorten(const Request& request) {
  Family family{"/url/shorten", "url", "expires_at", settings_.shorten_default_ttl,
                [this](const Link& link) { return ShortenAnswer(link); }};
  return LimitedCreate(request,
                       [&](const Principal& who) { return CreateAs(request, who, family); });
}

CreateAnswer LinksApi::ShortenAnswer(const Link& link) const {
  std::string short_url = settings_.public_base_url + "/r/" + link.slug;
  nlohmann::ordered_json body = {{"ok", true},
                                 {"short_url", short_url},
                                 {"slug", link.slug},
                                 {"url", link.url},
                                 {"created_at", FormatIso8601(link.created_at)},
                                 {"expires_at", ExpiryJson(link.expires_at)}};
  return CreateAnswer{short_url, DumpJson(body)};
}

nlohmann::ordered_json LinksApi::Record(const Link& link) const {
  nlohmann::ordered_json metadata =
      nlohmann::ordered_json::parse(link.metadata_json, nullptr, false);
  if (!metadata.is_object()) metadata = nlohmann::ordered_json::object();
  return {{"_id", std::to_string(link.id)},
          {"original_url", link.url},
          {"short_url", settings_.public_base_url + "/" + link.slug},
          {"slug", link.slug},
          {"created_at", FormatIso8601(link.created_at)},
          {"updated_at", FormatIso8601(link.updated_at)},
          {"clicks", link.clicks},
          {"expiration_date", ExpiryJson(link.expires_at)},
          {"metadata", std::move(metadata)},
          {"max_visits", MaxVisitsJson(link.max_visits)},
          {"redirect_code", link.redirect_code}};
}

Result<Response> LinksApi::V1Create(const Request& request) {
  Family family{"/api/v1/url-shortener", "original_url", "expiration_date",
                settings_.v1_default_ttl,
                [this](const Link& link) { return V1CreateAnswer(link); }};
  return LimitedCreate(request,
                       [&](const Principal& who) { return CreateAs(request, who, family); });
}

CreateAnswer LinksApi::V1CreateAnswer(const Link& link) const {
  nlohmann::ordered_json body = {
      {"ok", true}, {"message", "URL Shortener created successfully"}, {"data", Record(link)}};
  return CreateAnswer{settings_.public_base_url + "/" + link.slug, DumpJson(body)};
}

Result<Response> LinksApi::V1List(const Request& request) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  using Query = std::map<std::string, std::string>;
  ASSIGN_OR_RETURN(Query query, ParseQuery(request.query));
  ASSIGN_OR_RETURN(PageQuery page_query, ReadPageQuery(query, *cursors_));
  const int limit = page_query.limit;
  const std::optional<uint64_t> before = page_query.before_id;
  std::optional<uint64_t> owner;
  if (!who.is_admin) owner = who.user_id;
  auto it = query.find("q");
  ASSIGN_OR_RETURN(std::optional<std::string> search,
                   SearchText(it == query.end() ? std::string_view() : it->second));
  ASSIGN_OR_RETURN(LinkPage page,
                   search ? store_->SearchLinks(owner, *search, before, limit, kSearchWindow)
                          : store_->ListLinks(owner, before, limit));
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
  for (const Link& link : page.links) records.push_back(Record(link));
  nlohmann::ordered_json next = nullptr;
  if (page.next_before_id) next = cursors_->Encode(*page.next_before_id);
  return JsonResponse(
      200,
      {{"ok", true}, {"data", {{"url_shorteners", std::move(records)}, {"next_cursor", next}}}});
}

Result<Link> LinksApi::OwnedLink(const Principal& who, const std::string& slug) {
  if (!LooksLikeSlug(slug)) return LinkNotFound();
  Result<Link> link = store_->FindLink(slug);
  if (!link.ok()) {
    if (link.error().code == ErrorCode::kNotFound) return LinkNotFound();
    return link.error();
  }
  if (!who.is_admin && link.value().owner_id != who.user_id) return LinkNotFound();
  return link;
}

Result<Response> LinksApi::V1Get(const Request& request, const std::string& slug) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  ASSIGN_OR_RETURN(Link link, OwnedLink(who, slug));
  ASSIGN_OR_RETURN(std::vector<DayClicks> days, store_->ClicksByDay(link.id));
  nlohmann::ordered_json by_day = nlohmann::ordered_json::array();
  for (const DayClicks& day : days) {
    // "YYYY-MM-DD" is the date part of the day's midnight in ISO 8601.
    by_day.push_back(
        {{"date", FormatIso8601(day.day * 86400).substr(0, 10)}, {"clicks", day.clicks}});
  }
  nlohmann::ordered_json record = Record(link);
  record["clicks_by_day"] = std::move(by_day);
  return JsonResponse(200, {{"ok", true}, {"data", std::move(record)}});
}

Result<Response> LinksApi::V1Patch(const Request& request, const std::string& slug) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  ASSIGN_OR_RETURN(Link link, OwnedLink(who, slug));
  ASSIGN_OR_RETURN(const nlohmann::ordered_json json, ReadJsonObject(request, /*empty_ok=*/false));
  LinkChange change;
  change.now = clock_();
  ASSIGN_OR_RETURN(std::optional<std::string> url, OptionalString(json, "original_url"));
  if (url) {
    ASSIGN_OR_RETURN(change.url, CheckTarget(*url, "original_url"));
  }
  ASSIGN_OR_RETURN(ExpiryFields fields, ReadExpiryFields(json, "expiration_date"));
  ASSIGN_OR_RETURN(change.expires_at, creator_.RequestedExpiry(fields, change.now));
  ASSIGN_OR_RETURN(change.metadata_json, MetadataField(json));
  ASSIGN_OR_RETURN(change.max_visits, MaxVisitsField(json));
  ASSIGN_OR_RETURN(change.redirect_code, RedirectCodeField(json));

  Result<Link> updated = store_->UpdateLink(link.id, change);
  if (!updated.ok()) {
    // Deleted between the read and the update: to the caller, it is gone.
    if (updated.error().code == ErrorCode::kNotFound) return LinkNotFound();
    // A failure may have an unknown outcome (the connection lost around COMMIT): the change
    // may be stored, and a cached entry must not go on serving the old row for a day.
    links_cache_.MarkChanged(slug);
    return updated.error();
  }
  links_cache_.MarkChanged(slug);
  return JsonResponse(200, {{"ok", true}, {"data", Record(updated.value())}});
}

Result<Response> LinksApi::V1Delete(const Request& request, const std::string& slug) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  ASSIGN_OR_RETURN(Link link, OwnedLink(who, slug));
  Status deleted = store_->DeleteLink(link.id, clock_());
  // Marked changed whatever the outcome: a failure may be a delete that was stored (the
  // connection lost around COMMIT), whose retry then finds no link to fence.
  links_cache_.MarkChanged(slug);
  if (!deleted.ok() && deleted.error().code != ErrorCode::kNotFound) return deleted.error();
  return Response(204);
}

LinksApi::Resolution LinksApi::NotFound(const Request& request) {
  RateDecision decision = limiter_->Hit("not_found", ClientKey(request, settings_.trusted_proxies),
                                        settings_.not_found_limit);
  return Resolution{LinkNotFound(), decision};
}

Error LinksApi::Unresolved(const Resolution& resolution) {
  if (!resolution.not_found) return resolution.link.error();
  if (!resolution.not_found->allowed) return RateLimited(*resolution.not_found);
  return WithRateLimitHeaders(*resolution.not_found, resolution.link.error()).error();
}

LinksApi::Resolution LinksApi::Resolve(const Request& request, const std::string& slug) {
  // A malformed slug cannot exist: answer without touching memcached or MySQL (and without
  // counting: it costs nothing, and browsers ask for /favicon.ico on their own).
  if (!LooksLikeSlug(slug)) return Resolution{LinkNotFound(), std::nullopt};
  const int64_t now = clock_();
  LinkLookup cached = links_cache_.Lookup(slug, now);
  if (cached.kind == LinkLookup::Kind::kAbsent) return NotFound(request);
  CachedLink link = std::move(cached.link);
  if (cached.kind != LinkLookup::Kind::kHit) {
    // A client over its 404 limit gets no more MySQL reads: it is answered 429 here.
    RateDecision allowance = limiter_->Peek(
        "not_found", ClientKey(request, settings_.trusted_proxies), settings_.not_found_limit);
    if (!allowance.allowed) return Resolution{LinkNotFound(), allowance};
    // Under a change marker a fill would be refused anyway: skip the round trip.
    const bool fill = cached.kind == LinkLookup::Kind::kMiss;
    Result<RedirectTarget> target = store_->FindRedirect(slug);
    if (!target.ok()) {
      if (target.error().code != ErrorCode::kNotFound) {
        return Resolution{target.error(), std::nullopt};
      }
      if (fill) links_cache_.FillAbsent(slug, now);
      return NotFound(request);
    }
    link = CachedLink{std::move(target.value().url), target.value().id, target.value().expires_at,
                      target.value().redirect_code, target.value().limited};
    if (fill) links_cache_.FillLink(slug, link, now);
  }
  // The entry may have been cached before it expired; expiry is checked on every read.
  if (link.expires_at <= now) return NotFound(request);
  // Checked on every answer, cache hit or not: a target made before its host was listed, or
  // an alias added, must not outlive that; and a cache entry is only as good as its signer.
  if (!RecheckStoredTarget(link.url, settings_.url_policy).ok()) return NotFound(request);
  // Only a link with max_visits costs MySQL here; the others keep the one cache get.
  if (link.limited) {
    Result<bool> left = store_->UseVisit(link.id, UsesVisit(request.method, request.user_agent));
    if (!left.ok()) return Resolution{left.error(), std::nullopt};
    if (!left.value()) return NotFound(request);
  }
  return Resolution{std::move(link), std::nullopt};
}

void LinksApi::CountClick(const Request& request, uint64_t id) {
  // The router hands HEAD to the GET handlers; only a GET is a visit.
  if (settings_.clicks == nullptr || request.method == "HEAD") return;
  if (settings_.visits != nullptr) {
    settings_.visits->Count(request, id, clock_(), settings_.clicks);
  } else {
    settings_.clicks->Count(id);
  }
}

Result<Response> LinksApi::Redirect(const Request& request, const std::string& slug) {
  Resolution resolution = Resolve(request, slug);
  if (!resolution.link.ok()) {
    // A browser gets a page, an API client JSON: caches must keep the two apart.
    Result<Response> missing = Unresolved(resolution);
    AddAnswerHeader(&missing, "Vary", "Accept");
    return ForBrowser(request, std::move(missing));
  }
  const CachedLink& link = resolution.link.value();
  Result<Response> outcome = RedirectTo(link, clock_());
  if (outcome.ok()) CountClick(request, link.id);
  return outcome;
}

Result<Response> LinksApi::Lookup(const Request& request, const std::string& slug) {
  Resolution resolution = Resolve(request, slug);
  const Result<CachedLink>& link = resolution.link;
  Result<Response> outcome = Response();
  if (!link.ok()) {
    outcome = Unresolved(resolution);
  } else if (AcceptsHtml(request.accept)) {
    outcome = RedirectTo(link.value(), clock_());
  } else {
    Response found = JsonResponse(200, {{"ok", true}, {"original_url", link.value().url}});
    found.AddHeader("Cache-Control", "no-store");
    outcome = std::move(found);
  }
  if (link.ok() && outcome.ok()) CountClick(request, link.value().id);
  AddAnswerHeader(&outcome, "Vary", "Accept");
  return ForBrowser(request, std::move(outcome));
}

}  // namespace shortener
