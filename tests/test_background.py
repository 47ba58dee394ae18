"""core.background: work in a forked child, its result collected later, and what happens when it fails."""

from __future__ import annotations

import os

import pytest
from sphinx_newsletter.core.background import Background, beside, can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")


def test_the_parent_gets_what_the_child_returned_and_the_child_ran_elsewhere():
    parent = os.getpid()
    worker = Background.start(lambda: {"pid": os.getpid(), "sum": sum(range(10))})
    assert worker is not None
    value = worker.result()
    assert value is not None and value["sum"] == 45 and value["pid"] != parent
    assert worker.result() is value  # collected once, kept


def test_an_exception_in_the_child_is_no_result_and_says_why():
    def fail() -> int:
        raise ValueError("bad image")

    worker = Background.start(fail)
    assert worker is not None
    assert worker.result() is None
    assert worker.failure == "ValueError: bad image"


def test_a_child_that_dies_is_no_result():
    worker = Background.start(lambda: os._exit(7))
    assert worker is not None
    assert worker.result() is None
    assert worker.failure is not None and "without a result" in worker.failure


def test_a_child_writes_nothing_of_the_parents_state(tmp_path):
    state = {"n": 1}

    def work() -> int:
        state["n"] = 2
        return state["n"]

    worker = Background.start(work)
    assert worker is not None and worker.result() == 2
    assert state == {"n": 1}


def _running(pid: int) -> bool:
    """Whether *pid* runs (a zombie left for an init that reaps late has ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _child_outlives_a_killed_parent(tmp_path, prelude: str = "") -> bool:
    """Start a build-like process whose Background child sleeps, SIGKILL it: is the child still running 10 s on?"""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "build.py"
    script.write_text(
        "import sys, time\n"
        f"{prelude}"
        "from sphinx_newsletter.core.background import Background\n"
        "worker = Background.start(lambda: time.sleep(60))\n"
        "print(worker._process.pid, flush=True)\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    build = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        child = int(build.stdout.readline())
        assert _running(child)
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _running(child):
            time.sleep(0.05)
        if not _running(child):
            return False
        os.kill(child, signal.SIGKILL)
        return True
    finally:
        build.kill()
        build.wait()


def test_a_child_ends_when_the_build_that_forked_it_is_killed(tmp_path):
    """SIGKILL of the build (a stopped CI runner): no orphan goes on writing or holding the build lock."""
    assert not _child_outlives_a_killed_parent(tmp_path)


def test_the_watcher_alone_ends_an_orphan(tmp_path):
    """Where PR_SET_PDEATHSIG is missing, the watcher thread notices the parent is gone."""
    assert not _child_outlives_a_killed_parent(tmp_path, prelude="sys.platform = 'darwin'  # no prctl\n")


def test_beside_gives_the_childs_value_or_does_the_work_here():
    parent = os.getpid()
    ran_here: list[int] = []

    def work() -> int:
        if os.getpid() == parent:
            ran_here.append(1)
        return 7

    assert beside(work, fork=True)() == 7 and ran_here == []  # the child's value
    assert beside(work, fork=False)() == 7 and ran_here == [1]  # no child: here, when asked

    def dies() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 8

    assert beside(dies, fork=True)() == 8  # the child died: done here
