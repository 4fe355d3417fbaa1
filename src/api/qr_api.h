// GET /qr/{slug}.svg and /qr/{slug}.png: the QR code of a link's short URL (API.md "Web
// interface"). Kept apart from the redirect path: it reads MySQL, not the redirect cache, and
// its answers are public and cacheable by anyone.
#ifndef SHORTENER_QR_API_H_
#define SHORTENER_QR_API_H_

#include <string>

#include "base/clock.h"
#include "domain/store.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

class QrApi {
 public:
  // `public_base_url` makes the encoded short URL (public_base_url + "/" + slug, the v1
  // record's short_url). Borrows `store`; it must outlive this object.
  QrApi(std::string public_base_url, LinkStore* store, Clock clock);

  void Register(Router* router);

  // GET /qr/{file}: `file` is "<slug>.svg" or "<slug>.png"; ?size= pixels a module (1-40,
  // default 8; 422 naming "size" otherwise). 404 for any other file name and for a link that
  // is unknown or expired; 503 while MySQL is unreachable. Success: Cache-Control public,
  // max-age=86400 (the image of a slug never changes while the link lives).
  Result<Response> Qr(const Request& request, const std::string& file);

 private:
  std::string public_base_url_;
  LinkStore* store_;
  Clock clock_;
};

}  // namespace shortener

#endif  // SHORTENER_QR_API_H_
