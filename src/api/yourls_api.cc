// The YOURLS API: credentials from parameters, YOURLS's answers, this service's link rules.
#include "api/yourls_api.h"

#include "base/decimal.h"
#include "domain/auth.h"
#include "domain/slug.h"
#include "domain/timefmt.h"
#include "http/respond.h"

namespace shortener {

const char kYourlsApiVersion[] = "1.9.2";

namespace {

constexpr int kDefaultStatsLimit = 10;
constexpr int kMaxStatsLimit = 1000;
constexpr char kNeedStructured[] = "Need either XML or JSON format for stats";
constexpr char kNotFoundMessage[] = "Error: short URL not found";

// An answer that is only a refusal: {"message", "errorCode"}, as YOURLS words its own.
YourlsAnswer Refusal(int status, const std::string& message) {
  YourlsAnswer answer;
  answer.status = status;
  answer.fields = {{"message", message}, {"errorCode", status}};
  answer.simple = message;
  return answer;
}

// An error as a refusal: its status, its message (never internals: Error's messages are written
// for clients) and its headers (Retry-After, RateLimit-*); a 503 says when to retry, as every
// 503 of the service does.
YourlsAnswer RefusalOf(const Error& error) {
  YourlsAnswer answer = Refusal(ErrorHttpStatus(error.code), error.message);
  if (error.code == ErrorCode::kUnavailable) answer.headers.emplace_back("Retry-After", "1");
  for (const auto& header : error.headers) answer.headers.push_back(header);
  return answer;
}

// `answer` with the RateLimit-* headers of `decision`.
YourlsAnswer WithLimitHeaders(const RateDecision& decision, YourlsAnswer answer) {
  Result<Response> tagged = WithRateLimitHeaders(decision, Response());
  for (const auto& header : tagged.value().headers()) answer.headers.push_back(header);
  return answer;
}

// A 200 whose body was rendered before (a new link's answer, kept for its Idempotency-Key).
Response RenderedBody(const std::string& body, YourlsFormat format) {
  Response response(200);
  response.AddHeader("Content-Type", YourlsContentType(format));
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.set_body(body);
  return response;
}

// A shorturl "fail": YOURLS's fields, in its order, with `code`.
YourlsAnswer Fail(int status, const std::string& code, const std::string& message) {
  YourlsAnswer answer;
  answer.status = status;
  answer.fields = {{"status", "fail"},
                   {"code", code},
                   {"message", message},
                   {"errorCode", status},
                   {"statusCode", status}};
  answer.simple = message;
  return answer;
}

// The digest that tells one shorturl request from another for its Idempotency-Key: every
// parameter but the credentials, in name order.
std::string ShortUrlDigest(const FormParams& params) {
  nlohmann::json canonical = nlohmann::json::object();
  for (const auto& [name, value] : params) {
    if (name == "signature" || name == "username" || name == "password" || name == "timestamp") {
      continue;
    }
    canonical[RepairUtf8(name)] = RepairUtf8(value);
  }
  return SecretDigest("/yourls-api.php\n" + canonical.dump());
}

const std::string& Param(const FormParams& params, const char* name) {
  static const std::string kEmpty;
  auto it = params.find(name);
  return it == params.end() ? kEmpty : it->second;
}

}  // namespace

std::string TitleOf(const Link& link) {
  nlohmann::json metadata = nlohmann::json::parse(link.metadata_json, nullptr, false);
  if (!metadata.is_object()) return "";
  auto it = metadata.find("title");
  if (it == metadata.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string YourlsTime(int64_t t) {
  std::string iso = FormatIso8601(t);  // "YYYY-MM-DDTHH:MM:SSZ"
  iso[10] = ' ';
  iso.pop_back();
  return iso;
}

std::string KeywordOf(const std::string& shorturl, const std::string& public_base_url) {
  std::string rest = shorturl;
  const size_t scheme_end = public_base_url.find("://");
  if (scheme_end != std::string::npos) {
    const std::string authority = public_base_url.substr(scheme_end + 3);
    for (const char* scheme : {"http://", "https://"}) {
      const std::string prefix = scheme + authority + "/";
      if (rest.compare(0, prefix.size(), prefix) == 0) {
        rest = rest.substr(prefix.size());
        if (rest.compare(0, 2, "r/") == 0) rest = rest.substr(2);
        return rest;
      }
    }
  }
  return rest;
}

YourlsApi::YourlsApi(LinksApi* links, AccountsApi* accounts, AuthGate* gate, LinkStore* store,
                     LinkReports* reports, Clock clock)
    : links_(links),
      accounts_(accounts),
      gate_(gate),
      store_(store),
      reports_(reports),
      clock_(std::move(clock)) {}

void YourlsApi::Register(Router* router) {
  for (const char* method : {"GET", "POST"}) {
    router->Add(
        method, "/yourls-api.php", Router::Slash::kStrict,
        [this](const Request& r, const std::string&) -> Result<Response> { return Handle(r); });
  }
}

std::string YourlsApi::ShortUrlOf(const std::string& slug) const {
  return links_->settings().public_base_url + "/" + slug;
}

Result<Response> YourlsApi::Handle(const Request& request) {
  Result<FormParams> read = ReadFormParams(request);
  if (!read.ok()) {
    const Error& error = read.error();
    std::string message = error.message;
    if (error.code == ErrorCode::kValidation) message = "Malformed parameters: " + error.message;
    return RenderYourls(
        Refusal(ErrorHttpStatus(error.code) == 422 ? 400 : ErrorHttpStatus(error.code), message),
        YourlsFormat::kJson);
  }
  const FormParams& params = read.value();
  YourlsFormat format = YourlsFormat::kJson;
  const std::string& format_name = Param(params, "format");
  if (!format_name.empty()) {
    std::optional<YourlsFormat> named = ParseYourlsFormat(format_name);
    if (!named) {
      return RenderYourls(Refusal(400, "Unknown \"format\" parameter: use json, xml or simple"),
                          YourlsFormat::kJson);
    }
    format = *named;
  }
  Caller caller = Authenticate(request, params, format);
  if (!caller.who) return caller.refusal;
  const Principal& who = *caller.who;
  const std::string& action = Param(params, "action");
  if (action == "shorturl") return ShortUrl(request, params, who, format);
  YourlsAnswer answer;
  if (action == "expand") {
    answer = Expand(params, who);
  } else if (action == "url-stats") {
    answer = UrlStats(params, who);
  } else if (action == "stats") {
    answer = Stats(params, who);
  } else if (action == "db-stats") {
    answer = DbStats(who);
  } else if (action == "version") {
    answer.fields = {{"version", kYourlsApiVersion}};
    answer.simple = kYourlsApiVersion;
  } else {
    answer = Refusal(400, "Unknown or missing \"action\" parameter");
  }
  return RenderYourls(answer, format);
}

YourlsApi::Caller YourlsApi::Authenticate(const Request& request, const FormParams& params,
                                          YourlsFormat format) {
  Caller caller;
  const std::string& signature = Param(params, "signature");
  const std::string& username = Param(params, "username");
  if (!signature.empty()) {
    if (params.count("timestamp")) {
      caller.refusal = RenderYourls(
          Refusal(403,
                  "Time-limited signatures are not supported here: send the API key itself "
                  "as signature, without timestamp"),
          format);
      gate_->MarkConsulted();
      return caller;
    }
    Result<Principal> who = gate_->CheckApiKey(signature);
    if (who.ok()) {
      caller.who = who.value();
    } else if (who.error().code == ErrorCode::kUnauthorized) {
      caller.refusal = RenderYourls(Refusal(403, "Invalid username or password"), format);
    } else {
      caller.refusal = RenderYourls(RefusalOf(who.error()), format);
    }
    return caller;
  }
  if (!username.empty()) {
    gate_->MarkConsulted();
    Result<User> user =
        accounts_->CheckPasswordLimited(request, username, Param(params, "password"));
    if (user.ok()) {
      caller.who = Principal{user.value().id, user.value().is_admin, false};
      return caller;
    }
    const Error& error = user.error();
    YourlsAnswer refusal = RefusalOf(error);  // its headers: Retry-After, RateLimit-*
    if (error.code == ErrorCode::kRateLimited) {
      refusal.fields["message"] = refusal.simple = "Too many login attempts; try again later";
    } else if (error.code == ErrorCode::kUnauthorized || error.code == ErrorCode::kValidation) {
      refusal = Refusal(403, "Invalid username or password");
    }
    caller.refusal = RenderYourls(refusal, format);
    return caller;
  }
  gate_->MarkConsulted();
  caller.refusal = RenderYourls(Refusal(403, "Please log in"), format);
  return caller;
}

Response YourlsApi::ShortUrl(const Request& request, const FormParams& params, const Principal& who,
                             YourlsFormat format) {
  // Every authenticated creation counts, whatever its outcome, as on the JSON APIs.
  RateDecision decision = links_->HitCreateLimit(who);
  auto answer_with_limits = [&](const YourlsAnswer& answer) {
    return RenderYourls(WithLimitHeaders(decision, answer), format);
  };
  if (!decision.allowed) {
    YourlsAnswer refused =
        Fail(429, "error:ratelimit", "Too many URLs added too fast. Slow down please.");
    refused.headers = RateLimited(decision).headers;  // Retry-After and RateLimit-*
    return RenderYourls(refused, format);
  }
  Result<std::optional<std::string>> key = IdempotencyKeyOf(request);
  if (!key.ok()) return answer_with_limits(Fail(400, "error:idempotency", key.error().message));
  const std::string digest = ShortUrlDigest(params);
  const int64_t now = clock_();
  // The answer kept for the request's Idempotency-Key, if it has one and one is kept.
  auto replay = [&]() -> std::optional<Response> {
    if (!key.value()) return std::nullopt;
    Result<std::optional<KeptAnswer>> kept =
        reports_->FindKeptAnswer(who.user_id, *key.value(), now);
    if (!kept.ok()) return answer_with_limits(RefusalOf(kept.error()));
    if (!kept.value()) return std::nullopt;
    if (kept.value()->request_digest != digest) {
      return answer_with_limits(
          Fail(400, "error:idempotency",
               "This Idempotency-Key came with another request in the last 24 hours; a new "
               "request needs a new key."));
    }
    return WithRateLimitHeaders(decision, RenderedBody(kept.value()->answer.body, format)).value();
  };
  // A retry of a request that completed gets its answer before the unique-URL rule sees the
  // link that request made.
  if (std::optional<Response> again = replay()) return std::move(*again);

  const std::string& url = Param(params, "url");
  if (url.empty() || url == "http://" || url == "https://") {
    return answer_with_limits(Fail(400, "error:nourl", "Missing or malformed URL"));
  }
  Result<std::string> target = links_->CheckTarget(url, "url");
  if (!target.ok()) {
    return answer_with_limits(
        Fail(400, "error:nourl", "Missing or malformed URL: " + target.error().message));
  }
  const std::string& keyword = Param(params, "keyword");
  if (!keyword.empty()) {
    if (!IsValidCustomSlug(keyword)) {
      return answer_with_limits(
          Fail(400, "error:keyword",
               "Short URL " + RepairUtf8(keyword) +
                   " is not a valid keyword: use 3 to 64 characters of A-Z, a-z, 0-9, _ and -"));
    }
    if (IsReservedSlug(keyword)) {
      return answer_with_limits(
          Fail(400, "error:keyword",
               "Short URL " + keyword + " already exists in database or is reserved"));
    }
  }
  if (!links_->settings().allow_permanent_links) {
    return answer_with_limits(Fail(400, "error:permanent",
                                   "YOURLS links never expire, and permanent links are turned "
                                   "off on this service"));
  }
  Result<std::optional<Link>> existing =
      reports_->FindOwnedLinkByUrl(who.user_id, target.value(), now);
  if (!existing.ok()) return answer_with_limits(RefusalOf(existing.error()));
  if (existing.value()) {
    // The first request of this key may have completed since the look above (retries sent
    // at once): its answer, not the unique-URL rule's.
    if (std::optional<Response> again = replay()) return std::move(*again);
    const Link& link = *existing.value();
    YourlsAnswer answer = Fail(
        400, "error:url",
        target.value() + " already exists in database (short URL: " + ShortUrlOf(link.slug) + ")");
    answer.fields["url"] = {{"keyword", link.slug},
                            {"url", link.url},
                            {"title", TitleOf(link)},
                            {"date", YourlsTime(link.created_at)},
                            {"ip", ""},
                            {"clicks", link.clicks}};
    answer.fields["title"] = TitleOf(link);
    answer.fields["shorturl"] = ShortUrlOf(link.slug);
    answer.simple = ShortUrlOf(link.slug);
    return answer_with_limits(answer);
  }

  NewLink link;
  link.url = target.value();
  if (!keyword.empty()) link.custom_slug = keyword;
  link.owner_id = who.user_id;
  link.now = now;
  link.expires_at = std::nullopt;  // YOURLS links never expire
  link.metadata_json = TitleMetadata(RepairUtf8(Param(params, "title")));
  link.freed_slug_hold = links_->settings().freed_slug_hold;
  auto answer_of = [&](const Link& stored) {
    YourlsAnswer answer;
    const std::string title = TitleOf(stored);
    answer.fields = {{"status", "success"},
                     {"code", ""},
                     {"message", stored.url + " added to database"},
                     {"errorCode", ""},
                     {"statusCode", 200},
                     {"url",
                      {{"keyword", stored.slug},
                       {"url", stored.url},
                       {"title", title},
                       {"date", YourlsTime(stored.created_at)},
                       {"ip", ""}}},
                     {"title", title},
                     {"shorturl", ShortUrlOf(stored.slug)}};
    answer.simple = ShortUrlOf(stored.slug);
    return CreateAnswer{ShortUrlOf(stored.slug), YourlsBody(answer, format)};
  };
  Result<CreateAnswer> stored = links_->StoreNewLink(link, key.value(), digest, answer_of);
  if (!stored.ok()) {
    const Error& error = stored.error();
    if (error.code == ErrorCode::kSlugTaken) {
      return answer_with_limits(
          Fail(400, "error:keyword",
               "Short URL " + keyword + " already exists in database or is reserved"));
    }
    if (error.code == ErrorCode::kValidation) {
      return answer_with_limits(Fail(400, "error:idempotency", error.message));
    }
    return answer_with_limits(RefusalOf(error));
  }
  return WithRateLimitHeaders(decision, RenderedBody(stored.value().body, format)).value();
}

Result<Link> YourlsApi::OwnedLink(const std::string& shorturl, const Principal& who) {
  const Error not_found = Error::Make(ErrorCode::kNotFound, kNotFoundMessage);
  const std::string keyword = KeywordOf(shorturl, links_->settings().public_base_url);
  if (keyword.empty() || keyword.size() > 100) return not_found;
  Result<Link> link = store_->FindLink(keyword);
  if (!link.ok()) return link.error().code == ErrorCode::kNotFound ? not_found : link.error();
  if (!who.is_admin && link.value().owner_id != who.user_id) return not_found;
  if (link.value().expires_at && *link.value().expires_at <= clock_()) return not_found;
  return link;
}

YourlsAnswer YourlsApi::Expand(const FormParams& params, const Principal& who) {
  const std::string& shorturl = Param(params, "shorturl");
  Result<Link> link = OwnedLink(shorturl, who);
  YourlsAnswer answer;
  if (!link.ok()) {
    if (link.error().code != ErrorCode::kNotFound) return RefusalOf(link.error());
    answer.status = 404;
    answer.fields = {
        {"keyword", RepairUtf8(KeywordOf(shorturl, links_->settings().public_base_url))},
        {"message", kNotFoundMessage},
        {"errorCode", 404}};
    answer.simple = "not found";
    return answer;
  }
  const Link& l = link.value();
  answer.fields = {{"keyword", l.slug},   {"shorturl", ShortUrlOf(l.slug)}, {"longurl", l.url},
                   {"title", TitleOf(l)}, {"message", "success"},           {"statusCode", 200}};
  answer.simple = l.url;
  return answer;
}

nlohmann::ordered_json YourlsApi::LinkStatsFields(const Link& link) const {
  return {{"shorturl", ShortUrlOf(link.slug)},        {"url", link.url}, {"title", TitleOf(link)},
          {"timestamp", YourlsTime(link.created_at)}, {"ip", ""},        {"clicks", link.clicks}};
}

YourlsAnswer YourlsApi::UrlStats(const FormParams& params, const Principal& who) {
  Result<Link> link = OwnedLink(Param(params, "shorturl"), who);
  YourlsAnswer answer;
  answer.simple = kNeedStructured;
  if (!link.ok()) {
    if (link.error().code != ErrorCode::kNotFound) return RefusalOf(link.error());
    answer.status = 404;
    answer.fields = {{"statusCode", 404}, {"message", kNotFoundMessage}};
    return answer;
  }
  answer.fields = {
      {"statusCode", 200}, {"message", "success"}, {"link", LinkStatsFields(link.value())}};
  return answer;
}

YourlsAnswer YourlsApi::Stats(const FormParams& params, const Principal& who) {
  const std::string& filter = Param(params, "filter");
  LinkOrder order;
  if (filter.empty() || filter == "top") {
    order = LinkOrder::kMostClicked;
  } else if (filter == "bottom") {
    order = LinkOrder::kLeastClicked;
  } else if (filter == "last") {
    order = LinkOrder::kNewest;
  } else if (filter == "rand" || filter == "random") {
    order = LinkOrder::kRandom;
  } else {
    return Refusal(400, "Unknown \"filter\" parameter: use top, bottom, rand or last");
  }
  int limit = kDefaultStatsLimit;
  const std::string& limit_text = Param(params, "limit");
  if (!limit_text.empty()) {
    std::optional<uint64_t> value = ParseDecimalIn(limit_text, 1, kMaxStatsLimit);
    if (!value) {
      return Refusal(400,
                     "limit must be a whole number from 1 to " + std::to_string(kMaxStatsLimit));
    }
    limit = static_cast<int>(*value);
  }
  std::optional<uint64_t> owner;
  if (!who.is_admin) owner = who.user_id;
  Result<std::vector<Link>> links = reports_->RankLinks(owner, order, limit);
  if (!links.ok()) return RefusalOf(links.error());
  Result<LinkTotals> totals = reports_->Totals(owner);
  if (!totals.ok()) return RefusalOf(totals.error());
  nlohmann::ordered_json listed = nlohmann::ordered_json::object();
  int n = 0;
  for (const Link& link : links.value()) {
    listed["link_" + std::to_string(++n)] = LinkStatsFields(link);
  }
  YourlsAnswer answer;
  answer.fields = {
      {"links", std::move(listed)},
      {"stats", {{"total_links", totals.value().links}, {"total_clicks", totals.value().clicks}}},
      {"statusCode", 200},
      {"message", "success"}};
  answer.simple = kNeedStructured;
  return answer;
}

YourlsAnswer YourlsApi::DbStats(const Principal& who) {
  std::optional<uint64_t> owner;
  if (!who.is_admin) owner = who.user_id;
  Result<LinkTotals> totals = reports_->Totals(owner);
  if (!totals.ok()) return RefusalOf(totals.error());
  YourlsAnswer answer;
  answer.fields = {
      {"db-stats",
       {{"total_links", totals.value().links}, {"total_clicks", totals.value().clicks}}},
      {"statusCode", 200},
      {"message", "success"}};
  answer.simple = kNeedStructured;
  return answer;
}

}  // namespace shortener
