// Countries of client addresses from a MaxMind-format database (.mmdb), through libmaxminddb;
// the only file that uses that library.
//
// Which records are understood: MaxMind GeoLite2/GeoIP2 and DB-IP ("country" -> "iso_code", else
// "registered_country" -> "iso_code") and ip-location-db (a top-level "country_code"). The
// database is mapped read-only (MMDB_MODE_MMAP), so workers
// forked after Open share its pages.
#ifndef SHORTENER_GEOIP_H_
#define SHORTENER_GEOIP_H_

#include <maxminddb.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/visit_stats.h"

namespace shortener {

class GeoIp {
 public:
  // Opens the database at `path` (the geoip_database setting). Errors: kInternal naming the path
  // and libmaxminddb's reason, when the file is missing, unreadable or not a valid database.
  static Result<std::unique_ptr<GeoIp>> Open(const std::string& path);

  ~GeoIp();
  GeoIp(const GeoIp&) = delete;
  GeoIp& operator=(const GeoIp&) = delete;

  // The ISO 3166-1 alpha-2 code (two upper-case letters) of `address` (an IPv4 or IPv6 address
  // in text, as the client address is kept), or kUnknownCountry when `address` is not an
  // address, is not in the database, or its record names no country in a form listed above (or
  // one that is not two letters). Errors: kInternal when the database is corrupt at that
  // record (the caller logs it once and counts the visit as unknown).
  Result<std::string> Country(std::string_view address) const;

 private:
  GeoIp() = default;
  MMDB_s db_{};
  bool open_ = false;
};

}  // namespace shortener

#endif  // SHORTENER_GEOIP_H_
