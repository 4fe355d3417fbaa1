"""Moving links in whole (issue 15): `shortener-admin import yourls` against a YOURLS database
built from tests/fixtures/yourls.sql on the stack's own MariaDB (10,000 links, 100,000 log rows;
its header says what each row holds), and `export` / `import jsonl` round trips. Every imported
keyword must redirect, every total and per-day count must match what YOURLS recorded, and the
report must name exactly the rows that could not come over.
"""

import concurrent.futures
import json
import os
import subprocess
import tempfile
import time

from harness import REPO, Client, IntegrationTest, _clean_env, rand_token

FIXTURE = os.path.join(REPO, "tests", "fixtures", "yourls.sql")
SOURCE_DB = "yourls_fixture"
COPY_DB = "shortener_copy"

# The fixture's rows that cannot come over, and why (see its header).
BAD_KEYWORDS = {"bad.%d" % n for n in range(7, 9995, 1000)}
REFUSED_URLS = {n for n in range(1, 9996) if n % 1000 in (13, 17)}
# API.md "Slugs": the reserved words (compared in any case). The generated keywords hit three.
RESERVED_WORDS = {"api", "url", "r", "ui", "qr", "static", "healthz", "metrics", "admin", "login",
                  "signup"}
TAKEN = {"taken1", "taken2"}
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")


def base36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, d = divmod(n, 36)
        out = digits[d] + out
    return out


def fixture_keyword(n):
    if n % 1000 == 7:
        return "bad.%d" % n
    if n % 10 == 0:
        return base36(n) + "-" + "x" * (n % 27)
    return base36(n)


GOOD_NUMBERS = [n for n in range(1, 9996)
                if n % 1000 not in (7, 13, 17) and fixture_keyword(n) not in RESERVED_WORDS]
RESERVED = {"api", "url", "healthz"} | {fixture_keyword(n) for n in range(1, 9996)
                                        if fixture_keyword(n) in RESERVED_WORDS}
IMPORTED = len(GOOD_NUMBERS)


def fixture_target(n):
    if n % 100 == 3:
        return "https://de.wikipedia.org/wiki/K%C3%B6ln?n=" + str(n)
    return "https://example.org/" + str(n)


# How the service classifies the fixture's log values (docs/statistics.md): referrer -> host,
# User-Agent -> (device, browser, OS, bot), country_code -> country.
LOG_REFERRERS = {"direct": "direct", "https://news.example.com/some/path?q=1": "news.example.com",
                 "http://WWW.Example.ORG/": "www.example.org", "not a referrer": "unknown",
                 "android-app://com.slack/": "com.slack"}
LOG_AGENTS = {"Chrome": ("desktop", "Chrome", "Windows", False),
              "iPhone": ("mobile", "Safari", "iOS", False),
              "Googlebot": ("bot", "Googlebot", "other", True),
              "": ("bot", "other bot", "other", True)}
LOG_COUNTRIES = {"DE": "DE", "": "unknown", "fr": "FR"}
# What the clicks of a total beyond its log count as: nothing is known of them.
UNKNOWN_VISIT = {"referrers": "unknown", "countries": "unknown", "devices": "other",
                 "browsers": "other", "os": "other"}
BREAKDOWN_KEYS = {"referrers": "host", "countries": "code", "devices": "device",
                  "browsers": "browser", "os": "os"}


def agent_class(user_agent):
    for marker, cls in LOG_AGENTS.items():
        if marker and marker in user_agent:
            return cls
    return LOG_AGENTS[""]


def root_sql(stack, sql, database=None):
    """SQL as MariaDB's administrator on the stack's socket (what makes and grants databases)."""
    user = "root" if os.geteuid() == 0 else os.environ.get("USER", "root")
    cmd = ["mariadb", "--no-defaults", "--socket=" + stack.env["SHORTENER_MYSQL_SOCKET"],
           "--user=" + user, "--batch", "--skip-column-names", "--default-character-set=utf8mb4"]
    if database:
        cmd.append("--database=" + database)
    p = subprocess.run(cmd, input=sql.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    if p.returncode != 0:
        raise AssertionError("mariadb failed: " + p.stderr.decode("utf-8", "replace"))
    return [tuple(line.split("\t")) for line in p.stdout.decode().splitlines()]


def admin(stack, *args, database=None, input="", env_extra=None, timeout=600):
    """shortener-admin with the stack's settings (another database when `database` is set)."""
    env = _clean_env()
    env.update(stack.env)
    if database:
        env["SHORTENER_MYSQL_DATABASE"] = database
    env.update(env_extra or {})
    p = subprocess.run([env["STACK_ADMIN_BIN"]] + list(args), env=env, cwd=REPO,
                       input=input.encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def skipped_of(out):
    """The keyword -> reason of each "skipped KEYWORD: reason" line of an import's report."""
    skipped = {}
    for line in out.splitlines():
        if line.startswith("skipped "):
            keyword, _, reason = line[len("skipped "):].partition(": ")
            skipped[keyword] = reason
    return skipped


class YourlsImportTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        root_sql(cls.stack, "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; GRANT SELECT ON %s.* "
                 "TO 'shortener'@'localhost';" % (SOURCE_DB, SOURCE_DB, SOURCE_DB))
        with open(FIXTURE) as f:
            root_sql(cls.stack, f.read(), database=SOURCE_DB)
        cls.owner, _ = cls.stack.make_user("yourls")
        cls.source = ["--database", SOURCE_DB, "--socket", cls.stack.env["SHORTENER_MYSQL_SOCKET"],
                      "--user", "shortener", "--owner", cls.owner]
        cls.password = {"YOURLS_DB_PASSWORD": cls.stack.env["SHORTENER_MYSQL_PASSWORD"]}
        # Two keywords someone here already uses.
        for slug in sorted(TAKEN):
            r = Client(cls.base).req("POST", "/url/shorten",
                                     json_body={"url": "https://example.org/ours/" + slug,
                                                "slug": slug, "expires_at": None})
            assert r.status == 201, r.body

    def imported_count(self):
        return int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links l JOIN users u ON u.id = l.owner_id WHERE u.username = '%s'"
            % self.owner))

    def test_1_dry_run_writes_nothing_and_predicts_the_import(self):
        before = self.stack.link_count()
        rc, out, err = admin(self.stack, "import", "yourls", *self.source, "--dry-run",
                             env_extra=self.password)
        self.assertEqual(rc, 1, err)  # rows were skipped
        self.assertIn("dry run, nothing written: import yourls: %d links imported" % IMPORTED, out)
        self.assertEqual(self.stack.link_count(), before)

    def test_2_import_keeps_keywords_clicks_and_days_and_reports_the_rest(self):
        rc, out, err = admin(self.stack, "import", "yourls", *self.source, env_extra=self.password)
        self.assertEqual(rc, 1, err)
        self.assertEqual(RESERVED, {"api", "url", "healthz", "r", "ui", "qr"})
        self.assertRegex(out, r"import yourls: %d links imported \(\d+ clicks\), 0 already "
                              r"there, %d skipped" % (IMPORTED, 10000 - IMPORTED))
        skipped = skipped_of(out)
        expected = BAD_KEYWORDS | {fixture_keyword(n) for n in REFUSED_URLS} | RESERVED | TAKEN
        self.assertEqual(set(skipped), expected)
        for k in BAD_KEYWORDS:
            self.assertIn("A-Z a-z 0-9", skipped[k])
        for k in RESERVED:
            self.assertIn("reserved", skipped[k])
        for k in TAKEN:
            self.assertIn("taken", skipped[k])
        self.assertEqual(self.imported_count(), IMPORTED)

        # Every total equals YOURLS's `clicks`; every link is permanent and keeps its time.
        owner_id = self.stack.mysql_value("SELECT id FROM users WHERE username = '%s'" % self.owner)
        bad_totals = self.stack.mysql_value(
            "SET time_zone = '+00:00'; SELECT COUNT(*) FROM %s.yourls_url y JOIN links l ON l.slug = CONVERT(y.keyword USING "
            "ascii) COLLATE ascii_bin WHERE (y.clicks <> (SELECT COALESCE(SUM(d.clicks), 0) FROM "
            "link_clicks_daily d WHERE d.link_id = l.id) OR l.expires_at IS NOT NULL OR "
            "l.created_at <> y.`timestamp`) AND l.owner_id = %s" % (SOURCE_DB, owner_id))
        self.assertEqual(bad_totals, "0")
        # Every day of the log is a day here, with the log's count (plus, on the creation day,
        # what the total holds beyond the log).
        bad_days = self.stack.mysql_value(
            "SET time_zone = '+00:00'; SELECT COUNT(*) FROM (SELECT shorturl, DATE(click_time) AS day, COUNT(*) AS n FROM "
            "%s.yourls_log GROUP BY shorturl, DATE(click_time)) g "
            "JOIN %s.yourls_url y ON y.keyword = g.shorturl "
            "JOIN links l ON l.slug = CONVERT(g.shorturl USING ascii) COLLATE ascii_bin "
            "AND l.owner_id = %s "
            "LEFT JOIN link_clicks_daily d ON d.link_id = l.id AND d.day = g.day "
            "WHERE COALESCE(d.clicks, 0) <> g.n + IF(g.day = DATE(y.`timestamp`), y.clicks - "
            "(SELECT COUNT(*) FROM %s.yourls_log l2 WHERE l2.shorturl = y.keyword), 0)"
            % (SOURCE_DB, SOURCE_DB, owner_id, SOURCE_DB))
        self.assertEqual(bad_days, "0")
        extra_days = self.stack.mysql_value(
            "SET time_zone = '+00:00'; SELECT COUNT(*) FROM link_clicks_daily d JOIN links l ON l.id = d.link_id JOIN "
            "%s.yourls_url y ON l.slug = CONVERT(y.keyword USING ascii) COLLATE ascii_bin WHERE "
            "d.day <> DATE(y.`timestamp`) AND NOT EXISTS (SELECT 1 FROM %s.yourls_log g WHERE "
            "g.shorturl = y.keyword AND DATE(g.click_time) = d.day) AND l.owner_id = %s"
            % (SOURCE_DB, SOURCE_DB, owner_id))
        self.assertEqual(extra_days, "0")

        # Every imported keyword answers with its target (IRIs converted): half of them at
        # /r/ (a redirect), half at the v1 lookup /{slug} (the target as JSON).
        client = Client(self.base, auth=None)
        numbers = GOOD_NUMBERS

        def check(n):
            if n % 2:
                r = client.req("GET", "/r/" + fixture_keyword(n))
                return n, r.status, r.headers.get("location")
            r = client.req("GET", "/" + fixture_keyword(n))
            return n, {200: 302}.get(r.status, r.status), (r.json or {}).get("original_url")

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            wrong = [(n, s, loc) for n, s, loc in pool.map(check, numbers)
                     if (s, loc) != (302, fixture_target(n))]
        self.assertEqual(wrong[:5], [], "%d of %d keywords do not redirect" % (len(wrong), len(numbers)))

        # Titles arrive as metadata, in full Unicode; a link without a title has none.
        owner_key = self.stack.make_api_key(self.owner)
        mine = Client(self.base, auth={"X-API-Key": owner_key})
        r = mine.req("GET", "/api/v1/url-shorteners/" + fixture_keyword(1))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json["data"]["metadata"], {"title": "Seite 1 — Köln 🚀"})
        r = mine.req("GET", "/api/v1/url-shorteners/" + fixture_keyword(50))
        self.assertEqual(r.json["data"]["metadata"], {})

    def test_2b_the_log_folds_into_the_statistics(self):
        """The stats endpoint of imported links shows what their log rows classify into, plus the
        total beyond the log as unknown visits on the creation day; every breakdown sums to the
        clicks, and no address, User-Agent or referrer path was stored."""
        mine = Client(self.base, auth={"X-API-Key": self.stack.make_api_key(self.owner)})
        checked = 0
        # Short and long keywords, an IRI target, one whose log and total differ by 0..6.
        for n in (1, 2, 3, 5, 40, 1234, 4441, 9990):
            keyword = fixture_keyword(n)
            with self.subTest(keyword=keyword):
                rows = root_sql(self.stack, "SET time_zone = '+00:00'; SELECT DATE(click_time), "
                                "referrer, user_agent, ip_address, country_code FROM yourls_log "
                                "WHERE shorturl = '%s'" % keyword, database=SOURCE_DB)
                (created, total), = root_sql(self.stack, "SET time_zone = '+00:00'; SELECT "
                                             "DATE(`timestamp`), clicks FROM yourls_url WHERE "
                                             "keyword = '%s'" % keyword, database=SOURCE_DB)
                total = int(total)
                rest = total - len(rows)
                expected = {b: {} for b in BREAKDOWN_KEYS}
                by_day, humans, bots, visitors = {}, 0, 0, {}

                def count(day, values, bot, clicks=1):
                    nonlocal humans, bots
                    for b, value in values.items():
                        expected[b][value] = expected[b].get(value, 0) + clicks
                    by_day[day] = by_day.get(day, 0) + clicks
                    humans, bots = humans + (0 if bot else clicks), bots + (clicks if bot else 0)

                for day, referrer, agent, ip, country in rows:
                    device, browser, system, bot = agent_class(agent)
                    count(day, {"referrers": LOG_REFERRERS[referrer],
                                "countries": LOG_COUNTRIES[country], "devices": device,
                                "browsers": browser, "os": system}, bot)
                    if not bot:
                        visitors.setdefault(day, set()).add((ip, agent))
                if rest > 0:
                    count(created, UNKNOWN_VISIT, False, rest)
                query = "?from=%s&to=%s" % (created, max(by_day) if by_day else created)
                r = mine.req("GET", "/api/v1/url-shorteners/%s/stats%s" % (keyword, query))
                self.assertEqual(r.status, 200, r.body)
                data = r.json["data"]
                self.assertEqual((data["clicks"], data["human_clicks"], data["bot_clicks"]),
                                 (total, humans, bots))
                self.assertEqual({d["date"]: d["clicks"] for d in data["by_day"] if d["clicks"]},
                                 by_day)
                # A small count of distinct (address, User-Agent) pairs a day is exact.
                self.assertEqual({d["date"]: d["unique_visitors"] for d in data["by_day"]
                                  if d["unique_visitors"]},
                                 {day: len(v) for day, v in visitors.items()})
                for b, key in BREAKDOWN_KEYS.items():
                    shown = {item[key]: item["clicks"] for item in data[b]}
                    self.assertEqual(shown, expected[b], b)
                    self.assertEqual(sum(shown.values()), total, b)
                checked += 1
        self.assertEqual(checked, 8)
        # Over every imported link and day: human + bot = the day's clicks, and each breakdown
        # sums to them (the invariant the flush keeps).
        owner_id = self.stack.mysql_value("SELECT id FROM users WHERE username = '%s'" % self.owner)
        self.assertEqual(self.stack.mysql_value(
            "SELECT COUNT(*) FROM link_clicks_daily d JOIN links l ON l.id = d.link_id "
            "LEFT JOIN link_visits_daily v ON v.link_id = d.link_id AND v.day = d.day "
            "WHERE l.owner_id = %s AND d.day < '2026-01-01' AND COALESCE(v.human_clicks + "
            "v.bot_clicks, 0) <> d.clicks" % owner_id), "0")
        owned = "link_id IN (SELECT id FROM links WHERE owner_id = %s)" % owner_id
        sums = {}
        for link_id, day, clicks in self.stack.mysql(
                "SELECT link_id, day, clicks FROM link_clicks_daily WHERE day < '2026-01-01' AND "
                + owned):
            sums[(link_id, day)] = int(clicks)
        by_breakdown = {}
        values = []
        for link_id, _ in self.stack.mysql("SELECT DISTINCT link_id, 0 FROM link_visits_daily "
                                           "WHERE day < '2026-01-01' AND " + owned):
            for day, breakdown, value, clicks in self.stack.visit_values(
                    "link_id = %s AND day < '2026-01-01'" % link_id):
                key = (link_id, day, breakdown)
                by_breakdown[key] = by_breakdown.get(key, 0) + clicks
                values.append(value)
        self.assertTrue(by_breakdown)
        for (link_id, day, breakdown), total in by_breakdown.items():
            self.assertEqual(total, sums[(link_id, day)], (link_id, day, breakdown))
        # Hosts only: no path, address or User-Agent reached the statistics.
        self.assertEqual([v for v in values if "/" in v or v.startswith("198.51.")
                          or "Mozilla" in v], [])

    def test_3_a_second_run_imports_nothing_twice(self):
        # The imported days (the redirects above add clicks on today's date, flushed any time).
        days_sql = "SELECT CONCAT(COUNT(*), ' ', SUM(clicks)) FROM link_clicks_daily WHERE day < '2026-01-01'"
        days_before = self.stack.mysql_value(days_sql)
        stats_sql = ("SELECT CONCAT(COUNT(*), ' ', SUM(human_clicks), ' ', SUM(bot_clicks), ' ', "
                     "SUM(CRC32(CONCAT(link_id, ' ', day, ' ', breakdown_values)))) "
                     "FROM link_visits_daily WHERE day < '2026-01-01'")
        stats_before = self.stack.mysql_value(stats_sql)
        rc, out, err = admin(self.stack, "import", "yourls", *self.source, env_extra=self.password)
        self.assertEqual(rc, 1, err)
        self.assertIn("import yourls: 0 links imported (0 clicks), %d already there, %d skipped"
                      % (IMPORTED, 10000 - IMPORTED), out)
        self.assertEqual(self.imported_count(), IMPORTED)
        self.assertEqual(
            self.stack.mysql_value(days_sql), days_before)
        self.assertEqual(self.stack.mysql_value(stats_sql), stats_before)

    def test_4_rename_conflicts_imports_reserved_and_taken_keywords_under_a_suffix(self):
        rc, out, err = admin(self.stack, "import", "yourls", *self.source, "--rename-conflicts",
                             "-y", env_extra=self.password)
        self.assertEqual(rc, 1, err)  # the bad keywords and refused URLs stay skipped
        self.assertIn("%d links imported" % (len(RESERVED) + len(TAKEN)), out)
        self.assertEqual(set(skipped_of(out)),
                         BAD_KEYWORDS | {fixture_keyword(n) for n in REFUSED_URLS})
        client = Client(self.base, auth=None)
        r = client.req("GET", "/r/api-y")
        self.assertEqual((r.status, r.headers.get("location")),
                         (302, "https://example.org/reserved/api"))
        r = client.req("GET", "/r/taken1-y")
        self.assertEqual((r.status, r.headers.get("location")), (302, "https://example.org/taken/1"))
        # The link that held taken1 is untouched.
        r = client.req("GET", "/r/taken1")
        self.assertEqual(r.headers.get("location"), "https://example.org/ours/taken1")

    def test_bad_invocations_fail_with_a_message(self):
        socket_args = ["--socket", self.stack.env["SHORTENER_MYSQL_SOCKET"], "--user", "shortener"]
        cases = [
            (self.source + ["--prefix", "x`; DROP TABLE links; --"], "--prefix must be", 1),
            (self.source + ["--prefix", "nope_"], "no table `nope_url`", 1),
            (["--database", SOURCE_DB, "--owner", "nobody_" + rand_token()] + socket_args,
             "no user called", 1),
            (["--database", SOURCE_DB, "--owner", self.owner, "--port", "0"], "--port must be", 1),
            # Usage errors: exit 2, as --help says.
            (["--database", SOURCE_DB] + socket_args, "missing --owner; usage: import yourls", 2),
            (self.source + ["--bogus", "1"], "unknown option '--bogus'", 2),
            (self.source + ["--port", "3306"], "--port and --socket exclude each other", 2),
            (self.source + ["--user"], "--user is given twice", 2),
        ]
        for args, message, status in cases:
            with self.subTest(args=args):
                rc, out, err = admin(self.stack, "import", "yourls", *args, env_extra=self.password)
                self.assertEqual(rc, status, out)
                self.assertIn(message, err)
        rc, _, err = admin(self.stack, "import", "yourls", *self.source,
                           env_extra={"YOURLS_DB_PASSWORD": "wrong"})
        self.assertEqual(rc, 1)
        self.assertIn("the YOURLS database failed while connecting", err)
        self.assertEqual(self.stack.mysql_value("SELECT COUNT(*) FROM links WHERE slug IS NULL"), "0")


class ExportImportTest(IntegrationTest):
    """export -> import jsonl into an empty database -> export again: identical files."""

    def test_round_trip_is_identical(self):
        owner, password = self.stack.make_user("export")
        key = self.stack.make_api_key(owner)
        mine = Client(self.base, auth={"X-API-Key": key})
        slugs = []
        for i, fields in enumerate([{}, {"expires_in": None},
                                    {"metadata": {"title": "Zoë", "n": [1, 2]}},
                                    {"expires_in": 3600, "max_visits": 5, "redirect_code": 308}]):
            body = {"original_url": "https://example.org/export/%d/%s" % (i, rand_token())}
            body.update(fields)
            r = mine.req("POST", "/api/v1/url-shortener", json_body=body)
            self.assertEqual(r.status, 201, r.body)
            slugs.append(r.json["data"]["slug"])
        # Clicks on two days, written as the flush writes them.
        link_id = self.stack.mysql_value("SELECT id FROM links WHERE slug = '%s'" % slugs[0])
        self.stack.mysql("INSERT INTO link_clicks_daily (link_id, day, clicks) VALUES (%s, "
                         "'2026-01-02', 3), (%s, '2026-01-05', 1)" % (link_id, link_id))
        # Real visits with statistics: two people from a referrer and a crawler, flushed.
        stats_id = self.stack.mysql_value("SELECT id FROM links WHERE slug = '%s'" % slugs[2])
        visitors = Client(self.base, auth=None)
        for agent, referer in ((CHROME, "https://news.example.com/a?b=1"),
                               (CHROME + " x", "https://news.example.com/"),
                               ("Googlebot/2.1", "")):
            r = visitors.req("GET", "/r/" + slugs[2], headers={"User-Agent": agent,
                                                               "Referer": referer})
            self.assertEqual(r.status, 302, r.body)
        deadline = time.time() + 30
        while time.time() < deadline and self.stack.mysql_value(
                "SELECT COALESCE(SUM(human_clicks + bot_clicks), 0) FROM link_visits_daily "
                "WHERE link_id = %s" % stats_id) != "3":
            time.sleep(0.2)

        rc, first, err = admin(self.stack, "export", "--owner", owner)
        self.assertEqual(rc, 0, err)
        lines = [json.loads(line) for line in first.splitlines()]
        self.assertEqual([line["slug"] for line in lines], slugs)
        self.assertEqual(lines[0]["clicks"], 4)
        self.assertEqual(lines[0]["days"], [{"day": "2026-01-02", "clicks": 3},
                                            {"day": "2026-01-05", "clicks": 1}])
        self.assertEqual(lines[1]["expires_at"], None)
        self.assertEqual(lines[2]["metadata"], {"title": "Zoë", "n": [1, 2]})
        self.assertEqual(lines[0]["owner"], owner)
        self.assertEqual((lines[3]["max_visits"], lines[3]["redirect_code"]), (5, 308))
        self.assertEqual((lines[0]["max_visits"], lines[0]["redirect_code"]), (None, 302))
        self.assertEqual(lines[0]["stats"], [])
        (stats,) = lines[2]["stats"]
        self.assertEqual((stats["human_clicks"], stats["bot_clicks"]), (2, 1))
        self.assertEqual(stats["referrers"], {"direct": 1, "news.example.com": 2})
        self.assertEqual(stats["devices"], {"bot": 1, "desktop": 2})
        self.assertEqual(stats["browsers"], {"Chrome": 2, "Googlebot": 1})
        self.assertTrue(stats["visitors"])

        root_sql(self.stack, "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; GRANT ALL ON %s.* TO "
                 "'shortener'@'localhost';" % (COPY_DB, COPY_DB, COPY_DB))
        rc, _, err = admin(self.stack, "migrate", "--sql-dir", os.path.join(REPO, "sql"),
                           database=COPY_DB)
        self.assertEqual(rc, 0, err)
        rc, _, err = admin(self.stack, "user", "create", owner, owner + "@example.org",
                           database=COPY_DB, input=password + "\n")
        self.assertEqual(rc, 0, err)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write(first)
            # Lines that cannot come in: reported by line, the rest imported.
            f.write("not json\n")
            f.write(json.dumps(dict(lines[0], slug="other1", days=[{"day": "2026-13-01",
                                                                  "clicks": 1}])) + "\n")
            f.write(json.dumps(dict(lines[0], slug="other2", url="javascript:alert(1)")) + "\n")
            f.write(json.dumps(dict(lines[0], slug="other3", owner="nobody_x")) + "\n")
            f.write(json.dumps(dict(lines[0], slug="other4", clicks=5)) + "\n")
            # Statistics that do not add up: the line is reported, with the reason.
            bad_stats = dict(lines[2], slug="other5")
            bad_stats["stats"] = [dict(stats, referrers={"direct": 1})]
            f.write(json.dumps(bad_stats) + "\n")
            bad_stats["stats"] = [dict(stats, visitors="bm90IGEgc2tldGNo")]
            f.write(json.dumps(bad_stats) + "\n")
            path = f.name
        self.addCleanup(os.unlink, path)
        rc, out, err = admin(self.stack, "import", "jsonl", path, database=COPY_DB)
        self.assertEqual(rc, 1, err)
        self.assertIn("import jsonl: 4 links imported (7 clicks), 0 already there, 7 skipped", out)
        skipped = skipped_of(out)
        self.assertEqual(set(skipped), {"line 5", "line 6", "other2", "other3", "line 9",
                                        "line 10", "line 11"})
        self.assertIn('"referrers" must sum to human_clicks + bot_clicks', skipped["line 10"])
        self.assertIn('"visitors" must be a unique-visitor sketch', skipped["line 11"])
        rc, second, err = admin(self.stack, "export", "--owner", owner, database=COPY_DB)
        self.assertEqual(rc, 0, err)
        self.assertEqual(second, first)
        # And again: nothing twice.
        rc, out, err = admin(self.stack, "import", "jsonl", path, database=COPY_DB)
        self.assertIn("0 links imported (0 clicks), 4 already there", out)

    def test_only_a_regular_file_is_imported(self):
        # A directory once read as an empty file: "0 links imported" and exit status 0.
        fifo = os.path.join(self.stack.dir, "import-fifo-" + rand_token())
        os.mkfifo(fifo)
        self.addCleanup(os.unlink, fifo)
        missing = os.path.join(self.stack.dir, "no-such-export.jsonl")
        for path, message in ((self.stack.dir, "file '%s' is not a regular file" % self.stack.dir),
                              (fifo, "file '%s' is not a regular file" % fifo),
                              ("/dev/zero", "file '/dev/zero' is not a regular file"),
                              (missing, "cannot open file '%s': No such file" % missing)):
            with self.subTest(path=path):
                rc, out, err = admin(self.stack, "import", "jsonl", path, timeout=20)
                self.assertEqual((rc, out), (1, ""), err)
                self.assertTrue(err.startswith("shortener-admin: import jsonl: " + message), err)


class YourlsHostileRowsTest(IntegrationTest):
    """Rows a stock YOURLS can hold, or a hand-made table can, that once broke a whole run: a
    title whose JSON passes the 4 KiB of metadata (each '"' escapes to two bytes) made MariaDB
    refuse the batch and the run fail without naming it; a negative clicks total (a signed
    column) wrapped to 1.8e19. Now the title is cut and the link comes over, the negative row is
    skipped with its reason, and the links around them are imported."""

    SOURCE = "yourls_hostile"

    def test_a_long_title_is_cut_and_a_negative_total_skipped(self):
        schema = open(FIXTURE).read().split("CREATE TABLE yourls_options")[0]
        # A hand-made copy whose clicks column is signed.
        schema = schema.replace("clicks INT UNSIGNED NOT NULL", "clicks INT NOT NULL")
        root_sql(self.stack, "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; GRANT SELECT ON %s.* "
                 "TO 'shortener'@'localhost';" % ((self.SOURCE,) * 3))
        root_sql(self.stack, schema + """
            INSERT INTO yourls_url VALUES
              ('hostile-a', 'https://example.org/before', 'fine', '2024-03-01 00:00:00', 'x', 1),
              ('hostile-m', 'https://example.org/quotes', REPEAT('"', 40000),
               '2024-03-01 00:00:00', 'x', 2),
              ('hostile-n', 'https://example.org/negative', 't', '2024-03-01 00:00:00', 'x', -5),
              ('hostile-z', 'https://example.org/after', 'fine', '2024-03-01 00:00:00', 'x', 3);
            """, database=self.SOURCE)
        owner, _ = self.stack.make_user("hostile")
        source = ["--database", self.SOURCE, "--socket", self.stack.env["SHORTENER_MYSQL_SOCKET"],
                  "--user", "shortener", "--owner", owner]
        password = {"YOURLS_DB_PASSWORD": self.stack.env["SHORTENER_MYSQL_PASSWORD"]}
        rc, out, err = admin(self.stack, "import", "yourls", *source, env_extra=password)
        self.assertEqual(rc, 1, out + err)  # a row was skipped
        self.assertIn("import yourls: 3 links imported (6 clicks), 0 already there, 1 skipped", out)
        self.assertIn("clicks", skipped_of(out).get("hostile-n", ""), out)
        for slug, url in (("hostile-a", "https://example.org/before"),
                          ("hostile-m", "https://example.org/quotes"),
                          ("hostile-z", "https://example.org/after")):
            r = self.req("GET", "/r/" + slug)
            self.assertEqual((r.status, r.headers.get("location")), (302, url), slug)
            self.assertLessEqual(int(self.stack.mysql_value(
                "SELECT LENGTH(metadata) FROM links WHERE slug = '%s'" % slug)), 4096, slug)
        title = json.loads(self.stack.mysql_value(
            "SELECT metadata FROM links WHERE slug = 'hostile-m'"))["title"]
        self.assertEqual(title, '"' * 2042)
        self.assertEqual(int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE slug = 'hostile-n'")), 0)
        # A second run brings nothing twice and skips the same row.
        rc, out, err = admin(self.stack, "import", "yourls", *source, env_extra=password)
        self.assertIn("0 links imported (0 clicks), 3 already there, 1 skipped", out)

    def test_odd_times_a_converted_log_huge_totals_and_an_old_schema(self):
        """A log table converted by hand to another collation than the url table's keyword (its
        rows were once looked up by a range in the log's order, which missed whole pages of
        them); creation times that cannot be (in the future, a zero date); log rows dated before
        the link or after today; a total past what JSON clients read exactly; and tables of a
        YOURLS before 1.7 (no title), named as such rather than as a connection failure."""
        source = "yourls_odd"
        schema = open(FIXTURE).read().split("CREATE TABLE yourls_options")[0]
        schema = schema.replace("clicks INT UNSIGNED NOT NULL", "clicks BIGINT UNSIGNED NOT NULL")
        schema = schema.replace(
            "shorturl VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL",
            "shorturl VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL")
        self.assertIn("utf8mb4_unicode_ci NOT NULL", schema)
        root_sql(self.stack, "DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; GRANT SELECT ON %s.* "
                 "TO 'shortener'@'localhost';" % ((source,) * 3))
        log = []
        # Three keywords whose order differs between the two collations, and two that only
        # differ in case (one row each under the log's collation, two links here).
        for keyword, n in (("CiZed", 3), ("ci_mid", 3), ("ciabc", 3), ("Odd-case", 2),
                           ("odd-CASE", 1)):
            for i in range(n):
                log.append(("2024-04-0%d 12:00:00" % (5 + i), keyword,
                            "https://%s.example/x" % "abc"[i], CHROME))
        for when in ("1969-12-31 10:00:00", "2024-01-15 10:00:00", "2024-02-02 10:00:00",
                     "2024-02-02 11:00:00", "2036-01-01 10:00:00"):
            log.append((when, "odd-log", "", CHROME))
        log.append(("2024-02-03 10:00:00", "odd-zero", "", CHROME))
        values = ",\n".join("('%s', '%s', '%s', '%s', '192.0.2.1', 'DE')" % row for row in log)
        root_sql(self.stack, schema + """
            SET SESSION sql_mode = '';
            SET time_zone = '+00:00';
            INSERT INTO yourls_url VALUES
              ('CiZed', 'https://example.org/cized', 't', '2024-04-01 00:00:00', 'x', 3),
              ('ci_mid', 'https://example.org/cimid', 't', '2024-04-01 00:00:00', 'x', 3),
              ('ciabc', 'https://example.org/ciabc', 't', '2024-04-01 00:00:00', 'x', 3),
              ('Odd-case', 'https://example.org/upper', 't', '2024-04-01 00:00:00', 'x', 2),
              ('odd-CASE', 'https://example.org/lower', 't', '2024-04-01 00:00:00', 'x', 1),
              ('odd-future', 'https://example.org/future', 't', '2037-06-01 00:00:00', 'x', 2),
              ('odd-zero', 'https://example.org/zero', 't', '0000-00-00 00:00:00', 'x', 4),
              ('odd-log', 'https://example.org/log', 't', '2024-02-01 09:00:00', 'x', 9),
              ('odd-huge', 'https://example.org/huge', 't', '2024-02-01 09:00:00', 'x',
               9007199254740992);
            INSERT INTO yourls_log (click_time, shorturl, referrer, user_agent, ip_address,
                                    country_code) VALUES %s;
            """ % values, database=source)
        owner, _ = self.stack.make_user("odd")
        args = ["--database", source, "--socket", self.stack.env["SHORTENER_MYSQL_SOCKET"],
                "--user", "shortener", "--owner", owner]
        password = {"YOURLS_DB_PASSWORD": self.stack.env["SHORTENER_MYSQL_PASSWORD"]}
        started = time.time()
        rc, out, err = admin(self.stack, "import", "yourls", *args, env_extra=password)
        self.assertEqual(rc, 1, out + err)  # odd-huge is skipped
        self.assertIn("import yourls: 8 links imported (27 clicks), 0 already there, 1 skipped", out)
        self.assertIn("2^53", skipped_of(out).get("odd-huge", ""), out)

        def days(slug):
            return dict(self.stack.mysql(
                "SELECT c.day, c.clicks FROM link_clicks_daily c JOIN links l ON l.id = c.link_id "
                "WHERE l.slug = '%s' ORDER BY c.day" % slug))

        def referrers(slug):
            got = {}
            for _, breakdown, value, clicks in self.stack.visit_values(
                    "link_id = (SELECT id FROM links WHERE slug = '%s')" % slug):
                if breakdown == 0:
                    got[value] = got.get(value, 0) + clicks
            return got

        def created(slug):
            return int(self.stack.mysql_value(
                "SELECT UNIX_TIMESTAMP(created_at) FROM links WHERE slug = '%s'" % slug))

        # Every log row of the converted log was folded, each into its own keyword's days.
        for slug in ("CiZed", "ci_mid", "ciabc"):
            self.assertEqual(days(slug), {"2024-04-05": "1", "2024-04-06": "1", "2024-04-07": "1"},
                             slug)
            self.assertEqual(referrers(slug), {"a.example": 1, "b.example": 1, "c.example": 1},
                             slug)
        self.assertEqual(days("Odd-case"), {"2024-04-05": "1", "2024-04-06": "1"})
        self.assertEqual(days("odd-CASE"), {"2024-04-05": "1"})
        # A creation in the future is the import's time, and so is its day.
        self.assertLessEqual(started - 5, created("odd-future"))
        self.assertLessEqual(created("odd-future"), time.time() + 5)
        self.assertEqual(list(days("odd-future").values()), ["2"])
        self.assertEqual(list(days("odd-future")), [time.strftime("%Y-%m-%d", time.gmtime(
            created("odd-future")))])
        # A zero date: the first logged day, at midnight; the rest of the total on it.
        self.assertEqual(created("odd-zero"), 1706918400)  # 2024-02-03 00:00:00 UTC
        self.assertEqual(days("odd-zero"), {"2024-02-03": "4"})
        # Logged days before the creation day or after today are not the link's.
        self.assertEqual(days("odd-log"), {"2024-02-01": "7", "2024-02-02": "2"})

        # Tables of a YOURLS before 1.7: no title column.
        root_sql(self.stack, "ALTER TABLE yourls_url DROP COLUMN title", database=source)
        rc, out, err = admin(self.stack, "import", "yourls", *args, env_extra=password)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("not those of a YOURLS 1.7 or later", err)
        self.assertIn("title", err)
        self.assertNotIn("connecting", err)
