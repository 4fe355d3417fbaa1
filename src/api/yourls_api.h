// GET or POST /yourls-api.php: YOURLS's API for the clients written against it (API.md "YOURLS
// compatibility"), over the same link code as the JSON APIs.
#ifndef SHORTENER_YOURLS_API_H_
#define SHORTENER_YOURLS_API_H_

#include <string>

#include "api/accounts_api.h"
#include "api/auth_gate.h"
#include "api/links_api.h"
#include "api/yourls_format.h"
#include "base/clock.h"
#include "domain/link_reports.h"
#include "domain/store.h"
#include "http/form_params.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

// The YOURLS version `action=version` reports: the API level whose answers these are.
extern const char kYourlsApiVersion[];

class YourlsApi {
 public:
  // Borrows every pointer; they must outlive this object.
  YourlsApi(LinksApi* links, AccountsApi* accounts, AuthGate* gate, LinkStore* store,
            LinkReports* reports, Clock clock);

  void Register(Router* router);

  // Answers one request. Parameters come from the query string and a urlencoded body (the body
  // wins). Every action needs a credential: `signature` (an API key of this service) or
  // `username` + `password` (checked as a login is, under the login limits). The answer is in
  // `format` (json by default) with YOURLS's field names, messages and status codes:
  // - shorturl (url, keyword?, title?): 200 and the new permanent link, owned by the caller
  //   (create_limit applies; an Idempotency-Key header is honoured); 400 "fail" with code
  //   error:nourl (missing or refused URL), error:keyword (malformed, reserved or taken), or
  //   error:url and the caller's live link to the same URL (YOURLS's unique URLs);
  // - expand, url-stats (shorturl = keyword or short URL): the caller's link (an admin's: any),
  //   404 otherwise;
  // - stats (filter = top|bottom|rand|last, limit 1-1000, default 10) and db-stats: over the
  //   caller's links (an admin's: all);
  // - version.
  // Refusals: 403 without a valid credential, 429 past a limit (Retry-After), 400 for an
  // unknown action or format or a malformed parameter, 413/415 for a body too large or not
  // urlencoded, 503 (Retry-After) while the database is out of reach.
  // Always a value: every refusal is answered in YOURLS's shape, not API.md's error body.
  Result<Response> Handle(const Request& request);

 private:
  // The caller, or the answer refusing it.
  struct Caller {
    std::optional<Principal> who;
    Response refusal;
  };
  Caller Authenticate(const Request& request, const FormParams& params, YourlsFormat format);
  Response ShortUrl(const Request& request, const FormParams& params, const Principal& who,
                    YourlsFormat format);
  YourlsAnswer Expand(const FormParams& params, const Principal& who);
  YourlsAnswer UrlStats(const FormParams& params, const Principal& who);
  YourlsAnswer Stats(const FormParams& params, const Principal& who);
  YourlsAnswer DbStats(const Principal& who);
  // The link a `shorturl` parameter names ("abc" or "<public_base_url>/abc", also ".../r/abc")
  // if `who` may see it (owner or admin) and it has not expired; kNotFound otherwise.
  Result<Link> OwnedLink(const std::string& shorturl, const Principal& who);
  // The short URL YOURLS clients are given for a keyword: public_base_url + "/" + slug.
  std::string ShortUrlOf(const std::string& slug) const;
  // The "link" object of url-stats and stats.
  nlohmann::ordered_json LinkStatsFields(const Link& link) const;

  LinksApi* links_;
  AccountsApi* accounts_;
  AuthGate* gate_;
  LinkStore* store_;
  LinkReports* reports_;
  Clock clock_;
};

// A link's title as its metadata holds it ("title"), or "".
std::string TitleOf(const Link& link);
// "YYYY-MM-DD HH:MM:SS" (UTC), YOURLS's way of writing times.
std::string YourlsTime(int64_t t);
// The keyword a YOURLS `shorturl` parameter names, given the service's public_base_url:
// "abc" as it is; "<base>/abc" and "<base>/r/abc" (also with the other scheme of http/https)
// as "abc". Anything else is returned as given (and will name no link).
std::string KeywordOf(const std::string& shorturl, const std::string& public_base_url);

}  // namespace shortener

#endif  // SHORTENER_YOURLS_API_H_
