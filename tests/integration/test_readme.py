"""The README's "Using it" examples, run as a reader pastes them: every sh block of that section,
in order, in one bash, against a stack (the base URL and the example's names substituted so
that reruns do not collide). Every curl must exit 0 and answer 2xx or 3xx.
"""

import os
import re
import subprocess

from harness import REPO, IntegrationTest, _clean_env, rand_token

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


def using_it_blocks():
    """The sh blocks of the README's "## Using it" section, before its first subsection."""
    with open(README) as f:
        text = f.read()
    start = text.index("\n## Using it\n")
    end = re.compile(r"^#{2,3} ", re.M).search(text, start + 2).start()
    return re.findall(r"```sh\n(.*?)```", text[start:end], re.S)


class ReadmeExamplesTest(IntegrationTest):
    def test_using_it_examples_work_in_order(self):
        blocks = using_it_blocks()
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
