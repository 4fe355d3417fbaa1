// MysqlStore's link creation: slugs (custom, generated, held after a deletion) and the
// Idempotency-Key that makes a retried creation answer the first link again.
#include <cppconn/statement.h>

#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

// A custom slug can hold the slug of the next id too; a few tries always get past them.
constexpr int kMaxSlugAttempts = 8;

const char kInsertLink[] =
    "INSERT INTO links (slug, url, owner_id, created_at, updated_at, expires_at, metadata, "
    "max_visits, redirect_code) VALUES (?, ?, ?, " SHORTENER_DATETIME_PARAM
    ", " SHORTENER_DATETIME_PARAM ", " SHORTENER_DATETIME_PARAM ", ?, ?, ?)";
// Names a fresh row after its id unless the slug is held (sql/006): no row changed then.
const char kSetGeneratedSlug[] =
    "UPDATE links SET slug = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM freed_slugs "
    "WHERE slug = ? AND freed_at > " SHORTENER_DATETIME_PARAM ")";
// The slug's hold against anyone but the freed link's owner. A locking read, after the link's
// own insert: every transaction touching a slug's links row and its freed_slugs row (this one,
// DeleteLink, the purge) locks them in that order, so they wait for each other, never deadlock.
const char kSlugHeldFromOwner[] =
    "SELECT 1 FROM freed_slugs WHERE slug = ? AND freed_at > " SHORTENER_DATETIME_PARAM
    " AND NOT (owner_id <=> ?) LOCK IN SHARE MODE";
const char kDropLink[] = "DELETE FROM links WHERE id = ?";

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

// Inserts `link` into the open transaction of `s`. kSlugTaken (the caller rolls back) when a
// custom slug is taken or held; a generated slug that is taken, refused or held is dropped
// with its row and the next id is tried.
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
  auto insert = [&](const std::optional<std::string>& slug) { return InsertLinkRow(s, slug, out); };

  if (link.custom_slug) {
    try {
      out.id = insert(link.custom_slug);
    } catch (const sql::SQLException& e) {
      // Only the statement is undone; the caller rolls the transaction back.
      if (e.getErrorCode() != kErrDuplicateKey) throw;
      return SlugTaken();
    }
    if (SlugHeldFrom(s, *link.custom_slug, held_after, link.owner_id)) return SlugHeld();
    out.slug = *link.custom_slug;
    return out;
  }

  // The slug derives from the row's own id, so the row is inserted first and named after, in
  // one transaction, so no reader ever sees a link without a slug.
  for (int attempt = 0; attempt < kMaxSlugAttempts; ++attempt) {
    out.id = insert(std::nullopt);
    std::optional<std::string> slug = make_slug(out.id);
    bool named = false;
    if (slug) {
      sql::PreparedStatement& set_slug = s.Prepared(kSetGeneratedSlug);
      set_slug.setString(1, *slug);
      set_slug.setUInt64(2, out.id);
      set_slug.setString(3, *slug);
      set_slug.setInt64(4, held_after);
      try {
        named = set_slug.executeUpdate() == 1;
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != kErrDuplicateKey) throw;
      }
    }
    if (named) {
      out.slug = std::move(*slug);
      return out;
    }
    // The id stays consumed (InnoDB never reuses it), so the next attempt gets a new slug.
    sql::PreparedStatement& drop = s.Prepared(kDropLink);
    drop.setUInt64(1, out.id);
    drop.executeUpdate();
  }
  Log(Severity::kError, "no free generated slug after %d ids", kMaxSlugAttempts);
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

}  // namespace

uint64_t mysql_internal::InsertLinkRow(MysqlStore::Session& s,
                                       const std::optional<std::string>& slug, const Link& link) {
  sql::PreparedStatement& st = s.Prepared(kInsertLink);
  if (slug) {
    st.setString(1, *slug);
  } else {
    st.setNull(1, sql::DataType::VARCHAR);
  }
  st.setString(2, link.url);
  if (link.owner_id) {
    st.setUInt64(3, *link.owner_id);
  } else {
    st.setNull(3, sql::DataType::BIGINT);
  }
  st.setInt64(4, link.created_at);
  st.setInt64(5, link.updated_at);
  if (link.expires_at) {
    st.setInt64(6, *link.expires_at);
  } else {
    st.setNull(6, sql::DataType::BIGINT);
  }
  st.setString(7, link.metadata_json);
  if (link.max_visits) {
    st.setUInt64(8, *link.max_visits);
  } else {
    st.setNull(8, sql::DataType::BIGINT);
  }
  st.setInt(9, link.redirect_code);
  st.executeUpdate();
  return LastInsertId(s);
}

bool mysql_internal::SlugHeldFrom(MysqlStore::Session& s, const std::string& slug,
                                  int64_t held_after, const std::optional<uint64_t>& owner_id) {
  sql::PreparedStatement& held = s.Prepared(kSlugHeldFromOwner);
  held.setString(1, slug);
  held.setInt64(2, held_after);
  if (owner_id) {
    held.setUInt64(3, *owner_id);
  } else {
    held.setNull(3, sql::DataType::BIGINT);
  }
  std::unique_ptr<sql::ResultSet> rs(held.executeQuery());
  return rs->next();
}

Result<Link> MysqlStore::CreateLink(const NewLink& link, const SlugMaker& make_slug) {
  return Run<Link>("create_link", Access::kWrite, [&](Session& s) -> Result<Link> {
    s.Begin();
    Result<Link> created = InsertLink(s, link, make_slug);
    if (!created.ok()) {
      s.Rollback();
      return created;
    }
    s.Commit();
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
        KeyedCreate out;
        out.created = std::move(created.value());
        return out;
      });
}

}  // namespace shortener
