-- A cheaper flush of the visit statistics (docs/statistics.md "Writing: the flush").
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- values_bound: an upper bound of the named values (all but 'other') that any one breakdown of
-- the (link, day) holds in link_visit_values. Each flush adds to it the most named values one
-- breakdown of its batch brings. While it stays at or under 50 (kTopValues) no breakdown can
-- overflow its top 50, so the flush adds its counts to the stored rows blindly (one multi-row
-- upsert, no read of the values); above 50 the flush reads the pair's values, folds them to
-- the top 50 + other and sets the bound to the exact count again. 1000, the default, means
-- "not known": rows written before this migration, or by a worker that predates it, are read
-- and folded on their next flush, which sets the exact count.
ALTER TABLE link_visits_daily
  ADD COLUMN values_bound SMALLINT UNSIGNED NOT NULL DEFAULT 1000;
