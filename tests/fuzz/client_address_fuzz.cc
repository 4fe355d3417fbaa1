// Fuzzes ParseIpNetwork and ClientAddress (src/domain/client_address.h) on any bytes. Input: the
// first line is REMOTE_ADDR, the rest X-Forwarded-For. Properties: a parsed network prints in a
// form that parses back to itself; the client is REMOTE_ADDR as given when that is no address, its
// canonical form when untrusted, and otherwise a canonical address that is either REMOTE_ADDR or
// one written in X-Forwarded-For.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/client_address.h"
#include "fuzz_check.h"

namespace {

std::vector<shortener::IpNetwork> Trusted() {
  std::vector<shortener::IpNetwork> out;
  for (const char* text : {"10.0.0.0/8", "::1", "2001:db8::/32", "127.0.0.1"}) {
    out.push_back(shortener::ParseIpNetwork(text).value());
  }
  return out;
}

// The canonical text of an address, or "" when `text` is none.
std::string Canonical(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return "";
  shortener::Result<shortener::IpNetwork> parsed = shortener::ParseIpNetwork(text);
  return parsed.ok() ? parsed.value().ToString() : "";
}

bool IsTrusted(const std::string& canonical) {
  const std::string client = shortener::ClientAddress(canonical, "", Trusted());
  return shortener::ClientAddress(canonical, "198.51.100.1", Trusted()) != client;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  shortener::Result<shortener::IpNetwork> network = shortener::ParseIpNetwork(input);
  if (network.ok()) {
    const std::string shown = network.value().ToString();
    shortener::Result<shortener::IpNetwork> again = shortener::ParseIpNetwork(shown);
    FUZZ_CHECK(again.ok(), "ParseIpNetwork refused what ToString wrote");
    FUZZ_CHECK(again.value() == network.value(), "network -> text -> network changed it");
    FUZZ_CHECK(again.value().ToString() == shown, "ToString is not stable");
  }

  const size_t newline = input.find('\n');
  const std::string_view remote = input.substr(0, newline);
  const std::string_view forwarded =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  static const std::vector<shortener::IpNetwork> trusted = Trusted();
  const std::string client = shortener::ClientAddress(remote, forwarded, trusted);
  const std::string remote_canonical = Canonical(remote);
  if (remote_canonical.empty()) {
    FUZZ_CHECK(client == remote, "a REMOTE_ADDR that is no address was not returned as given");
    return 0;
  }
  FUZZ_CHECK(Canonical(client) == client, "the client address is not in canonical form");
  if (!IsTrusted(remote_canonical)) {
    FUZZ_CHECK(client == remote_canonical, "an untrusted peer was not taken as the client");
    return 0;
  }
  if (client != remote_canonical) {
    // Some entry of the header, bracketed or with a port perhaps, holds this address.
    bool found = false;
    size_t start = 0;
    while (!found && start <= forwarded.size()) {
      size_t comma = forwarded.find(',', start);
      if (comma == std::string_view::npos) comma = forwarded.size();
      std::string_view entry = forwarded.substr(start, comma - start);
      found = shortener::ClientAddress("127.0.0.1", entry, trusted) == client;
      start = comma + 1;
    }
    FUZZ_CHECK(found, "the client address appears nowhere in X-Forwarded-For");
  }
  shortener::AddressKey(client);
  return 0;
}
