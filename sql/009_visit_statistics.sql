-- Visit statistics (docs/statistics.md): per (link, UTC day) rollups and breakdown counts.
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- Written only by the workers' flushes, in the same transaction as the click batch whose
-- visits they classify (MysqlStore::AddClicks), so they are as exact and as idempotent as
-- link_clicks_daily: for every (link, day) written with visit_statistics on, link_clicks_daily's
-- clicks = human_clicks + bot_clicks = the sum of each breakdown's clicks.
-- Nothing personal is stored: no address, no User-Agent, no referrer beyond its host; the
-- sketch holds registers of keyed hashes whose key changes every UTC day.
-- Deleting a link (DELETE, purge-expired) removes both through the foreign keys.

-- One row per (link, day): the human/bot split and the unique-visitor HyperLogLog sketch of
-- the human visits (hll.h format version 1: a few bytes sparse, 12,291 bytes dense). The row is
-- also what serialises the flushes of one (link, day): each flush upserts it first and holds its
-- lock while it merges the sketch and folds the breakdowns.
CREATE TABLE IF NOT EXISTS link_visits_daily (
  link_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  human_clicks BIGINT UNSIGNED NOT NULL,
  bot_clicks BIGINT UNSIGNED NOT NULL,
  visitors VARBINARY(12300) NOT NULL,
  PRIMARY KEY (link_id, day),
  CONSTRAINT fk_link_visits_daily_link FOREIGN KEY (link_id) REFERENCES links (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;

-- Clicks per breakdown value: breakdown 0 referrer host, 1 country, 2 device, 3 browser, 4 OS
-- (domain/visit_stats.h Breakdown). At most 50 named values per (link, day, breakdown) plus
-- 'other' with the sum of the rest, so referrer spam cannot grow the table without bound.
-- Values are ASCII by construction (hosts are [a-z0-9._-], the rest come from fixed tables);
-- ascii_bin compares them byte for byte.
CREATE TABLE IF NOT EXISTS link_visit_values (
  link_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  breakdown TINYINT UNSIGNED NOT NULL,
  value VARCHAR(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  clicks BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (link_id, day, breakdown, value),
  CONSTRAINT fk_link_visit_values_link FOREIGN KEY (link_id) REFERENCES links (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;
