-- Generated slugs from a sequence instead of the row's id (issue 17): the slug of a new link is
-- known before its row is written, so the row goes in whole in one autocommit INSERT (it was a
-- transaction of an INSERT, a read of the id and an UPDATE naming the row).
-- A statement ends at a line ending in ';' (see ApplyMigrations).
--
-- Numbers start past every id the table has used, plus 1,000 for links that workers of the
-- previous version make while the new ones start: every earlier generated slug was the slug of
-- its row's id, so none of them comes back (a number whose slug a row already holds is skipped
-- anyway; the margin only saves those retries). INCREMENT BY 0 takes auto_increment_increment
-- and auto_increment_offset, so the nodes of a Galera cluster draw disjoint numbers, as they
-- do for AUTO_INCREMENT; the server keeps 1,000 numbers in memory between writes. Nothing here
-- touches the links table: safe on any size of table, and on a cluster.
SET @first_slug_number = (SELECT COALESCE(MAX(id), 0) + 1001 FROM links);
EXECUTE IMMEDIATE CONCAT('CREATE SEQUENCE IF NOT EXISTS link_slug_numbers START WITH ',
  @first_slug_number, ' INCREMENT BY 0 CACHE 1000 ENGINE=InnoDB');
