-- wrk script of `make bench` (tests/bench/bench.py runs it; settings come from the environment):
--   BENCH_MODE        hot | miss | create | mix | get
--   BENCH_HOT_SLUGS   hot and mix: redirects go to a random one of slugs 1..N
--   BENCH_MISS_FIRST, BENCH_MISS_COUNT
--                     miss: slugs FIRST.. FIRST+COUNT-1, each requested once across all threads
--                     (thread t of T takes FIRST+t, FIRST+t+T, ...), so every one is a cache miss
--   BENCH_MISS_STRIDE miss: the i-th of those is slug FIRST + (i * STRIDE) mod COUNT instead, so the
--                     reads spread over the whole range (STRIDE and COUNT share no divisor)
--   BENCH_THREADS     wrk's -t, for the miss split
--   BENCH_API_KEY     create and mix: sent as X-API-Key when not empty
--   BENCH_MIX_CREATE  mix: percentage of requests that are creations (default 5)
--   BENCH_SPAM        hot: "1" sends a new referrer host and User-Agent with every request
--                     (up to 1,000,000 distinct ones), for the statistics' memory bound
--   BENCH_PATH        get: the path every request GETs (with the API key)
--   BENCH_UNKNOWN_COUNT
--                     unknown: GET /r/ of slugs that name no link, a random one of N ("nolink"
--                     plus 7 digits), or with 0 a new one every request; the expected answer is
--                     404, so only other answers are counted as status errors
-- Redirects carry a browser's User-Agent and a Referer, as visits do: one of a few browsers and
-- one of 200 referrer hosts, so the statistics classify them like real traffic.
-- The seeded slugs are "bench" plus the link's number in 7 digits (bench.py seeds them).
-- done() prints one line "BENCH_RESULT {json}" with the counts and latency percentiles.

local mode = os.getenv("BENCH_MODE") or "hot"
local hot_slugs = tonumber(os.getenv("BENCH_HOT_SLUGS") or "10000")
local miss_first = tonumber(os.getenv("BENCH_MISS_FIRST") or "1")
local miss_count = tonumber(os.getenv("BENCH_MISS_COUNT") or "1")
local miss_stride = tonumber(os.getenv("BENCH_MISS_STRIDE") or "1")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local api_key = os.getenv("BENCH_API_KEY") or ""
local mix_create = tonumber(os.getenv("BENCH_MIX_CREATE") or "5")
local spam = os.getenv("BENCH_SPAM") == "1"
local get_path = os.getenv("BENCH_PATH") or "/healthz"
local unknown_count = tonumber(os.getenv("BENCH_UNKNOWN_COUNT") or "0")

local agents = {
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
  "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local sent = 0
local create_headers = {["Content-Type"] = "application/json"}
if api_key ~= "" then create_headers["X-API-Key"] = api_key end

function init(args)
  -- Each thread its own sequence, so the threads do not walk the hot slugs in lockstep.
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

local function slug(n)
  return string.format("bench%07d", n)
end

local function redirect_hot()
  local headers
  if spam then
    local n = math.random(1000000)
    headers = {["User-Agent"] = agents[1] .. " spam/" .. n,
               ["Referer"] = string.format("https://h%d.spam.example/p", n)}
  else
    headers = {["User-Agent"] = agents[math.random(#agents)],
               ["Referer"] = string.format("https://site%d.example/page", math.random(200))}
  end
  return wrk.format("GET", "/r/" .. slug(math.random(hot_slugs)), headers)
end

local get_headers = {}
if api_key ~= "" then get_headers["X-API-Key"] = api_key end

local function create()
  local body = string.format('{"original_url": "https://example.com/created/%d/%d/%d"}',
                             tid or 0, sent, math.random(1000000000))
  return wrk.format("POST", "/api/v1/url-shortener", create_headers, body)
end

function request()
  sent = sent + 1
  if mode == "hot" then
    return redirect_hot()
  elseif mode == "miss" then
    -- Past the end it wraps around (then hits): bench.py flags a run that sent more than COUNT.
    local i = ((tid or 0) + (sent - 1) * nthreads) % miss_count
    local n = miss_first + (i * miss_stride) % miss_count
    return wrk.format("GET", "/r/" .. slug(n))
  elseif mode == "create" then
    return create()
  elseif mode == "get" then
    return wrk.format("GET", get_path, get_headers)
  elseif mode == "unknown" then
    if unknown_count > 0 then
      return wrk.format("GET", string.format("/r/nolink%07d", math.random(unknown_count)))
    end
    return wrk.format("GET", string.format("/r/nolink%d-%d-%d", tid or 0, sent,
                                           math.random(1000000000)))
  elseif mode == "mix" then
    if math.random(100) <= mix_create then return create() end
    return redirect_hot()
  end
  error("unknown BENCH_MODE " .. mode)
end

-- Unknown slugs: a 404 is the right answer; anything else is counted here.
unexpected = 0
if mode == "unknown" then
  function response(status, headers, body)
    if status ~= 404 then unexpected = unexpected + 1 end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  if mode == "unknown" then
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get("unexpected") end
    e = {connect = e.connect, read = e.read, write = e.write, status = n, timeout = e.timeout}
  end
  io.write(string.format(
      'BENCH_RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
      '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(99), latency.max))
end
