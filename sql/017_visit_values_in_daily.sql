-- A (link, day)'s breakdown values move into its link_visits_daily row (docs/statistics.md
-- "Writing: the flush"; docs/performance.md "What the statistics cost").
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- breakdown_values: the day's values as text (domain/day_values.h): one line per value,
-- "<breakdown digit>" TAB "<value>" TAB "<clicks>", lines joined by LF, in breakdown then value
-- order; still at most 50 named values + 'other' per breakdown. A flush then reads and writes a
-- day as one row (upsert, read back, write back) where it wrote a row per value of
-- link_visit_values: about 3 rows a (link, day) instead of about 10.
-- Stop the workers of the previous version before applying it: they write link_visit_values,
-- which this drops (their flushes fail and keep their batches until they are stopped).
ALTER TABLE link_visits_daily
  ADD COLUMN breakdown_values MEDIUMBLOB NOT NULL DEFAULT '';
-- Every day's value rows, as the text above (a day holds at most 5 x 51 values of at most
-- 253 bytes: far below the 1 MiB of group_concat_max_len set here).
SET SESSION group_concat_max_len = 1048576;
UPDATE link_visits_daily d SET d.breakdown_values = COALESCE((
    SELECT GROUP_CONCAT(CONCAT(v.breakdown, CHAR(9), v.value, CHAR(9), v.clicks)
                        ORDER BY v.breakdown, v.value SEPARATOR '\n')
    FROM link_visit_values v
    WHERE v.link_id = d.link_id AND v.day = d.day AND v.breakdown < 5 AND v.clicks > 0), '');
DROP TABLE link_visit_values;
-- values_bound (sql/015) bounded the value rows a flush could add without reading them; a flush
-- now always reads the day's row.
ALTER TABLE link_visits_daily DROP COLUMN values_bound;
