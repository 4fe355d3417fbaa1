-- Imported slugs (YOURLS keywords, exports) may be 1 to 100 characters (API.md "Slugs"); the
-- create endpoints still hold custom slugs to 3-64. Both widths take a one-byte length in an
-- ascii column, so MariaDB widens the column in place without copying the table.
ALTER TABLE links MODIFY slug VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NULL;
