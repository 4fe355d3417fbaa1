// Unit tests of src/domain/auth.h: Argon2id hashing, rehash decisions, secrets and their digests.
#include "domain/auth.h"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

namespace shortener {
namespace {

// Cheap costs keep the suite fast; the algorithm and encoding are the same.
PasswordCosts Cheap(uint32_t memory_kib = 8192, uint32_t passes = 1) {
  PasswordCosts costs;
  costs.memory_kib = memory_kib;
  costs.passes = passes;
  costs.lanes = 1;
  return costs;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(hash_verifies_the_right_password_only) {
  PasswordHasher hasher(Cheap());
  Result<std::string> hash = hasher.Hash("correct horse battery");
  BOOST_REQUIRE(hash.ok());
  BOOST_TEST(hash.value().rfind("$argon2id$v=19$m=8192,t=1,p=1$", 0) == 0);
  BOOST_TEST(hash.value().find("correct horse") == std::string::npos);
  BOOST_TEST(hasher.Verify(hash.value(), "correct horse battery"));
  BOOST_TEST(!hasher.Verify(hash.value(), "correct horse batterY"));
  BOOST_TEST(!hasher.Verify(hash.value(), ""));
  BOOST_TEST(!hasher.Verify(hash.value(), std::string("correct horse battery\0x", 23)));
}

BOOST_AUTO_TEST_CASE(same_password_gets_a_fresh_salt_each_time) {
  PasswordHasher hasher(Cheap());
  Result<std::string> a = hasher.Hash("same password");
  Result<std::string> b = hasher.Hash("same password");
  BOOST_REQUIRE(a.ok() && b.ok());
  BOOST_TEST(a.value() != b.value());
  BOOST_TEST(hasher.Verify(a.value(), "same password"));
  BOOST_TEST(hasher.Verify(b.value(), "same password"));
}

BOOST_AUTO_TEST_CASE(malformed_or_other_type_hashes_never_match) {
  PasswordHasher hasher(Cheap());
  for (const char* encoded : {"", "$argon2id$", "plain text", "$argon2id$v=19$m=8192,t=1,p=1$$"}) {
    BOOST_TEST_CONTEXT(encoded) { BOOST_TEST(!hasher.Verify(encoded, "anything at all")); }
  }
  // The same parameters under Argon2i: refused, so a weaker type cannot be slipped in.
  Result<std::string> hash = hasher.Hash("password one");
  BOOST_REQUIRE(hash.ok());
  std::string argon2i = hash.value();
  argon2i.replace(0, 9, "$argon2i");
  BOOST_TEST(!hasher.Verify(argon2i, "password one"));
}

BOOST_AUTO_TEST_CASE(rehash_when_costs_change) {
  PasswordHasher old_costs(Cheap(8192, 1));
  PasswordHasher new_costs(Cheap(8192, 2));
  PasswordHasher more_memory(Cheap(16384, 1));
  Result<std::string> hash = old_costs.Hash("password two");
  BOOST_REQUIRE(hash.ok());
  BOOST_TEST(!old_costs.NeedsRehash(hash.value()));
  BOOST_TEST(new_costs.NeedsRehash(hash.value()));
  BOOST_TEST(more_memory.NeedsRehash(hash.value()));
  // The old hash still verifies under the new costs: the costs are inside the encoded string.
  BOOST_TEST(new_costs.Verify(hash.value(), "password two"));
  Result<std::string> fresh = new_costs.Hash("password two");
  BOOST_REQUIRE(fresh.ok());
  BOOST_TEST(!new_costs.NeedsRehash(fresh.value()));
  BOOST_TEST(new_costs.NeedsRehash("not a hash"));
}

BOOST_AUTO_TEST_CASE(verify_nobody_is_always_false) {
  PasswordHasher hasher(Cheap());
  BOOST_TEST(!hasher.VerifyNobody(""));
  BOOST_TEST(!hasher.VerifyNobody("any password"));
}

BOOST_AUTO_TEST_CASE(secrets_have_their_shape_and_do_not_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = NewSecret(SecretKind::kLoginToken);
    std::string key = NewSecret(SecretKind::kApiKey);
    BOOST_REQUIRE_EQUAL(token.size(), 47u);
    BOOST_REQUIRE(token.rfind("slt_", 0) == 0);
    BOOST_REQUIRE(key.rfind("slk_", 0) == 0);
    BOOST_REQUIRE(LooksLikeSecret(SecretKind::kLoginToken, token));
    BOOST_REQUIRE(LooksLikeSecret(SecretKind::kApiKey, key));
    // A token is not a key, nor the other way round.
    BOOST_REQUIRE(!LooksLikeSecret(SecretKind::kApiKey, token));
    BOOST_REQUIRE(!LooksLikeSecret(SecretKind::kLoginToken, key));
    BOOST_REQUIRE(seen.insert(token).second);
    BOOST_REQUIRE(seen.insert(key).second);
  }
}

BOOST_AUTO_TEST_CASE(mangled_secrets_are_refused_by_shape) {
  std::string token = NewSecret(SecretKind::kLoginToken);
  for (const std::string& bad :
       {std::string(), token.substr(0, 46), token + "A", "slt_" + std::string(43, '+'),
        "SLT_" + token.substr(4), "slt_" + std::string(42, 'a') + "=", token.substr(0, 46) + " ",
        std::string("slt_") + std::string(42, 'a') + '\0'}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!LooksLikeSecret(SecretKind::kLoginToken, bad)); }
  }
}

BOOST_AUTO_TEST_CASE(digest_is_sha256) {
  // FIPS 180-2 test vector for "abc".
  const unsigned char expected[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  BOOST_TEST(SecretDigest("abc") == std::string(reinterpret_cast<const char*>(expected), 32));
  std::string a = NewSecret(SecretKind::kApiKey);
  BOOST_TEST(SecretDigest(a).size() == 32u);
  BOOST_TEST(SecretDigest(a) == SecretDigest(a));
  BOOST_TEST(SecretDigest(a) != SecretDigest(NewSecret(SecretKind::kApiKey)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
