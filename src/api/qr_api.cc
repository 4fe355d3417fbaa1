// The QR code endpoint.
#include "api/qr_api.h"

#include <algorithm>
#include <map>
#include <string>

#include "domain/qr_code.h"
#include "domain/slug.h"

namespace shortener {

namespace {

constexpr int kDefaultModulePixels = 8;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() > suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

QrApi::QrApi(std::string public_base_url, LinkStore* store, Clock clock)
    : public_base_url_(std::move(public_base_url)), store_(store), clock_(std::move(clock)) {}

void QrApi::Register(Router* router) {
  router->Add("GET", "/qr/{file}", Router::Slash::kStrict,
              [this](const Request& r, const std::string& file) { return Qr(r, file); });
}

namespace {

// How long a browser or shared cache may keep a QR code: the image of a slug never changes.
constexpr int64_t kQrMaxAge = 86400;

}  // namespace

Result<Response> QrApi::Qr(const Request& request, const std::string& file) {
  const bool svg = EndsWith(file, ".svg");
  if (!svg && !EndsWith(file, ".png")) return LinkNotFound();
  const std::string slug = file.substr(0, file.size() - 4);
  using Query = std::map<std::string, std::string>;
  ASSIGN_OR_RETURN(Query query, ParseQuery(request.query));
  ASSIGN_OR_RETURN(int size, IntParam(query, "size", kQrMinModulePixels, kQrMaxModulePixels,
                                      kDefaultModulePixels));
  if (!LooksLikeSlug(slug)) return LinkNotFound();
  Result<RedirectTarget> target = store_->FindRedirect(slug);
  if (!target.ok()) {
    if (target.error().code == ErrorCode::kNotFound) return LinkNotFound();
    return target.error();
  }
  const int64_t now = clock_();
  if (target.value().expires_at <= now) return LinkNotFound();
  const std::string short_url = public_base_url_ + "/" + slug;
  Response response(200);
  if (svg) {
    ASSIGN_OR_RETURN(std::string image, QrSvg(short_url, size));
    response.AddHeader("Content-Type", "image/svg+xml");
    response.set_body(std::move(image));
  } else {
    ASSIGN_OR_RETURN(std::string image, QrPng(short_url, size));
    response.AddHeader("Content-Type", "image/png");
    response.set_body(std::move(image));
  }
  response.AddHeader("X-Content-Type-Options", "nosniff");
  // A day, but never past the link's expiry, after which the image would stand for a 404.
  response.AddHeader(
      "Cache-Control",
      "public, max-age=" + std::to_string(std::min(kQrMaxAge, target.value().expires_at - now)));
  return response;
}

}  // namespace shortener
