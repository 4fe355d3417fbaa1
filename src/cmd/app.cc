// Wiring: Config -> the objects one worker keeps for its whole life.
#include "cmd/app.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>

#include "base/log.h"
#include "base/metrics.h"
#include "http/respond.h"

namespace shortener {

namespace {

// `settings` with the blocklist checked at creation and at redirect.
LinkSettings WithBlocklist(LinkSettings settings, BlocklistFile* blocklist) {
  if (blocklist->watched()) settings.blocklist = blocklist;
  return settings;
}

// `settings` with the host's change counters, which every worker bumps after a change (so
// pools of this host that keep redirects in memory see it at once) and reads with
// local_cache_ttl.
LinkSettings WithHostChanges(LinkSettings settings, HostChanges* changes) {
  settings.host_changes = changes;
  return settings;
}

LinkSettings WithClicks(LinkSettings settings, ClickCounter* clicks, VisitClassifier* visits) {
  settings.clicks = clicks;
  settings.visits = clicks != nullptr ? visits : nullptr;
  return settings;
}

// A graceful stop retries a failing final flush this often, this far apart, before giving up:
// long enough to ride out a reconnect, well inside the web server's stop timeout.
constexpr int kShutdownFlushAttempts = 5;
constexpr useconds_t kShutdownFlushPauseMicros = 200 * 1000;

// The admin tool keeps MysqlOptions' patient timeouts (a migration may take long); a worker
// fails fast, so a hung server costs a request about a second (API.md "Retries").
MysqlOptions WorkerMysqlOptions(MysqlOptions options) {
  options.connect_timeout_seconds = MysqlOptions::kWorkerTimeoutSeconds;
  options.io_timeout_seconds = MysqlOptions::kWorkerTimeoutSeconds;
  return options;
}

}  // namespace

Result<std::unique_ptr<App>> App::Create(const Config& config) {
  Result<SlugCodec> slugs =
      SlugCodec::Create(config.slug_alphabet, config.slug_min_length, config.slug_secret);
  if (!slugs.ok()) return slugs.error();
  Result<LinkSettings> settings = LinkSettingsOf(config);
  if (!settings.ok()) return settings.error();
  Result<BlocklistFile> blocklist = BlocklistFile::Open(config.blocklist_file);
  if (!blocklist.ok()) return blocklist.error();
  if (config.links.local_cache_ttl > 0) {
    // Named at start rather than found unusable at the first redirect (then each worker would
    // only log it and serve without its in-memory copies).
    Status usable = HostChanges::CheckUsable(config.local_cache_change_file);
    if (!usable.ok()) {
      return Error::Validation("local_cache_change_file",
                               "local_cache_change_file: " + usable.error().message);
    }
  }
  if (!config.password_hash_lock_file.empty()) {
    Status usable = HostSlots::CheckUsable(config.password_hash_lock_file);
    if (!usable.ok()) {
      return Error::Validation("password_hash_lock_file",
                               "password_hash_lock_file: " + usable.error().message);
    }
  }
  std::unique_ptr<GeoIp> geoip;
  std::unique_ptr<VisitClassifier> visits;
  if (config.visit_statistics && config.click_counting) {
    CountryLookup country;
    if (!config.geoip_database.empty()) {
      Result<std::unique_ptr<GeoIp>> opened = GeoIp::Open(config.geoip_database);
      if (!opened.ok()) {
        return Error::Validation("geoip_database", "geoip_database: " + opened.error().message);
      }
      geoip = std::move(opened).value();
      // The App keeps the database (geoip_) as long as the classifier that reads it.
      country = [db = geoip.get()](std::string_view address) { return db->Country(address); };
    }
    // The visitor keys come from slug_secret (domain-separated inside VisitorKeys): every
    // worker and instance of one deployment already shares it, and no second secret to manage.
    Result<VisitorKeys> keys = VisitorKeys::Create(config.slug_secret);
    if (!keys.ok()) return keys.error();
    visits = std::make_unique<VisitClassifier>(std::move(keys).value(), std::move(country),
                                               config.links.trusted_proxies);
  }
  return std::unique_ptr<App>(new App(config, std::move(slugs.value()), std::move(settings.value()),
                                      std::move(blocklist.value()), std::move(visits),
                                      std::move(geoip)));
}

App::App(const Config& config, SlugCodec slugs, LinkSettings settings, BlocklistFile blocklist,
         std::unique_ptr<VisitClassifier> visits, std::unique_ptr<GeoIp> geoip)
    : blocklist_(std::move(blocklist)),
      store_(WorkerMysqlOptions(config.mysql)),
      clicks_(config.click_counting
                  ? std::make_unique<ClickCounter>(
                        &store_, SystemClock, config.click_flush_interval, RandomBatchId,
                        SteadyMillis, RandomPhaseMillis(config.click_flush_interval * 1000))
                  : nullptr),
      geoip_(std::move(geoip)),
      visits_(std::move(visits)),
      cache_(config.memcached),
      slugs_(std::move(slugs)),
      cursors_(config.slug_secret),
      limiter_(&cache_, SystemClock),
      hasher_(config.argon2),
      hash_slots_(config.password_hash_lock_file.empty()
                      ? nullptr
                      : std::make_unique<HostSlots>(config.password_hash_lock_file,
                                                    config.password_hash_slots > 0
                                                        ? config.password_hash_slots
                                                        : DefaultHostSlots())),
      host_changes_(config.local_cache_change_file.empty()
                        ? nullptr
                        : std::make_unique<HostChanges>(config.local_cache_change_file,
                                                        config.links.local_cache_ttl > 0)),
      gate_(&store_, SystemClock, config.links.public_base_url),
      accounts_(config.accounts, &store_, &hasher_, hash_slots_.get(), &gate_, &limiter_,
                SystemClock),
      links_(WithHostChanges(WithClicks(WithBlocklist(std::move(settings), &blocklist_),
                                        clicks_.get(), visits_.get()),
                             host_changes_.get()),
             &store_, &cache_, &gate_, &limiter_, &slugs_, &cursors_, SystemClock),
      ops_(&store_, &cache_),
      qr_(config.links.public_base_url, &store_, SystemClock),
      stats_(&links_, &store_, &cache_, &gate_, SystemClock),
      yourls_(&links_, &accounts_, &gate_, &store_, &store_, SystemClock),
      settings_(config.accounts.signup_open),
      users_(&store_, &gate_, &cursors_),
      import_(&store_, &store_, &gate_, &links_.settings(), &cache_) {
  ops_.Register(&router_);
  qr_.Register(&router_);
  accounts_.Register(&router_);
  links_.Register(&router_);
  stats_.Register(&router_);
  yourls_.Register(&router_);
  settings_.Register(&router_);
  users_.Register(&router_);
  import_.Register(&router_);
  std::vector<std::string> labels = router_.Patterns();
  labels.push_back("none");  // requests no route matched (404)
  SetRouteLabels(std::move(labels));
}

void App::Tick() {
  // A failure keeps the clicks for the next flush; the store logged it.
  if (clicks_) clicks_->MaybeFlush().IgnoreError();
}

unsigned App::TickDueIn() const {
  std::optional<int64_t> left = clicks_ ? clicks_->SecondsUntilDue() : std::nullopt;
  if (!left) return 0;
  return static_cast<unsigned>(std::max<int64_t>(*left, 1));
}

void App::FlushBeforeExit() {
  if (!clicks_) return;
  for (int attempt = 1; clicks_->pending() > 0; ++attempt) {
    if (clicks_->Flush().ok()) return;
    if (attempt == kShutdownFlushAttempts) {
      Log(Severity::kError, "stopping with %llu clicks not written (database unavailable)",
          static_cast<unsigned long long>(clicks_->pending()));
      return;
    }
    usleep(kShutdownFlushPauseMicros);
  }
}

Response App::Handle(const Request& request) {
  auto start = std::chrono::steady_clock::now();
  size_t route = 0;
  Response response = Dispatch(request, &route);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  CountRequest(route, response.status(), micros);
  return response;
}

Response App::Dispatch(const Request& request, size_t* route) {
  gate_.StartRequest();
  Response response;
  try {
    response = router_.Dispatch(request, route);
  } catch (const std::exception& e) {
    // The one last-resort catch: a bug must cost one request, never the worker.
    Log(Severity::kError, "unhandled exception on %s: %s", request.method.c_str(), e.what());
    response = ErrorResponse(Error::Make(ErrorCode::kInternal, "Internal error."));
  }
  // Here, for every handler alike: whatever an answer says, if it depended on who asked, no
  // shared cache may keep it or hand it to someone else.
  gate_.FinishResponse(request, &response);
  return response;
}

void App::Reload(const Config& config) {
  SetLogSeverity(config.log_level);
  blocklist_.Reload();
}

}  // namespace shortener
