// MysqlStore's reads for shortener-admin only (user list, owners' names in link lists).
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

const char kListUsers[] =
    "SELECT u.id, u.username, u.email, u.is_admin, " SHORTENER_SECONDS_OF(
        "u.created_at") ", (SELECT COUNT(*) FROM links l WHERE l.owner_id = u.id) "
                        "FROM users u ORDER BY u.id LIMIT ?";
const char kUsername[] = "SELECT username FROM users WHERE id = ?";

}  // namespace

Result<std::vector<UserSummary>> MysqlStore::ListUsers(int limit) {
  using Users = std::vector<UserSummary>;
  return Run<Users>("list_users", Access::kRead, [&](Session& s) -> Result<Users> {
    sql::PreparedStatement& st = s.Prepared(kListUsers);
    st.setInt(1, limit);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    Users users;
    while (rs->next()) {
      UserSummary summary;
      summary.user.id = rs->getUInt64(1);
      summary.user.username = rs->getString(2);
      summary.user.email = rs->getString(3);
      summary.user.is_admin = rs->getInt(4) != 0;
      summary.user.created_at = rs->getInt64(5);
      summary.links = rs->getUInt64(6);
      users.push_back(std::move(summary));
    }
    return users;
  });
}

Result<std::map<uint64_t, std::string>> MysqlStore::Usernames(const std::vector<uint64_t>& ids) {
  using Names = std::map<uint64_t, std::string>;
  return Run<Names>("usernames", Access::kRead, [&](Session& s) -> Result<Names> {
    Names names;
    for (uint64_t id : ids) {
      if (names.count(id) != 0) continue;
      sql::PreparedStatement& st = s.Prepared(kUsername);
      st.setUInt64(1, id);
      std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
      if (rs->next()) names[id] = rs->getString(1);
    }
    return names;
  });
}

}  // namespace shortener
