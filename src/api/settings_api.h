// GET /api/v1/settings: what the web interface must know of the service's settings before a
// visitor acts (an addition beyond API.md, documented in docs/web.md and the README). Public and
// read-only: it says only what a visitor could find out by trying.
#ifndef SHORTENER_SETTINGS_API_H_
#define SHORTENER_SETTINGS_API_H_

#include "http/http.h"
#include "http/router.h"

namespace shortener {

class SettingsApi {
 public:
  // `signup_open`: the config's `signup` (AccountSettings::signup_open).
  explicit SettingsApi(bool signup_open) : signup_open_(signup_open) {}

  void Register(Router* router);

  // 200 {"ok": true, "data": {"signup": "open"|"closed"}}, no credential needed, Cache-Control:
  // no-cache (a config change shows at the next page load).
  Response Settings(const Request& request) const;

 private:
  bool signup_open_;
};

}  // namespace shortener

#endif  // SHORTENER_SETTINGS_API_H_
