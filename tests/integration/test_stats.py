"""Visit statistics on the real stack (API.md "Statistics", docs/statistics.md): every counted
visit classified in the worker and written with its click batch, so that for every (link, day)
clicks = human_clicks + bot_clicks = the sum of every breakdown, over two instances and both
redirect paths.

The instances here believe X-Forwarded-For from 127.0.0.1 (trusted_proxies), so each request
can come from a test address, and read a tiny country database written by
tests/geoip/write_test_mmdb.pl (documentation networks only: 192.0.2.0/24 DE, 198.51.100.0/24 FR
as registered country, 2001:db8::/32 JP, 203.0.113.128/25 a record without a country).
"""

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from harness import REPO, Client, IntegrationTest, day_values_sql, rand_token
from test_yourls_import import root_sql

# Longest wait for counts to arrive once the last visit was answered (see test_clicks.py).
SETTLE_SECONDS = 8.0

BREAKDOWNS = ("referrers", "countries", "devices", "browsers", "os")

CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/120.0.0.0 Safari/537.36")
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36")
SAFARI_IPAD = ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
               "Gecko) Version/16.6 Mobile/15E148 Safari/604.1")
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
GOOGLEBOT = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) "
             "Chrome/120.0.0.0 Safari/537.36")

# (address, User-Agent or None, Referer or None, times, expected classification). The referrer
# paths and queries are what the privacy checks look for: they must never be stored.
VISITS = [
    ("192.0.2.10", CHROME_WINDOWS, "https://News.Example.COM/articles/secret-path-a?utm=1", 7,
     {"referrers": "news.example.com", "countries": "DE", "devices": "desktop",
      "browsers": "Chrome", "os": "Windows"}),
    ("198.51.100.7", SAFARI_IPHONE, "https://social.example.net/p/secret-path-b#frag", 5,
     {"referrers": "social.example.net", "countries": "FR", "devices": "mobile",
      "browsers": "Safari", "os": "iOS"}),
    ("2001:db8::5", CHROME_ANDROID, None, 4,
     {"referrers": "direct", "countries": "JP", "devices": "mobile", "browsers": "Chrome",
      "os": "Android"}),
    ("203.0.113.200", SLACKBOT, None, 3,
     {"referrers": "direct", "countries": "unknown", "devices": "bot", "browsers": "Slackbot",
      "os": "other"}),
    ("10.1.2.3", SAFARI_IPAD, "android-app://com.slack/", 2,
     {"referrers": "com.slack", "countries": "unknown", "devices": "tablet", "browsers": "Safari",
      "os": "iOS"}),
    ("192.0.2.11", FIREFOX_LINUX, "https://news.example.com/other/secret-path-c", 6,
     {"referrers": "news.example.com", "countries": "DE", "devices": "desktop",
      "browsers": "Firefox", "os": "Linux"}),
    ("192.0.2.12", None, None, 2,
     {"referrers": "direct", "countries": "DE", "devices": "bot", "browsers": "other bot",
      "os": "other"}),
    ("198.51.100.8", GOOGLEBOT, "not a url", 1,
     {"referrers": "unknown", "countries": "FR", "devices": "bot", "browsers": "Googlebot",
      "os": "other"}),
]
BOT_DEVICES = ("bot",)


def expected_counts():
    """{breakdown: {value: clicks}}, human and bot clicks of VISITS."""
    out = {b: {} for b in BREAKDOWNS}
    human = bot = 0
    for _, _, _, times, cls in VISITS:
        for b in BREAKDOWNS:
            out[b][cls[b]] = out[b].get(cls[b], 0) + times
        if cls["devices"] in BOT_DEVICES:
            bot += times
        else:
            human += times
    return out, human, bot


# The stats read's block of days (src/domain/link_stats.h kStatsBlockDays).
BLOCK_DAYS = 16


def iso_day(day):
    """YYYY-MM-DD of `day` (days since 1970-01-01)."""
    return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))


def visit_headers(address, agent, referer):
    headers = {"X-Forwarded-For": address}
    if agent is not None:
        headers["User-Agent"] = agent
    if referer is not None:
        headers["Referer"] = referer
    return headers


class StatsTest(IntegrationTest):
    """Two instances of their own (a: 2 workers, b: 2 workers) with the test country database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mmdb = os.path.join(cls.stack.dir, "stats-countries.mmdb")
        if not os.path.exists(cls.mmdb):
            subprocess.run(["perl", os.path.join(REPO, "tests", "geoip", "write_test_mmdb.pl"),
                            cls.mmdb], check=True, timeout=60)
        cls.env = {"SHORTENER_TRUSTED_PROXIES": "127.0.0.1",
                   "SHORTENER_GEOIP_DATABASE": cls.mmdb}
        cls.a = Client(cls.stack.start_instance(workers=2, env=cls.env))
        cls.b = Client(cls.stack.start_instance(workers=2, env=cls.env))

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.a.port)
        cls.stack.stop_instance(cls.b.port)
        super().tearDownClass()

    # -- helpers -------------------------------------------------------------------------------

    def make_link(self, tag):
        r = self.v1_create("https://example.org/stats/%s/%s" % (tag, rand_token()))
        data = r.json["data"]
        return data["slug"], int(data["_id"])

    def drive(self, slug, visits):
        """Sends every visit of `visits` (VISITS' shape) `times` times, alternating instances and
        the three counted forms (/r/, /{slug} as a browser, /{slug} as an API client)."""
        plan = []
        for address, agent, referer, times, _ in visits:
            for i in range(times):
                client = (self.a, self.b)[(len(plan)) % 2]
                headers = visit_headers(address, agent, referer)
                kind = len(plan) % 3
                if kind == 0:
                    plan.append((client, "/r/" + slug, headers, 302))
                elif kind == 1:
                    headers["Accept"] = "text/html"
                    plan.append((client, "/" + slug, headers, 302))
                else:
                    plan.append((client, "/" + slug, headers, 200))

        def hit(item):
            client, path, headers, expected = item
            r = client.req("GET", path, headers=headers)
            return r.status == expected, "%s -> %d %r" % (path, r.status, r.body[:200])

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(hit, plan))
        bad = [what for ok, what in results if not ok]
        self.assertFalse(bad, "%d of %d visits failed: %r" % (len(bad), len(plan), bad[:5]))
        return len(plan)

    def db_clicks(self, link_id):
        return int(self.stack.mysql_value(
            "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks_daily WHERE link_id = %d" % link_id))

    def wait_for_clicks(self, link_id, expected, seconds=SETTLE_SECONDS):
        deadline = time.time() + seconds
        seen = self.db_clicks(link_id)
        while seen < expected and time.time() < deadline:
            time.sleep(0.2)
            seen = self.db_clicks(link_id)
        return seen

    def db_stats(self, link_id):
        """(clicks, human, bot, {breakdown: {value: clicks}}) summed over the link's days,
        read from MariaDB."""
        row = self.stack.mysql(
            "SELECT COALESCE(SUM(human_clicks), 0), COALESCE(SUM(bot_clicks), 0) "
            "FROM link_visits_daily WHERE link_id = %d" % link_id)[0]
        values = {b: {} for b in BREAKDOWNS}
        for _, breakdown, value, clicks in self.stack.visit_values("link_id = %d" % link_id):
            values[BREAKDOWNS[breakdown]][value] = values[BREAKDOWNS[breakdown]].get(value, 0) + clicks
        return self.db_clicks(link_id), int(row[0]), int(row[1]), values

    def assert_exact_totals(self, link_id):
        """clicks = human + bot = the sum of every breakdown, for each of the link's days."""
        days = self.stack.mysql(
            "SELECT c.day, c.clicks, v.human_clicks, v.bot_clicks FROM link_clicks_daily c "
            "JOIN link_visits_daily v ON v.link_id = c.link_id AND v.day = c.day "
            "WHERE c.link_id = %d" % link_id)
        self.assertTrue(days, "no visit rows for link %d" % link_id)
        values = self.stack.visit_values("link_id = %d" % link_id)
        for day, clicks, human, bot in days:
            self.assertEqual(int(clicks), int(human) + int(bot), "day %s" % day)
            for b in range(len(BREAKDOWNS)):
                total = sum(n for d, breakdown, _, n in values if d == day and breakdown == b)
                self.assertEqual(total, int(clicks), "day %s, %s" % (day, BREAKDOWNS[b]))

    # -- tests ---------------------------------------------------------------------------------

    def test_every_visit_is_classified_and_totals_are_exact(self):
        slug, link_id = self.make_link("classified")
        sent = self.drive(slug, VISITS)
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        time.sleep(1.5)  # no late double count either
        clicks, human, bot, values = self.db_stats(link_id)
        expected, expected_human, expected_bot = expected_counts()
        self.assertEqual(clicks, sent)
        self.assertEqual((human, bot), (expected_human, expected_bot))
        for b in BREAKDOWNS:
            self.assertEqual(values[b], expected[b], b)
        self.assert_exact_totals(link_id)
        # HEAD is no visit: nothing more is counted anywhere.
        for client in (self.a, self.b):
            status, _, _ = client.head_raw("/r/" + slug)
            self.assertEqual(status, 302)
        time.sleep(2.5)
        self.assertEqual(self.db_stats(link_id)[:3], (sent, expected_human, expected_bot))

    def test_deleting_a_link_deletes_its_statistics(self):
        slug, link_id = self.make_link("deleted")
        sent = self.drive(slug, VISITS[:3])
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        self.assertEqual(self.req("DELETE", "/api/v1/url-shorteners/" + slug).status, 204)
        left = self.stack.mysql_value(
            "SELECT COUNT(*) FROM link_visits_daily WHERE link_id = %d" % link_id)
        self.assertEqual(int(left), 0)  # the day rows, their breakdown values with them

    def test_visit_statistics_off_counts_clicks_only(self):
        base = self.stack.start_instance(workers=1, env={"SHORTENER_VISIT_STATISTICS": "false"})
        self.addCleanup(self.stack.stop_instance, Client(base).port)
        c = Client(base)
        slug, link_id = self.make_link("off")
        for _ in range(3):
            self.assertEqual(c.req("GET", "/r/" + slug, headers={"User-Agent": FIREFOX_LINUX}).status,
                             302)
        self.assertEqual(self.wait_for_clicks(link_id, 3), 3)
        self.assertEqual(int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM link_visits_daily WHERE link_id = %d" % link_id)), 0)

    # -- the stats endpoint and the admin tool ------------------------------------------------

    def stats(self, slug, query="", client=None, expect=200):
        r = self.req("GET", "/api/v1/url-shorteners/%s/stats%s" % (slug, query),
                     client=client or self.a)
        self.assertEqual(r.status, expect, self.describe("GET", slug + "/stats" + query, r))
        if expect == 200:
            self.assert_json(r)
            self.assertEqual(r.headers.get("cache-control"), "no-store")
            return r.json["data"]
        return r

    def test_the_endpoint_shows_every_breakdown_and_the_admin_tool_the_same(self):
        slug, link_id = self.make_link("endpoint")
        sent = self.drive(slug, VISITS)
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        expected, human, bot = expected_counts()
        data = self.stats(slug)
        today = time.strftime("%Y-%m-%d", time.gmtime())
        self.assertEqual((data["clicks"], data["human_clicks"], data["bot_clicks"]),
                         (sent, human, bot))
        self.assertEqual(data["to"], today)
        self.assertEqual(len(data["by_day"]), 30)  # the default: the last 30 days
        self.assertEqual(data["by_day"][-1]["date"], today)
        self.assertEqual(sum(d["clicks"] for d in data["by_day"]), sent)
        self.assertEqual(data["by_day"][-1]["human_clicks"], human)
        # Distinct (address, User-Agent) pairs among the human visits: a small count is exact.
        humans = {(v[0], v[1]) for v in VISITS if v[4]["devices"] not in BOT_DEVICES}
        self.assertEqual(data["unique_visitors"], len(humans))
        self.assertEqual(data["by_day"][-1]["unique_visitors"], len(humans))
        keys = {"referrers": "host", "countries": "code", "devices": "device",
                "browsers": "browser", "os": "os"}
        for b, key in keys.items():
            shown = {item[key]: item["clicks"] for item in data[b]}
            self.assertEqual(shown, expected[b], b)
            self.assertEqual(sum(shown.values()), sent, b)
            # Most clicks first, "other" (the rest) last.
            named = [item["clicks"] for item in data[b] if item[key] != "other"]
            self.assertEqual(named, sorted(named, reverse=True), b)
            if "other" in shown:
                self.assertEqual(data[b][-1][key], "other", b)
        # The same through the other instance, and through the admin tool.
        self.assertEqual(self.stats(slug, client=self.b), data)
        out = self.stack.admin("link", "stats", slug).stdout
        self.assertIn("clicks %d, human %d, bot %d, unique visitors %d"
                      % (sent, human, bot, len(humans)), out)
        for b in BREAKDOWNS:
            for value, clicks in expected[b].items():
                self.assertRegex(out, r"\n%s +%d\n" % (value.replace(".", r"\."), clicks))
        self.assertIn("%s %10d" % (today.ljust(12), sent), out)

    def test_date_ranges(self):
        slug, link_id = self.make_link("range")
        # Days of the past, written as a flush would write them.
        today = int(time.time()) // 86400
        for back, clicks in ((1, 4), (40, 6), (400, 9)):
            day = "'1970-01-01' + INTERVAL %d DAY" % (today - back)
            self.stack.mysql("INSERT INTO link_clicks_daily VALUES (%d, %s, %d)"
                             % (link_id, day, clicks))
            self.stack.mysql("INSERT INTO link_visits_daily (link_id, day, human_clicks, "
                             "bot_clicks, visitors, breakdown_values) VALUES (%d, %s, %d, 0, '', "
                             "%s)" % (link_id, day, clicks, day_values_sql([(1, "DE", clicks)])))

        def date(back):
            return time.strftime("%Y-%m-%d", time.gmtime((today - back) * 86400))

        self.assertEqual(self.stats(slug)["clicks"], 4)  # the last 30 days
        data = self.stats(slug, "?from=%s&to=%s" % (date(45), date(1)))
        self.assertEqual((data["clicks"], data["from"], data["to"]), (10, date(45), date(1)))
        self.assertEqual(len(data["by_day"]), 45)
        self.assertEqual(data["countries"], [{"code": "DE", "clicks": 10}])
        data = self.stats(slug, "?from=%s&to=%s" % (date(400), date(35)))
        self.assertEqual((data["clicks"], len(data["by_day"])), (15, 366))
        self.assertEqual(self.stats(slug, "?to=%s" % date(40))["clicks"], 6)
        self.assertEqual(self.stats(slug, "?from=%s&to=%s" % (date(2), date(2)))["clicks"], 0)
        out = self.stack.admin("link", "stats", slug, "--from", date(45), "--to", date(1)).stdout
        self.assertIn("clicks 10, human 10, bot 0", out)

    def test_a_long_range_uses_kept_blocks_only_while_their_visits_are_unchanged(self):
        """A long range is summed from blocks of 16 days kept in memcached (docs/performance.md).
        A block is used only while the classified visits of its days are what they were when it
        was kept: every flush that changes a day's breakdown values also adds visits to that day, so
        a late flush into a past day shows at once."""
        slug, link_id = self.make_link("blocks")
        today = int(time.time()) // 86400
        # 60 past days: a partial block, whole ones, and one day of the next (kStatsBlockDays).
        first = (today - 100) // BLOCK_DAYS * BLOCK_DAYS + 5
        last = first + 59

        def day(d):
            return "'1970-01-01' + INTERVAL %d DAY" % d

        def values(host, late=0):
            """A day's breakdown values: 3 visits (2 from `host`), plus `late` more from
            late.example."""
            return ([(0, host, 2), (0, "other", 1)] + ([(0, "late.example", late)] if late else [])
                    + [(b, name, 3 + late)
                       for b, name in ((1, "DE"), (2, "desktop"), (3, "Firefox"), (4, "Linux"))])

        sql = []
        for d in range(first, last + 1):
            sql.append("INSERT INTO link_clicks_daily VALUES (%d, %s, 3);" % (link_id, day(d)))
            sql.append("INSERT INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, "
                       "visitors, breakdown_values) VALUES (%d, %s, 2, 1, '', %s);"
                       % (link_id, day(d), day_values_sql(values("a.example"))))
        self.stack.mysql("\n".join(sql))
        query = "?from=%s&to=%s" % (iso_day(first), iso_day(last))
        data = self.stats(slug, query)
        self.assertEqual((data["clicks"], data["human_clicks"], data["bot_clicks"]), (180, 120, 60))
        self.assertEqual(data["referrers"], [{"host": "a.example", "clicks": 120},
                                             {"host": "other", "clicks": 60}])
        self.assertEqual(self.stats(slug, query, client=self.b), data)  # the other instance too
        # Rows changed without a visit more (nothing but a flush writes them, and a flush always
        # adds visits): the whole blocks still answer from what was kept, the partial ends not.
        self.stack.mysql("UPDATE link_visits_daily SET breakdown_values = %s WHERE link_id = %d"
                         % (day_values_sql(values("b.example")), link_id))
        kept = self.stats(slug, query)
        named = {item["host"]: item["clicks"] for item in kept["referrers"]}
        self.assertEqual(sum(named.values()), 180)
        self.assertGreater(named.get("a.example", 0), 0, named)  # from kept blocks
        self.assertGreater(named.get("b.example", 0), 0, named)  # the ends, read every time
        # A late flush into a day of a kept block: 2 more visits and their values.
        late = first + 40
        self.stack.mysql(
            "UPDATE link_clicks_daily SET clicks = clicks + 2 WHERE link_id = %d AND day = %s;"
            "UPDATE link_visits_daily SET human_clicks = human_clicks + 2, breakdown_values = %s "
            "WHERE link_id = %d AND day = %s;"
            % (link_id, day(late), day_values_sql(values("b.example", late=2)), link_id,
               day(late)))
        for client in (self.a, self.b):
            after = self.stats(slug, query, client=client)
            self.assertEqual(after["clicks"], 182)
            self.assertEqual(after["human_clicks"], 122)
            named = {item["host"]: item["clicks"] for item in after["referrers"]}
            self.assertEqual(named.get("late.example"), 2, named)
            self.assertEqual(sum(named.values()), 182)
            self.assertEqual(after["countries"], [{"code": "DE", "clicks": 182}])
            by_day = {item["date"]: item["clicks"] for item in after["by_day"]}
            self.assertEqual(by_day[iso_day(late)], 5)

    def test_migration_017_moves_each_days_value_rows_into_its_row(self):
        """sql/017 turns a database of sql/016 (a row per breakdown value) into breakdown_values
        texts, byte for byte what the flush writes (src/domain/day_values.h), and drops the old
        table and column."""
        db = "shortener_m017"
        root_sql(self.stack, "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; GRANT ALL ON %s.* "
                 "TO 'shortener'@'localhost';" % (db, db, db))
        self.addCleanup(root_sql, self.stack, "DROP DATABASE IF EXISTS %s;" % db)
        old = tempfile.mkdtemp(prefix="sql016-")
        self.addCleanup(shutil.rmtree, old)
        for path in glob.glob(os.path.join(REPO, "sql", "*.sql")):
            if int(os.path.basename(path).split("_")[0]) < 17:
                shutil.copy(path, old)
        env = {"SHORTENER_MYSQL_DATABASE": db}
        self.stack.admin("migrate", "--sql-dir", old, env=env)
        root_sql(self.stack, """
            INSERT INTO links (slug, url, created_at, updated_at, metadata)
              VALUES ('m017', 'https://example.com/', UTC_TIMESTAMP(), UTC_TIMESTAMP(), '{}');
            SET @l = LAST_INSERT_ID();
            INSERT INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors)
              VALUES (@l, '2026-01-02', 3, 1, ''), (@l, '2026-01-03', 1, 0, ''),
                     (@l, '2026-01-04', 0, 0, '');
            INSERT INTO link_visit_values VALUES (@l, '2026-01-02', 0, 'news.example.com', 3),
              (@l, '2026-01-02', 0, 'other', 1), (@l, '2026-01-02', 1, 'DE', 4),
              (@l, '2026-01-02', 3, 'other bot', 1), (@l, '2026-01-02', 3, 'Firefox', 3),
              (@l, '2026-01-03', 2, 'desktop', 1), (@l, '2026-01-03', 0, 'zero.example', 0);
            """, database=db)
        self.stack.admin("migrate", "--sql-dir", os.path.join(REPO, "sql"), env=env)
        rows = root_sql(self.stack, "SELECT day, HEX(breakdown_values) FROM link_visits_daily "
                        "ORDER BY day", database=db)
        texts = [(day, bytes.fromhex(text).decode()) for day, text in rows]
        self.assertEqual(texts, [
            ("2026-01-02", "0\tnews.example.com\t3\n0\tother\t1\n1\tDE\t4\n3\tFirefox\t3\n"
                           "3\tother bot\t1"),
            ("2026-01-03", "2\tdesktop\t1"),  # a value of 0 clicks is not kept
            ("2026-01-04", "")])
        self.assertEqual(root_sql(self.stack, "SHOW TABLES LIKE 'link_visit_values'",
                                  database=db), [])
        self.assertEqual(root_sql(self.stack, "SHOW COLUMNS FROM link_visits_daily LIKE "
                                  "'values_bound'", database=db), [])

    def test_bad_queries_are_422_naming_the_field(self):
        slug, _ = self.make_link("bad")
        today = time.strftime("%Y-%m-%d", time.gmtime())
        for query, field in (("?from=2025-02-30", "from"), ("?from=yesterday", "from"),
                             ("?to=2025-1-1", "to"), ("?to=", "to"), ("?from=", "from"),
                             ("?from=%s&to=2020-01-01" % today, "from"),
                             ("?from=2020-01-01&to=%s" % today, "from"),
                             ("?from=1969-12-31", "from"), ("?from=%zz", "from"),
                             ("?to=2025-11-22T00:00:00Z", "to"),
                             # Given twice: which one was meant is a guess.
                             ("?from=%s&from=2020-01-01" % today, "from"),
                             ("?from=&from=%s" % today, "from")):
            r = self.stats(slug, query, expect=422)
            self.assert_error(r, 422, "validation", field=field, ctx=query)
        p = self.stack.admin("link", "stats", slug, "--from", "2025-02-30", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--from", p.stderr)
        # A slug of other characters than a slug's is no link either (MariaDB refused to compare
        # it with the ASCII column: "Internal error."); so for `link delete`.
        for slug_arg in ("no-such-slug-" + rand_token(), "ü", "a\tb"):
            for command in ("stats", "delete"):
                p = self.stack.admin("link", command, slug_arg, check=False)
                self.assertEqual(p.returncode, 1, (command, slug_arg))
                self.assertIn("no link with slug", p.stderr, (command, slug_arg))
                self.assertNotIn("error", p.stderr.replace("shortener-admin: ", ""),
                                 (command, slug_arg))

    def test_only_the_owner_or_an_admin_sees_the_statistics(self):
        slug, _ = self.make_link("owner")
        other, _ = self.stack.make_user("stats_other")
        other_client = Client(self.a.base, auth={"X-API-Key": self.stack.make_api_key(other)})
        r = self.stats(slug, client=other_client, expect=404)
        self.assert_error(r, 404, "not_found")
        # The same 404 as for a slug that does not exist, and before the query is looked at.
        r = self.stats(slug, "?from=nonsense", client=other_client, expect=404)
        self.assert_error(r, 404, "not_found")
        self.assert_error(self.stats("nosuch" + rand_token(), expect=404), 404, "not_found")
        admin, _ = self.stack.make_user("stats_admin", admin=True)
        admin_client = Client(self.a.base, auth={"X-API-Key": self.stack.make_api_key(admin)})
        self.assertEqual(self.stats(slug, client=admin_client)["clicks"], 0)
        anonymous = Client(self.a.base, auth=None)
        r = anonymous.req("GET", "/api/v1/url-shorteners/%s/stats" % slug)
        self.assert_error(r, 401, "unauthorized")
        self.assertEqual(r.headers.get("www-authenticate"), "Bearer")
        r = self.req("POST", "/api/v1/url-shorteners/%s/stats" % slug, client=self.a,
                     json_body={})
        self.assert_error(r, 405, "method_not_allowed")
        self.assertIn("GET", r.headers.get("allow", ""))

    # -- bounds: unique visitors, top values, a killed worker -----------------------------------

    def test_unique_visitors_within_2_percent_at_10000(self):
        slug, link_id = self.make_link("hll")
        n = 10000
        # 10,000 distinct addresses, two visits from a tenth of them, over both instances.
        plan = ["10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255) for i in range(1, n + 1)]
        plan += plan[::10]

        def hit(i):
            client = (self.a, self.b)[i % 2]
            return client.req("GET", "/r/" + slug,
                              headers=visit_headers(plan[i], FIREFOX_LINUX, None)).status

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(hit, range(len(plan))))
        self.assertEqual(statuses.count(302), len(plan))
        self.assertEqual(self.wait_for_clicks(link_id, len(plan), seconds=20), len(plan))
        data = self.stats(slug)
        self.assertEqual(data["clicks"], len(plan))
        self.assertEqual(data["human_clicks"], len(plan))
        error = abs(data["unique_visitors"] - n) / n
        self.assertLessEqual(error, 0.02, "estimated %d visitors of %d" % (data["unique_visitors"], n))
        # A dense sketch: 12,291 bytes, never kilobytes per visitor.
        size = int(self.stack.mysql_value(
            "SELECT MAX(LENGTH(visitors)) FROM link_visits_daily WHERE link_id = %d" % link_id))
        self.assertLessEqual(size, 12291)

    def test_a_few_visitors_cost_a_few_bytes(self):
        slug, link_id = self.make_link("sparse")
        sent = self.drive(slug, VISITS[:3])
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        size = int(self.stack.mysql_value(
            "SELECT LENGTH(visitors) FROM link_visits_daily WHERE link_id = %d" % link_id))
        self.assertLess(size, 16, "a 3-visitor sketch takes %d bytes" % size)

    def test_each_breakdown_keeps_its_top_50_and_sums_the_rest_as_other(self):
        slug, link_id = self.make_link("top")
        heavy = ["heavy%02d.example" % i for i in range(10)]
        light = ["light%03d.example" % i for i in range(110)]

        def send(hosts, times):
            def hit(item):
                i, host = item
                client = (self.a, self.b)[i % 2]
                return client.req("GET", "/r/" + slug, headers=visit_headers(
                    "192.0.2.1", FIREFOX_LINUX, "https://%s/page" % host)).status
            items = list(enumerate([h for h in hosts for _ in range(times)]))
            with ThreadPoolExecutor(max_workers=16) as pool:
                self.assertEqual(set(pool.map(hit, items)), {302})
            return len(items)

        sent = send(heavy, 30)
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        sent += send(light, 2)
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        rows = self.stack.visit_values("link_id = %d" % link_id)
        self.assertEqual(len({day for day, _, _, _ in rows}), 1, rows)  # one day, today
        stored = {value: clicks for _, breakdown, value, clicks in rows if breakdown == 0}
        self.assertEqual(len(stored), 51, sorted(stored))  # 50 named + other
        self.assertIn("other", stored)
        self.assertEqual(sum(stored.values()), sent)
        for host in heavy:
            self.assertEqual(stored.get(host), 30, host)
        self.assert_exact_totals(link_id)
        data = self.stats(slug)
        self.assertEqual(len(data["referrers"]), 51)
        self.assertEqual(data["referrers"][-1], {"host": "other", "clicks": stored["other"]})
        self.assertEqual(sum(item["clicks"] for item in data["referrers"]), sent)

    def test_a_sigkilled_worker_loses_at_most_its_last_interval_and_totals_stay_exact(self):
        c = Client(self.stack.start_instance(workers=2, env=self.env))
        self.addCleanup(self.stack.stop_instance, c.port)
        slug, link_id = self.make_link("sigkill")

        def send(count):
            def hit(i):
                address, agent, referer, _, _ = VISITS[i % len(VISITS)]
                return c.req("GET", "/r/" + slug,
                             headers=visit_headers(address, agent, referer)).status
            with ThreadPoolExecutor(max_workers=8) as pool:
                self.assertEqual(set(pool.map(hit, range(count))), {302})
            return count

        before = send(60)
        self.assertEqual(self.wait_for_clicks(link_id, before), before)
        at_risk = send(40)  # within one interval, then a worker dies without writing
        victim = self.stack.worker_pids(c.base)[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.time() + 10
        while (victim in self.stack.worker_pids(c.base) or len(self.stack.worker_pids(c.base)) < 2) \
                and time.time() < deadline:
            time.sleep(0.1)
        after = send(30)
        time.sleep(SETTLE_SECONDS / 2)
        written = self.wait_for_clicks(link_id, before + at_risk + after)
        self.assertGreaterEqual(written, before + after, "more lost than the killed interval")
        self.assertLessEqual(written, before + at_risk + after)
        self.assert_exact_totals(link_id)
        data = self.stats(slug)
        self.assertEqual(data["clicks"], written)
        self.assertEqual(data["human_clicks"] + data["bot_clicks"], written)

    # -- privacy -------------------------------------------------------------------------------

    def test_no_address_user_agent_or_referrer_path_in_the_database_or_any_log(self):
        token = rand_token(10)
        addresses = ["192.0.2.213", "198.51.100.213", "2001:db8::d5:213", "10.213.7.9"]
        agents = [CHROME_WINDOWS.replace("Chrome/", "Chrome-%s/" % token), SAFARI_IPHONE + " " + token,
                  "Mozilla/5.0 (compatible; Discordbot/2.0; +%s)" % token, FIREFOX_LINUX + token]
        referers = ["https://news.example.com/private-%s/a?b=c" % token,
                    "https://user:pw@social.example.net:8443/p-%s#frag" % token, None,
                    "android-app://com.slack/path-%s" % token]
        visits = [(addresses[i], agents[i], referers[i], 3, None) for i in range(4)]
        slug, link_id = self.make_link("privacy")
        sent = self.drive(slug, visits)
        self.assertEqual(self.wait_for_clicks(link_id, sent), sent)
        # A bad request with the same headers, and an unknown slug, on the way.
        for path in ("/r/nosuch" + rand_token(), "/api/v1/url-shorteners/%s/stats?from=x" % slug):
            self.assertIn(self.a.req("GET", path, headers=visit_headers(
                addresses[0], agents[0], referers[0])).status, (404, 422))
        data = self.stats(slug)
        self.assertEqual(data["clicks"], sent)
        self.assertIn({"host": "news.example.com", "clicks": 3}, data["referrers"])

        env = dict(self.stack.env)
        dump = subprocess.run(
            ["mariadb-dump", "--no-defaults", "--protocol=socket",
             "--socket=" + env["SHORTENER_MYSQL_SOCKET"], "--user=" + env["SHORTENER_MYSQL_USER"],
             "--skip-extended-insert", "--all-databases"],
            env={"MYSQL_PWD": env.get("SHORTENER_MYSQL_PASSWORD", ""), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(dump.returncode, 0, dump.stderr[-500:])
        texts = {"database dump": dump.stdout.decode("utf-8", "replace")}
        self.assertIn("news.example.com", texts["database dump"])  # the host is what is kept
        for root, _, files in os.walk(self.stack.dir):
            for name in files:
                if ".log" in name or name.endswith(".err"):
                    path = os.path.join(root, name)
                    with open(path, "rb") as f:
                        texts[path] = f.read().decode("utf-8", "replace")
        self.assertTrue(any("access.log" in p for p in texts), sorted(texts))
        # The token is in every User-Agent and every referrer path.
        secrets = [token] + addresses + agents + ["user:pw"]
        for where, text in texts.items():
            for secret in secrets:
                self.assertNotIn(secret, text, "%r found in %s" % (secret, where))
