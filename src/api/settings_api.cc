// The public settings endpoint (see settings_api.h).
#include "api/settings_api.h"

#include <string>

#include "http/respond.h"

namespace shortener {

void SettingsApi::Register(Router* router) {
  router->Add(
      "GET", "/api/v1/settings", Router::Slash::kTolerant,
      [this](const Request& r, const std::string&) -> Result<Response> { return Settings(r); });
}

Response SettingsApi::Settings(const Request&) const {
  Response response =
      JsonResponse(200, {{"ok", true}, {"data", {{"signup", signup_open_ ? "open" : "closed"}}}});
  response.AddHeader("Cache-Control", "no-cache");
  return response;
}

}  // namespace shortener
