"""The core flows and the bad inputs again, behind each web server's shipped config.

Apache (mod_proxy_fcgi), nginx (fastcgi_pass) and lighttpd (mod_fastcgi) hand FastCGI different
SCRIPT_NAME/PATH_INFO splits and treat paths, bodies and errors their own way; the answers must
be the same. Each class below is a test class of another module re-run with FRONT set, so it
talks to a private instance of that server running conf/<front>.conf (paths rewritten to the
test's temp dir) with a supervised pool of 2 workers. The whole suite runs behind the
development lighttpd (conf/lighttpd-dev.conf) as usual.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_bad_input  # noqa: E402
import test_ops  # noqa: E402
import test_redirect  # noqa: E402
import test_url_api  # noqa: E402
import test_v1_api  # noqa: E402

FRONTS = ("apache", "nginx", "lighttpd")

# Modules are imported whole (not their classes) so discovery does not run the originals here.
CLASSES = (
    test_url_api.ShortenTest,
    test_v1_api.V1CreateTest,
    test_redirect.RedirectTest,
    test_ops.HealthzTest,
    test_bad_input.BodyRefusalTest,
    test_bad_input.FieldRefusalTest,
    test_bad_input.RawBytesTest,
    test_bad_input.ListRefusalTest,
    test_bad_input.RoutingTest,
)

for _front in FRONTS:
    for _cls in CLASSES:
        _name = "%s%s" % (_front.capitalize(), _cls.__name__)
        globals()[_name] = type(_name, (_cls,), {"FRONT": _front, "__module__": __name__})
del _front, _cls, _name

if __name__ == "__main__":
    unittest.main()
