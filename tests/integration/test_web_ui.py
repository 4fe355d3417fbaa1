"""The web interface in a real browser: Debian's chromium, headless, driven through
chromium-driver by python3-selenium, against the real stack (static pages from the web server,
data from the workers). The flow of issue 14: sign up, log in, shorten (generated and custom),
copy, open the short link and land on a local target page, the link page shows the click, edit,
delete, log out; API keys; the dead-link page; a cross-origin form POST refused; hostile
metadata rendered inert; the CSP header. Screenshots of every page at 1280 and 360 px go to
build/screenshots/ (README "Web interface"). test_fronts runs the flow behind nginx and Apache."""

import datetime
import http.server
import json
import os
import threading
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import REPO, Client, IntegrationTest, rand_token

SCREENSHOTS = os.path.join(REPO, "build", "screenshots")
PASSWORD = "web-pass-" + rand_token(6)
WAIT = 15  # seconds any one page state may take to appear


class _TargetPages(http.server.BaseHTTPRequestHandler):
    """The local pages the test needs: a link target, and another site's form."""

    service = ""  # the service's public base, for the hostile form

    def do_GET(self):
        if self.path.startswith("/evil-form"):
            body = ("<!DOCTYPE html><title>evil</title><form id=f method=post enctype=text/plain "
                    "action='%s/api/v1/url-shortener'><input name='{\"original_url\":"
                    "\"https://evil.example/\",\"x\":\"' value='\"}'></form>"
                    "<script>document.getElementById('f').submit()</script>" % self.service)
        else:
            body = "<!DOCTYPE html><title>Target page</title><h1 id=landed>Landed</h1>"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--hide-scrollbars", "--lang=en-US"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class BrowserTest(IntegrationTest):
    """One headless chromium per test class, and the helpers of the browser tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = cls.public  # http://localhost:PORT: the browser's origin is public_base_url's
        cls.driver = start_browser()
        cls.driver.set_page_load_timeout(30)
        os.makedirs(SCREENSHOTS, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        super().tearDownClass()

    # -- helpers ------------------------------------------------------------------------------

    def open(self, path):
        self.driver.get(self.site + path)

    def wait(self, condition):
        return WebDriverWait(self.driver, WAIT).until(condition)

    def find(self, css):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def type(self, css, text):
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def status_text(self):
        return self.driver.find_element(By.ID, "status").text

    def shoot(self, name):
        """Screenshots at 1280 and 360 px wide (full page height)."""
        if self.FRONT:  # the fronts' runs (test_fronts) take none
            return
        for width in (1280, 360):
            self.driver.set_window_size(width, 900)
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, max(600, min(height + 20, 4000)))
            self.driver.save_screenshot(os.path.join(SCREENSHOTS, "%s-%d.png" % (name, width)))
        self.driver.set_window_size(1280, 900)

    def assert_no_alert(self):
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            self.fail("an alert opened: %r" % text)
        except NoAlertPresentException:
            pass

    def api(self, method, path, body=None, headers=None):
        return self.req(method, path, client=Client(self.base, auth=None), headers=headers or {},
                        json_body=body)

    def new_user(self, prefix):
        """A user signed up through the API; returns (username, bearer headers)."""
        name = prefix + "_" + rand_token(8)
        r = self.api("POST", "/url/signup", {"username": name, "email": name + "@example.org",
                                             "password": PASSWORD})
        self.assertEqual(r.status, 201, r)
        r = self.api("POST", "/url/login", {"username": name, "password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        return name, {"Authorization": "Bearer " + r.json["access_token"]}

    def login(self, name):
        """Logs the browser in as `name` through the log-in page."""
        self.driver.delete_all_cookies()
        self.open("/")
        self.type("#username", name)
        self.find("#password").send_keys(PASSWORD + "\n")
        self.wait(EC.url_contains("/ui/links.html"))

    def table_rows(self, css):
        """{first cell: second cell} of the rows of the table at `css`."""
        return {row.find_elements(By.TAG_NAME, "td")[0].text:
                row.find_elements(By.TAG_NAME, "td")[1].text
                for row in self.find(css).find_elements(By.CSS_SELECTOR, "tbody tr")}


class WebUiFlowTest(BrowserTest):
    """The flow of issue 14, run here behind lighttpd and by test_fronts behind nginx and
    Apache."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pages = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TargetPages)
        _TargetPages.service = cls.site
        threading.Thread(target=cls.pages.serve_forever, daemon=True).start()
        # *.localhost resolves to loopback in Chromium; the URL rules refuse loopback literals
        # and the service's own host, not another name.
        cls.target_base = "http://target.localhost:%d" % cls.pages.server_address[1]
        cls.evil_base = "http://evil.localhost:%d" % cls.pages.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.pages.shutdown()
        cls.pages.server_close()
        super().tearDownClass()

    # -- the flow -----------------------------------------------------------------------------

    def test_the_whole_flow(self):
        d = self.driver
        d.delete_all_cookies()
        name = "web_" + rand_token(8)
        # Sign up (and be logged in by it).
        self.open("/ui/signup.html")
        self.find("#username")
        self.shoot("signup")
        self.type("#username", name)
        self.type("#email", name + "@example.org")
        self.type("#password", PASSWORD)
        self.find("#signup button[type=submit]").click()
        self.wait(EC.url_contains("/ui/shorten.html"))
        # Log out, then log in through the log-in page, by keyboard alone.
        self.find("#logout").click()
        self.wait(EC.presence_of_element_located((By.ID, "login")))
        self.shoot("login")
        self.type("#username", name)
        self.find("#password").send_keys(PASSWORD + "\n")
        self.wait(EC.url_contains("/ui/links.html"))
        cookie = d.get_cookie("shortener_session")
        self.assertTrue(cookie and cookie["httpOnly"], cookie)
        self.assertEqual(cookie.get("sameSite"), "Strict")
        self.assertIsNone(d.execute_script("return document.cookie.match(/shortener_session/)"))
        # Shorten with a generated slug: the short URL, its copy button and its QR code.
        target = self.target_base + "/landing?" + rand_token()
        self.open("/ui/shorten.html")
        self.type("#url", target)
        self.find("#shorten button[type=submit]").click()
        short = self.find("#short-url").text
        self.assertTrue(short.startswith(self.site + "/"), short)
        slug = short.rsplit("/", 1)[1]
        qr = self.find("#result img.qr")
        self.wait(lambda _: d.execute_script("return arguments[0].naturalWidth", qr) > 0)
        self.shoot("shorten")
        d.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": self.site, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
        self.find("#result button.copy").click()
        self.wait(lambda _: self.find("#result button.copy").text == "Copied")
        copied = d.execute_async_script(
            "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))")
        self.assertEqual(copied, short)
        # A custom slug, permanent.
        custom = "web-" + rand_token(6)
        self.open("/ui/shorten.html")
        self.type("#url", target + "&custom")
        self.type("#slug", custom)
        self.find("#permanent").click()
        self.find("#shorten button[type=submit]").click()
        self.assertEqual(self.find("#short-url").text, self.site + "/" + custom)
        # Open the short link: the browser lands on the target page.
        d.get(short)
        self.assertEqual(self.find("#landed").text, "Landed")
        self.assertTrue(d.current_url.startswith(target), d.current_url)
        # My links: both, newest first; search finds the custom one alone.
        self.open("/ui/links.html")
        self.wait(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#links li.link")) >= 2)
        slugs = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#links .slug a")]
        self.assertEqual(slugs[:2], [custom, slug])
        self.shoot("links")
        self.type("#q", custom)
        self.find("#search button").click()
        self.wait(lambda _: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#links .slug a")]
                  == [custom])
        # The link page shows the click (after the workers' flush).
        deadline = time.monotonic() + 20
        while True:
            self.open("/ui/link.html?slug=" + slug)
            if self.find("#clicks").text == "1" or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertEqual(self.find("#clicks").text, "1")
        self.wait(lambda _: d.execute_script(
            "return !!(window.Chart && Chart.getChart(document.getElementById('chart')))"))
        self.assertEqual(d.execute_script(
            "return Chart.getChart(document.getElementById('chart')).data.datasets[0].data"
            ".reduce((a, b) => a + b, 0)"), 1)
        self.shoot("link")
        # Edit the target.
        self.type("#target", target + "&edited")
        self.find("#edit button[type=submit]").click()
        self.wait(lambda _: self.status_text() == "Saved.")
        self.assertEqual(self.find("#target-text").text, target + "&edited")
        r = self.req("GET", "/r/" + slug, client=Client(self.base, auth=None))
        self.assertEqual(r.headers.get("location"), target + "&edited")
        # Delete, with a confirmation.
        self.find("#delete").click()
        self.wait(EC.alert_is_present()).accept()
        self.wait(EC.url_contains("/ui/links.html"))
        self.assertEqual(self.req("GET", "/r/" + slug, client=Client(self.base, auth=None)).status,
                         404)
        # API keys: created (shown once), listed, revoked.
        self.open("/ui/keys.html")
        self.type("#name", "browser key")
        self.find("#create button").click()
        key = self.find("#new-key").text
        r = self.req("GET", "/api/v1/url-shorteners", client=Client(self.base, auth=None),
                     headers={"X-API-Key": key})
        self.assertEqual(r.status, 200)
        self.wait(lambda _: "browser key" in self.find("#keys").text)
        self.shoot("keys")
        self.find("#keys button.danger").click()
        self.wait(EC.alert_is_present()).accept()
        self.wait(lambda _: "No API keys." in self.find("#keys").text)
        r = self.req("GET", "/api/v1/url-shorteners", client=Client(self.base, auth=None),
                     headers={"X-API-Key": key})
        self.assertEqual(r.status, 401)
        self.open("/ui/password.html")
        self.find("#current")
        self.shoot("password")
        # Another site's form, posting with the visitor's session: refused, nothing made.
        before = int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE url = 'https://evil.example/'"))
        d.get(self.evil_base + "/evil-form")
        self.wait(lambda _: d.current_url.startswith(self.site))
        body = d.find_element(By.TAG_NAME, "body").text
        self.assertTrue('"forbidden"' in body or '"unauthorized"' in body, body)
        self.assertEqual(int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE url = 'https://evil.example/'")), before)
        # Log out: the pages send a signed-out visitor to the log-in page.
        self.open("/ui/links.html")
        self.find("#logout").click()
        self.wait(EC.presence_of_element_located((By.ID, "login")))
        self.assertIsNone(d.get_cookie("shortener_session"))
        self.open("/ui/links.html")
        self.wait(EC.presence_of_element_located((By.ID, "login")))

    def log_in_from(self, path, name):
        """Opens the log-in page at `path` (with its ?next=) signed out, and logs in as `name`;
        returns the URL the page went on to."""
        d = self.driver
        d.delete_all_cookies()
        self.open(path)
        self.type("#username", name)
        self.find("#password").send_keys(PASSWORD + "\n")
        self.wait(lambda _: "next=" not in d.current_url and d.current_url.rstrip("/") != self.site)
        self.wait(lambda _: d.execute_script("return document.readyState") == "complete")
        return d.current_url

    def test_next_after_login_stays_in_the_interface(self):
        """A link to the log-in page names the page to go on to, never a way out: not by dot
        segments (resolved by the browser, or escaped and decoded by the web server), another
        host or a backslash, since a short link of anybody's leads anywhere."""
        name, auth = self.new_user("next")
        slug = "nx" + rand_token(8)
        r = self.api("POST", "/api/v1/url-shortener",
                     {"original_url": self.target_base + "/landed", "slug": slug}, headers=auth)
        self.assertEqual(r.status, 201, r)
        for way_out in ("/ui/../r/" + slug, "/ui/%2e%2e/r/" + slug, "/ui/..%2Fr%2F" + slug,
                        "/ui/%2E%2E%2Fr%2F" + slug, "/ui/\\..\\..\\r\\" + slug, "//evil.localhost/",
                        self.target_base + "/landed", "javascript:alert(1)"):
            with self.subTest(next=way_out):
                went = self.log_in_from("/?next=" + urllib.parse.quote(way_out, safe=""), name)
                self.assertEqual(went, self.site + "/ui/links.html")
                self.assert_no_alert()
        # A page of the interface, with its query, is where the visitor goes.
        page = "/ui/link.html?slug=" + slug
        self.assertEqual(self.log_in_from("/?next=" + urllib.parse.quote(page, safe=""), name),
                         self.site + page)

    def test_a_failed_logout_says_so_and_keeps_the_session(self):
        """Logging out where the service refuses it (here another name of the host than
        public_base_url, where a change by cookie is 403 by API.md) shows the API's message and
        stays signed in, rather than seeming to log out."""
        d = self.driver
        name, _ = self.new_user("out")
        other = self.base  # http://127.0.0.1:PORT, not public_base_url's localhost
        self.assertNotEqual(other, self.site)
        d.delete_all_cookies()
        d.get(other + "/")
        self.type("#username", name)
        self.find("#password").send_keys(PASSWORD + "\n")
        self.wait(EC.url_contains("/ui/links.html"))
        self.find("#logout").click()
        self.wait(lambda _: self.status_text() != "")
        self.assertIn("error", self.find("#status").get_attribute("class"))
        self.assertTrue(d.current_url.startswith(other + "/ui/links.html"), d.current_url)
        self.assertIsNotNone(d.get_cookie("shortener_session"))
        # Through public_base_url the same session logs out (the cookie is host-only, so the
        # browser logs in there afresh).
        self.log_in_from("/", name)
        self.find("#logout").click()
        self.wait(EC.presence_of_element_located((By.ID, "login")))
        self.assertIsNone(d.get_cookie("shortener_session"))

    def test_dead_link_page(self):
        self.driver.get(self.site + "/r/nOsUcH" + rand_token())
        self.assertEqual(self.find("h1").text, "Link not found")
        self.assertEqual(self.driver.title, "Link not found")
        self.find("a[href='/']")
        self.shoot("not-found")

    def test_hostile_metadata_and_url_render_inert(self):
        d = self.driver
        d.delete_all_cookies()
        name = "xss_" + rand_token(8)
        r = self.api("POST", "/url/signup", {"username": name, "email": name + "@example.org",
                                             "password": PASSWORD})
        self.assertEqual(r.status, 201, r)
        token = self.api("POST", "/url/login", {"username": name, "password": PASSWORD}).json
        hostile = {"title": "<script>window.__xss = 1</script>",
                   "note": "\"><img src=x onerror=\"window.__xss = 2\">"}
        url = "https://example.org/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E?q=<script>"
        r = self.api("POST", "/api/v1/url-shortener", {"original_url": url, "metadata": hostile},
                     headers={"Authorization": "Bearer " + token["access_token"]})
        if r.status == 422:  # a raw '<' is no URI character: the percent-encoded form alone
            url = "https://example.org/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"
            r = self.api("POST", "/api/v1/url-shortener",
                         {"original_url": url, "metadata": hostile},
                         headers={"Authorization": "Bearer " + token["access_token"]})
        self.assertEqual(r.status, 201, r)
        slug = r.json["data"]["slug"]
        self.open("/")
        self.type("#username", name)
        self.find("#password").send_keys(PASSWORD + "\n")
        self.wait(EC.url_contains("/ui/links.html"))
        self.find("#links li.link")
        self.open("/ui/link.html?slug=" + slug)
        metadata = self.find("#details .metadata").text
        self.assertIn("<script>window.__xss = 1</script>", metadata)
        self.assertIn("<img src=x onerror=", metadata)
        for page in ("/ui/links.html", "/ui/link.html?slug=" + slug):
            self.open(page)
            self.find(".target")
            time.sleep(0.5)
            self.assert_no_alert()
            self.assertIsNone(d.execute_script("return window.__xss === undefined ? null : 1"))
            self.assertEqual(d.find_elements(By.CSS_SELECTOR, "main img:not(.qr)"), [], page)
            self.assertEqual(d.find_elements(By.CSS_SELECTOR, "main script"), [], page)

    def test_pages_send_the_security_headers(self):
        for path in ("/", "/ui/links.html", "/ui/v1/js/api.js", "/ui/v1/css/app.css"):
            with self.subTest(path=path):
                with urllib.request.urlopen(self.base + path, timeout=10) as r:
                    headers = {k.lower(): v for k, v in r.getheaders()}
                csp = headers.get("content-security-policy", "")
                self.assertIn("frame-ancestors 'none'", csp)
                self.assertIn("script-src 'self'", csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertEqual(headers.get("x-frame-options"), "DENY")
                self.assertEqual(headers.get("referrer-policy"), "same-origin")
                self.assertEqual(headers.get("x-content-type-options"), "nosniff")
                cache = headers.get("cache-control", "")
                if "/v1/" in path:
                    self.assertIn("max-age=31536000", cache)
                else:
                    self.assertEqual(cache, "no-cache")
        with urllib.request.urlopen(self.base + "/ui/v1/vendor/chart.min.js", timeout=10) as r:
            self.assertIn(b"Chart.js", r.read(400))


IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
          "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


class WebUiPagesTest(BrowserTest):
    """The pages beyond the flow, behind lighttpd only (the fronts serve them the same way)."""

    def test_link_page_shows_the_statistics(self):
        d = self.driver
        name, auth = self.new_user("stats")
        r = self.api("POST", "/api/v1/url-shortener",
                     {"original_url": "https://example.org/stats-" + rand_token()}, headers=auth)
        self.assertEqual(r.status, 201, r)
        slug = r.json["data"]["slug"]
        # Two visits from a phone coming from a news page, one from a crawler.
        for agent, referer in ((IPHONE, "https://News.Example.com/secret-path?q=1"),
                               (IPHONE, "https://news.example.com/other-path"), (GOOGLEBOT, None)):
            headers = {"User-Agent": agent}
            if referer:
                headers["Referer"] = referer
            self.assertEqual(self.api("GET", "/r/" + slug, headers=headers).status, 302)
        self.login(name)
        deadline = time.monotonic() + 20  # the workers' click flush (about a second)
        while True:
            self.open("/ui/link.html?slug=" + slug)
            if self.find("#total-clicks").text == "3" or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertEqual(self.find("#total-clicks").text, "3")
        self.assertEqual(self.find("#total-humans").text, "2 (67%)")
        self.assertEqual(self.find("#total-bots").text, "1 (33%)")
        self.assertEqual(self.find("#total-unique").text, "1")
        self.assertEqual(self.table_rows("#stats-referrers"), {"news.example.com": "2", "direct": "1"})
        self.assertEqual(self.table_rows("#stats-devices"), {"mobile": "2", "bot": "1"})
        self.assertEqual(self.table_rows("#stats-browsers"), {"Safari": "2", "Googlebot": "1"})
        self.assertEqual(self.table_rows("#stats-os"), {"iOS": "2", "other": "1"})
        self.assertEqual(self.table_rows("#stats-countries"), {"unknown": "3"})
        self.assertNotIn("secret-path", d.find_element(By.TAG_NAME, "main").text)
        # The chart: clicks, human clicks and unique visitors per day, over the last 30 days.
        self.wait(lambda _: d.execute_script(
            "return !!(window.Chart && Chart.getChart(document.getElementById('chart')))"))
        sums = d.execute_script(
            "return Chart.getChart(document.getElementById('chart')).data.datasets.map("
            "s => [s.label, s.data.length, s.data.reduce((a, b) => a + b, 0)])")
        self.assertEqual(sums, [["Clicks", 30, 3], ["Human clicks", 30, 2],
                                ["Unique visitors", 30, 1]])
        self.shoot("link-stats")
        # A range the API refuses: its message, and no stale numbers beside it.
        today = datetime.datetime.now(datetime.timezone.utc).date()
        ago = lambda n: (today - datetime.timedelta(days=n)).isoformat()  # noqa: E731
        for first, last in ((ago(1), ago(2)), (ago(400), ago(0))):
            with self.subTest(first=first, last=last):
                refused = self.api("GET", "/api/v1/url-shorteners/%s/stats?from=%s&to=%s"
                                   % (slug, first, last), headers=auth)
                self.assertEqual(refused.status, 422, refused)
                d.execute_script("document.getElementById('from').value = arguments[0];"
                                 "document.getElementById('to').value = arguments[1];", first, last)
                self.find("#range button").click()
                self.wait(lambda _: self.status_text().startswith(refused.json["message"]))
                self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#totals dd"), [])
        # A range the API takes: the chart has its days.
        d.execute_script("document.getElementById('from').value = arguments[0];"
                         "document.getElementById('to').value = arguments[1];", ago(40), ago(31))
        self.find("#range button").click()
        self.wait(lambda _: self.find("#total-clicks").text == "0")
        self.assertEqual(d.execute_script(
            "return Chart.getChart(document.getElementById('chart')).data.labels.length"), 10)
        self.assertEqual(self.status_text(), "")

    def test_visit_limit_and_redirect_code(self):
        d = self.driver
        name, auth = self.new_user("limits")
        self.login(name)
        # Shorten with a limit of 2 visits and a 307.
        self.open("/ui/shorten.html")
        self.type("#url", "https://example.org/limited-" + rand_token())
        self.type("#max-visits", "2")
        Select(self.find("#redirect-code")).select_by_value("307")
        self.find("#shorten button[type=submit]").click()
        slug = self.find("#short-url").text.rsplit("/", 1)[1]
        self.shoot("shorten-limits")
        record = self.api("GET", "/api/v1/url-shorteners/" + slug, headers=auth).json["data"]
        self.assertEqual((record["max_visits"], record["redirect_code"]), (2, 307))
        visit = self.api("GET", "/r/" + slug, headers={"User-Agent": IPHONE})
        self.assertEqual(visit.status, 307, visit)
        # The list shows both, and "1 click" once the visit is counted.
        deadline = time.monotonic() + 20
        while True:
            self.open("/ui/links.html")
            meta = self.find("#links li.link .meta").text
            if "1 click " in meta or time.monotonic() > deadline:
                break
            time.sleep(1)
        self.assertIn("1 click · ", meta)
        self.assertFalse(d.find_element(By.ID, "more").is_displayed())  # one link: no next page
        self.assertIn("at most 2 visits", meta)
        self.assertIn("307 redirect", meta)
        # The link page shows them and edits them: an empty limit lifts it.
        self.open("/ui/link.html?slug=" + slug)
        self.assertEqual(self.find("#limit-text").text, "at most 2 visits")
        self.assertEqual(self.find("#code-text").text, "307")
        self.assertEqual(self.find("#max-visits").get_attribute("value"), "2")
        self.assertEqual(Select(self.find("#redirect-code")).first_selected_option
                         .get_attribute("value"), "307")
        self.find("#max-visits").clear()
        Select(self.find("#redirect-code")).select_by_value("301")
        self.find("#edit button[type=submit]").click()
        self.wait(lambda _: self.status_text() == "Saved.")
        self.assertEqual(self.find("#limit-text").text, "no visit limit")
        self.assertEqual(self.find("#code-text").text, "301")
        record = self.api("GET", "/api/v1/url-shorteners/" + slug, headers=auth).json["data"]
        self.assertEqual((record["max_visits"], record["redirect_code"]), (None, 301))
        # And a limit set again from the link page.
        self.type("#max-visits", "5")
        self.find("#edit button[type=submit]").click()
        self.wait(lambda _: self.find("#limit-text").text == "at most 5 visits")
        record = self.api("GET", "/api/v1/url-shorteners/" + slug, headers=auth).json["data"]
        self.assertEqual(record["max_visits"], 5)
        self.shoot("link-limits")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#status.error"), [])

    def test_signup_shown_only_while_open(self):
        d = self.driver
        d.delete_all_cookies()
        self.open("/")
        self.find("#signup-link a[href='/ui/signup.html']")  # visible: signup is open here
        self.open("/ui/signup.html")
        self.find("#signup #username")
        closed = self.stack.start_instance(workers=1, env={"SHORTENER_SIGNUP": "closed"})
        self.addCleanup(self.stack.stop_instance, Client(closed).port)
        site = self.stack.public_base(closed)
        d.get(site + "/")
        self.find("#login #username")
        self.wait(lambda _: d.execute_script(
            "return performance.getEntriesByType('resource')"
            ".some(e => e.name.endsWith('/api/v1/settings'))"))
        self.assertFalse(d.find_element(By.ID, "signup-link").is_displayed())
        d.get(site + "/ui/signup.html")
        self.wait(lambda _: "closed" in self.status_text())
        self.assertFalse(d.find_element(By.ID, "signup").is_displayed())
        self.shoot("signup-closed")

    def test_an_admin_sees_every_user_and_others_do_not(self):
        d = self.driver
        admin, _ = self.stack.make_user("webadmin", admin=True, password=PASSWORD)
        name, auth = self.new_user("webuser")
        self.login(admin)
        self.find("#nav a[href='/ui/users.html']").click()
        self.wait(lambda _: name in self.find("#users").text)
        row = next(e for e in d.find_elements(By.CSS_SELECTOR, "#users li")
                   if e.find_element(By.CSS_SELECTOR, ".slug").text == name)
        self.assertIn(name + "@example.org", row.text)
        self.assertIn("0 links", row.text)
        admin_row = next(e for e in d.find_elements(By.CSS_SELECTOR, "#users li")
                         if e.find_element(By.CSS_SELECTOR, ".slug").text.startswith(admin))
        self.assertIn("admin", admin_row.find_element(By.CSS_SELECTOR, ".badge").text)
        self.shoot("users")
        # Not an admin: no menu entry, and the page says the API's 403.
        self.login(name)
        self.find("#nav a[href='/ui/links.html']")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#nav a[href='/ui/users.html']"), [])
        refused = self.api("GET", "/api/v1/users", headers=auth)
        self.assertEqual(refused.status, 403, refused)
        self.open("/ui/users.html")
        self.wait(lambda _: self.status_text() == refused.json["message"])
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#users li"), [])

    def test_an_admin_uploads_an_export_and_sees_the_summary(self):
        d = self.driver
        admin, _ = self.stack.make_user("webimport", admin=True, password=PASSWORD)
        owner, auth = self.new_user("webowner")
        good = "web-imp-" + rand_token(8)
        lines = [json.dumps({"slug": good, "url": "https://example.org/web-import", "owner": owner,
                             "created_at": "2025-03-01T10:00:00Z",
                             "updated_at": "2025-03-01T10:00:00Z", "expires_at": None,
                             "metadata": {}, "clicks": 2,
                             "days": [{"day": "2025-03-02", "clicks": 2}]}),
                 "not json",
                 json.dumps({"slug": "web-bad-" + rand_token(8), "url": "javascript:alert(1)",
                             "owner": owner, "created_at": "2025-03-01T10:00:00Z",
                             "updated_at": "2025-03-01T10:00:00Z", "expires_at": None,
                             "metadata": {}, "days": []})]
        path = os.path.join(self.stack.dir, "web-export.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.login(admin)
        self.find("#nav a[href='/ui/import.html']").click()
        self.find("#file").send_keys(path)
        self.find("#dry-run").click()
        self.find("#submit").click()
        totals = self.find("#totals")
        self.assertEqual(totals.text, "Dry run, nothing written: 1 link imported (2 clicks), "
                                      "0 already there, 2 skipped")
        self.assertEqual(self.api("GET", "/api/v1/url-shorteners/" + good, headers=auth).status,
                         404)
        self.find("#dry-run").click()
        self.find("#submit").click()
        self.wait(lambda _: self.find("#totals").text.startswith("1 link imported (2 clicks), "
                                                                 "0 already there, 2 skipped"))
        skipped = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#skipped li")]
        self.assertEqual(len(skipped), 2, skipped)
        self.assertIn("line 2", skipped[0])
        self.assertIn("not a JSON object", skipped[0])
        r = self.api("GET", "/api/v1/url-shorteners/" + good, headers=auth)
        self.assertEqual((r.status, r.json["data"]["clicks"]), (200, 2))
        self.shoot("import")
        # Past 1,000 skipped lines the page says how many it lists.
        with open(path, "w") as f:
            f.write("x\n" * 1100)
        self.find("#file").send_keys(path)
        self.find("#dry-run").click()
        self.find("#submit").click()
        self.wait(lambda _: "1100 skipped" in self.find("#totals").text)
        self.assertEqual(self.find("#totals").text,
                         "Dry run, nothing written: 0 links imported (0 clicks), 0 already there, "
                         "1100 skipped (the first 1000 are listed)")
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "#skipped li")), 1000)
        self.shoot("import-many")
        # Not an admin: no menu entry, and the API's 403 on the page.
        self.login(owner)
        self.find("#nav a[href='/ui/links.html']")
        self.assertEqual(d.find_elements(By.CSS_SELECTOR, "#nav a[href='/ui/import.html']"), [])
        self.open("/ui/import.html")
        self.find("#file").send_keys(path)
        self.find("#submit").click()
        self.wait(lambda _: self.status_text() == "Only an administrator may import links.")
