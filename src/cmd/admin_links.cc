// shortener-admin's link commands: list, delete, create and stats, on the same store, cache
// protocol and creation rules (store/link_creator.h) as the API.
#include <cinttypes>
#include <map>
#include <optional>

#include "base/clock.h"
#include "base/decimal.h"
#include "base/terminal_text.h"
#include "cmd/admin_commands.h"
#include "cmd/stats_table.h"
#include "domain/blocklist.h"
#include "domain/clicks.h"
#include "domain/link_stats.h"
#include "domain/slug.h"
#include "domain/stats_query.h"
#include "domain/timefmt.h"
#include "store/link_creator.h"

namespace shortener {

namespace {

// Links deleted per listing while a user's links go (DeleteLinksOf).
constexpr int kDeleteBatch = 500;

int LinkList(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{
      "link list [--user USERNAME] [--limit N]", {}, {"--user", "--limit"}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  Result<int> limit = ListLimit(parsed.value());
  if (!limit.ok()) return ctx.Fail(limit.error().message);
  std::optional<uint64_t> owner;
  if (parsed.value().Has("--user")) {
    Result<User> user = FindUserNamed(ctx.accounts, parsed.value().Value("--user"));
    if (!user.ok()) return ctx.Fail(user.error().message);
    owner = user.value().id;
  }
  Result<LinkPage> page = ctx.links->ListLinks(owner, std::nullopt, limit.value());
  if (!page.ok()) return ctx.Fail(page.error().message);
  std::vector<uint64_t> owner_ids;
  for (const Link& link : page.value().links) {
    if (link.owner_id) owner_ids.push_back(*link.owner_id);
  }
  Result<std::map<uint64_t, std::string>> names = ctx.admin->Usernames(owner_ids);
  if (!names.ok()) return ctx.Fail(names.error().message);
  std::fprintf(ctx.out, "%-16s %-16s %-20s %-8s %s\n", "SLUG", "OWNER", "EXPIRES", "CLICKS", "URL");
  for (const Link& link : page.value().links) {
    std::string owner_text = "-";
    if (link.owner_id) {
      auto name = names.value().find(*link.owner_id);
      owner_text =
          name != names.value().end() ? name->second : "#" + std::to_string(*link.owner_id);
    }
    std::string expires = link.expires_at ? FormatIso8601(*link.expires_at) : "never";
    std::fprintf(ctx.out, "%-16s %-16s %-20s %-8" PRIu64 " %s\n", TerminalSafe(link.slug).c_str(),
                 TerminalSafe(owner_text).c_str(), expires.c_str(), link.clicks,
                 TerminalSafe(link.url).c_str());
  }
  return 0;
}

// The link called `slug`; kNotFound with a message naming it.
Result<Link> FindLinkNamed(LinkStore* store, const std::string& slug) {
  Result<Link> link = store->FindLink(slug);
  if (!link.ok() && link.error().code == ErrorCode::kNotFound) {
    return Error::Make(ErrorCode::kNotFound, "no link with slug '" + slug + "'");
  }
  return link;
}

int LinkDelete(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"link delete SLUG", {"SLUG"}, {}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const std::string& slug = parsed.value().operands[0];
  Result<Link> link = FindLinkNamed(ctx.links, slug);
  if (!link.ok()) return ctx.Fail(link.error().message);
  LinkCache cache = AdminLinkCache(ctx);
  Status deleted = DeleteFenced(ctx, cache, link.value());
  if (!deleted.ok()) return ctx.Fail(deleted.error().message);
  std::fprintf(ctx.out, "deleted link %s\n", TerminalSafe(slug).c_str());
  return 0;
}

// The request `args` (link create's, parsed) make, or what is wrong with --expires.
Result<LinkRequest> LinkCreateRequest(const Config& config, const CommandArgs& args, int64_t now) {
  LinkRequest request;
  request.url_field = "URL";
  request.url = args.operands[0];
  request.default_ttl = config.links.v1_default_ttl;
  if (args.Has("--slug")) request.slug = args.Value("--slug");
  request.expiry.at_field = "--expires";
  // Given as null: a permanent link.
  request.expiry.at_given = args.Has("--permanent");
  if (args.Has("--expires")) {
    const std::string when = args.Value("--expires");
    request.expiry.at_given = true;
    request.expiry.at = when;
    // SECONDS from now become the time they name: one rule (max_ttl) checks both spellings.
    if (!when.empty() && when.find_first_not_of("0123456789") == std::string::npos) {
      std::optional<uint64_t> seconds =
          ParseDecimalIn(when, 1, static_cast<uint64_t>(config.links.max_ttl));
      if (!seconds) {
        return Error::Validation("--expires", "--expires must be 1 to max_ttl (" +
                                                  std::to_string(config.links.max_ttl) +
                                                  ") seconds, or an ISO 8601 time.");
      }
      request.expiry.at = FormatIso8601(now + static_cast<int64_t>(*seconds));
    }
  }
  return request;
}

int LinkCreate(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{
      "link create URL [--slug SLUG] [--owner USERNAME] [--expires SECONDS|TIME | --permanent]",
      {"URL"},
      {"--slug", "--owner", "--expires"},
      {"--permanent"}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  if (parsed.value().Has("--expires") && parsed.value().Has("--permanent")) {
    return ctx.Usage(syntax.usage, "--expires and --permanent exclude each other");
  }
  const Config& config = *ctx.config;
  const int64_t now = ctx.clock();
  Result<LinkRequest> request = LinkCreateRequest(config, parsed.value(), now);
  if (!request.ok()) return ctx.Fail(request.error().message);
  // The workers' settings and rules, their blocklist included.
  Result<LinkSettings> settings = LinkSettingsOf(config);
  if (!settings.ok()) return ctx.Fail(settings.error().message);
  Result<BlocklistFile> blocklist = BlocklistFile::Open(config.blocklist_file);
  if (!blocklist.ok()) return ctx.Fail(blocklist.error().message);
  if (blocklist.value().watched()) settings.value().blocklist = &blocklist.value();
  BindBlocklist(&settings.value(), ctx.clock);
  Result<SlugCodec> slugs =
      SlugCodec::Create(config.slug_alphabet, config.slug_min_length, config.slug_secret);
  if (!slugs.ok()) return ctx.Fail(slugs.error().message);

  std::optional<uint64_t> owner;
  std::string owner_text = "no owner";
  if (parsed.value().Has("--owner")) {
    Result<User> user = FindUserNamed(ctx.accounts, parsed.value().Value("--owner"));
    if (!user.ok()) return ctx.Fail(user.error().message);
    owner = user.value().id;
    owner_text = "owner " + user.value().username;
  }
  LinkCache cache = AdminLinkCache(ctx);
  LinkCreator creator(&settings.value(), ctx.links, &cache, &slugs.value());
  Result<NewLink> link = creator.Check(request.value(), owner, now);
  if (!link.ok()) return ctx.Fail(link.error().message);
  Result<Link> made = creator.Store(link.value());
  if (!made.ok()) return ctx.Fail(made.error().message);
  const Link& created = made.value();
  std::string expires =
      created.expires_at ? "expires " + FormatIso8601(*created.expires_at) : "permanent";
  std::fprintf(
      ctx.out, "created link %s: %s/r/%s -> %s (%s, %s)\n", TerminalSafe(created.slug).c_str(),
      TerminalSafe(settings.value().public_base_url).c_str(), TerminalSafe(created.slug).c_str(),
      TerminalSafe(created.url).c_str(), TerminalSafe(owner_text).c_str(), expires.c_str());
  return 0;
}

}  // namespace

LinkCache AdminLinkCache(const AdminContext& ctx) {
  LinkSettings settings = ctx.config->links;
  settings.host_changes = ctx.host_changes;
  return LinkCache(ctx.cache, LinkCacheOptions(settings));
}

Status DeleteFenced(const AdminContext& ctx, LinkCache& cache, const Link& link) {
  // The marker first, so that nothing is deleted while its cache entry would go on serving.
  if (!cache.MarkChanged(link.slug)) {
    return Error::Make(ErrorCode::kUnavailable,
                       "memcached (memcached_servers) did not answer, so the redirect of '" +
                           link.slug +
                           "' could not be stopped at once; nothing was deleted. Run this again "
                           "once memcached answers (or with memcached_servers as the workers "
                           "have it)");
  }
  RETURN_IF_ERROR(ctx.links->DeleteLink(link.id, ctx.clock()));
  // Again: the first marker refuses fills for kChangeFenceSeconds only, and a delete that
  // waited longer for MySQL must not let a fill of the old row outlive it. Best effort.
  cache.MarkChanged(link.slug);
  return Status::Ok();
}

Result<uint64_t> DeleteLinksOf(const AdminContext& ctx, uint64_t user_id) {
  LinkCache cache = AdminLinkCache(ctx);
  uint64_t deleted = 0;
  while (true) {
    ASSIGN_OR_RETURN(LinkPage page, ctx.links->ListLinks(user_id, std::nullopt, kDeleteBatch));
    if (page.links.empty()) return deleted;
    for (const Link& link : page.links) {
      Status gone = DeleteFenced(ctx, cache, link);
      // Gone already (a concurrent delete) is what was wanted.
      if (!gone.ok() && gone.error().code != ErrorCode::kNotFound) return gone.error();
      if (gone.ok()) ++deleted;
    }
  }
}

namespace {

// link stats SLUG [--from D] [--to D]: the stats endpoint's answer as tables, for any link.
int LinkStatsCommand(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{
      "link stats SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD]", {"SLUG"}, {"--from", "--to"}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  auto day = [&parsed](const std::string& option) -> std::optional<std::string> {
    if (!parsed.value().Has(option)) return std::nullopt;
    return parsed.value().Value(option);
  };
  Result<DayRange> range =
      StatsRange(day("--from"), day("--to"), UtcDay(ctx.clock()), RangeNames{"--from", "--to"});
  if (!range.ok()) return ctx.Fail(range.error().message);
  const std::string& slug = parsed.value().operands[0];
  Result<Link> link = FindLinkNamed(ctx.links, slug);
  if (!link.ok()) return ctx.Fail(link.error().message);
  Result<StoredStats> stored = ctx.stats->ReadStats(link.value().id, range.value(), nullptr);
  if (!stored.ok()) return ctx.Fail(stored.error().message);
  std::fputs(FormatStatsTable(slug, SummarizeStats(stored.value(), range.value())).c_str(),
             ctx.out);
  return 0;
}

}  // namespace

int LinkCommand(const AdminContext& ctx, const std::vector<std::string>& args) {
  const char kUsage[] = "link list|create|delete|stats ...";
  if (args.empty()) return ctx.Usage(kUsage);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") return LinkList(ctx, rest);
  if (args[0] == "delete") return LinkDelete(ctx, rest);
  if (args[0] == "create") return LinkCreate(ctx, rest);
  if (args[0] == "stats") return LinkStatsCommand(ctx, rest);
  return ctx.Usage(kUsage, "unknown link command '" + args[0] + "'");
}

}  // namespace shortener
