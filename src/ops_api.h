// Operations endpoints: GET /healthz.
#ifndef SHORTENER_OPS_API_H_
#define SHORTENER_OPS_API_H_

#include "cache.h"
#include "router.h"
#include "store.h"

namespace shortener {

class OpsApi {
 public:
  // Borrows both pointers; they must outlive this object.
  OpsApi(LinkStore* store, Cache* cache) : store_(store), cache_(cache) {}

  void Register(Router* router);

  // 200 {"ok": true, "mysql": "up", "memcached": "up"|"down"}; 503 with the same fields and
  // the error shape when MySQL does not answer. A cache outage is reported, not an error.
  Response Healthz(const Request& request);

 private:
  LinkStore* store_;
  Cache* cache_;
};

}  // namespace shortener

#endif  // SHORTENER_OPS_API_H_
