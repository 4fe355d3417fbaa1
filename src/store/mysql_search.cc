// MysqlStore::SearchLinks: the links list's search, in bounded windows of idx_links_owner.
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// The window: the ids of the next `window` links below the cursor, newest first. An
// index-only range scan of idx_links_owner (or of the primary key for an admin's search).
// FORCE INDEX, as for the list (mysql_store.cc kListOwner): the cursor must bound a range.
#define WINDOW_OWNER                                                                         \
  "(SELECT id FROM links FORCE INDEX (idx_links_owner) WHERE owner_id = ? AND id < ? ORDER " \
  "BY id DESC LIMIT ?) w"
#define WINDOW_ALL "(SELECT id FROM links WHERE id < ? ORDER BY id DESC LIMIT ?) w"
const char kWindowOwner[] = "SELECT COUNT(*), COALESCE(MIN(w.id), 0) FROM " WINDOW_OWNER;
const char kWindowAll[] = "SELECT COUNT(*), COALESCE(MIN(w.id), 0) FROM " WINDOW_ALL;

// The matches inside [window's lowest id, cursor): the same range of the same index, so no more
// rows are read than the window holds. ascii_general_ci ignores case; '!' escapes the pattern's
// wildcards, so the text is matched literally.
#define MATCHES                                                                        \
  "slug IS NOT NULL AND id < ? AND id >= ? AND (slug COLLATE ascii_general_ci LIKE ? " \
  "ESCAPE '!' OR url COLLATE ascii_general_ci LIKE ? ESCAPE '!') ORDER BY id DESC LIMIT ?"
const char kMatchOwner[] =
    "SELECT " LINK_COLUMNS
    " FROM links FORCE INDEX (idx_links_owner) WHERE owner_id = ? AND " MATCHES;
const char kMatchAll[] = "SELECT " LINK_COLUMNS " FROM links WHERE " MATCHES;

// "%text%" with LIKE's wildcards and the escape character itself escaped.
std::string ContainsPattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') pattern += '!';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace

Result<LinkPage> MysqlStore::SearchLinks(std::optional<uint64_t> owner_id, const std::string& text,
                                         std::optional<uint64_t> before_id, int limit, int window) {
  const uint64_t before = before_id.value_or(std::numeric_limits<uint64_t>::max());
  return Run<LinkPage>("search_links", Access::kRead, [&](Session& s) -> Result<LinkPage> {
    sql::PreparedStatement& bounds = s.Prepared(owner_id ? kWindowOwner : kWindowAll);
    int i = 1;
    if (owner_id) bounds.setUInt64(i++, *owner_id);
    bounds.setUInt64(i++, before);
    bounds.setInt(i, window);
    std::unique_ptr<sql::ResultSet> rs(bounds.executeQuery());
    LinkPage page;
    if (!rs->next() || rs->getInt64(1) == 0) return page;
    const bool full = rs->getInt64(1) >= window;
    const uint64_t lowest = rs->getUInt64(2);
    sql::PreparedStatement& match = s.Prepared(owner_id ? kMatchOwner : kMatchAll);
    const std::string pattern = ContainsPattern(text);
    i = 1;
    if (owner_id) match.setUInt64(i++, *owner_id);
    match.setUInt64(i++, before);
    match.setUInt64(i++, lowest);
    match.setString(i++, pattern);
    match.setString(i++, pattern);
    // One row more than asked tells whether another page exists inside this window.
    match.setInt(i, limit + 1);
    rs.reset(match.executeQuery());
    while (rs->next()) page.links.push_back(ReadLink(*rs));
    if (static_cast<int>(page.links.size()) > limit) {
      page.links.pop_back();
      page.next_before_id = page.links.back().id;
    } else if (full) {
      page.next_before_id = lowest;
    }
    return page;
  });
}

}  // namespace shortener
