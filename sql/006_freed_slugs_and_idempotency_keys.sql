-- What deletions and creations leave behind for a while: held slugs and idempotency keys.
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- freed_slugs: the slug of every deleted or purged link, written in the deleting transaction,
-- with its owner then. Another user cannot take the slug until freed_slug_hold has passed
-- (a short link shared long ago must not start leading somewhere else); its owner can.
-- purge-expired forgets rows older than the hold. slug is as wide as the widest slug any
-- path may store (imports allow 100), in the links column's character set and collation.
CREATE TABLE IF NOT EXISTS freed_slugs (
  slug VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner_id BIGINT UNSIGNED NULL,
  freed_at DATETIME NOT NULL,
  PRIMARY KEY (slug),
  KEY idx_freed_slugs_freed_at (freed_at)
) ENGINE=InnoDB;

-- idempotency_keys: the 201 answered to a create sent with an Idempotency-Key, inserted in
-- the link's own transaction, so a committed link always has its key and a retry after an
-- unknown outcome finds it. The key is VARBINARY: compared byte for byte, trailing spaces
-- included (a PAD SPACE collation would take "k" and "k " for one key). request_digest is
-- the SHA-256 of the route and the body, to refuse the same key with another request.
-- link_id is not a foreign key: a retry after the link was deleted still gets the first
-- answer, never a second link. purge-expired removes rows older than 24 hours.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id BIGINT UNSIGNED NOT NULL,
  idem_key VARBINARY(64) NOT NULL,
  request_digest BINARY(32) NOT NULL,
  link_id BIGINT UNSIGNED NOT NULL,
  answer_location TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  answer_body MEDIUMBLOB NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (user_id, idem_key),
  KEY idx_idempotency_keys_created_at (created_at),
  CONSTRAINT fk_idempotency_keys_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;
