// MysqlStore's scheduled cleanup (shortener-admin purge-expired): expired links, whose slugs
// become held, holds past freed_slug_hold, and idempotency keys past their lifetime.
#include <cppconn/statement.h>

#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// Both statements of a batch pick the same rows: one WHERE, a total order (the index of
// expires_at holds the id too), and the first one's shared locks keep every row it read, and
// the gaps before them, as they were until the second has run. Walking idx_links_expires_at
// from the oldest expiry, a batch locks only the rows (and index gaps) it deletes; permanent
// links (NULL) never satisfy the condition.
#define SHORTENER_EXPIRED_BATCH                               \
  " FROM links WHERE expires_at <= " SHORTENER_DATETIME_PARAM \
  " AND slug IS NOT NULL "                                    \
  "ORDER BY expires_at, id LIMIT ?"

const char kHoldExpiredSlugs[] =
    "INSERT INTO freed_slugs (slug, owner_id, freed_at) SELECT slug, "
    "owner_id, " SHORTENER_DATETIME_PARAM SHORTENER_EXPIRED_BATCH
    " ON DUPLICATE KEY UPDATE owner_id = VALUES(owner_id), freed_at = VALUES(freed_at)";
const char kDeleteExpired[] = "DELETE" SHORTENER_EXPIRED_BATCH;
const char kForgetHolds[] =
    "DELETE FROM freed_slugs WHERE freed_at <= " SHORTENER_DATETIME_PARAM " LIMIT ?";
const char kForgetKeys[] =
    "DELETE FROM idempotency_keys WHERE created_at <= " SHORTENER_DATETIME_PARAM " LIMIT ?";

}  // namespace

Result<uint64_t> MysqlStore::DeleteExpiredBatch(int64_t now, int limit) {
  return Run<uint64_t>("delete_expired", Access::kWrite, [&](Session& s) -> Result<uint64_t> {
    s.Begin();
    sql::PreparedStatement& hold = s.Prepared(kHoldExpiredSlugs);
    hold.setInt64(1, now);
    hold.setInt64(2, now);
    hold.setInt(3, limit);
    hold.executeUpdate();
    sql::PreparedStatement& st = s.Prepared(kDeleteExpired);
    st.setInt64(1, now);
    st.setInt(2, limit);
    uint64_t deleted = static_cast<uint64_t>(st.executeUpdate());
    s.Commit();
    return deleted;
  });
}

Result<uint64_t> MysqlStore::ForgetBatch(Leftover what, int64_t made_before, int limit) {
  const bool holds = what == Leftover::kSlugHolds;
  return Run<uint64_t>(
      holds ? "forget_holds" : "forget_keys", Access::kWrite, [&](Session& s) -> Result<uint64_t> {
        sql::PreparedStatement& st = s.Prepared(holds ? kForgetHolds : kForgetKeys);
        st.setInt64(1, made_before);
        st.setInt(2, limit);
        return static_cast<uint64_t>(st.executeUpdate());
      });
}

}  // namespace shortener
