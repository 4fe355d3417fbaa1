// The service assembled from a Config: store, cache, codecs, handlers and the route table.
#ifndef SHORTENER_APP_H_
#define SHORTENER_APP_H_

#include <memory>

#include "api/accounts_api.h"
#include "api/auth_gate.h"
#include "api/import_api.h"
#include "api/links_api.h"
#include "api/ops_api.h"
#include "api/qr_api.h"
#include "api/settings_api.h"
#include "api/stats_api.h"
#include "api/users_api.h"
#include "api/yourls_api.h"
#include "cmd/config.h"
#include "domain/auth.h"
#include "domain/blocklist.h"
#include "domain/clicks.h"
#include "domain/cursor.h"
#include "domain/slug.h"
#include "domain/visit_classifier.h"
#include "http/router.h"
#include "store/geoip.h"
#include "store/memcached_cache.h"
#include "store/mysql_store.h"

namespace shortener {

class App {
 public:
  // Builds everything one worker needs. Connections open lazily on first use, so this never
  // blocks on a server. Fails only on settings that cannot work (e.g. an unusable
  // public_base_url), naming the key.
  static Result<std::unique_ptr<App>> Create(const Config& config);

  // Answers one request and counts it in the metrics (route, status, time); never throws.
  Response Handle(const Request& request);

  // SIGHUP: applies what may change without a restart from a freshly loaded `config`: the log
  // level, and the blocklist file is read again. Settings that shape connections or slugs
  // (MySQL, memcached, slug_*) keep their start values until the worker restarts.
  void Reload(const Config& config);

  // Periodic work between requests: writes the counted clicks once click_flush_interval has
  // passed. Call after each request and when an idle wait is interrupted (see TickDueIn).
  void Tick();

  // Seconds until Tick has work to do: 0 when nothing is pending (no wake-up needed), else at
  // least 1. For an idle worker's alarm.
  unsigned TickDueIn() const;

  // Called once after the last request, before the worker exits on SIGTERM: writes every
  // pending click, retrying briefly while the database fails, and logs what could not be written.
  void FlushBeforeExit();

 private:
  // Handle without the metrics; sets *route as Router::Dispatch does.
  Response Dispatch(const Request& request, size_t* route);

  App(const Config& config, SlugCodec slugs, LinkSettings settings, BlocklistFile blocklist,
      std::unique_ptr<VisitClassifier> visits, std::unique_ptr<GeoIp> geoip);

  BlocklistFile blocklist_;  // before links_, which borrows it
  MysqlStore store_;
  std::unique_ptr<ClickCounter> clicks_;  // null when click_counting is off; links_ borrows it
  std::unique_ptr<GeoIp> geoip_;          // null without geoip_database; visits_ borrows it
  // null when visit_statistics or click_counting is off; links_ borrows it
  std::unique_ptr<VisitClassifier> visits_;
  MemcachedCache cache_;
  SlugCodec slugs_;
  CursorCodec cursors_;
  RateLimiter limiter_;
  PasswordHasher hasher_;
  std::unique_ptr<HostSlots> hash_slots_;  // null: hashing unbounded; accounts_ borrows it
  // null without local_cache_change_file; links_ borrows it
  std::unique_ptr<HostChanges> host_changes_;
  AuthGate gate_;
  AccountsApi accounts_;
  LinksApi links_;
  OpsApi ops_;
  QrApi qr_;
  StatsApi stats_;
  YourlsApi yourls_;
  SettingsApi settings_;
  UsersApi users_;
  ImportApi import_;
  Router router_;
};

}  // namespace shortener

#endif  // SHORTENER_APP_H_
