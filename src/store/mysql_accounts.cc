// MysqlStore's account half: users, login tokens and API keys (see store.h AccountStore).
#include "base/ascii.h"
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

#define USER_COLUMNS                                                     \
  "id, username, email, password_hash, is_admin, " SHORTENER_SECONDS_OF( \
      "created_at") ", " SHORTENER_SECONDS_OF("disabled_at")

const char kInsertUser[] =
    "INSERT INTO users (username, username_key, email, email_key, password_hash, is_admin, "
    "created_at) VALUES (?, ?, ?, ?, ?, ?, " SHORTENER_DATETIME_PARAM ")";
const char kUsernameExists[] = "SELECT 1 FROM users WHERE username_key = ?";
const char kFindUser[] = "SELECT " USER_COLUMNS " FROM users WHERE username_key = ?";
const char kSetPassword[] = "UPDATE users SET password_hash = ? WHERE id = ?";
const char kDeleteUserTokens[] = "DELETE FROM auth_tokens WHERE user_id = ?";
const char kDeleteUserKeys[] = "DELETE FROM api_keys WHERE user_id = ?";
// The user's row is read with a shared lock (INSERT ... SELECT): a password change holding it
// is waited for, and then its new hash no longer matches.
const char kInsertToken[] =
    "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) "
    "SELECT ?, id, " SHORTENER_DATETIME_PARAM ", " SHORTENER_DATETIME_PARAM
    " FROM users WHERE id = ? AND password_hash = ? AND disabled_at IS NULL";
const char kFindToken[] =
    "SELECT u.id, u.is_admin FROM auth_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = ? AND u.disabled_at IS NULL AND t.expires_at > " SHORTENER_DATETIME_PARAM;
const char kDeleteToken[] = "DELETE FROM auth_tokens WHERE token_hash = ?";
const char kPurgeTokens[] =
    "DELETE FROM auth_tokens WHERE expires_at <= " SHORTENER_DATETIME_PARAM " LIMIT ?";
const char kInsertKey[] =
    "INSERT INTO api_keys (user_id, name, key_hash, created_at) "
    "VALUES (?, ?, ?, " SHORTENER_DATETIME_PARAM ")";
const char kFindKey[] = "SELECT k.id, u.id, u.is_admin, " SHORTENER_SECONDS_OF(
    "k.last_used_at") " FROM api_keys k JOIN users u ON u.id = k.user_id "
                      "WHERE k.key_hash = ? AND u.disabled_at IS NULL";
const char kTouchKey[] =
    "UPDATE api_keys SET last_used_at = " SHORTENER_DATETIME_PARAM " WHERE id = ?";
const char kListKeys[] =
    "SELECT id, user_id, name, " SHORTENER_SECONDS_OF("created_at") ", " SHORTENER_SECONDS_OF(
        "last_used_at") " FROM api_keys WHERE user_id = ? ORDER BY id";
const char kDeleteKey[] = "DELETE FROM api_keys WHERE id = ?";
const char kDeleteOwnKey[] = "DELETE FROM api_keys WHERE id = ? AND user_id = ?";

// A key's last_used_at is written at most this often: it tells an operator whether a key is
// still in use, and a write per request would double the cost of every keyed call.
constexpr int64_t kKeyTouchSeconds = 60;

User ReadUser(sql::ResultSet& rs) {
  User user;
  user.id = rs.getUInt64(1);
  user.username = rs.getString(2);
  user.email = rs.getString(3);
  user.password_hash = rs.getString(4);
  user.is_admin = rs.getInt(5) != 0;
  user.created_at = rs.getInt64(6);
  if (!rs.isNull(7)) user.disabled_at = rs.getInt64(7);
  return user;
}

Error NoSuchUser() { return Error::Make(ErrorCode::kNotFound, "No such user."); }

// Digests are raw bytes; Connector/C++ carries them intact as a string of that length.
void SetDigest(sql::PreparedStatement& st, int index, const std::string& digest) {
  st.setString(index, sql::SQLString(digest.data(), digest.size()));
}

}  // namespace

Result<User> MysqlStore::CreateUser(const NewUser& user) {
  return Run<User>("create_user", Access::kWrite, [&](Session& s) -> Result<User> {
    sql::PreparedStatement& st = s.Prepared(kInsertUser);
    std::string username_key = ToLowerAscii(user.username);
    st.setString(1, user.username);
    st.setString(2, username_key);
    st.setString(3, user.email);
    st.setString(4, ToLowerAscii(user.email));
    st.setString(5, user.password_hash);
    st.setInt(6, user.is_admin ? 1 : 0);
    st.setInt64(7, user.now);
    try {
      st.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErrDuplicateKey) throw;
      // Which unique key refused the row is asked of the table, not read from the message.
      sql::PreparedStatement& exists = s.Prepared(kUsernameExists);
      exists.setString(1, username_key);
      std::unique_ptr<sql::ResultSet> rs(exists.executeQuery());
      if (rs->next()) return Error::Make(ErrorCode::kUsernameTaken, "That username is taken.");
      return Error::Make(ErrorCode::kEmailTaken, "That email address is already registered.");
    }
    sql::PreparedStatement& find = s.Prepared(kFindUser);
    find.setString(1, username_key);
    std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
    if (!rs->next()) return NoSuchUser();
    return ReadUser(*rs);
  });
}

Result<User> MysqlStore::FindUser(const std::string& username) {
  return Run<User>("find_user", Access::kRead, [&](Session& s) -> Result<User> {
    sql::PreparedStatement& st = s.Prepared(kFindUser);
    st.setString(1, ToLowerAscii(username));
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    if (!rs->next()) return NoSuchUser();
    return ReadUser(*rs);
  });
}

Status MysqlStore::SetPasswordHash(uint64_t user_id, const std::string& password_hash,
                                   EndAccess end) {
  Result<bool> done = Run<bool>("set_password", Access::kWrite, [&](Session& s) -> Result<bool> {
    s.Begin();
    sql::PreparedStatement& st = s.Prepared(kSetPassword);
    st.setString(1, password_hash);
    st.setUInt64(2, user_id);
    st.executeUpdate();
    if (end != EndAccess::kNothing) {
      sql::PreparedStatement& del = s.Prepared(kDeleteUserTokens);
      del.setUInt64(1, user_id);
      del.executeUpdate();
    }
    if (end == EndAccess::kTokensAndApiKeys) {
      sql::PreparedStatement& del = s.Prepared(kDeleteUserKeys);
      del.setUInt64(1, user_id);
      del.executeUpdate();
    }
    s.Commit();
    return true;
  });
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Status MysqlStore::AddToken(const std::string& token_digest, uint64_t user_id,
                            const std::string& password_hash, int64_t now, int64_t expires_at) {
  Result<bool> done = Run<bool>("add_token", Access::kWrite, [&](Session& s) -> Result<bool> {
    sql::PreparedStatement& st = s.Prepared(kInsertToken);
    SetDigest(st, 1, token_digest);
    st.setInt64(2, now);
    st.setInt64(3, expires_at);
    st.setUInt64(4, user_id);
    st.setString(5, password_hash);
    return st.executeUpdate() == 1;
  });
  if (!done.ok()) return done.error();
  if (!done.value()) {
    return Error::Make(ErrorCode::kUnauthorized, "Username or password is not right.");
  }
  return Status::Ok();
}

Result<Principal> MysqlStore::FindToken(const std::string& token_digest, int64_t now) {
  return Run<Principal>("find_token", Access::kRead, [&](Session& s) -> Result<Principal> {
    sql::PreparedStatement& st = s.Prepared(kFindToken);
    SetDigest(st, 1, token_digest);
    st.setInt64(2, now);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    if (!rs->next()) return Error::Make(ErrorCode::kNotFound, "No such token.");
    Principal who;
    who.user_id = rs->getUInt64(1);
    who.is_admin = rs->getInt(2) != 0;
    return who;
  });
}

Status MysqlStore::DeleteToken(const std::string& token_digest) {
  Result<bool> done = Run<bool>("delete_token", Access::kWrite, [&](Session& s) -> Result<bool> {
    sql::PreparedStatement& st = s.Prepared(kDeleteToken);
    SetDigest(st, 1, token_digest);
    st.executeUpdate();
    return true;
  });
  if (!done.ok()) return done.error();
  return Status::Ok();
}

Result<ApiKeyInfo> MysqlStore::AddApiKey(uint64_t user_id, const std::string& name,
                                         const std::string& key_digest, int64_t now) {
  return Run<ApiKeyInfo>("add_api_key", Access::kWrite, [&](Session& s) -> Result<ApiKeyInfo> {
    sql::PreparedStatement& st = s.Prepared(kInsertKey);
    st.setUInt64(1, user_id);
    st.setString(2, name);
    SetDigest(st, 3, key_digest);
    st.setInt64(4, now);
    st.executeUpdate();
    ApiKeyInfo key;
    key.id = LastInsertId(s);
    key.user_id = user_id;
    key.name = name;
    key.created_at = now;
    return key;
  });
}

Result<Principal> MysqlStore::UseApiKey(const std::string& key_digest, int64_t now) {
  struct Found {
    Principal who;
    uint64_t key_id = 0;
    bool stale = false;
  };
  Result<Found> found = Run<Found>("find_api_key", Access::kRead, [&](Session& s) -> Result<Found> {
    sql::PreparedStatement& st = s.Prepared(kFindKey);
    SetDigest(st, 1, key_digest);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    if (!rs->next()) return Error::Make(ErrorCode::kNotFound, "No such key.");
    Found f;
    f.key_id = rs->getUInt64(1);
    f.who.user_id = rs->getUInt64(2);
    f.who.is_admin = rs->getInt(3) != 0;
    f.who.via_api_key = true;
    f.stale = rs->isNull(4) || now - rs->getInt64(4) >= kKeyTouchSeconds;
    return f;
  });
  if (!found.ok()) return found.error();
  if (found.value().stale) {
    // Best effort: a failed touch must not fail the request the key is good for.
    Run<bool>("touch_api_key", Access::kWrite, [&](Session& s) -> Result<bool> {
      sql::PreparedStatement& st = s.Prepared(kTouchKey);
      st.setInt64(1, now);
      st.setUInt64(2, found.value().key_id);
      st.executeUpdate();
      return true;
    }).IgnoreError();
  }
  return found.value().who;
}

Result<std::vector<ApiKeyInfo>> MysqlStore::ListApiKeys(uint64_t user_id) {
  return Run<std::vector<ApiKeyInfo>>("list_api_keys", Access::kRead,
                                      [&](Session& s) -> Result<std::vector<ApiKeyInfo>> {
                                        sql::PreparedStatement& st = s.Prepared(kListKeys);
                                        st.setUInt64(1, user_id);
                                        std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
                                        std::vector<ApiKeyInfo> keys;
                                        while (rs->next()) {
                                          ApiKeyInfo key;
                                          key.id = rs->getUInt64(1);
                                          key.user_id = rs->getUInt64(2);
                                          key.name = rs->getString(3);
                                          key.created_at = rs->getInt64(4);
                                          if (!rs->isNull(5)) key.last_used_at = rs->getInt64(5);
                                          keys.push_back(std::move(key));
                                        }
                                        return keys;
                                      });
}

Status MysqlStore::DeleteApiKey(std::optional<uint64_t> user_id, uint64_t key_id) {
  Result<bool> deleted =
      Run<bool>("delete_api_key", Access::kWrite, [&](Session& s) -> Result<bool> {
        sql::PreparedStatement& st = s.Prepared(user_id ? kDeleteOwnKey : kDeleteKey);
        st.setUInt64(1, key_id);
        if (user_id) st.setUInt64(2, *user_id);
        return st.executeUpdate() > 0;
      });
  if (!deleted.ok()) return deleted.error();
  if (!deleted.value()) return Error::Make(ErrorCode::kNotFound, "No such API key.");
  return Status::Ok();
}

Result<uint64_t> MysqlStore::PurgeExpiredTokens(int64_t now, int limit) {
  return Run<uint64_t>("purge_tokens", Access::kWrite, [&](Session& s) -> Result<uint64_t> {
    sql::PreparedStatement& st = s.Prepared(kPurgeTokens);
    st.setInt64(1, now);
    st.setInt(2, limit);
    return static_cast<uint64_t>(st.executeUpdate());
  });
}

}  // namespace shortener
