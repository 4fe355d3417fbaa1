// Health check: proves the worker can reach MySQL, and says whether memcached answers.
#include "api/ops_api.h"

#include "base/metrics.h"
#include "http/respond.h"

namespace shortener {

void OpsApi::Register(Router* router) {
  router->Add("GET", "/healthz", Router::Slash::kStrict,
              [this](const Request& r, const std::string&) { return Healthz(r); });
  router->Add("GET", "/metrics", Router::Slash::kStrict,
              [this](const Request& r, const std::string&) { return Metrics(r); });
}

Response OpsApi::Healthz(const Request&) {
  Status mysql = store_->Ping();
  const char* memcached = cache_->Alive() ? "up" : "down";
  Response response =
      mysql.ok() ? JsonResponse(200, {{"ok", true}, {"mysql", "up"}, {"memcached", memcached}})
                 : JsonResponse(503, {{"ok", false},
                                      {"error", "unavailable"},
                                      {"message", "The database is unreachable."},
                                      {"mysql", "down"},
                                      {"memcached", memcached}});
  // A 503 says when to ask again, as every 503 of the service does (API.md "Retries").
  if (!mysql.ok()) response.AddHeader("Retry-After", "1");
  response.AddHeader("Cache-Control", "no-store");
  return response;
}

Response OpsApi::Metrics(const Request&) {
  Response response(200);
  response.AddHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.AddHeader("Cache-Control", "no-store");
  response.set_body(RenderMetrics());
  return response;
}

}  // namespace shortener
