// Fuzzes ParseServerAddress (src/base/server_address.h), the reader of every server list in the
// config (mysql_servers, memcached_servers): any input is answered, never a crash, and every
// address it accepts is written back by ToString in a form that reads back to the same address
// (what the config echoes with --check-config is what the worker connects to).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/server_address.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view item(reinterpret_cast<const char*>(data), size);
  const shortener::Result<shortener::ServerAddress> parsed = shortener::ParseServerAddress(item);
  if (!parsed.ok()) return 0;
  const shortener::ServerAddress& address = parsed.value();
  FUZZ_CHECK(address.socket_path.empty() != address.host.empty(),
             "an address is not exactly one of a socket and a host");
  FUZZ_CHECK(address.socket_path.empty() ? (address.port >= 1 && address.port <= 65535)
                                         : address.port == 0,
             "a port out of range, or a port on a socket");
  const std::string written = address.ToString();
  const shortener::Result<shortener::ServerAddress> back = shortener::ParseServerAddress(written);
  FUZZ_CHECK(back.ok() && back.value() == address, "a written address does not read back");
  return 0;
}
