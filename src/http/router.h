// Route table: (method, path pattern) -> handler, with 404, 405 + Allow, HEAD and OPTIONS.
#ifndef SHORTENER_ROUTER_H_
#define SHORTENER_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "http/http.h"

namespace shortener {

// A handler gets the request and the value of the pattern's one `{param}` segment (empty if the
// pattern has none), and returns its outcome: the response, or the Error that Dispatch answers
// (AnswerOf in respond.h). Handlers never build error answers themselves.
using Handler = std::function<Result<Response>(const Request&, const std::string& param)>;

class Router {
 public:
  // Trailing slash policy of a pattern: API paths take "/url/login/" as "/url/login"; slugs don't.
  enum class Slash { kStrict, kTolerant };

  // Registers `handler` for `method` on `pattern`: segments are literals or one "{name}" that
  // matches any single non-empty segment. Of the patterns that match a path, the one with the
  // most literal segments owns it ("/healthz" beats "/{slug}"), whatever the order of Add.
  void Add(const std::string& method, const std::string& pattern, Slash slash, Handler handler);

  // Answers a request: the handler's outcome, mapped by AnswerOf; HEAD as GET without a body (the
  // caller writes headers only); OPTIONS as 204 with Allow; 405 with Allow for a known path and
  // another method; 404 for an unknown path. Error bodies follow API.md. If `route` is given, it
  // gets the index of the matched pattern in Patterns(), or Patterns().size() when none matched.
  Response Dispatch(const Request& request, size_t* route = nullptr) const;

  // The registered patterns, in the order they were first added (metrics label routes by them).
  std::vector<std::string> Patterns() const;

 private:
  struct Route {
    std::string pattern;
    std::vector<std::string> segments;  // "{...}" marks the parameter
    Slash slash;
    std::map<std::string, Handler> handlers;  // by method
  };

  // The owning route of `path` (see Add), filling *param; nullptr if none.
  const Route* Match(std::string_view path, std::string* param) const;
  static std::string AllowHeader(const Route& route);

  std::vector<Route> routes_;
};

}  // namespace shortener

#endif  // SHORTENER_ROUTER_H_
