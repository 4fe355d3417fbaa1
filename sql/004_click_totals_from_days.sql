-- A link's click total is the sum of its rows in link_clicks_daily, summed when read.
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- Keeping a running total in links.clicks as well made every flush rewrite each clicked link's
-- row (its URL and metadata with it, undo-logged) besides the narrow per-day row: about half of
-- the database work of counting. Both were written together in every flush since 003, so the
-- per-day rows already hold every click the column held.
ALTER TABLE links DROP COLUMN clicks;
