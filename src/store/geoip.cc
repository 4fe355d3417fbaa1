// GeoIp over libmaxminddb: its error codes become Errors here and nowhere else.
#include "store/geoip.h"

#include <string>

namespace shortener {

namespace {

// The longest address text: an IPv6 address with an embedded IPv4 one is 45 characters.
constexpr size_t kMaxAddressText = 45;

// The code at `path` (NULL-terminated keys) in `entry`, if it is a two-letter string.
// Returns "" when it is not; sets `failed` when libmaxminddb reports a corrupt database.
template <typename... Keys>
std::string CodeAt(MMDB_entry_s* entry, bool& failed, Keys... path) {
  MMDB_entry_data_s data{};
  const int status = MMDB_get_value(entry, &data, path..., static_cast<const char*>(nullptr));
  if (status != MMDB_SUCCESS) {
    // A path that is absent or shaped otherwise is a record without this field, not an error.
    if (status != MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR &&
        status != MMDB_INVALID_LOOKUP_PATH_ERROR) {
      failed = true;
    }
    return {};
  }
  if (!data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING) return {};
  std::string code = CountryValue(std::string_view(data.utf8_string, data.data_size));
  return code == kUnknownCountry ? std::string() : code;
}

Error DatabaseError(int status) {
  return Error::Make(ErrorCode::kInternal,
                     std::string("geoip_database lookup failed: ") + MMDB_strerror(status));
}

}  // namespace

Result<std::unique_ptr<GeoIp>> GeoIp::Open(const std::string& path) {
  std::unique_ptr<GeoIp> geoip(new GeoIp());
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &geoip->db_);
  if (status != MMDB_SUCCESS) {
    // MMDB_open frees what it took when it fails: nothing for the destructor to close.
    return Error::Make(ErrorCode::kInternal,
                       "geoip_database " + path + " cannot be opened: " + MMDB_strerror(status));
  }
  geoip->open_ = true;
  return geoip;
}

GeoIp::~GeoIp() {
  if (open_) MMDB_close(&db_);
}

Result<std::string> GeoIp::Country(std::string_view address) const {
  // libmaxminddb takes a C string; a NUL inside or an overlong text is no address.
  if (address.empty() || address.size() > kMaxAddressText ||
      address.find('\0') != std::string_view::npos) {
    return std::string(kUnknownCountry);
  }
  const std::string text(address);
  int gai_error = 0;
  int mmdb_error = MMDB_SUCCESS;
  // MMDB_lookup_string does not change the database; its parameter is not const for history.
  MMDB_lookup_result_s found =
      MMDB_lookup_string(const_cast<MMDB_s*>(&db_), text.c_str(), &gai_error, &mmdb_error);
  if (gai_error != 0) return std::string(kUnknownCountry);  // not an address
  if (mmdb_error != MMDB_SUCCESS) {
    // An IPv6 address in an IPv4-only database is simply not in it.
    if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return std::string(kUnknownCountry);
    return DatabaseError(mmdb_error);
  }
  if (!found.found_entry) return std::string(kUnknownCountry);
  bool failed = false;
  // The layouts listed in geoip.h, most common first; the first that names a country wins.
  std::string code = CodeAt(&found.entry, failed, "country", "iso_code");
  if (code.empty()) code = CodeAt(&found.entry, failed, "registered_country", "iso_code");
  if (code.empty()) code = CodeAt(&found.entry, failed, "country_code");
  if (!code.empty()) return code;
  if (failed) return DatabaseError(MMDB_INVALID_DATA_ERROR);
  return std::string(kUnknownCountry);
}

}  // namespace shortener
