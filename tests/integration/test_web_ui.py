"""The web interface in a real browser: Debian's chromium, headless, driven through
chromium-driver by python3-selenium, against the real stack (static pages from the web server,
data from the workers). The flow of issue 14: sign up, log in, shorten (generated and custom),
copy, open the short link and land on a local target page, the link page shows the click, edit,
delete, log out; API keys; the dead-link page; a cross-origin form POST refused; hostile
metadata rendered inert; the CSP header. Screenshots of every page at 1280 and 360 px go to
build/screenshots/ (README "Web interface"). test_fronts runs the flow behind nginx and Apache."""

import http.server
import json
import os
import threading
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

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


class WebUiFlowTest(IntegrationTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.site = cls.public  # http://localhost:PORT: the browser's origin is public_base_url's
        cls.pages = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TargetPages)
        _TargetPages.service = cls.site
        threading.Thread(target=cls.pages.serve_forever, daemon=True).start()
        # *.localhost resolves to loopback in Chromium; the URL rules refuse loopback literals
        # and the service's own host, not another name.
        cls.target_base = "http://target.localhost:%d" % cls.pages.server_address[1]
        cls.evil_base = "http://evil.localhost:%d" % cls.pages.server_address[1]
        cls.driver = start_browser()
        cls.driver.set_page_load_timeout(30)
        os.makedirs(SCREENSHOTS, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.pages.shutdown()
        cls.pages.server_close()
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
