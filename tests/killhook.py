"""Test-only Sphinx extension: ``SIGKILL`` the build at a chosen point (tests/test_faults.py).

``NEWSLETTER_TEST_KILL=event:N[@priority]`` kills the process at the Nth
emission of *event* (at handler *priority*, 500 by default); unset, the
extension does nothing. The test roots load it on every build, so that
turning the kill on does not change ``extensions`` (which would make Sphinx
read everything again and hide the fault).
"""

from __future__ import annotations

import os
import signal


def setup(app):
    spec = os.environ.get("NEWSLETTER_TEST_KILL", "")
    if spec:
        event, _, rest = spec.partition(":")
        count, _, priority = rest.partition("@")
        seen = [0]

        def kill(*args: object) -> None:
            seen[0] += 1
            if seen[0] >= int(count or 1):
                os.kill(os.getpid(), signal.SIGKILL)

        app.connect(event, kill, priority=int(priority or 500))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
