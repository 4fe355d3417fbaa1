// Operations endpoints: GET /healthz and GET /metrics.
#ifndef SHORTENER_OPS_API_H_
#define SHORTENER_OPS_API_H_

#include "domain/cache.h"
#include "domain/store.h"
#include "http/router.h"

namespace shortener {

class OpsApi {
 public:
  // Borrows both pointers; they must outlive this object.
  OpsApi(LinkStore* store, Cache* cache) : store_(store), cache_(cache) {}

  void Register(Router* router);

  // 200 {"ok": true, "mysql": "up", "memcached": "up"|"down"}; 503 with the same fields and
  // the error shape when MySQL does not answer. A cache outage is reported, not an error.
  Response Healthz(const Request& request);

  // 200, text/plain Prometheus exposition (version 0.0.4) of the whole pool's counters (see
  // metrics.h). No backend call: a scrape costs no database or cache round trip.
  Response Metrics(const Request& request);

 private:
  LinkStore* store_;
  Cache* cache_;
};

}  // namespace shortener

#endif  // SHORTENER_OPS_API_H_
