-- Permanent links: expires_at NULL means the link never expires (API.md: "expires_in": null).
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- The purge deletes `expires_at <= cut-off`, which a NULL never satisfies, so it walks
-- idx_links_expires_at past the permanent links without touching them.
ALTER TABLE links MODIFY expires_at DATETIME NULL;
