// MysqlStore's LinkReports: the YOURLS API's reads over many links (link_reports.h).
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// A live link: permanent, or expiring after the bound time.
#define LIVE_AT "(expires_at IS NULL OR expires_at > " SHORTENER_DATETIME_PARAM ")"

// Scans the owner's rows through idx_links_owner; url has no index of its own, and one owner's
// links are few enough for that (an admin's unique-URL check is per admin too).
const char kFindOwnedByUrl[] = "SELECT " LINK_COLUMNS
                               " FROM links WHERE owner_id = ? AND slug IS NOT NULL AND url = ? "
                               "AND " LIVE_AT " ORDER BY id LIMIT 1";

// One statement per order and scope: prepared statements cannot bind an ORDER BY. Column 8 is
// the click total (LINK_COLUMNS).
#define RANK_ALL "SELECT " LINK_COLUMNS " FROM links WHERE slug IS NOT NULL ORDER BY "
#define RANK_OWNER \
  "SELECT " LINK_COLUMNS " FROM links WHERE owner_id = ? AND slug IS NOT NULL ORDER BY "
#define BY_TOP "8 DESC, id DESC LIMIT ?"
#define BY_BOTTOM "8 ASC, id DESC LIMIT ?"
#define BY_LAST "id DESC LIMIT ?"
#define BY_RAND "RAND() LIMIT ?"
const char* const kRank[2][4] = {
    {RANK_ALL BY_TOP, RANK_ALL BY_BOTTOM, RANK_ALL BY_LAST, RANK_ALL BY_RAND},
    {RANK_OWNER BY_TOP, RANK_OWNER BY_BOTTOM, RANK_OWNER BY_LAST, RANK_OWNER BY_RAND},
};

const char kTotalsAll[] =
    "SELECT (SELECT COUNT(*) FROM links WHERE slug IS NOT NULL), "
    "(SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d)";
const char kTotalsOwner[] =
    "SELECT (SELECT COUNT(*) FROM links WHERE owner_id = ? AND slug IS NOT NULL), "
    "(SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d JOIN links l ON l.id = "
    "d.link_id WHERE l.owner_id = ?)";

const char kFindKeptAnswer[] =
    "SELECT request_digest, answer_location, answer_body FROM idempotency_keys WHERE user_id = ? "
    "AND idem_key = ? AND link_id <> 0 AND created_at > " SHORTENER_DATETIME_PARAM;

int OrderIndex(LinkOrder order) {
  switch (order) {
    case LinkOrder::kMostClicked:
      return 0;
    case LinkOrder::kLeastClicked:
      return 1;
    case LinkOrder::kNewest:
      return 2;
    case LinkOrder::kRandom:
      return 3;
  }
  return 0;
}

}  // namespace

Result<std::optional<Link>> MysqlStore::FindOwnedLinkByUrl(uint64_t owner_id,
                                                           const std::string& url, int64_t now) {
  return Run<std::optional<Link>>("find_owned_link_by_url", Access::kRead,
                                  [&](Session& s) -> Result<std::optional<Link>> {
                                    sql::PreparedStatement& st = s.Prepared(kFindOwnedByUrl);
                                    st.setUInt64(1, owner_id);
                                    st.setString(2, url);
                                    st.setInt64(3, now);
                                    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
                                    if (!rs->next()) return std::optional<Link>();
                                    return std::optional<Link>(ReadLink(*rs));
                                  });
}

Result<std::vector<Link>> MysqlStore::RankLinks(std::optional<uint64_t> owner_id, LinkOrder order,
                                                int limit) {
  return Run<std::vector<Link>>(
      "rank_links", Access::kRead, [&](Session& s) -> Result<std::vector<Link>> {
        sql::PreparedStatement& st = s.Prepared(kRank[owner_id ? 1 : 0][OrderIndex(order)]);
        int i = 1;
        if (owner_id) st.setUInt64(i++, *owner_id);
        st.setInt(i, limit);
        std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
        std::vector<Link> links;
        while (rs->next()) links.push_back(ReadLink(*rs));
        return links;
      });
}

Result<std::optional<KeptAnswer>> MysqlStore::FindKeptAnswer(uint64_t user_id,
                                                             const std::string& key, int64_t now) {
  return Run<std::optional<KeptAnswer>>(
      "find_kept_answer", Access::kRead, [&](Session& s) -> Result<std::optional<KeptAnswer>> {
        sql::PreparedStatement& st = s.Prepared(kFindKeptAnswer);
        st.setUInt64(1, user_id);
        st.setString(2, key);
        st.setInt64(3, now - kIdempotencyKeyLifetime);
        std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
        if (!rs->next()) return std::optional<KeptAnswer>();
        return std::optional<KeptAnswer>(
            KeptAnswer{rs->getString(1), CreateAnswer{rs->getString(2), rs->getString(3)}});
      });
}

Result<LinkTotals> MysqlStore::Totals(std::optional<uint64_t> owner_id) {
  return Run<LinkTotals>("link_totals", Access::kRead, [&](Session& s) -> Result<LinkTotals> {
    sql::PreparedStatement& st = s.Prepared(owner_id ? kTotalsOwner : kTotalsAll);
    if (owner_id) {
      st.setUInt64(1, *owner_id);
      st.setUInt64(2, *owner_id);
    }
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    rs->next();
    return LinkTotals{rs->getUInt64(1), rs->getUInt64(2)};
  });
}

}  // namespace shortener
