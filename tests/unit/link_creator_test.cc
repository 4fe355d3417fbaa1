// Unit tests of src/store/link_creator.h over a fake store and cache: the creation rules every
// way of making a link shares (the API families, the YOURLS API, shortener-admin link create),
// and the publish of a new link to the redirect cache.
#include "store/link_creator.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <optional>
#include <string>

#include "map_cache.h"

namespace shortener {
namespace {

constexpr int64_t kNow = 1795348800;

// Keeps what it was asked to create; every other call is unused here.
class CreatingStore : public LinkStore {
 public:
  Result<RedirectTarget> FindRedirect(const std::string&) override { return Unused(); }
  Result<Link> CreateLink(const NewLink& link, const SlugMaker& make_slug) override {
    created.push_back(link);
    Link made;
    made.id = 1000 + created.size();
    made.slug = link.custom_slug ? *link.custom_slug : make_slug(made.id).value_or("?");
    made.url = link.url;
    made.owner_id = link.owner_id;
    made.created_at = made.updated_at = link.now;
    made.expires_at = link.expires_at;
    return made;
  }
  Result<KeyedCreate> CreateLinkOnce(const NewLink&, const SlugMaker&,
                                     const IdempotencyClaim&) override {
    return Unused();
  }
  Result<LinkPage> ListLinks(std::optional<uint64_t>, std::optional<uint64_t>, int) override {
    return Unused();
  }
  Result<LinkPage> SearchLinks(std::optional<uint64_t>, const std::string&, std::optional<uint64_t>,
                               int, int) override {
    return Unused();
  }
  Result<Link> FindLink(const std::string&) override { return Unused(); }
  Result<Link> UpdateLink(uint64_t, const LinkChange&) override { return Unused(); }
  Status DeleteLink(uint64_t, int64_t) override { return Unused(); }
  Result<bool> UseVisit(uint64_t, bool) override { return Unused(); }
  Result<std::vector<DayClicks>> ClicksByDay(uint64_t) override { return Unused(); }
  Status Ping() override { return Status::Ok(); }
  std::vector<NewLink> created;

 private:
  static Error Unused() { return Error::Make(ErrorCode::kInternal, "unused"); }
};

struct Env {
  Env() {
    settings.max_ttl = 86400;
    settings.url_policy.own_host = "sho.rt";
  }
  LinkCreator Creator() { return LinkCreator(&settings, &store, &links_cache, &slugs); }
  // The field of the validation error Check answers `request` with; "ok" if none.
  std::string Verdict(const LinkRequest& request) {
    Result<NewLink> link = Creator().Check(request, std::nullopt, kNow);
    if (link.ok()) return "ok";
    if (link.error().code != ErrorCode::kValidation) return "not a validation error";
    return link.error().field;
  }

  LinkSettings settings;
  CreatingStore store;
  MapCache cache;
  LinkCache links_cache{&cache, LinkCache::Options{"unit test secret", 600, 5}};
  SlugCodec slugs = SlugCodec::Create(kBase62Alphabet, 6, "unit test secret").value();
};

LinkRequest Asking(const std::string& url) {
  LinkRequest request;
  request.url = url;
  request.url_field = "URL";
  request.default_ttl = 3600;
  return request;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(link_creator)

BOOST_AUTO_TEST_CASE(a_bad_target_names_the_callers_field) {
  Env env;
  BOOST_TEST(env.Verdict(Asking("https://example.org/")) == "ok");
  for (const char* url : {"javascript:alert(1)", "ftp://example.org/", "http://127.1/",
                          "https://sho.rt/abc", "not a url", ""}) {
    BOOST_TEST_CONTEXT(url) { BOOST_TEST(env.Verdict(Asking(url)) == "URL"); }
  }
  env.settings.url_policy.is_blocked = [](std::string_view host) { return host == "bad.example"; };
  BOOST_TEST(env.Verdict(Asking("https://bad.example/x")) == "URL");
}

BOOST_AUTO_TEST_CASE(custom_slugs_follow_the_api_rules) {
  Env env;
  LinkRequest request = Asking("https://example.org/");
  for (const char* slug : {"ab", "has space", "x/y", "api", "r"}) {
    BOOST_TEST_CONTEXT(slug) {
      request.slug = slug;
      BOOST_TEST(env.Verdict(request) == "slug");
    }
  }
  request.slug = "launch-2026";
  BOOST_TEST(env.Verdict(request) == "ok");
}

BOOST_AUTO_TEST_CASE(expiry_default_time_seconds_and_permanent) {
  Env env;
  LinkRequest request = Asking("https://example.org/");
  request.expiry.at_field = "--expires";
  NewLink link = env.Creator().Check(request, uint64_t{7}, kNow).value();
  BOOST_TEST(*link.expires_at == kNow + 3600);  // the default_ttl given
  BOOST_TEST(*link.owner_id == 7u);
  request.expiry.at_given = true;
  request.expiry.at = "2026-11-23T00:00:00Z";
  BOOST_TEST(env.Verdict(request) == "ok");
  request.expiry.at = "2001-01-01T00:00:00Z";
  BOOST_TEST(env.Verdict(request) == "--expires");
  request.expiry.at = "soon";
  BOOST_TEST(env.Verdict(request) == "--expires");
  request.expiry.at.reset();  // given as null: permanent
  link = env.Creator().Check(request, std::nullopt, kNow).value();
  BOOST_TEST(!link.expires_at.has_value());
  BOOST_TEST(!link.owner_id.has_value());
  env.settings.allow_permanent_links = false;
  BOOST_TEST(env.Verdict(request) == "--expires");
  request.expiry.in_given = true;
  request.expiry.in = 60;
  BOOST_TEST(env.Verdict(request) == "--expires");  // both at once
}

BOOST_AUTO_TEST_CASE(store_publishes_the_new_link_to_the_redirect_cache) {
  Env env;
  LinkCreator creator = env.Creator();
  NewLink link = creator.Check(Asking("https://example.org/x"), std::nullopt, kNow).value();
  Link made = creator.Store(link).value();
  BOOST_TEST(made.slug == env.slugs.Encode(made.id));
  LinkLookup found = env.links_cache.Lookup(made.slug, kNow);
  BOOST_TEST(static_cast<int>(found.kind) == static_cast<int>(LinkLookup::Kind::kHit));
  BOOST_TEST(found.link.url == "https://example.org/x");
  BOOST_TEST(found.link.id == made.id);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
