// MysqlStore's link creation: slugs (custom, generated, held after a deletion) and the
// Idempotency-Key that makes a retried creation answer the first link again.
#include <cppconn/statement.h>

#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// A generated slug can be held by a custom slug (or a freed one); a few tries always get past.
constexpr int kMaxSlugAttempts = 8;

// The row's columns and values, shared by the inserts below.
#define LINK_INSERT                                                                        \
  "INSERT INTO links (slug, url, owner_id, created_at, updated_at, expires_at, metadata, " \
  "max_visits, redirect_code) "
#define LINK_VALUES                                                                                \
  "?, ?, ?, " SHORTENER_DATETIME_PARAM ", " SHORTENER_DATETIME_PARAM ", " SHORTENER_DATETIME_PARAM \
  ", ?, ?, ?"
const char kInsertLink[] = LINK_INSERT "VALUES (" LINK_VALUES ") RETURNING id";
// A creation in one autocommit statement (no transaction, no second round trip for the id):
// the row goes in unless its slug is held (sql/006), which leaves no row and returns none.
// INSERT ... SELECT takes shared locks on the freed_slugs entry it reads before inserting the
// links row, the reverse of DeleteLink's order: two such statements for one slug at the same
// moment may deadlock, and the victim is run again by Run (1213).
// Held against everyone: a generated slug never lands on a held one, not even its owner's.
const char kInsertGenerated[] =
    LINK_INSERT "SELECT " LINK_VALUES
                " FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM freed_slugs "
                "WHERE slug = ? AND freed_at > " SHORTENER_DATETIME_PARAM ") RETURNING id";
// Held against anyone but the freed link's owner (API.md freed_slug_hold).
const char kInsertCustom[] = LINK_INSERT "SELECT " LINK_VALUES
                                         " FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM freed_slugs "
                                         "WHERE slug = ? AND freed_at > " SHORTENER_DATETIME_PARAM
                                         " AND NOT (owner_id <=> ?)) RETURNING id";
// The number a generated slug is made of (sql/016): a sequence, not the row's AUTO_INCREMENT
// id, so that the slug is known before the row is written and the row goes in whole in one
// statement. Unique across Galera nodes (INCREMENT BY 0 interleaves them like AUTO_INCREMENT);
// drawn from the server's cache, without a write, most of the time.
const char kNextSlugNumber[] = "SELECT NEXTVAL(link_slug_numbers)";
// The same without a causal read's wait: a node's numbers never depend on what the others
// committed (each draws its own interleaved ones), and on a cluster the wait is a
// group-communication round that queues behind the commits in flight: one of a creation's two
// waits (the API key's read keeps its own: a key revoked through another node must fail at
// once). For a session with causal reads on (so the variable exists there).
const char kNextSlugNumberNoWait[] = SHORTENER_NO_CAUSAL_WAIT "SELECT NEXTVAL(link_slug_numbers)";
// The slug's hold against anyone but the freed link's owner, for an import's transaction
// (SlugHeldFrom). A locking read, after the link's own insert: the import, DeleteLink and the
// purge lock a slug's links row and then its freed_slugs row, so they wait for each other,
// never deadlock (a creation's single statement above takes them the other way round).
const char kSlugHeldFromOwner[] =
    "SELECT 1 FROM freed_slugs WHERE slug = ? AND freed_at > " SHORTENER_DATETIME_PARAM
    " AND NOT (owner_id <=> ?) LOCK IN SHARE MODE";
// RequireStored's witness of a creation: its row.
const StoredWitness kLinkStored =
    SHORTENER_STORED_WITNESS("SELECT COUNT(*) FROM links WHERE id = ?");
#undef LINK_INSERT
#undef LINK_VALUES

// The key's row goes in first, with a placeholder answer filled in once the link exists: a
// second request with the same key waits on this row before it creates anything, so it cannot
// trip over the first one's custom slug; it then finds the key used and answers as the first.
const char kClaimKey[] =
    "INSERT INTO idempotency_keys (user_id, idem_key, request_digest, link_id, "
    "answer_location, answer_body, created_at) VALUES (?, ?, ?, 0, '', "
    "'', " SHORTENER_DATETIME_PARAM ")";
// Shared, not exclusive: the failed insert already holds a shared lock on the row (InnoDB keeps
// it after a duplicate key), and so does every other request that waited on the same key; had
// they all asked for an exclusive one, each would wait for the others' shared ones (a deadlock).
const char kFindKey[] =
    "SELECT request_digest, answer_location, answer_body, " SHORTENER_SECONDS_OF(
        "created_at") " FROM idempotency_keys WHERE user_id = ? AND idem_key = ? LOCK IN SHARE "
                      "MODE";
// Takes over a row older than the key lifetime that the purge has not removed yet. (Two
// requests doing so at once with one stale key deadlock; one gets 503 and nothing is stored.)
const char kReclaimKey[] =
    "UPDATE idempotency_keys SET request_digest = ?, link_id = 0, answer_location = '', "
    "answer_body = '', created_at = " SHORTENER_DATETIME_PARAM
    " WHERE user_id = ? AND idem_key = ?";
const char kSetKeyAnswer[] =
    "UPDATE idempotency_keys SET link_id = ?, answer_location = ?, answer_body = ? "
    "WHERE user_id = ? AND idem_key = ?";

Error SlugTaken() { return Error::Make(ErrorCode::kSlugTaken, "That slug is already taken."); }

Error SlugHeld() {
  return Error::Make(ErrorCode::kSlugTaken,
                     "That slug belonged to a link that was deleted, and is held for a while so "
                     "that old copies of it do not lead somewhere new; choose another.");
}

// Binds parameter `i` of `st` to `value`, or to NULL when it is unset.
void SetOrNull(sql::PreparedStatement& st, int i, const std::optional<std::string>& value) {
  value ? st.setString(i, *value) : st.setNull(i, sql::DataType::VARCHAR);
}
void SetOrNull(sql::PreparedStatement& st, int i, const std::optional<uint64_t>& value) {
  value ? st.setUInt64(i, *value) : st.setNull(i, sql::DataType::BIGINT);
}
void SetOrNull(sql::PreparedStatement& st, int i, const std::optional<int64_t>& value) {
  value ? st.setInt64(i, *value) : st.setNull(i, sql::DataType::BIGINT);
}

// Binds the row's values (LINK_VALUES) of `link` under `slug` from parameter 1; returns the
// next free parameter.
int BindLinkValues(sql::PreparedStatement& st, const std::optional<std::string>& slug,
                   const Link& link) {
  SetOrNull(st, 1, slug);
  st.setString(2, link.url);
  SetOrNull(st, 3, link.owner_id);
  st.setInt64(4, link.created_at);
  st.setInt64(5, link.updated_at);
  SetOrNull(st, 6, link.expires_at);
  st.setString(7, link.metadata_json);
  SetOrNull(st, 8, link.max_visits);
  st.setInt(9, link.redirect_code);
  return 10;
}

// Runs a bound INSERT ... RETURNING id: the new row's id, or nullopt when it inserted nothing.
std::optional<uint64_t> InsertReturningId(sql::PreparedStatement& st) {
  std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
  if (!rs->next()) return std::nullopt;
  return rs->getUInt64(1);
}

// Inserts `link` on `s`, each row in one statement (committed by it unless the caller holds a
// transaction open). kSlugTaken when a custom slug is taken or held (nothing was inserted);
// a generated slug that is taken, refused or held is passed over for the next number's.
Result<Link> InsertLink(MysqlStore::Session& s, const NewLink& link, const SlugMaker& make_slug) {
  Link out;
  out.url = link.url;
  out.owner_id = link.owner_id;
  out.created_at = out.updated_at = link.now;
  out.expires_at = link.expires_at;
  out.metadata_json = link.metadata_json;
  out.max_visits = link.max_visits;
  out.redirect_code = link.redirect_code;
  const int64_t held_after = link.now - link.freed_slug_hold;

  if (link.custom_slug) {
    sql::PreparedStatement& insert = s.Prepared(kInsertCustom);
    int param = BindLinkValues(insert, link.custom_slug, out);
    insert.setString(param, *link.custom_slug);
    insert.setInt64(param + 1, held_after);
    SetOrNull(insert, param + 2, link.owner_id);
    s.Writing();
    std::optional<uint64_t> id;
    try {
      id = InsertReturningId(insert);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErrDuplicateKey) throw;
      return SlugTaken();
    }
    if (!id) return SlugHeld();
    out.id = *id;
    out.slug = *link.custom_slug;
    return out;
  }

  for (int attempt = 0; attempt < kMaxSlugAttempts; ++attempt) {
    std::unique_ptr<sql::ResultSet> number(
        s.Prepared(s.traits.causal ? kNextSlugNumberNoWait : kNextSlugNumber).executeQuery());
    if (!number->next()) throw std::runtime_error("NEXTVAL gave no row");
    std::optional<std::string> slug = make_slug(number->getUInt64(1));
    if (!slug) continue;
    sql::PreparedStatement& insert = s.Prepared(kInsertGenerated);
    int param = BindLinkValues(insert, slug, out);
    insert.setString(param, *slug);
    insert.setInt64(param + 1, held_after);
    s.Writing();
    std::optional<uint64_t> id;
    try {
      id = InsertReturningId(insert);
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErrDuplicateKey) throw;
    }
    if (id) {
      out.id = *id;
      out.slug = std::move(*slug);
      return out;
    }
    // The number stays consumed (a sequence never gives it again): the next one is new.
  }
  Log(Severity::kError, "no free generated slug after %d numbers", kMaxSlugAttempts);
  return Error::Make(ErrorCode::kInternal, "Internal error.");
}

// Claims claim.key for `user_id` in the open transaction of `s`: nullopt when it is free (or
// its row outlived the key lifetime), else the earlier request's answer and digest.
std::optional<KeyedCreate> ClaimKey(MysqlStore::Session& s, uint64_t user_id,
                                    const IdempotencyClaim& claim, int64_t now) {
  sql::PreparedStatement& insert = s.Prepared(kClaimKey);
  insert.setUInt64(1, user_id);
  insert.setString(2, claim.key);
  insert.setString(3, claim.request_digest);
  insert.setInt64(4, now);
  try {
    insert.executeUpdate();
    return std::nullopt;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != kErrDuplicateKey) throw;
  }
  sql::PreparedStatement& find = s.Prepared(kFindKey);
  find.setUInt64(1, user_id);
  find.setString(2, claim.key);
  std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
  // The duplicate is committed (the insert waited for it) and locked now, so it is there.
  if (!rs->next()) throw std::runtime_error("idempotency key vanished under a lock");
  if (rs->getInt64(4) > now - kIdempotencyKeyLifetime) {
    KeyedCreate earlier;
    earlier.earlier_digest = rs->getString(1);
    earlier.earlier = CreateAnswer{rs->getString(2), rs->getString(3)};
    return earlier;
  }
  sql::PreparedStatement& reclaim = s.Prepared(kReclaimKey);
  reclaim.setString(1, claim.request_digest);
  reclaim.setInt64(2, now);
  reclaim.setUInt64(3, user_id);
  reclaim.setString(4, claim.key);
  reclaim.executeUpdate();
  return std::nullopt;
}

// Binds `id` as a statement's only parameter.
auto BindId(uint64_t id) {
  return [id](sql::PreparedStatement& st) { st.setUInt64(1, id); };
}

}  // namespace

uint64_t mysql_internal::InsertLinkRow(MysqlStore::Session& s,
                                       const std::optional<std::string>& slug, const Link& link) {
  sql::PreparedStatement& st = s.Prepared(kInsertLink);
  BindLinkValues(st, slug, link);
  std::optional<uint64_t> id = InsertReturningId(st);
  if (!id) throw std::runtime_error("INSERT ... RETURNING gave no row");
  return *id;
}

bool mysql_internal::SlugHeldFrom(MysqlStore::Session& s, const std::string& slug,
                                  int64_t held_after, const std::optional<uint64_t>& owner_id) {
  sql::PreparedStatement& held = s.Prepared(kSlugHeldFromOwner);
  held.setString(1, slug);
  held.setInt64(2, held_after);
  SetOrNull(held, 3, owner_id);
  std::unique_ptr<sql::ResultSet> rs(held.executeQuery());
  return rs->next();
}

Result<Link> MysqlStore::CreateLink(const NewLink& link, const SlugMaker& make_slug) {
  return Run<Link>("create_link", Access::kWrite, [&](Session& s) -> Result<Link> {
    // Until the INSERT, only a slug number was drawn: a connection lost then changed nothing.
    s.Retryable();
    Result<Link> created = InsertLink(s, link, make_slug);
    if (created.ok()) RequireStored(s, kLinkStored, BindId(created.value().id));
    return created;
  });
}

Result<KeyedCreate> MysqlStore::CreateLinkOnce(const NewLink& link, const SlugMaker& make_slug,
                                               const IdempotencyClaim& claim) {
  if (!link.owner_id) return Error::Make(ErrorCode::kInternal, "Internal error.");
  const uint64_t user_id = *link.owner_id;
  return Run<KeyedCreate>(
      "create_link_once", Access::kWrite, [&](Session& s) -> Result<KeyedCreate> {
        s.Begin();
        std::optional<KeyedCreate> earlier = ClaimKey(s, user_id, claim, link.now);
        if (earlier) {
          s.Rollback();
          return std::move(*earlier);
        }
        Result<Link> created = InsertLink(s, link, make_slug);
        if (!created.ok()) {
          // The key goes too: a refused request leaves nothing behind to replay.
          s.Rollback();
          return created.error();
        }
        CreateAnswer answer = claim.answer(created.value());
        sql::PreparedStatement& set = s.Prepared(kSetKeyAnswer);
        set.setUInt64(1, created.value().id);
        set.setString(2, answer.location);
        set.setString(3, answer.body);
        set.setUInt64(4, user_id);
        set.setString(5, claim.key);
        set.executeUpdate();
        s.Commit();
        RequireStored(s, kLinkStored, BindId(created.value().id));
        KeyedCreate out;
        out.created = std::move(created.value());
        return out;
      });
}

}  // namespace shortener
