-- lighttpd (mod_magnet, response start): what API.md asks of every answer, on the answers
-- lighttpd makes itself too. An error it answers while reading a request (400, 411, 413, 431)
-- comes before any of the configuration's conditions, so mod_setenv adds nothing to it; and
-- mod_setenv adds the web interface's headers by the path, whatever the status, so a missing
-- file under /ui/v1/ would be a 404 kept for a year by every cache.
local r = lighty.r
local h = r.resp_header
if not h["X-Content-Type-Options"] then
  h["X-Content-Type-Options"] = "nosniff"
end
local cache = h["Cache-Control"]
if r.req_item.http_status >= 400 and cache and cache:find("immutable", 1, true) then
  h["Cache-Control"] = "no-store"
end
