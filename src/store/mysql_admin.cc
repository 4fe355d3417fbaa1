// MysqlStore's calls about users as a whole: the user list (shortener-admin's and, page by page,
// GET /api/v1/users), owners' names in link lists, and disabling and deleting users.
#include <limits>

#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// The columns ReadUserSummary reads: never the password hash.
#define SHORTENER_USER_SUMMARY \
  "SELECT u.id, u.username, u.email, u.is_admin, " SHORTENER_SECONDS_OF( \
      "u.created_at") ", (SELECT COUNT(*) FROM links l WHERE l.owner_id = u.id), " SHORTENER_SECONDS_OF("u.disabled_at") " FROM users u "
const char kListUsers[] = SHORTENER_USER_SUMMARY "ORDER BY u.id LIMIT ?";
const char kListUsersPage[] = SHORTENER_USER_SUMMARY "WHERE u.id < ? ORDER BY u.id DESC LIMIT ?";
#undef SHORTENER_USER_SUMMARY
const char kUsername[] = "SELECT username FROM users WHERE id = ?";
// COALESCE keeps the first time of a user disabled twice.
const char kDisableUser[] =
    "UPDATE users SET disabled_at = COALESCE(disabled_at, " SHORTENER_DATETIME_PARAM
    ") WHERE id = ?";
const char kEnableUser[] = "UPDATE users SET disabled_at = NULL WHERE id = ?";
const char kEndUserTokens[] = "DELETE FROM auth_tokens WHERE user_id = ?";
const char kEndUserKeys[] = "DELETE FROM api_keys WHERE user_id = ?";
// The user's tokens, keys and idempotency keys go with it (ON DELETE CASCADE, sql/002 and 006);
// they are deleted by name first so the outcome does not hang on the foreign keys alone.
const char kDeleteUser[] = "DELETE FROM users WHERE id = ?";

// The rows of a kListUsers or kListUsersPage query.
std::vector<UserSummary> ReadUserSummaries(sql::ResultSet& rs) {
  std::vector<UserSummary> users;
  while (rs.next()) {
    UserSummary summary;
    summary.user.id = rs.getUInt64(1);
    summary.user.username = rs.getString(2);
    summary.user.email = rs.getString(3);
    summary.user.is_admin = rs.getInt(4) != 0;
    summary.user.created_at = rs.getInt64(5);
    summary.links = rs.getUInt64(6);
    if (!rs.isNull(7)) summary.user.disabled_at = rs.getInt64(7);
    users.push_back(std::move(summary));
  }
  return users;
}

}  // namespace

Result<std::vector<UserSummary>> MysqlStore::ListUsers(int limit) {
  using Users = std::vector<UserSummary>;
  return Run<Users>("list_users", Access::kRead, [&](Session& s) -> Result<Users> {
    sql::PreparedStatement& st = s.Prepared(kListUsers);
    st.setInt(1, limit);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    return ReadUserSummaries(*rs);
  });
}

Result<UserPage> MysqlStore::ListUsersPage(std::optional<uint64_t> before_id, int limit) {
  return Run<UserPage>("list_users_page", Access::kRead, [&](Session& s) -> Result<UserPage> {
    sql::PreparedStatement& st = s.Prepared(kListUsersPage);
    st.setUInt64(1, before_id.value_or(std::numeric_limits<uint64_t>::max()));
    // One row more than asked tells whether another page exists (as ListLinks does).
    st.setInt(2, limit + 1);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    UserPage page;
    page.users = ReadUserSummaries(*rs);
    if (static_cast<int>(page.users.size()) > limit) {
      page.users.pop_back();
      page.next_before_id = page.users.back().user.id;
    }
    return page;
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

Status MysqlStore::SetUserDisabled(uint64_t user_id, std::optional<int64_t> disabled_at) {
  Result<bool> found =
      Run<bool>("set_user_disabled", Access::kWrite, [&](Session& s) -> Result<bool> {
        s.Begin();
        sql::PreparedStatement& st = s.Prepared(disabled_at ? kDisableUser : kEnableUser);
        int i = 1;
        if (disabled_at) st.setInt64(i++, *disabled_at);
        st.setUInt64(i, user_id);
        st.executeUpdate();
        if (disabled_at) {
          sql::PreparedStatement& tokens = s.Prepared(kEndUserTokens);
          tokens.setUInt64(1, user_id);
          tokens.executeUpdate();
        }
        // The row is there or not whatever the UPDATE changed (re-disabling changes nothing).
        sql::PreparedStatement& name = s.Prepared(kUsername);
        name.setUInt64(1, user_id);
        std::unique_ptr<sql::ResultSet> rs(name.executeQuery());
        bool exists = rs->next();
        s.Commit();
        return exists;
      });
  if (!found.ok()) return found.error();
  if (!found.value()) return Error::Make(ErrorCode::kNotFound, "No such user.");
  return Status::Ok();
}

Status MysqlStore::DeleteUser(uint64_t user_id) {
  Result<bool> deleted = Run<bool>("delete_user", Access::kWrite, [&](Session& s) -> Result<bool> {
    s.Begin();
    for (const char* statement : {kEndUserTokens, kEndUserKeys}) {
      sql::PreparedStatement& st = s.Prepared(statement);
      st.setUInt64(1, user_id);
      st.executeUpdate();
    }
    sql::PreparedStatement& st = s.Prepared(kDeleteUser);
    st.setUInt64(1, user_id);
    bool gone = st.executeUpdate() > 0;
    s.Commit();
    return gone;
  });
  if (!deleted.ok()) return deleted.error();
  if (!deleted.value()) return Error::Make(ErrorCode::kNotFound, "No such user.");
  return Status::Ok();
}

}  // namespace shortener
