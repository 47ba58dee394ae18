"""``make serve``: the preview contributors use rebuilds after an edit to a post, once.

Runs the Makefile target itself (sphinx-autobuild) on a copy of the project's
site, edits a post the way a contributor does, and reads the page it serves.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sitetools import REPO

pytest.importorskip("sphinx_autobuild")

#: Seconds allowed for a build of the project's small site (it takes a few).
TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page at *url*, or None while it can't be had whole.

    A page read while the rebuild rewrites it comes back short of its
    Content-Length (``IncompleteRead``): the caller polls again.
    """
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.IncompleteRead):
        return None


def wait_for(condition, what: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"make serve: {what} within {TIMEOUT} s; its log:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def served(tmp_path):
    """``make serve`` over a copy of docs/ and posts/ (siblings, as in the repository)."""
    shutil.copytree(REPO / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build", "arquivo"))
    shutil.copytree(REPO / "posts", tmp_path / "posts")
    venv = Path(sys.prefix)
    if not (venv / ".installed").is_file():
        pytest.skip(f"{venv} is not a venv made by make (make test makes one)")
    port = free_port()
    log = tmp_path / "serve.log"
    command = [
        "make",
        "-C",
        str(REPO),
        "serve",
        f"VENV={venv}",  # the venv running these tests
        f"DOCS={tmp_path / 'docs'}",
        f"POSTS={tmp_path / 'posts'}",
        f"BUILDDIR={tmp_path / '_build'}",
        f"PORT={port}",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield tmp_path, f"http://127.0.0.1:{port}", log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def builds(log: Path) -> int:
    return log.read_text(errors="replace").count("build succeeded")


def test_an_edited_post_is_rebuilt_once_and_served(served):
    root, url, log = served
    post = sorted((root / "posts").glob("*.md"))[0]
    page = f"{url}/arquivo/posts/{re.sub(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}-', '', post.stem)}.html"

    wait_for(lambda: fetch(page) is not None and builds(log) == 1, "no first build served the post", log)
    assert "Frase acrescentada no preview" not in fetch(page)

    post.write_text(post.read_text(encoding="utf-8") + "\nFrase acrescentada no preview.\n", encoding="utf-8")
    wait_for(lambda: "Frase acrescentada no preview" in (fetch(page) or ""), "the edit did not show", log)

    # The pages the extension writes into docs/arquivo/ are not sources to watch:
    # the edit made one rebuild, not a loop of them.
    time.sleep(5)
    assert builds(log) == 2
    # ...which read that one post again, nothing else.
    second = log.read_text(errors="replace").split("build succeeded")[1]
    assert "0 added, 1 changed, 0 removed" in second


def test_a_deleted_post_leaves_the_preview(served):
    root, url, log = served
    post = sorted((root / "posts").glob("*.md"))[-1]
    page = f"{url}/arquivo/posts/{re.sub(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}-', '', post.stem)}.html"
    wait_for(lambda: fetch(page) is not None and builds(log) == 1, "no first build served the post", log)

    post.unlink()
    wait_for(lambda: builds(log) == 2 and fetch(page) is None, "the deleted post's page is still served", log)
