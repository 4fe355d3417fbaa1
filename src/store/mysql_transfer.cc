// MysqlStore's LinkTransfer (domain/link_transfer.h): links imported and exported whole.
#include <cppconn/exception.h>

#include <algorithm>
#include <map>

#include "domain/day_values.h"
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// The link already holding a slug, locked so the import and a creation of the same slug wait
// for each other (the same order as creations: the links row first, then freed_slugs).
const char kSlugHolder[] =
    "SELECT url, owner_id, " SHORTENER_SECONDS_OF("created_at") " FROM links WHERE slug = ? "
    "LOCK IN SHARE MODE";
// Undoes the insert of a link whose slug turned out to be held.
const char kDropImported[] = "DELETE FROM links WHERE id = ?";
// Many links' days in one statement: a round trip per chunk of rows, not per day.
const ChunkedSql kInsertDays("INSERT INTO link_clicks_daily (link_id, day, clicks) VALUES ",
                             "(?, '1970-01-01' + INTERVAL ? DAY, ?)", "");
const char kExportAll[] = "SELECT " LINK_COLUMNS " FROM links WHERE id > ? ORDER BY id LIMIT ?";
// FORCE INDEX, as for the list (mysql_store.cc kListOwner): without it each batch of an owner's
// export read every earlier one again.
const char kExportOwned[] = "SELECT " LINK_COLUMNS
                            " FROM links FORCE INDEX (idx_links_owner) WHERE owner_id = ? AND id > "
                            "? ORDER BY id LIMIT ?";
const char kDaysOfRange[] =
    "SELECT link_id, DATEDIFF(day, '1970-01-01'), clicks FROM link_clicks_daily "
    "WHERE link_id BETWEEN ? AND ? ORDER BY link_id, day";

// The visit statistics of a page's id range, in the same order (sql/009, sql/017).
const char kStatsDaysOfRange[] =
    "SELECT link_id, DATEDIFF(day, '1970-01-01'), human_clicks, bot_clicks, visitors, "
    "breakdown_values FROM link_visits_daily WHERE link_id BETWEEN ? AND ? ORDER BY link_id, day";

// One day row of an imported link, sent with the rest of its batch's.
struct ImportedDay {
  uint64_t link_id;
  DayClicks day;
};

// Imports one link into the open transaction of `s`: the links row, then the slug's hold (the
// order of every transaction touching a slug, mysql_create.cc); its days are added to `days`
// and its statistics to `visits`.
ImportOutcome ImportOne(MysqlStore::Session& s, const TransferLink& link, int64_t held_after,
                        std::vector<ImportedDay>* days, std::vector<VisitRollup>* visits) {
  {
    sql::PreparedStatement& st = s.Prepared(kSlugHolder);
    st.setString(1, link.slug);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    if (rs->next()) {
      const bool same_owner =
          rs->isNull(2) ? !link.owner_id : link.owner_id && rs->getUInt64(2) == *link.owner_id;
      const bool same =
          rs->getString(1) == link.url && same_owner && rs->getInt64(3) == link.created_at;
      return same ? ImportOutcome::kAlreadyThere : ImportOutcome::kSlugTaken;
    }
  }
  Link row;
  row.url = link.url;
  row.owner_id = link.owner_id;
  row.created_at = link.created_at;
  row.updated_at = link.updated_at;
  row.expires_at = link.expires_at;
  row.metadata_json = link.metadata_json;
  row.max_visits = link.max_visits;
  row.redirect_code = link.redirect_code;
  uint64_t id = 0;
  try {
    id = InsertLinkRow(s, link.slug, row);
  } catch (const sql::SQLException& e) {
    // A creation took the slug since the check; only the statement was undone.
    if (e.getErrorCode() == kErrDuplicateKey) return ImportOutcome::kSlugTaken;
    throw;
  }
  if (SlugHeldFrom(s, link.slug, held_after, link.owner_id)) {
    sql::PreparedStatement& drop = s.Prepared(kDropImported);
    drop.setUInt64(1, id);
    drop.executeUpdate();
    return ImportOutcome::kSlugTaken;
  }
  for (const DayClicks& d : link.days) days->push_back(ImportedDay{id, d});
  for (const VisitRollup& v : link.stats) visits->push_back(VisitRollup{id, v.day, v.stats});
  return ImportOutcome::kImported;
}

// Fills each link's stats from the statistics tables (page in id order, not empty).
void ReadStatsOfPage(MysqlStore::Session& s, std::vector<ExportedLink>* page) {
  std::map<uint64_t, ExportedLink*> by_id;
  for (ExportedLink& e : *page) by_id[e.id] = &e;
  sql::PreparedStatement& daily = s.Prepared(kStatsDaysOfRange);
  daily.setUInt64(1, page->front().id);
  daily.setUInt64(2, page->back().id);
  std::unique_ptr<sql::ResultSet> rs(daily.executeQuery());
  while (rs->next()) {
    auto it = by_id.find(rs->getUInt64(1));
    if (it == by_id.end()) continue;  // another owner's link between the page's ids
    VisitRollup v{0, rs->getInt64(2), DayStats{}};
    v.stats.human_clicks = rs->getUInt64(3);
    v.stats.bot_clicks = rs->getUInt64(4);
    v.stats.clicks = v.stats.human_clicks + v.stats.bot_clicks;
    Result<HyperLogLog> sketch = HyperLogLog::Parse(std::string(rs->getString(5)));
    if (sketch.ok()) {
      v.stats.visitors = std::move(sketch).value();
    } else {
      // As the stats read counts it: no visitors (the next flush of the day replaces it).
      Log(Severity::kError,
          "link %llu day %lld: stored unique-visitor sketch is corrupt; "
          "exported without visitors",
          static_cast<unsigned long long>(it->first), static_cast<long long>(v.day));
    }
    std::optional<DayValues> values = DecodeDayValues(std::string(rs->getString(6)));
    if (values) {
      v.stats.breakdowns = std::move(*values);
    } else {
      Log(Severity::kError,
          "link %llu day %lld: stored breakdown values are corrupt; exported without them",
          static_cast<unsigned long long>(it->first), static_cast<long long>(v.day));
    }
    it->second->link.stats.push_back(std::move(v));
  }
}

}  // namespace

Result<std::vector<ImportOutcome>> MysqlStore::ImportLinks(const std::vector<TransferLink>& links,
                                                           int64_t now, int64_t freed_slug_hold,
                                                           bool dry_run) {
  using Outcomes = std::vector<ImportOutcome>;
  return Run<Outcomes>("import_links", Access::kWrite, [&](Session& s) -> Result<Outcomes> {
    Outcomes outcomes;
    std::vector<ImportedDay> days;
    std::vector<VisitRollup> visits;
    s.Begin();
    for (const TransferLink& link : links) {
      outcomes.push_back(ImportOne(s, link, now - freed_slug_hold, &days, &visits));
    }
    SendInChunks(s, days.size(), kInsertDays,
                 [&days](sql::PreparedStatement& st, int param, size_t row) {
                   st.setUInt64(param, days[row].link_id);
                   st.setInt64(param + 1, days[row].day.day);
                   st.setUInt64(param + 2, days[row].day.clicks);
                   return param + 3;
                 });
    // The flush's own writer, so imported statistics are stored exactly as counted ones. It
    // wants (link, day) order; ids grow with the inserts, but nothing promises it.
    std::sort(visits.begin(), visits.end(), [](const VisitRollup& a, const VisitRollup& b) {
      return LinkDay(a.link_id, a.day) < LinkDay(b.link_id, b.day);
    });
    AddVisits(s, visits);
    if (dry_run) {
      s.Rollback();
    } else {
      s.Commit();
    }
    return outcomes;
  });
}

Result<std::vector<ExportedLink>> MysqlStore::ExportLinks(std::optional<uint64_t> owner_id,
                                                          uint64_t after_id, int limit) {
  using Page = std::vector<ExportedLink>;
  Result<Page> page = Run<Page>("export_links", Access::kRead, [&](Session& s) -> Result<Page> {
    Page out;
    sql::PreparedStatement& st = s.Prepared(owner_id ? kExportOwned : kExportAll);
    int index = 1;
    if (owner_id) st.setUInt64(index++, *owner_id);
    st.setUInt64(index++, after_id);
    st.setInt(index, limit);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    while (rs->next()) {
      Link link = ReadLink(*rs);
      ExportedLink e;
      e.id = link.id;
      e.link = TransferLink{link.slug,
                            link.url,
                            link.owner_id,
                            link.created_at,
                            link.updated_at,
                            link.expires_at,
                            link.metadata_json,
                            link.max_visits,
                            link.redirect_code,
                            {},
                            {}};
      out.push_back(std::move(e));
    }
    if (out.empty()) return out;
    sql::PreparedStatement& days = s.Prepared(kDaysOfRange);
    days.setUInt64(1, out.front().id);
    days.setUInt64(2, out.back().id);
    std::unique_ptr<sql::ResultSet> drs(days.executeQuery());
    size_t at = 0;
    while (drs->next()) {
      const uint64_t link_id = drs->getUInt64(1);
      // Both in id order: walk the page alongside (ids of other owners' links fall between).
      while (at < out.size() && out[at].id < link_id) ++at;
      if (at == out.size()) break;
      if (out[at].id == link_id) {
        out[at].link.days.push_back(DayClicks{drs->getInt64(2), drs->getUInt64(3)});
      }
    }
    ReadStatsOfPage(s, &out);
    return out;
  });
  if (!page.ok()) return page;
  std::vector<uint64_t> owners;
  for (const ExportedLink& e : page.value()) {
    if (e.link.owner_id) owners.push_back(*e.link.owner_id);
  }
  using Names = std::map<uint64_t, std::string>;
  ASSIGN_OR_RETURN(Names names, Usernames(owners));
  for (ExportedLink& e : page.value()) {
    if (!e.link.owner_id) continue;
    auto it = names.find(*e.link.owner_id);
    if (it != names.end()) e.owner_username = it->second;
  }
  return page;
}

}  // namespace shortener
