-- Clicks: per-day counts per link, and the ids of the click batches workers have applied.
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- link_clicks_daily holds each link's clicks by UTC day (and, since 004, its total as their sum),
-- written only by the workers' batched flushes (src/clicks.h), never one row update per click.
-- Deleting a link (DELETE, purge-expired) removes its days through the foreign key.
CREATE TABLE IF NOT EXISTS link_clicks_daily (
  link_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  clicks BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (link_id, day),
  CONSTRAINT fk_link_clicks_daily_link FOREIGN KEY (link_id) REFERENCES links (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;

-- One row per applied batch, inserted in the batch's own transaction: a worker that lost its
-- connection around COMMIT retries with the same id, and the duplicate key tells it the batch
-- is already in, so nothing is counted twice. A worker deletes the rows of its batches once it
-- knows they are in (with its next batch); rows of a worker killed meanwhile stay, one each.
CREATE TABLE IF NOT EXISTS click_batches (
  id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  applied_at DATETIME NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
