-- Disabled users (shortener-admin user disable|enable, issue 10 point 21). A disabled user keeps
-- its row, its links (they keep redirecting) and its API keys, but no login succeeds and no
-- login token or API key of it authenticates while disabled_at is set: the token and key
-- lookups join users and require disabled_at IS NULL, so every instance sees the change on its
-- next request. NULL: the user is enabled.
ALTER TABLE users ADD COLUMN disabled_at DATETIME NULL;
