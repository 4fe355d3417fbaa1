#!/usr/bin/env python3
"""The deployment checks of `make check` (suite "deploy" of tests/run_suites.py), each printing
one line "deploy <name>: passed|failed":

  install    `make install` puts down the binaries, sql/, error bodies, web server configs, the web
             interface, config and units, with their modes; shortener.conf (0644) sets no secret,
             secrets.env (0600) is where they go
  binaries   the installed programs are stripped, PIE, full RELRO (BIND_NOW), built with the stack
             protector and _FORTIFY_SOURCE, and default to the installed config and sql/
  units      systemd-analyze verify on every unit of systemd/, as `make install` writes them
  keep-conf  a second install keeps an edited config; uninstall keeps it too
  uninstall  `make uninstall` removes everything install put down
  destdir    DESTDIR stages under another root; the units still name the final paths

Everything happens in a temp dir (removed afterwards); `make install` builds and installs the
release build (build-release/). Exit status 0 only if every check passed.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(argv, log=None, env=None):
    """Runs argv in the checkout; returns (exit status, its output)."""
    p = subprocess.run(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    if log:
        with open(log, "w") as f:
            f.write(p.stdout)
    return p.returncode, p.stdout


def make(*args, log=None):
    return run(["make", "-s", "--no-print-directory"] + list(args), log)[0] == 0


def files_under(root):
    out = []
    for d, _, names in os.walk(root):
        out += ["./" + os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(out)


def mode(path):
    return "%o" % (os.stat(path).st_mode & 0o7777)


class Checks:
    def __init__(self, tmp):
        self.tmp = tmp
        self.root = os.path.join(tmp, "root")
        self.failed = False
        self.units = [u for pattern in ("*.service", "*.socket", "*.timer")
                      for u in sorted(glob.glob(os.path.join(REPO, "systemd", pattern)))]

    def mk(self, target, log):
        """make TARGET with the test prefix: a real-looking tree whose paths exist, so that the
        units' ExecStart names an executable systemd-analyze can find."""
        return make("PREFIX=%s/usr" % self.root, "sysconfdir=%s/etc" % self.root, target,
                    log=os.path.join(self.tmp, log))

    def result(self, name, problems):
        for p in problems:
            print("  " + p)
        print("deploy %s: %s" % (name, "failed" if problems else "passed"))
        self.failed = self.failed or bool(problems)

    def install(self):
        problems = [] if self.mk("install", "install.log") else ["make install failed"]
        expect = ["usr/bin/shortener 755", "usr/bin/shortener-admin 755",
                  "etc/shortener/shortener.conf 644", "etc/shortener/secrets.env 600",
                  "usr/share/shortener/errors/status-503.html 644",
                  "usr/share/shortener/web/ui/v1/vendor/chart.min.js 644"]
        expect += ["usr/share/shortener/conf/%s 644" % c for c in
                   ("nginx.conf", "apache.conf", "lighttpd.conf", "nginx-web-headers.conf")]
        expect += ["usr/share/shortener/web/%s 644" % f[2:] for f in files_under(REPO + "/web")]
        expect += ["usr/share/shortener/sql/%s 644" % os.path.basename(f)
                   for f in glob.glob(REPO + "/sql/*.sql")]
        expect += ["usr/lib/systemd/system/%s 644" % os.path.basename(u) for u in self.units]
        for e in expect:
            path, want = os.path.join(self.root, e.split()[0]), e.split()[1]
            if not os.path.isfile(path) or mode(path) != want:
                problems.append("missing or wrong mode: %s (want %s)" % (path, want))
        # Every default path must have been rewritten to one under the root (shown as ROOT).
        for f in glob.glob(self.root + "/usr/lib/systemd/system/*") + \
                glob.glob(self.root + "/usr/share/shortener/conf/*"):
            text = open(f, errors="replace").read().replace(self.root, "ROOT")
            for line in text.splitlines():
                if re.search(r"(^|[^T])/(usr/local|etc/shortener)/", line):
                    problems.append("%s still names a default path: %s" % (f, line))
        # The world-readable config sets no secret, and says where they go.
        conf = open(self.root + "/etc/shortener/shortener.conf").read() \
            if os.path.isfile(self.root + "/etc/shortener/shortener.conf") else ""
        if re.search(r"^\s*(slug_secret|mysql_password)\s*=", conf, re.M):
            problems.append("shortener.conf (0644) sets a secret")
        if self.root + "/etc/shortener/secrets.env" not in conf:
            problems.append("shortener.conf does not point to secrets.env")
        if problems:
            problems.append(open(os.path.join(self.tmp, "install.log")).read()[-2000:])
        self.result("install", problems)

    def binaries(self):
        problems = []
        conf = self.root + "/etc/shortener/shortener.conf"
        for name in ("shortener", "shortener-admin"):
            b = self.root + "/usr/bin/" + name
            elf = {k: run(["readelf", "-W", flag, b])[1] for k, flag in
                   (("sections", "-S"), ("header", "-h"), ("segments", "-l"), ("dynamic", "-d"),
                    ("symbols", "--dyn-syms"))}
            checks = [(not re.search(r"\.symtab|\.debug_", elf["sections"]), "is not stripped"),
                      (re.search(r"Type:\s+DYN", elf["header"]), "is not PIE"),
                      ("GNU_RELRO" in elf["segments"], "has no RELRO segment"),
                      (re.search(r"BIND_NOW|FLAGS_1.*NOW", elf["dynamic"]),
                       "has no BIND_NOW (partial RELRO)"),
                      ("__stack_chk_fail" in elf["symbols"], "has no stack protector"),
                      (re.search(r"__[a-z_]+_chk@", elf["symbols"]),
                       "has no _FORTIFY_SOURCE checks"),
                      (os.path.getsize(b) < 8 << 20, "is %d bytes" % os.path.getsize(b))]
            problems += ["%s %s" % (b, why) for ok, why in checks if not ok]
        # The installed programs find the installed config and migrations without being told.
        env = {k: v for k, v in os.environ.items() if k != "SHORTENER_CONFIG"}
        admin = self.root + "/usr/bin/shortener-admin"
        p = subprocess.run([admin, "--help"], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        for want in (conf, self.root + "/usr/share/shortener/sql"):
            if want not in p.stdout:
                problems.append("admin --help does not name %s: %s" % (want, p.stdout[:300]))
        # Without the file, both name the one they looked for.
        os.rename(conf, conf + ".away")
        try:
            for argv in ([self.root + "/usr/bin/shortener", "--check-config"], [admin, "user", "list"]):
                out = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True).stdout
                if "'%s'" % conf not in out:
                    problems.append("%s did not look for %s: %s" % (argv[0], conf, out))
        finally:
            os.rename(conf + ".away", conf)
        self.result("binaries", problems)

    def units_verify(self):
        installed = [self.root + "/usr/lib/systemd/system/" + os.path.basename(u) for u in self.units]
        rc, out = run(["systemd-analyze", "verify", "--man=no"] + installed)
        self.result("units", [out] if rc != 0 or out.strip() else [])

    def keep_conf(self):
        problems = []
        conf = self.root + "/etc/shortener/shortener.conf"
        with open(conf, "a") as f:
            f.write("log_level = debug\n")
        if not self.mk("install", "install2.log"):
            problems.append("the second make install failed")
        if "\nlog_level = debug\n" not in open(conf).read():
            problems.append("install overwrote the edited config")
        if not self.mk("uninstall", "uninstall.log"):
            problems.append("make uninstall failed")
        left = files_under(self.root)
        if left != ["./etc/shortener/shortener.conf"]:
            problems.append("after uninstall with an edited config: %s" % left)
        self.result("keep-conf", problems)

    def uninstall(self):
        shutil.rmtree(self.root)
        ok = self.mk("install", "install3.log") and self.mk("uninstall", "uninstall2.log")
        left = files_under(self.root)
        self.result("uninstall", ([] if ok else ["make install/uninstall failed"]) +
                    (["left behind: %s" % left] if left else []))

    def destdir(self):
        stage = os.path.join(self.tmp, "stage")
        problems = [] if make("DESTDIR=" + stage, "install") else ["make DESTDIR=... install failed"]
        if not (os.access(stage + "/usr/local/bin/shortener", os.X_OK) and
                os.path.isfile(stage + "/etc/shortener/shortener.conf")):
            problems.append("not staged under DESTDIR")
        unit = stage + "/usr/local/lib/systemd/system/shortener.service"
        if not (os.path.isfile(unit) and
                re.search(r"^ExecStart=/usr/local/bin/shortener ", open(unit).read(), re.M)):
            problems.append("the staged unit does not name /usr/local/bin/shortener")
        if not make("DESTDIR=" + stage, "uninstall"):
            problems.append("make DESTDIR=... uninstall failed")
        left = files_under(stage)
        self.result("destdir", problems + (["left behind in DESTDIR: %s" % left] if left else []))


def main():
    tmp = tempfile.mkdtemp(prefix="shortener-deploy-", dir="/tmp")
    try:
        checks = Checks(tmp)
        for check in (checks.install, checks.binaries, checks.units_verify, checks.keep_conf,
                      checks.uninstall, checks.destdir):
            check()
        return 1 if checks.failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
