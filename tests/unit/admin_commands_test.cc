// Unit tests of shortener-admin's commands (src/cmd/admin_commands.h) on an in-memory store and
// cache: what each command asks of the store, what it prints, and how it fails. The same
// commands against MariaDB: tests/integration/test_admin_users_links.py, test_cli.py and
// test_purge.py.
#include "cmd/admin_commands.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cmd/link_transfer_commands.h"
#include "map_cache.h"
#include "unused_accounts.h"

namespace shortener {
namespace {

constexpr int64_t kNow = 1764000000;  // 2025-11-24T16:00:00Z

// Users, API keys, links and the admin calls in memory; each call that changes something is
// recorded in `calls`. `down` makes every call fail as an unreachable database does.
class MemoryStore : public UnusedAccounts,
                    public LinkStore,
                    public AdminStore,
                    public StatsStore,
                    public LinkTransfer {
 public:
  // AccountStore.
  Result<User> CreateUser(const NewUser& user) override {
    RETURN_IF_ERROR(Reachable());
    for (const auto& [id, u] : users) {
      if (u.username == user.username) return Error::Make(ErrorCode::kUsernameTaken, "taken");
    }
    User made{next_id++,     user.username, user.email,  user.password_hash,
              user.is_admin, user.now,      std::nullopt};
    users[made.id] = made;
    return made;
  }
  Result<User> FindUser(const std::string& username) override {
    RETURN_IF_ERROR(Reachable());
    for (const auto& [id, u] : users) {
      if (u.username == username) return u;
    }
    return Error::Make(ErrorCode::kNotFound, "none");
  }
  Status SetPasswordHash(uint64_t user_id, const std::string& hash, EndAccess end) override {
    users.at(user_id).password_hash = hash;
    ended = end;
    return Status::Ok();
  }
  Result<ApiKeyInfo> AddApiKey(uint64_t user_id, const std::string& name,
                               const std::string& key_digest, int64_t now) override {
    ApiKeyInfo key{next_id++, user_id, name, now, std::nullopt};
    keys.push_back(key);
    key_digests.push_back(key_digest);
    return key;
  }
  Result<std::vector<ApiKeyInfo>> ListApiKeys(uint64_t user_id) override {
    std::vector<ApiKeyInfo> out;
    for (const ApiKeyInfo& key : keys) {
      if (key.user_id == user_id) out.push_back(key);
    }
    return out;
  }
  Status DeleteApiKey(std::optional<uint64_t> user_id, uint64_t key_id) override {
    calls.push_back("DeleteApiKey " + std::to_string(key_id) + (user_id ? " owned" : ""));
    auto it = std::find_if(keys.begin(), keys.end(),
                           [&](const ApiKeyInfo& key) { return key.id == key_id; });
    if (it == keys.end()) return Error::Make(ErrorCode::kNotFound, "no such key");
    keys.erase(it);
    return Status::Ok();
  }
  Result<uint64_t> PurgeExpiredTokens(int64_t now, int limit) override {
    calls.push_back("PurgeExpiredTokens " + std::to_string(now) + " " + std::to_string(limit));
    return TakeBatch(&tokens_left, limit);
  }

  // LinkStore: only what the commands use.
  Result<RedirectTarget> FindRedirect(const std::string&) override { return Unused(); }
  Result<Link> CreateLink(const NewLink& link, const SlugMaker& make_slug) override {
    Link made;
    made.id = next_id++;
    made.slug = link.custom_slug ? *link.custom_slug : make_slug(made.id).value_or("?");
    made.url = link.url;
    made.owner_id = link.owner_id;
    made.created_at = made.updated_at = link.now;
    made.expires_at = link.expires_at;
    links.push_back(made);
    return made;
  }
  Result<KeyedCreate> CreateLinkOnce(const NewLink&, const SlugMaker&,
                                     const IdempotencyClaim&) override {
    return Unused();
  }
  Result<LinkPage> SearchLinks(std::optional<uint64_t>, const std::string&, std::optional<uint64_t>,
                               int, int) override {
    return Unused();
  }
  Result<LinkPage> ListLinks(std::optional<uint64_t> owner_id, std::optional<uint64_t> before_id,
                             int limit) override {
    RETURN_IF_ERROR(Reachable());
    LinkPage page;
    for (auto it = links.rbegin(); it != links.rend(); ++it) {
      if (owner_id && it->owner_id != owner_id) continue;
      if (before_id && it->id >= *before_id) continue;
      if (static_cast<int>(page.links.size()) == limit) break;
      page.links.push_back(*it);
    }
    return page;
  }
  Result<Link> FindLink(const std::string& slug) override {
    RETURN_IF_ERROR(Reachable());
    for (const Link& link : links) {
      if (link.slug == slug) return link;
    }
    return Error::Make(ErrorCode::kNotFound, "none");
  }
  Result<Link> UpdateLink(uint64_t, const LinkChange&) override { return Unused(); }
  Status DeleteLink(uint64_t id, int64_t now) override {
    calls.push_back("DeleteLink " + std::to_string(id) + " " + std::to_string(now));
    auto it = std::find_if(links.begin(), links.end(), [&](const Link& l) { return l.id == id; });
    if (it == links.end()) return Error::Make(ErrorCode::kNotFound, "gone");
    links.erase(it);
    return Status::Ok();
  }
  Result<bool> UseVisit(uint64_t, bool) override { return Unused(); }
  Result<std::vector<DayClicks>> ClicksByDay(uint64_t) override { return Unused(); }
  Status Ping() override { return Reachable(); }

  // AdminStore.
  Result<std::vector<UserSummary>> ListUsers(int limit) override {
    std::vector<UserSummary> out;
    for (const auto& [id, user] : users) {
      if (static_cast<int>(out.size()) == limit) break;
      uint64_t owned = 0;
      for (const Link& link : links) owned += link.owner_id == id ? 1 : 0;
      out.push_back(UserSummary{user, owned});
    }
    return out;
  }
  Result<std::map<uint64_t, std::string>> Usernames(const std::vector<uint64_t>& ids) override {
    std::map<uint64_t, std::string> out;
    for (uint64_t id : ids) {
      if (users.count(id)) out[id] = users.at(id).username;
    }
    return out;
  }
  Status SetUserDisabled(uint64_t user_id, std::optional<int64_t> disabled_at) override {
    calls.push_back("SetUserDisabled " + std::to_string(user_id) + " " +
                    (disabled_at ? std::to_string(*disabled_at) : "enable"));
    users.at(user_id).disabled_at = disabled_at;
    return Status::Ok();
  }
  Status DeleteUser(uint64_t user_id) override {
    calls.push_back("DeleteUser " + std::to_string(user_id));
    users.erase(user_id);
    return Status::Ok();
  }
  Result<uint64_t> DeleteExpiredBatch(int64_t now, int limit) override {
    calls.push_back("DeleteExpiredBatch " + std::to_string(now) + " " + std::to_string(limit));
    return TakeBatch(&expired_left, limit);
  }
  Result<uint64_t> ForgetBatch(Leftover what, int64_t made_before, int limit) override {
    calls.push_back(std::string("ForgetBatch ") +
                    (what == Leftover::kSlugHolds ? "holds " : "keys ") +
                    std::to_string(made_before) + " " + std::to_string(limit));
    return TakeBatch(what == Leftover::kSlugHolds ? &holds_left : &keys_left, limit);
  }

  // StatsStore: one day of clicks for every link.
  Result<StoredStats> ReadStats(uint64_t link_id, const DayRange& range,
                                StatsBlockCache*) override {
    calls.push_back("ReadStats " + std::to_string(link_id));
    StoredStats stats;
    stats.days.push_back(StoredStatsDay{range.last, 7, 5, 2, "", 3});
    return stats;
  }

  // LinkTransfer: not the commands of this file.
  Result<std::vector<ImportOutcome>> ImportLinks(const std::vector<TransferLink>&, int64_t, int64_t,
                                                 bool) override {
    return Unused();
  }
  Result<std::vector<ExportedLink>> ExportLinks(std::optional<uint64_t>, uint64_t, int) override {
    return Unused();
  }

  Status Reachable() const {
    if (down) return Error::Make(ErrorCode::kUnavailable, "database unreachable");
    return Status::Ok();
  }
  static Result<uint64_t> TakeBatch(uint64_t* left, int limit) {
    uint64_t n = std::min<uint64_t>(*left, static_cast<uint64_t>(limit));
    *left -= n;
    return n;
  }

  uint64_t next_id = 1;
  std::map<uint64_t, User> users;
  std::vector<ApiKeyInfo> keys;
  std::vector<std::string> key_digests;
  std::vector<Link> links;
  std::optional<EndAccess> ended;
  std::vector<std::string> calls;
  uint64_t expired_left = 0, tokens_left = 0, holds_left = 0, keys_left = 0;
  bool down = false;
};

// A command's exit status and what it printed on each stream.
struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

// The fixture: a config with the cheapest password costs, the store, the cache, a fixed clock.
struct Admin {
  Admin() {
    config.argon2 = PasswordCosts{8192, 1, 1};
    config.slug_secret = "0123456789abcdef0123456789abcdef";
    config.links.cache_secret = config.slug_secret;
    config.links.public_base_url = "https://sho.rt";
  }

  // Runs `command` (UserCommand, LinkCommand, ...) with `input` on its stdin.
  template <typename Command>
  Ran Run(Command command, const std::vector<std::string>& args, const std::string& input = "") {
    char* out_text = nullptr;
    char* err_text = nullptr;
    size_t out_size = 0, err_size = 0;
    AdminContext ctx = AdminContext::Of(config, &store, &cache);
    ctx.clock = [] { return kNow; };
    ctx.out = open_memstream(&out_text, &out_size);
    ctx.err = open_memstream(&err_text, &err_size);
    std::string in_text = input;
    std::FILE* in = in_text.empty() ? std::fopen("/dev/null", "r")
                                    : fmemopen(in_text.data(), in_text.size(), "r");
    Ran ran;
    ran.status = command(ctx, args, in);
    std::fclose(in);
    std::fclose(ctx.out);
    std::fclose(ctx.err);
    ran.out.assign(out_text, out_size);
    ran.err.assign(err_text, err_size);
    std::free(out_text);
    std::free(err_text);
    return ran;
  }
  Ran RunUser(const std::vector<std::string>& args, const std::string& input = "") {
    return Run(UserCommand, args, input);
  }
  Ran RunKey(const std::vector<std::string>& args) {
    return Run([](const AdminContext& c, const auto& a, std::FILE*) { return ApiKeyCommand(c, a); },
               args);
  }
  Ran RunLink(const std::vector<std::string>& args) {
    return Run([](const AdminContext& c, const auto& a, std::FILE*) { return LinkCommand(c, a); },
               args);
  }
  Ran RunPurge(const std::vector<std::string>& args) {
    return Run([](const AdminContext& c, const auto& a, std::FILE*) { return PurgeCommand(c, a); },
               args);
  }
  Ran RunImport(const std::vector<std::string>& args) { return Run(ImportCommand, args); }
  Ran RunExport(const std::vector<std::string>& args) {
    return Run([](const AdminContext& c, const auto& a, std::FILE*) { return ExportCommand(c, a); },
               args);
  }
  uint64_t AddUser(const std::string& name) {
    return store.CreateUser(NewUser{name, name + "@example.com", "hash", false, 1}).value().id;
  }
  uint64_t AddLink(const std::string& slug, std::optional<uint64_t> owner) {
    NewLink link;
    link.url = "https://example.com/" + slug;
    link.custom_slug = slug;
    link.owner_id = owner;
    return store.CreateLink(link, nullptr).value().id;
  }
  LinkLookup::Kind CacheSays(const std::string& slug) {
    LinkCache links(&cache, LinkCache::Options{config.slug_secret, 3600, 5});
    return links.Lookup(slug, kNow).kind;
  }

  Config config;
  MemoryStore store;
  MapCache cache;
};

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

BOOST_AUTO_TEST_SUITE(admin_commands)

BOOST_AUTO_TEST_CASE(user_create_hashes_the_password_from_stdin) {
  Admin admin;
  Ran ran =
      admin.RunUser({"create", "alice", "alice@example.com", "--admin"}, "a good password\r\n");
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(ran.out == "created admin user 1 alice\n");
  const User& alice = admin.store.users.at(1);
  BOOST_TEST(alice.is_admin);
  BOOST_TEST(alice.created_at == kNow);
  BOOST_TEST(PasswordHasher(admin.config.argon2).Verify(alice.password_hash, "a good password"));
}

BOOST_AUTO_TEST_CASE(user_create_refuses_bad_input_and_stores_nothing) {
  Admin admin;
  Ran none = admin.RunUser({"create", "alice", "alice@example.com"});
  BOOST_TEST(none.status == 1);
  BOOST_TEST(none.err == "shortener-admin: no password on stdin\n");
  Ran short_password = admin.RunUser({"create", "alice", "alice@example.com"}, "short\n");
  BOOST_TEST(short_password.status == 1);
  Ran bad_email = admin.RunUser({"create", "alice", "not-an-email"}, "a good password\n");
  BOOST_TEST(bad_email.status == 1);
  Ran usage = admin.RunUser({"create", "alice"}, "a good password\n");
  BOOST_TEST(usage.status == 2);
  BOOST_TEST(usage.err ==
             "shortener-admin: missing EMAIL; usage: user create USERNAME EMAIL [--admin]\n");
  BOOST_TEST(admin.store.users.empty());
  admin.AddUser("alice");
  Ran taken = admin.RunUser({"create", "alice", "other@example.com"}, "a good password\n");
  BOOST_TEST(taken.status == 1);
  BOOST_TEST(admin.store.users.size() == 1u);
}

BOOST_AUTO_TEST_CASE(user_passwd_revokes_keys_unless_kept) {
  Admin admin;
  admin.AddUser("alice");
  Ran revoked = admin.RunUser({"passwd", "alice"}, "a new password\n");
  BOOST_TEST(revoked.status == 0);
  BOOST_TEST(revoked.out ==
             "password of alice changed; its login tokens and API keys are revoked\n");
  BOOST_TEST((admin.store.ended == EndAccess::kTokensAndApiKeys));
  BOOST_TEST(PasswordHasher(admin.config.argon2)
                 .Verify(admin.store.users.at(1).password_hash, "a new password"));
  Ran kept = admin.RunUser({"passwd", "alice", "--keep-keys"}, "another password\n");
  BOOST_TEST(kept.status == 0);
  BOOST_TEST(kept.out ==
             "password of alice changed; its login tokens are revoked, and its API keys are "
             "kept\n");
  BOOST_TEST((admin.store.ended == EndAccess::kLoginTokens));
  // Both at once used to be taken silently, the last one winning.
  Ran both = admin.RunUser({"passwd", "alice", "--revoke-keys", "--keep-keys"}, "third password\n");
  BOOST_TEST(both.status == 2);
  BOOST_TEST(both.err ==
             "shortener-admin: --revoke-keys and --keep-keys exclude each other; usage: user "
             "passwd USERNAME [--revoke-keys | --keep-keys]\n");
  BOOST_TEST(PasswordHasher(admin.config.argon2)
                 .Verify(admin.store.users.at(1).password_hash, "another password"));
  Ran nobody = admin.RunUser({"passwd", "bob"}, "a new password\n");
  BOOST_TEST(nobody.status == 1);
  BOOST_TEST(nobody.err == "shortener-admin: no user called 'bob'\n");
}

BOOST_AUTO_TEST_CASE(user_list_shows_each_user_with_its_links_safely) {
  Admin admin;
  uint64_t alice = admin.AddUser("alice");
  admin.AddUser("evil\x1b[2J");
  admin.AddLink("one", alice);
  admin.AddLink("two", alice);
  Ran ran = admin.RunUser({"list"});
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(Has(ran.out, "ID       CREATED              ADMIN DISABLED             LINKS"));
  BOOST_TEST(
      Has(ran.out, "1        1970-01-01T00:00:01Z no    no                   2        alice"));
  BOOST_TEST(Has(ran.out, "evil\\x1b[2J"));
  BOOST_TEST(!Has(ran.out, "\x1b"));
  BOOST_TEST(admin.RunUser({"list", "--limit", "0"}).status == 1);
  Ran one = admin.RunUser({"list", "--limit", "1"});
  BOOST_TEST(!Has(one.out, "evil"));
}

BOOST_AUTO_TEST_CASE(user_disable_and_enable) {
  Admin admin;
  admin.AddUser("alice");
  BOOST_TEST(admin.RunUser({"disable", "alice"}).status == 0);
  BOOST_TEST((admin.store.users.at(1).disabled_at == std::optional<int64_t>(kNow)));
  Ran enabled = admin.RunUser({"enable", "alice"});
  BOOST_TEST(enabled.status == 0);
  BOOST_TEST(Has(enabled.out, "enabled user alice"));
  BOOST_TEST(!admin.store.users.at(1).disabled_at.has_value());
  BOOST_TEST(admin.RunUser({"disable", "bob"}).status == 1);
}

BOOST_AUTO_TEST_CASE(user_delete_needs_yes_then_disables_deletes_links_and_fences_them) {
  Admin admin;
  uint64_t alice = admin.AddUser("alice");
  uint64_t bob = admin.AddUser("bob");
  admin.AddLink("mine", alice);
  admin.AddLink("yours", bob);
  Ran asked = admin.RunUser({"delete", "alice"});
  BOOST_TEST(asked.status == 1);
  BOOST_TEST(Has(asked.err, "every link it owns; nothing was deleted: run it again with --yes"));
  BOOST_TEST(admin.store.users.size() == 2u);
  BOOST_TEST(admin.store.calls.empty());

  Ran ran = admin.RunUser({"delete", "alice", "--yes"});
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(ran.out ==
             "deleted user alice with its login tokens, API keys and 1 links (their "
             "slugs are held for freed_slug_hold)\n");
  const std::vector<std::string> expected = {"SetUserDisabled 1 " + std::to_string(kNow),
                                             "DeleteLink 3 " + std::to_string(kNow),
                                             "DeleteUser 1"};
  BOOST_TEST(admin.store.calls == expected, boost::test_tools::per_element());
  BOOST_TEST((admin.CacheSays("mine") == LinkLookup::Kind::kFenced));
  BOOST_TEST((admin.CacheSays("yours") == LinkLookup::Kind::kMiss));
  BOOST_TEST(admin.store.links.size() == 1u);
}

BOOST_AUTO_TEST_CASE(apikey_create_list_revoke) {
  Admin admin;
  admin.AddUser("alice");
  Ran made = admin.RunKey({"create", "alice", "--name", "ci"});
  BOOST_TEST(made.status == 0);
  const std::string key = made.out.substr(0, made.out.size() - 1);
  BOOST_TEST(made.out.back() == '\n');
  BOOST_TEST(admin.store.key_digests.at(0) == SecretDigest(key));  // only the digest is kept
  Ran listed = admin.RunKey({"list", "alice"});
  BOOST_TEST(Has(listed.out, "LAST USED"));
  BOOST_TEST(Has(listed.out, "2025-11-24T16:00:00Z never"));
  BOOST_TEST(!Has(listed.out, key));
  Ran revoked = admin.RunKey({"revoke", std::to_string(admin.store.keys.at(0).id)});
  BOOST_TEST(revoked.status == 0);
  BOOST_TEST(admin.store.keys.empty());
  Ran not_a_number = admin.RunKey({"revoke", "x"});
  BOOST_TEST(not_a_number.status == 1);
  BOOST_TEST(not_a_number.err ==
             "shortener-admin: ID must be a key's number (apikey list shows them), got 'x'\n");
  BOOST_TEST(admin.RunKey({"revoke", "99"}).status == 1);
  BOOST_TEST(admin.RunKey({"create", "bob"}).err == "shortener-admin: no user called 'bob'\n");
  BOOST_TEST(admin.RunKey({"rotate"}).status == 2);
}

BOOST_AUTO_TEST_CASE(link_list_names_owners_and_filters_by_user) {
  Admin admin;
  uint64_t alice = admin.AddUser("alice");
  admin.AddLink("ownerless", std::nullopt);
  admin.AddLink("hers", alice);
  admin.AddLink("orphan", 77);
  Ran all = admin.RunLink({"list"});
  BOOST_TEST(all.status == 0);
  BOOST_TEST(Has(all.out, "hers             alice"));
  BOOST_TEST(Has(all.out, "ownerless        -  "));
  BOOST_TEST(Has(all.out, "orphan           #77"));
  BOOST_TEST(all.out.find("orphan") < all.out.find("hers"));  // newest first
  Ran hers = admin.RunLink({"list", "--user", "alice"});
  BOOST_TEST(Has(hers.out, "hers"));
  BOOST_TEST(!Has(hers.out, "ownerless"));
  BOOST_TEST(admin.RunLink({"list", "--user", "bob"}).status == 1);
  BOOST_TEST(admin.RunLink({"list", "--limit", "100001"}).status == 1);
}

BOOST_AUTO_TEST_CASE(link_delete_fences_the_slug_in_the_cache) {
  Admin admin;
  admin.AddLink("gone", std::nullopt);
  Ran ran = admin.RunLink({"delete", "gone"});
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(ran.out == "deleted link gone\n");
  BOOST_TEST(admin.store.links.empty());
  BOOST_TEST((admin.CacheSays("gone") == LinkLookup::Kind::kFenced));
  Ran again = admin.RunLink({"delete", "gone"});
  BOOST_TEST(again.status == 1);
  BOOST_TEST(again.err == "shortener-admin: no link with slug 'gone'\n");
}

BOOST_AUTO_TEST_CASE(link_create_uses_the_api_rules_and_publishes_the_entry) {
  Admin admin;
  admin.AddUser("alice");
  Ran ran = admin.RunLink({"create", "https://example.com/a", "--slug", "abc", "--owner", "alice",
                           "--expires", "3600"});
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(ran.out ==
             "created link abc: https://sho.rt/r/abc -> https://example.com/a (owner alice, "
             "expires 2025-11-24T17:00:00Z)\n");
  BOOST_TEST((admin.CacheSays("abc") == LinkLookup::Kind::kHit));
  Ran permanent = admin.RunLink({"create", "https://example.com/b", "--permanent"});
  BOOST_TEST(permanent.status == 0);
  BOOST_TEST(Has(permanent.out, "(no owner, permanent)"));
  BOOST_TEST(!admin.store.links.back().expires_at.has_value());
  const size_t stored = admin.store.links.size();
  BOOST_TEST(admin.RunLink({"create", "javascript:alert(1)"}).status == 1);
  BOOST_TEST(admin.RunLink({"create", "https://example.com/c", "--expires", "0"}).status == 1);
  BOOST_TEST(admin.RunLink({"create", "https://example.com/c", "--bogus"}).status == 2);
  BOOST_TEST(admin.RunLink({"create", "https://example.com/c", "--owner", "bob"}).status == 1);
  BOOST_TEST(admin.store.links.size() == stored);
}

BOOST_AUTO_TEST_CASE(link_stats_prints_the_table_of_the_range) {
  Admin admin;
  uint64_t id = admin.AddLink("abc", std::nullopt);
  Ran ran = admin.RunLink({"stats", "abc", "--from", "2025-11-01", "--to", "2025-11-24"});
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(Has(ran.out, "link abc, 2025-11-01 to 2025-11-24 (UTC)"));
  BOOST_TEST(Has(ran.out, "clicks 7, human 5, bot 2, unique visitors 3"));
  BOOST_TEST(admin.store.calls.back() == "ReadStats " + std::to_string(id));
  BOOST_TEST(admin.RunLink({"stats", "abc", "--from", "2025-13-01"}).err ==
             "shortener-admin: --from must be a UTC date, YYYY-MM-DD.\n");
  Ran too_long = admin.RunLink({"stats", "abc", "--from", "2024-01-01", "--to", "2025-11-24"});
  BOOST_TEST(too_long.status == 1);
  BOOST_TEST(too_long.err ==
             "shortener-admin: --from must be at most 365 days before --to: a range covers at "
             "most 366 days.\n");
  BOOST_TEST(admin.RunLink({"stats", "nope"}).err == "shortener-admin: no link with slug 'nope'\n");
}

BOOST_AUTO_TEST_CASE(purge_runs_batches_until_one_comes_back_short) {
  Admin admin;
  admin.store.expired_left = 2500;
  admin.store.tokens_left = 3;
  admin.store.holds_left = 1000;
  Ran ran = admin.RunPurge({});
  BOOST_TEST(ran.status == 0);
  BOOST_TEST(ran.out ==
             "purged 2500 expired links in 3 batches of at most 1000\n"
             "purged 3 expired login tokens\n"
             "forgot 1000 slug holds older than 7776000 s\n"
             "forgot 0 idempotency keys older than 86400 s\n");
  const std::string now = std::to_string(kNow);
  const std::vector<std::string> expected = {
      "DeleteExpiredBatch " + now + " 1000",
      "DeleteExpiredBatch " + now + " 1000",
      "DeleteExpiredBatch " + now + " 1000",
      "PurgeExpiredTokens " + now + " 1000",
      "ForgetBatch holds " + std::to_string(kNow - 7776000) + " 1000",
      "ForgetBatch holds " + std::to_string(kNow - 7776000) + " 1000",
      "ForgetBatch keys " + std::to_string(kNow - kIdempotencyKeyLifetime) + " 1000"};
  BOOST_TEST(admin.store.calls == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(purge_checks_its_batch_size) {
  Admin admin;
  for (const char* bad : {"0", "100001", "x", "-1"}) {
    Ran ran = admin.RunPurge({"--batch", bad});
    BOOST_TEST(ran.status == 1);
    BOOST_TEST(Has(ran.err, "--batch must be a whole number from 1 to 100000"));
  }
  BOOST_TEST(admin.RunPurge({"--later"}).status == 2);
  BOOST_TEST(admin.store.calls.empty());
  admin.store.expired_left = 5;
  BOOST_TEST(
      admin.RunPurge({"--batch", "2"}).out.find("5 expired links in 3 batches of at most 2") !=
      std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_store_failure_is_one_line_and_status_1) {
  Admin admin;
  admin.AddUser("alice");
  admin.store.down = true;
  for (const Ran& ran : {admin.RunUser({"disable", "alice"}), admin.RunLink({"list"}),
                         admin.RunKey({"list", "alice"}), admin.RunLink({"delete", "x"})}) {
    BOOST_TEST(ran.status == 1);
    BOOST_TEST(ran.err == "shortener-admin: database unreachable\n");
    BOOST_TEST(ran.out.empty());
  }
}

BOOST_AUTO_TEST_CASE(check_database_names_where_it_looked) {
  Admin admin;
  admin.config.mysql.socket = "/run/mysqld/x.sock";
  BOOST_TEST(CheckDatabase(admin.config, "/etc/s.conf", Status::Ok()).ok());
  Status down = CheckDatabase(
      admin.config, "/etc/s.conf",
      Error::Make(ErrorCode::kUnavailable, "error 1045 (28000): Access denied for user"));
  BOOST_TEST(!down.ok());
  BOOST_TEST((down.error().code == ErrorCode::kUnavailable));
  BOOST_TEST(down.error().message ==
             "cannot reach MySQL at unix socket /run/mysqld/x.sock (user 'shortener', database "
             "'shortener'; settings from /etc/s.conf and SHORTENER_* variables): error 1045 "
             "(28000): Access denied for user");
}

BOOST_AUTO_TEST_CASE(parse_command_args_splits_and_refuses_by_the_syntax) {
  const CommandSyntax syntax{"c SLUG [--from D] [--dry-run]", {"SLUG"}, {"--from"}, {"--dry-run"}};
  // A value is the next argument, whatever it looks like.
  Result<CommandArgs> ok = ParseCommandArgs({"--from", "--dry-run", "abc"}, syntax);
  BOOST_TEST_REQUIRE(ok.ok());
  BOOST_TEST(ok.value().Value("--from") == "--dry-run");
  BOOST_TEST(!ok.value().Has("--dry-run"));
  ok = ParseCommandArgs({"--from", "2025-01-01", "abc", "--dry-run"}, syntax);
  BOOST_TEST_REQUIRE(ok.ok());
  BOOST_TEST(ok.value().Value("--from") == "2025-01-01");
  BOOST_TEST(ok.value().Has("--dry-run"));
  BOOST_TEST(ok.value().operands == std::vector<std::string>{"abc"});
  BOOST_TEST(ok.value().Value("--to", "none") == "none");
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{}, "missing SLUG"},
      {{"abc", "def"}, "unexpected argument 'def'"},
      {{"abc", "--bogus"}, "unknown option '--bogus'"},
      {{"abc", "--from=2025-01-01"}, "unknown option '--from=2025-01-01'"},
      {{"abc", "--from"}, "--from needs a value"},
      {{"abc", "--from", "a", "--from", "b"}, "--from is given twice"},
      {{"abc", "--dry-run", "--dry-run"}, "--dry-run is given twice"},
  };
  for (const auto& [args, problem] : bad) {
    Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
    BOOST_TEST_REQUIRE(!parsed.ok());
    BOOST_TEST(parsed.error().message == problem);
  }
}

// shortener-admin --help: "Exit status: 0 on success, 1 when a command fails, 2 for a usage
// error". Command-level usage errors once exited 1.
BOOST_AUTO_TEST_CASE(usage_errors_of_every_command_exit_2_with_its_usage) {
  using Runner = Ran (Admin::*)(const std::vector<std::string>&);
  auto user = [](Admin& a, const std::vector<std::string>& args) { return a.RunUser(args); };
  struct Case {
    std::function<Ran(Admin&, const std::vector<std::string>&)> run;
    std::vector<std::string> args;
    std::string err;  // after "shortener-admin: "
  };
  auto of = [](Runner runner) {
    return [runner](Admin& a, const std::vector<std::string>& args) { return (a.*runner)(args); };
  };
  const std::vector<Case> cases = {
      {user, {}, "usage: user create|passwd|list|disable|enable|delete ..."},
      {user, {"rename"}, "unknown user command 'rename'; usage: user create|passwd|list|"},
      {user, {"create"}, "missing USERNAME; usage: user create USERNAME EMAIL [--admin]"},
      {user, {"create", "bob", "b@example.com", "--root"}, "unknown option '--root'; usage: user "},
      {user, {"passwd"}, "missing USERNAME; usage: user passwd USERNAME [--revoke-keys | "},
      {user, {"list", "--limit"}, "--limit needs a value; usage: user list [--limit N]"},
      {user, {"list", "--limit", "5", "--limit", "6"}, "--limit is given twice; usage: user list"},
      {user, {"list", "extra"}, "unexpected argument 'extra'; usage: user list [--limit N]"},
      {user, {"disable"}, "missing USERNAME; usage: user disable USERNAME"},
      {user, {"enable", "alice", "bob"}, "unexpected argument 'bob'; usage: user enable USERNAME"},
      {user,
       {"delete", "alice", "--ye"},
       "unknown option '--ye'; usage: user delete USERNAME --yes"},
      {of(&Admin::RunKey), {}, "usage: apikey create|list|revoke ..."},
      {of(&Admin::RunKey), {"rotate"}, "unknown apikey command 'rotate'; usage: apikey "},
      {of(&Admin::RunKey), {"create", "alice", "--name"}, "--name needs a value; usage: apikey "},
      {of(&Admin::RunKey), {"list"}, "missing USERNAME; usage: apikey list USERNAME"},
      {of(&Admin::RunKey), {"revoke"}, "missing ID; usage: apikey revoke ID"},
      {of(&Admin::RunLink), {}, "usage: link list|create|delete|stats ..."},
      {of(&Admin::RunLink), {"move"}, "unknown link command 'move'; usage: link list|create|"},
      {of(&Admin::RunLink), {"list", "--bogus"}, "unknown option '--bogus'; usage: link list "},
      {of(&Admin::RunLink), {"delete"}, "missing SLUG; usage: link delete SLUG"},
      {of(&Admin::RunLink), {"create"}, "missing URL; usage: link create URL [--slug SLUG]"},
      {of(&Admin::RunLink),
       {"create", "https://example.com/", "--permanent", "--expires", "60"},
       "--expires and --permanent exclude each other; usage: link create URL"},
      {of(&Admin::RunLink),
       {"stats"},
       "missing SLUG; usage: link stats SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD]"},
      {of(&Admin::RunLink), {"stats", "abc", "--bogus"}, "unknown option '--bogus'; usage: link "},
      {of(&Admin::RunLink), {"stats", "abc", "--from"}, "--from needs a value; usage: link stats"},
      {of(&Admin::RunLink), {"stats", "abc", "extra"}, "unexpected argument 'extra'; usage: link "},
      {of(&Admin::RunPurge), {"--later"}, "unknown option '--later'; usage: purge-expired "},
      {of(&Admin::RunImport), {}, "usage: import yourls|jsonl ..."},
      {of(&Admin::RunImport), {"csv"}, "unknown import source 'csv' (yourls or jsonl); usage: "},
      {of(&Admin::RunImport), {"jsonl"}, "missing FILE; usage: import jsonl FILE [--owner "},
      {of(&Admin::RunImport), {"yourls", "--owner", "alice"}, "missing --database; usage: import "},
      {of(&Admin::RunImport),
       {"yourls", "--database", "y", "--owner", "alice", "--port", "1", "--socket", "/s"},
       "--port and --socket exclude each other; usage: import yourls"},
      {of(&Admin::RunExport), {"--dry-run"}, "unknown option '--dry-run'; usage: export "},
  };
  for (const Case& c : cases) {
    std::string shown;
    for (const std::string& arg : c.args) shown += arg + " ";
    BOOST_TEST_CONTEXT(shown) {
      Admin fresh;
      fresh.AddUser("alice");
      Ran ran = c.run(fresh, c.args);
      BOOST_TEST(ran.status == 2);
      BOOST_TEST(ran.err.rfind("shortener-admin: " + c.err, 0) == 0u, ran.err);
      BOOST_TEST(ran.err.find('\n') == ran.err.size() - 1);  // one line
      BOOST_TEST(ran.out.empty());
      BOOST_TEST(fresh.store.calls.empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
