// shortener-admin import yourls | import jsonl | export.
#include "cmd/link_transfer_commands.h"

#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "api/export_line.h"
#include "api/link_import.h"
#include "api/yourls_format.h"
#include "base/clock.h"
#include "base/decimal.h"
#include "base/file.h"
#include "base/terminal_text.h"
#include "cmd/admin_commands.h"
#include "domain/blocklist.h"
#include "domain/link_settings.h"
#include "domain/slug.h"
#include "domain/timefmt.h"
#include "store/mysql_store.h"

namespace shortener {

const char kTransferCommandsUsage[] =
    "  import yourls --database DB --owner USERNAME [--host H] [--port P | --socket PATH]\n"
    "                [--user U] [--prefix yourls_] [--rename-conflicts SUFFIX] [--dry-run]\n"
    "                            import a YOURLS database's links (keywords kept, permanent,\n"
    "                            clicks per day) for USERNAME; its password is\n"
    "                            $YOURLS_DB_PASSWORD or the first line of stdin; a second run\n"
    "                            imports nothing twice\n"
    "  import jsonl FILE [--owner USERNAME] [--dry-run]\n"
    "                            import the links of an export (owners by username, or all\n"
    "                            for USERNAME)\n"
    "  export [--owner USERNAME] every link (or USERNAME's) as JSON lines on stdout, with its\n"
    "                            clicks and statistics per day\n";

namespace {

using json = nlohmann::ordered_json;

// Links per export read: each comes with every day of its clicks and statistics (up to 255
// breakdown values a day), so pages stay small.
constexpr int kExportPage = 200;

// The import's progress line and report around its ImportSummary.
class Tally {
 public:
  Tally(const char* what, uint64_t expected) : what_(what), expected_(expected) {}

  ImportSummary* summary() { return &summary_; }

  // A progress line on a terminal only (rows, rows/s, ETA), rewritten in place.
  void Progress() const {
    if (!isatty(STDERR_FILENO)) return;
    const uint64_t done = summary_.done();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = seconds > 0 ? done / seconds : 0;
    std::fprintf(stderr, "\r%s: %" PRIu64 "/%" PRIu64 " links, %.0f links/s", what_, done,
                 expected_, rate);
    if (rate > 0 && expected_ > done)
      std::fprintf(stderr, ", ETA %.0f s", (expected_ - done) / rate);
    std::fprintf(stderr, "   ");
  }

  // The summary on stdout; returns the exit status (1 when anything was skipped).
  int Report(bool dry_run) const {
    if (isatty(STDERR_FILENO)) std::fputc('\n', stderr);
    std::printf("%s%s: %" PRIu64 " links imported (%" PRIu64 " clicks), %" PRIu64
                " already there, %" PRIu64 " skipped\n",
                dry_run ? "dry run, nothing written: " : "", what_, summary_.imported,
                summary_.clicks, summary_.already_there, summary_.skipped_count);
    for (const ImportSkip& skip : summary_.skipped) {
      std::printf("skipped %s: %s\n", TerminalSafe(skip.what).c_str(),
                  TerminalSafe(skip.reason).c_str());
    }
    if (summary_.skipped_count > summary_.skipped.size()) {
      std::printf("and %" PRIu64 " more skipped (the first %zu are listed)\n",
                  summary_.skipped_count - summary_.skipped.size(), summary_.skipped.size());
    }
    return summary_.skipped_count == 0 ? 0 : 1;
  }

 private:
  const char* what_;
  uint64_t expected_;
  ImportSummary summary_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The URL rules of the running service, for links that do not come through its API: the
// workers' link settings with their blocklist (owned here, borrowed by the settings).
struct Policy {
  std::unique_ptr<BlocklistFile> blocklist;
  LinkSettings settings;
  const UrlPolicy& url() const { return settings.url_policy; }
};

Result<std::unique_ptr<Policy>> PolicyOf(const Config& config) {
  auto policy = std::make_unique<Policy>();
  ASSIGN_OR_RETURN(policy->settings, LinkSettingsOf(config));
  ASSIGN_OR_RETURN(BlocklistFile blocklist, BlocklistFile::Open(config.blocklist_file));
  if (blocklist.watched()) {
    policy->blocklist = std::make_unique<BlocklistFile>(std::move(blocklist));
    policy->settings.blocklist = policy->blocklist.get();
  }
  BindBlocklist(&policy->settings, SystemClock);
  return policy;
}

int ImportYourls(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in) {
  const CommandSyntax syntax{
      "import yourls --database DB --owner USERNAME [--host H] [--port P | --socket PATH] "
      "[--user U] [--prefix P] [--rename-conflicts SUFFIX] [--dry-run]",
      {},
      {"--database", "--owner", "--host", "--port", "--socket", "--user", "--prefix",
       "--rename-conflicts"},
      {"--dry-run"}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const CommandArgs& flags = parsed.value();
  for (const char* required : {"--database", "--owner"}) {
    if (!flags.Has(required)) return ctx.Usage(syntax.usage, std::string("missing ") + required);
  }
  if (flags.Has("--port") && flags.Has("--socket")) {
    return ctx.Usage(syntax.usage, "--port and --socket exclude each other");
  }
  const bool dry_run = flags.Has("--dry-run");
  MysqlOptions source;
  source.database = flags.Value("--database");
  source.host = flags.Value("--host", "127.0.0.1");
  source.socket = flags.Value("--socket");
  source.user = flags.Value("--user", "yourls");
  std::optional<uint64_t> port = ParseDecimalIn(flags.Value("--port", "3306"), 1, 65535);
  if (!port) return AdminFail("import yourls: --port must be a number from 1 to 65535");
  source.port = static_cast<int>(*port);
  // Never an argument: arguments show in ps and in shell history.
  if (const char* env = std::getenv("YOURLS_DB_PASSWORD")) {
    source.password = env;
  } else {
    source.password = ReadLine(in).value_or("");
  }
  const std::string suffix = flags.Value("--rename-conflicts");
  if (!suffix.empty() && !LooksLikeSlug(suffix)) {
    return AdminFail("import yourls: --rename-conflicts takes characters of A-Z a-z 0-9 _ -");
  }
  const Config& config = *ctx.config;
  Result<User> owner = FindUserNamed(ctx.accounts, flags.Value("--owner"));
  if (!owner.ok()) return AdminFail("import yourls: " + owner.error().message);
  Result<std::unique_ptr<Policy>> policy = PolicyOf(config);
  if (!policy.ok()) return AdminFail("import yourls: " + policy.error().message);
  // The workers' visitor keys: an imported day's unique visitors are hashed as theirs are.
  Result<VisitorKeys> keys = VisitorKeys::Create(config.slug_secret);
  if (!keys.ok()) return AdminFail("import yourls: " + keys.error().message);
  Result<std::unique_ptr<YourlsSource>> yourls =
      YourlsSource::Open(source, flags.Value("--prefix", "yourls_"), std::move(keys).value());
  if (!yourls.ok()) return AdminFail("import yourls: " + yourls.error().message);
  Result<uint64_t> total = yourls.value()->CountLinks();
  if (!total.ok()) return AdminFail("import yourls: " + total.error().message);
  Tally tally("import yourls", total.value());
  // A keyword probed here before the import may be remembered as absent: marked changed, it is
  // read from MySQL at once.
  LinkCache cache = AdminLinkCache(ctx);
  const ImportedSlug fence = [&cache](const std::string& slug) { cache.MarkChanged(slug); };
  for (;;) {
    Result<std::vector<YourlsLink>> rows = yourls.value()->NextLinks(kImportBatch);
    if (!rows.ok()) return AdminFail("import yourls: " + rows.error().message);
    if (rows.value().empty()) break;
    std::vector<TransferLink> batch;
    const int64_t now = SystemClock();
    for (const YourlsLink& row : rows.value()) {
      Result<TransferLink> link =
          ConvertYourlsLink(row, policy.value()->url(), owner.value().id, "", now);
      if (!link.ok() && !suffix.empty() && IsReservedSlug(row.keyword)) {
        link = ConvertYourlsLink(row, policy.value()->url(), owner.value().id, suffix, now);
      }
      if (link.ok()) {
        batch.push_back(std::move(link).value());
      } else {
        tally.summary()->Skip(row.keyword, link.error().message);
      }
    }
    Status done = ImportBatch(ctx.transfer, config.links.freed_slug_hold, std::move(batch), dry_run,
                              suffix, tally.summary(), fence);
    if (!done.ok()) return AdminFail("import yourls: " + done.error().message);
    tally.Progress();
  }
  return tally.Report(dry_run);
}

int ImportJsonl(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{
      "import jsonl FILE [--owner USERNAME] [--dry-run]", {"FILE"}, {"--owner"}, {"--dry-run"}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const CommandArgs& flags = parsed.value();
  const std::string& path = flags.operands[0];
  // A directory opened as a stream reads as an empty file: "0 links imported" and success.
  OpenFile file = OpenRegularFile(path);
  if (!file.failure.ok()) return AdminFail("import jsonl: " + file.failure.Message("file", path));
  const Config& config = *ctx.config;
  Result<std::unique_ptr<Policy>> policy = PolicyOf(config);
  if (!policy.ok()) return AdminFail("import jsonl: " + policy.error().message);
  ExportImportOptions options;
  options.policy = &policy.value()->url();
  options.freed_slug_hold = config.links.freed_slug_hold;
  options.dry_run = flags.Has("--dry-run");
  LinkCache cache = AdminLinkCache(ctx);
  options.imported = [&cache](const std::string& slug) { cache.MarkChanged(slug); };
  const std::string forced = flags.Value("--owner");
  if (!forced.empty()) {
    Result<User> user = FindUserNamed(ctx.accounts, forced);
    if (!user.ok()) return AdminFail("import jsonl: " + user.error().message);
    options.owner_id = user.value().id;
  }
  Tally tally("import jsonl", 0);
  options.progress = [&tally](const ImportSummary&) { tally.Progress(); };
  LineReader next_line = [&file](std::string* line) {
    std::optional<std::string> next = ReadLine(file.stream.get());
    if (next) *line = std::move(*next);
    return next.has_value();
  };
  Status done = ImportExportLines(next_line, ctx.transfer, ctx.accounts, options, tally.summary());
  if (!done.ok()) return AdminFail("import jsonl: " + done.error().message);
  return tally.Report(options.dry_run);
}

}  // namespace

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMaxImportedClicks = (int64_t{1} << 53) - 1;

// Whether a log row's day can be one of the link's: not before it was made, not after today.
bool PossibleDay(int64_t day, int64_t created_day, int64_t today) {
  return day >= created_day && day <= today;
}

}  // namespace

int64_t YourlsCreatedAt(const YourlsLink& row, int64_t now) {
  if (row.created_at > now) return now;
  if (row.created_at > 0) return row.created_at;
  for (const VisitRollup& v : row.log_stats) {
    if (v.stats.clicks > 0 && PossibleDay(v.day, 1, now / kSecondsPerDay)) {
      return v.day * kSecondsPerDay;
    }
  }
  return now;
}

std::vector<VisitRollup> YourlsStats(const YourlsLink& row, int64_t now) {
  const int64_t created_day = YourlsCreatedAt(row, now) / kSecondsPerDay;
  std::vector<VisitRollup> stats;
  uint64_t logged = 0;
  for (const VisitRollup& v : row.log_stats) {
    if (v.stats.clicks == 0 || !PossibleDay(v.day, created_day, now / kSecondsPerDay)) continue;
    stats.push_back(v);
    logged += v.stats.clicks;
  }
  // ConvertYourlsLink refuses a negative total before this is asked.
  const uint64_t total = row.clicks > 0 ? static_cast<uint64_t>(row.clicks) : 0;
  if (total <= logged) return stats;
  auto at = stats.begin();
  while (at != stats.end() && at->day < created_day) ++at;
  if (at == stats.end() || at->day != created_day) {
    at = stats.insert(at, VisitRollup{0, created_day, DayStats{}});
  }
  AddUnclassified(&at->stats, total - logged);
  return stats;
}

std::vector<DayClicks> YourlsDays(const std::vector<VisitRollup>& stats) {
  std::vector<DayClicks> days;
  for (const VisitRollup& v : stats) days.push_back(DayClicks{v.day, v.stats.clicks});
  return days;
}

Result<TransferLink> ConvertYourlsLink(const YourlsLink& row, const UrlPolicy& policy,
                                       uint64_t owner_id, const std::string& rename_suffix,
                                       int64_t now) {
  TransferLink link;
  link.slug = row.keyword + rename_suffix;
  if (!LooksLikeSlug(link.slug)) {
    return Error::Validation("keyword",
                             "the keyword is not 1 to 100 characters of A-Z a-z 0-9 _ -");
  }
  if (IsReservedSlug(link.slug)) {
    return Error::Validation("keyword",
                             "the keyword is a reserved word here (--rename-conflicts imports it "
                             "under another slug)");
  }
  // A signed column (YOURLS's own is unsigned) may hold what no count can be.
  if (row.clicks < 0) return Error::Validation("clicks", "the clicks total is negative");
  // More than any link is clicked, and more than a JSON client (a JavaScript number) reads
  // exactly: a total that would make every sum of it wrong.
  if (row.clicks > kMaxImportedClicks) {
    return Error::Validation("clicks", "the clicks total is over 2^53 - 1");
  }
  ASSIGN_OR_RETURN(link.url, AcceptTargetUrl(row.url, policy, "url"));
  link.owner_id = owner_id;
  link.created_at = link.updated_at = YourlsCreatedAt(row, now);
  link.expires_at = std::nullopt;  // YOURLS links never expire
  // A title that is not UTF-8 (an old latin1 table read wrongly) is replaced, and one too long
  // for the 4 KiB of metadata is cut: neither refuses the link.
  link.metadata_json = TitleMetadata(row.title);
  link.stats = YourlsStats(row, now);
  link.days = YourlsDays(link.stats);
  return link;
}

int ImportCommand(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in) {
  const char kUsage[] = "import yourls|jsonl ...";
  if (args.empty()) return ctx.Usage(kUsage);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "yourls") return ImportYourls(ctx, rest, in);
  if (args[0] == "jsonl") return ImportJsonl(ctx, rest);
  return ctx.Usage(kUsage, "unknown import source '" + args[0] + "' (yourls or jsonl)");
}

int ExportCommand(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"export [--owner USERNAME]", {}, {"--owner"}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  std::optional<uint64_t> owner;
  const std::string name = parsed.value().Value("--owner");
  if (!name.empty()) {
    Result<User> user = FindUserNamed(ctx.accounts, name);
    if (!user.ok()) return AdminFail("export: " + user.error().message);
    owner = user.value().id;
  }
  uint64_t after = 0;
  for (;;) {
    Result<std::vector<ExportedLink>> page = ctx.transfer->ExportLinks(owner, after, kExportPage);
    if (!page.ok()) return AdminFail("export: " + page.error().message);
    if (page.value().empty()) break;
    for (const ExportedLink& link : page.value()) {
      std::fputs(ExportLine(link).c_str(), stdout);
      std::fputc('\n', stdout);
    }
    after = page.value().back().id;
  }
  if (std::fflush(stdout) != 0) return AdminFail("export: cannot write to stdout");
  return 0;
}

}  // namespace shortener
