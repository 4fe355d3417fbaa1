// Route table matching and the generic answers (404, 405, OPTIONS, HEAD).
#include "http/router.h"

#include "http/respond.h"

namespace shortener {

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    size_t pos = path.find('/');
    out.emplace_back(path.substr(0, pos));
    if (pos == std::string_view::npos) break;
    path.remove_prefix(pos + 1);
  }
  return out;
}

bool IsParam(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, Slash slash,
                 Handler handler) {
  std::vector<std::string> segments = SplitPath(pattern);
  for (Route& route : routes_) {
    if (route.segments == segments) {
      route.handlers[method] = std::move(handler);
      return;
    }
  }
  Route route{pattern, std::move(segments), slash, {}};
  route.handlers[method] = std::move(handler);
  routes_.push_back(std::move(route));
}

const Router::Route* Router::Match(std::string_view path, std::string* param) const {
  if (path.empty() || path.front() != '/') return nullptr;
  std::vector<std::string> parts = SplitPath(path);
  bool trailing_slash = parts.size() > 1 && parts.back().empty();
  const Route* best = nullptr;
  size_t best_literals = 0;
  for (const Route& route : routes_) {
    size_t n = route.segments.size();
    bool shape_ok = parts.size() == n ||
                    (trailing_slash && route.slash == Slash::kTolerant && parts.size() == n + 1);
    if (!shape_ok) continue;
    std::string value;
    size_t literals = 0;
    bool match = true;
    for (size_t i = 0; i < n && match; ++i) {
      if (IsParam(route.segments[i])) {
        value = parts[i];
        match = !value.empty();
      } else {
        match = parts[i] == route.segments[i];
        ++literals;
      }
    }
    // The most literal match wins ("/healthz" over "/{slug}"), whatever the order of Add.
    if (match && (best == nullptr || literals > best_literals)) {
      best = &route;
      best_literals = literals;
      *param = std::move(value);
    }
  }
  return best;
}

std::string Router::AllowHeader(const Route& route) {
  std::string allow;
  bool has_get = route.handlers.count("GET") > 0;
  for (const auto& entry : route.handlers) {
    if (!allow.empty()) allow += ", ";
    allow += entry.first;
    if (entry.first == "GET" && has_get) allow += ", HEAD";
  }
  allow += ", OPTIONS";
  return allow;
}

std::vector<std::string> Router::Patterns() const {
  std::vector<std::string> out;
  for (const Route& route : routes_) out.push_back(route.pattern);
  return out;
}

Response Router::Dispatch(const Request& request, size_t* route_index) const {
  std::string param;
  const Route* route = Match(request.path, &param);
  if (route_index != nullptr) {
    *route_index = route == nullptr ? routes_.size() : static_cast<size_t>(route - routes_.data());
  }
  if (route == nullptr) {
    return ErrorResponse(Error::Make(ErrorCode::kNotFound, "No such endpoint."));
  }
  // HEAD is served by the GET handler (the caller drops the body). The conditional names an
  // lvalue on both sides, so no string is copied per request.
  static const std::string kGet = "GET";
  const std::string& method = request.method == "HEAD" ? kGet : request.method;
  auto it = route->handlers.find(method);
  if (it != route->handlers.end()) return AnswerOf(it->second(request, param));
  if (request.method == "OPTIONS") {
    Response response(204);
    response.AddHeader("Allow", AllowHeader(*route));
    return response;
  }
  Response response = ErrorResponse(Error::Make(
      ErrorCode::kMethodNotAllowed, "Method " + request.method + " is not allowed here."));
  response.AddHeader("Allow", AllowHeader(*route));
  return response;
}

}  // namespace shortener
