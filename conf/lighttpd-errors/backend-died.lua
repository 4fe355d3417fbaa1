-- lighttpd (mod_magnet, response start): a worker that died before answering is a 502 Bad
-- Gateway, not lighttpd 1.4's hard-coded 500. A 500 of lighttpd's own carries none of the
-- workers' headers (every worker answer has X-Content-Type-Options); the worker's own 500s pass.
-- The body becomes status-502.html, found beside this script.
local r = lighty.r
if r.req_item.http_status == 500 and not r.resp_header["X-Content-Type-Options"] then
  local dir = debug.getinfo(1, "S").source:gsub("^@", ""):match("^(.*)/[^/]*$")
  r.resp_body.set({ { filename = dir .. "/status-502.html" } })
  return 502
end
