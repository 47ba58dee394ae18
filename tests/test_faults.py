"""Faults: a build killed at any point, then run again, gives the site a clean build gives.

Each test runs real ``sphinx-build`` processes over a copy of ``test-site``
and kills one of them with ``SIGKILL`` through :mod:`killhook` (loaded by
every build, acting only when ``NEWSLETTER_TEST_KILL`` is set). The site
is then compared, file by file and byte for byte, with a clean build of the
same sources in another folder: every HTML page, feed, sitemap,
``archive.json``, ``objects.inv``, ``searchindex.js`` and static file.
Nothing is normalised: two builds in different folders at different times
must agree exactly.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sphinx
from sitetools import ROOTS, TESTS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")

NEW_POST = """\
---
title: "Quarto post"
date: 2024-03-05 08:00:00 -0300
published: true
tag: "Edição #2 - 04.03.2024"
headline: "Um resumo novo"
---
Texto do quarto post, com a palavra xilografura.
"""


def make_root(folder: Path) -> Path:
    """A copy of ``test-site`` that loads :mod:`killhook`; returns its source folder."""
    shutil.copytree(ROOTS / "test-site", folder)
    with open(folder / "conf.py", "a", encoding="utf-8") as conf:
        conf.write(f"\nimport sys\nsys.path.insert(0, {str(TESTS)!r})\nextensions.append('killhook')\n")
    return folder


def edit(src: Path) -> None:
    """Sources A -> B: a post added (new neighbours, listings, feeds) and one body changed (search)."""
    (src / "posts" / "2024-03-05-quarto-post.md").write_text(NEW_POST, encoding="utf-8")
    post = src / "posts" / "2024-02-05-segundo-post.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("Texto do segundo", "Novo texto do segundo"), encoding="utf-8"
    )


def build(src: Path, kill: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "NEWSLETTER_TEST_KILL": kill, **env}
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-q",
        "-b",
        "html",
        "-d",
        str(src / "_doctrees"),
        str(src),
        str(src / "_out"),
    ]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=120, check=False)


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def assert_same_site(built: Path, clean: Path) -> None:
    got, want = files(built), files(clean)
    assert sorted(got) == sorted(want)
    differ = [name for name in want if got[name] != want[name]]
    assert not differ, f"differ from a clean build: {differ}"
    for name in ("searchindex.js", "objects.inv", "feed.xml", "atom.xml", "sitemap.xml", "archive.json"):
        assert name in want, name


@pytest.fixture(scope="module")
def clean_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean build of sources B."""
    src = make_root(tmp_path_factory.mktemp("clean") / "site")
    edit(src)
    done = build(src)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return src / "_out"


@pytest.mark.parametrize(
    "kill",
    [
        "doctree-read:2",  # reading: two documents read
        "html-page-context:3",  # writing: two pages written
        "build-finished:1@499",  # every page and the search index written, no feed, sitemap or JSON yet
    ],
)
def test_a_killed_build_then_an_incremental_one_gives_the_clean_site(kill: str, clean_b: Path, tmp_path: Path) -> None:
    src = make_root(tmp_path / "site")
    assert build(src).returncode == 0  # sources A, complete
    edit(src)
    killed = build(src, kill)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = build(src)
    assert again.returncode == 0 and not again.stderr, again.stderr
    assert_same_site(src / "_out", clean_b)


#: Runs sphinx-build with the clock 400 days ahead (time.time and datetime's now/today).
LATER = """\
import datetime, sys, time
SHIFT = 400 * 86400
real_time = time.time
time.time = lambda: real_time() + SHIFT
class Later(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.datetime.fromtimestamp(time.time(), tz)
    @classmethod
    def today(cls):
        return cls.now()
datetime.datetime = Later
from sphinx.cmd.build import main
sys.exit(main(sys.argv[1:]))
"""


def test_two_clean_builds_in_different_folders_at_different_times_are_identical(tmp_path: Path) -> None:
    """Dates come from the posts; where Sphinx writes a time (``html_last_updated_fmt``), SOURCE_DATE_EPOCH."""
    outs = []
    for n, (hashseed, zone, clock) in enumerate([("1", "UTC", []), ("2", "America/Sao_Paulo", ["-c", LATER])]):
        src = make_root(tmp_path / f"site-{n}")
        edit(src)
        command = [
            sys.executable,
            *(clock or ["-m", "sphinx"]),
            "-q",
            "-b",
            "html",
            "-d",
            str(src / "_doctrees"),
            "-D",
            "html_last_updated_fmt=%Y-%m-%d %H:%M",
            str(src),
            str(src / "_out"),
        ]
        environ = {**os.environ, "PYTHONHASHSEED": hashseed, "TZ": zone, "SOURCE_DATE_EPOCH": "1709251200"}
        done = subprocess.run(command, capture_output=True, text=True, env=environ, timeout=120, check=False)
        assert done.returncode == 0 and not done.stderr, done.stderr
        outs.append(src / "_out")
    assert_same_site(outs[1], outs[0])
    assert "2024-03-01 00:00" in (outs[0] / "index.html").read_text(encoding="utf-8")


def test_a_second_build_waits_for_the_one_that_holds_the_doctree_folder(tmp_path: Path) -> None:
    """The test holds the lock as a running build would; the build started meanwhile waits, writes nothing, says so."""
    import fcntl
    import time

    src = make_root(tmp_path / "site")
    (src / "_doctrees").mkdir()
    log = tmp_path / "log.txt"
    with open(src / "_doctrees" / "newsletter.lock", "a+b") as lock, open(log, "wb") as output:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(b"4242\n")
        lock.flush()
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-D",
            "language=en",
            "-d",
            str(src / "_doctrees"),
            str(src),
            str(src / "_out"),
        ]
        waiting = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "NEWSLETTER_TEST_KILL": ""},
        )
        try:
            deadline = time.monotonic() + 60
            while "waiting for it to finish" not in log.read_text(encoding="utf-8"):
                assert waiting.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
                time.sleep(0.1)
            time.sleep(0.5)
            assert waiting.poll() is None  # nothing written yet (Sphinx makes the empty output folder first)
            assert not [p for p in (src / "_out").rglob("*")] and sorted(os.listdir(src / "_doctrees")) == [
                "newsletter.lock"
            ]
            assert "another build (process 4242) is using" in log.read_text(encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        assert waiting.wait(timeout=120) == 0, log.read_text(encoding="utf-8")
    assert (src / "_out" / "searchindex.js").is_file()


@pytest.mark.skipif(
    sphinx.version_info < (9,),
    reason="Sphinx 8.2's incremental search index differs from a clean build's on the corpus even without a kill",
)
def test_the_real_corpus_killed_while_writing_then_rebuilt_gives_the_clean_site(corpus: Path, tmp_path: Path) -> None:
    """The issue's case, once: the real archive (78 posts), killed while it writes its pages.

    Sources A are the corpus without its newest post; B adds it back (new
    neighbours, listings, feeds, search entries) before the killed build.
    """
    newest = sorted((corpus / "_posts").iterdir())[-1]

    def corpus_root(folder: Path, *, with_newest: bool) -> Path:
        shutil.copytree(ROOTS / "test-corpus", folder)
        with open(folder / "conf.py", "a", encoding="utf-8") as conf:
            conf.write(
                f"\nimport sys\nsys.path.insert(0, {str(TESTS)!r})\nextensions.append('killhook')\n"
                'html_baseurl = "https://example.org/"\n'
            )
        shutil.copytree(corpus / "_posts", folder / "posts")
        shutil.copytree(corpus / "images", folder / "images")
        if not with_newest:
            (folder / "posts" / newest.name).unlink()
        return folder

    env = {"NEWSLETTER_TEST_POSTS": "posts", "NEWSLETTER_TEST_IMAGES": "images"}
    clean = corpus_root(tmp_path / "clean", with_newest=True)
    assert build(clean, **env).returncode == 0
    src = corpus_root(tmp_path / "site", with_newest=False)
    assert build(src, **env).returncode == 0  # sources A, complete
    shutil.copy2(newest, src / "posts" / newest.name)
    killed = build(src, "html-page-context:5", **env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert build(src, **env).returncode == 0
    assert_same_site(src / "_out", clean / "_out")
