// The account handlers' settings: the home of every account setting of the config (its key
// table binds the keys to these fields; the initialisers are the defaults).
#ifndef SHORTENER_DOMAIN_ACCOUNT_SETTINGS_H_
#define SHORTENER_DOMAIN_ACCOUNT_SETTINGS_H_

#include <cstdint>
#include <vector>

#include "domain/client_address.h"
#include "domain/rate_limit.h"

namespace shortener {

// What the account handlers take from Config.
struct AccountSettings {
  int64_t token_ttl = 3600;
  bool signup_open = true;                 // false: POST /url/signup answers 403
  RateLimit signup_limit = {5, 3600};      // per client address
  RateLimit login_fail_limit = {10, 900};  // per client address and canonical username
  RateLimit login_limit = {60, 60};        // every login attempt, per client address
  std::vector<IpNetwork> trusted_proxies;  // whose X-Forwarded-For names the client
};

}  // namespace shortener

#endif  // SHORTENER_DOMAIN_ACCOUNT_SETTINGS_H_
