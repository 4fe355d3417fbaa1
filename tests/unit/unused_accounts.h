// An AccountStore whose every call fails with kInternal, for tests that need only a few of its
// methods: they derive from it and override those.
#ifndef SHORTENER_TESTS_UNIT_UNUSED_ACCOUNTS_H_
#define SHORTENER_TESTS_UNIT_UNUSED_ACCOUNTS_H_

#include <optional>
#include <string>
#include <vector>

#include "domain/store.h"

namespace shortener {

class UnusedAccounts : public AccountStore {
 public:
  Result<User> CreateUser(const NewUser&) override { return Unused(); }
  Result<User> FindUser(const std::string&) override { return Unused(); }
  Status SetPasswordHash(uint64_t, const std::string&, EndAccess) override { return Unused(); }
  Status AddToken(const std::string&, uint64_t, const std::string&, int64_t, int64_t) override {
    return Unused();
  }
  Result<Principal> FindToken(const std::string&, int64_t) override { return Unused(); }
  Status DeleteToken(const std::string&) override { return Unused(); }
  Result<ApiKeyInfo> AddApiKey(uint64_t, const std::string&, const std::string&, int64_t) override {
    return Unused();
  }
  Result<Principal> UseApiKey(const std::string&, int64_t) override { return Unused(); }
  Result<std::vector<ApiKeyInfo>> ListApiKeys(uint64_t) override { return Unused(); }
  Status DeleteApiKey(std::optional<uint64_t>, uint64_t) override { return Unused(); }
  Result<uint64_t> PurgeExpiredTokens(int64_t, int) override { return Unused(); }

 protected:
  static Error Unused() { return Error::Make(ErrorCode::kInternal, "not used by this test"); }
};

}  // namespace shortener

#endif  // SHORTENER_TESTS_UNIT_UNUSED_ACCOUNTS_H_
