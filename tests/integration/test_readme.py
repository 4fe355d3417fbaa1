"""The README's "Using it" examples, run as a reader pastes them: every sh block of that section,
in order, in one bash, against a stack (the base URL and the example's names substituted so
that reruns do not collide). Every curl must exit 0 and answer 2xx or 3xx. And the hints
`make run` and `make run-instance` print, run as printed against the stacks they start.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading

from harness import REPO, IntegrationTest, _clean_env, rand_token
from processes import pick_port

README = os.path.join(REPO, "README.md")

# curl as the blocks call it, plus one line on stderr per call: its status and exit code.
WRAPPER = r"""
curl() {
  command curl -w '%{stderr}HTTP %{http_code}\n' "$@"
  local rc=$?
  echo "EXIT $rc curl $*" >&2
  return $rc
}
"""


def section_blocks(heading):
    """The sh blocks of the README's section `heading` ("## Using it"), before its first
    subsection."""
    with open(README) as f:
        text = f.read()
    start = text.index("\n%s\n" % heading)
    end = re.compile(r"^#{2,3} ", re.M).search(text, start + 2).start()
    return re.findall(r"```sh\n(.*?)```", text[start:end], re.S)


class ReadmeExamplesTest(IntegrationTest):
    def test_using_it_examples_work_in_order(self):
        blocks = section_blocks("## Using it")
        self.assertGreaterEqual(len(blocks), 3)
        script = "\n".join(blocks)
        expected_calls = len(re.findall(r"(^|\$\(|\| *)curl ", script, re.M))
        self.assertGreater(expected_calls, 15)
        suffix = rand_token(6)
        script = (script.replace("http://localhost:8000", self.base)
                  .replace("alice", "alice" + suffix)
                  .replace("launch-2026", "launch-" + suffix))
        p = subprocess.run(["bash", "-c", WRAPPER + script], env=_clean_env(), cwd=REPO,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        statuses = re.findall(r"^HTTP (\d+)$", err, re.M)
        exits = re.findall(r"^EXIT (\d+) (.*)$", err, re.M)
        self.assertEqual(len(exits), expected_calls, err)
        self.assertEqual(len(statuses), expected_calls, err)
        for status, (rc, call) in zip(statuses, exits):
            with self.subTest(call=call[:160]):
                self.assertEqual(rc, "0", err)
                self.assertTrue(200 <= int(status) < 400, "%s answered %s\n%s" % (call, status, out[-3000:]))
        # The last call logged the token out: it no longer works.
        token = re.search(r"^EXIT 0 curl .*Authorization: Bearer (slt_[A-Za-z0-9_-]+)", err, re.M)
        self.assertIsNotNone(token, err)
        r = self.client.__class__(self.base, auth=None).req(
            "GET", "/api/v1/api-keys", headers={"Authorization": "Bearer " + token.group(1)})
        self.assertEqual(r.status, 401)


    def test_moving_from_yourls_calls_work_as_written(self):
        """The YOURLS API block of "## Moving from YOURLS", with BASE, KEY and pw.txt as its
        comments say: every call a 2xx, and expand gives the target that shorturl stored."""
        block = section_blocks("## Moving from YOURLS")[0]
        suffix = rand_token(6)
        user, password = self.stack.make_user("alice" + suffix)
        script = block.replace("keyword=my-page", "keyword=my-page-" + suffix).replace(
            "shorturl=my-page", "shorturl=my-page-" + suffix).replace("username=alice",
                                                                     "username=" + user)
        expected_calls = len(re.findall(r"^curl ", script, re.M))
        self.assertEqual(expected_calls, 3)
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "pw.txt"), "w") as f:
                f.write(password)
            env = _clean_env()
            env.update(BASE=self.base, KEY=self.stack.make_api_key(user))
            p = subprocess.run(["bash", "-c", WRAPPER + script], env=env, cwd=tmp,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        statuses = re.findall(r"^HTTP (\d+)$", err, re.M)
        self.assertEqual(len(statuses), expected_calls, err)
        for status in statuses:
            self.assertTrue(200 <= int(status) < 300, out + err)
        self.assertIn("https://de.wikipedia.org/wiki/K%C3%B6ln", out)
        self.assertIn("<total_links>", out)


def _read_until(proc, marker, seconds, lines):
    """Reads proc's stdout lines into `lines` until one contains `marker`; False on EOF or after
    `seconds` (the child's output is read on a thread: a readline may block)."""
    found = threading.Event()

    def pump():
        for raw in proc.stdout:
            lines.append(raw.decode("utf-8", "replace"))
            if marker in lines[-1]:
                found.set()
                return
        found.set()

    threading.Thread(target=pump, daemon=True).start()
    return found.wait(seconds) and any(marker in line for line in lines)


def _hint(lines):
    """The commands of a "try (...):" hint: the indented lines after it, up to the next
    unindented one."""
    start = next(i for i, line in enumerate(lines) if line.startswith("try ("))
    hint = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        hint.append(line.strip())
    return hint


class RunHintsTest(IntegrationTest):
    """`make run` and `make run-instance` print a "try:" hint; pasted as printed, it must
    create a link (201) on the port it names (issue 10, point 22)."""

    def start(self, script, env, lines, marker, *args):
        p = subprocess.Popen(["bash", os.path.join(REPO, "scripts", script)] + list(args), env=env,
                             cwd=REPO,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        self.addCleanup(self.stop, p)
        self.assertTrue(_read_until(p, marker, 240, lines), "".join(lines)[-3000:])
        return p

    def stop(self, p):
        """Stops a run script we started, by its pid; it stops what it started."""
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(10)

    def run_hint(self, hint, env, port):
        script = "\n".join(hint)
        self.assertIn("http://localhost:%d/url/shorten" % port, script)
        p = subprocess.run(["bash", "-c", WRAPPER + script], env=env, cwd=REPO,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode("utf-8", "replace")
        self.assertEqual(re.findall(r"^HTTP (\d+)$", err, re.M), ["201"], err)
        body = json.loads(p.stdout.decode())
        self.assertTrue(body["ok"])
        self.assertTrue(body["short_url"].startswith("http://localhost:%d/r/" % port), body)

    def test_the_printed_hints_work_as_printed(self):
        stack_dir = tempfile.mkdtemp(prefix="hint-", dir="/tmp")  # short: socket paths
        self.addCleanup(shutil.rmtree, stack_dir, ignore_errors=True)
        taken = set()
        port, second = pick_port(taken), pick_port(taken)
        env = _clean_env()
        env.update(STACK_DIR=stack_dir, PORT=str(port), WORKERS="2")
        lines = []
        self.start("run.sh", env, lines, "Ctrl-C stops everything.")
        hint = _hint(lines)
        self.assertRegex(hint[0], r"^KEY=slk_")  # the key made on first start, shown once
        self.run_hint(hint, env, port)
        # The second instance's hint names its own port and makes its key itself.
        env2 = dict(env, PORT=str(second))
        lines2 = []
        self.start("run.sh", env2, lines2, "Ctrl-C stops this instance only.", "instance")
        hint2 = _hint(lines2)
        self.assertIn("http://localhost:%d/" % second, hint2[-1])
        self.run_hint(hint2, env2, second)
