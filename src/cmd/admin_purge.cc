// shortener-admin's purge-expired: what has expired or is too old to mean anything, deleted in
// batches of short transactions.
#include <cinttypes>
#include <functional>
#include <optional>

#include "base/decimal.h"
#include "cmd/admin_commands.h"

namespace shortener {

namespace {

// Deletes in batches of short transactions, so no table is locked for long and redirects and
// creations carry on meanwhile. Calls delete_batch(limit) until a batch deletes fewer than
// `limit` rows; returns the total, or the first error. *batches counts the calls.
Result<uint64_t> PurgeInBatches(const std::function<Result<uint64_t>(int)>& delete_batch,
                                long limit, int* batches) {
  uint64_t total = 0;
  while (true) {
    ++*batches;
    Result<uint64_t> deleted = delete_batch(static_cast<int>(limit));
    if (!deleted.ok()) return deleted.error();
    total += deleted.value();
    if (deleted.value() < static_cast<uint64_t>(limit)) return total;
  }
}

}  // namespace

int PurgeCommand(const AdminContext& ctx, const std::vector<std::string>& args) {
  constexpr long kMaxBatch = 100000;
  const CommandSyntax syntax{"purge-expired [--batch N]", {}, {"--batch"}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  long batch = 1000;
  if (parsed.value().Has("--batch")) {
    const std::string text = parsed.value().Value("--batch");
    std::optional<uint64_t> value = ParseDecimalIn(text, 1, kMaxBatch);
    if (!value) {
      return ctx.Fail("purge-expired: --batch must be a whole number from 1 to 100000, got '" +
                      text + "'");
    }
    batch = static_cast<long>(*value);
  }
  // One cut-off for the whole run: links expiring while it runs wait for the next run, so a
  // steady stream of expiries cannot keep it going forever.
  const int64_t now = ctx.clock();
  const int64_t hold = ctx.config->links.freed_slug_hold;
  int batches = 0;
  Result<uint64_t> links = PurgeInBatches(
      [&](int limit) { return ctx.admin->DeleteExpiredBatch(now, limit); }, batch, &batches);
  if (!links.ok()) return ctx.Fail("purge-expired: " + links.error().message);
  // Expired login tokens are refused already; deleting them keeps the table small.
  int token_batches = 0;
  Result<uint64_t> tokens =
      PurgeInBatches([&](int limit) { return ctx.accounts->PurgeExpiredTokens(now, limit); }, batch,
                     &token_batches);
  if (!tokens.ok()) return ctx.Fail("purge-expired: " + tokens.error().message);
  // A hold older than freed_slug_hold holds nothing any more, and a key older than its lifetime
  // is never replayed: both only take room.
  int hold_batches = 0;
  Result<uint64_t> holds = PurgeInBatches(
      [&](int limit) { return ctx.admin->ForgetBatch(Leftover::kSlugHolds, now - hold, limit); },
      batch, &hold_batches);
  if (!holds.ok()) return ctx.Fail("purge-expired: " + holds.error().message);
  int key_batches = 0;
  Result<uint64_t> keys = PurgeInBatches(
      [&](int limit) {
        return ctx.admin->ForgetBatch(Leftover::kIdempotencyKeys, now - kIdempotencyKeyLifetime,
                                      limit);
      },
      batch, &key_batches);
  if (!keys.ok()) return ctx.Fail("purge-expired: " + keys.error().message);
  std::fprintf(ctx.out, "purged %" PRIu64 " expired links in %d batches of at most %ld\n",
               links.value(), batches, batch);
  std::fprintf(ctx.out, "purged %" PRIu64 " expired login tokens\n", tokens.value());
  std::fprintf(ctx.out, "forgot %" PRIu64 " slug holds older than %lld s\n", holds.value(),
               static_cast<long long>(hold));
  std::fprintf(ctx.out, "forgot %" PRIu64 " idempotency keys older than %lld s\n", keys.value(),
               static_cast<long long>(kIdempotencyKeyLifetime));
  return 0;
}

}  // namespace shortener
