-- Per-link visit limits and redirect codes (issue 13; API.md's `max_visits` and `redirect_code`).
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- max_visits: NULL for no limit (every link made before this migration). visits: the visits a
-- limited link has used, counted by one conditional UPDATE per counted visit
-- (visits = visits + 1 WHERE visits < max_visits), so N allowed visits are exactly N redirects
-- whatever the number of workers and instances; a link without a limit never writes it.
-- redirect_code: the status of its redirects, 301, 302 (the default), 307 or 308.
ALTER TABLE links
  ADD COLUMN max_visits BIGINT UNSIGNED NULL,
  ADD COLUMN visits BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN redirect_code SMALLINT UNSIGNED NOT NULL DEFAULT 302;
