-- Links: the one table both API families read and write.
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- slug is ascii_bin: slugs are case-sensitive ("abc" and "ABC" are two links) and ASCII only.
-- It is NULL only inside the creating transaction, between the insert that allocates the id
-- and the update that names the row after it; a UNIQUE index allows many NULLs.
-- url is ASCII by validation (IRIs arrive percent-encoded) and kept byte for byte.
CREATE TABLE IF NOT EXISTS links (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  slug VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  url TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner_id BIGINT UNSIGNED NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  clicks BIGINT UNSIGNED NOT NULL DEFAULT 0,
  metadata TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_links_slug (slug),
  KEY idx_links_expires_at (expires_at),
  KEY idx_links_owner (owner_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
