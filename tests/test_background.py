"""core.background: work in a forked child, its result collected later, and what happens when it fails."""

from __future__ import annotations

import os

import pytest
from sphinx_newsletter.core.background import Background, can_fork

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
