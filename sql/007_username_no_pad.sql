-- Usernames compare without padding (issue 10, point 5). Under a PAD SPACE collation such as
-- ascii_bin, MariaDB finds 'alice' for 'alice   ', so a login spelt with trailing spaces reached
-- alice's account while the failed-login limit counted that spelling apart. The lookup key
-- becomes VARBINARY, which compares bytes exactly (no padding, no collation) on MariaDB and
-- MySQL alike; the service writes it lower-cased, so uniqueness still ignores ASCII case.
ALTER TABLE users MODIFY username_key VARBINARY(32) NOT NULL;
