"""Run one Sphinx build as a subprocess and measure it; measure an output folder.

Each build is its own process, timed from spawn to exit (the whole-process
time a user waits for). Peak RSS and CPU time come from ``os.wait4``'s
rusage: on Linux ``ru_maxrss`` is in KiB and, for a parallel build, is the
largest single process among the build and its forked workers, not their sum;
the CPU time (user + system) does add up the workers Sphinx waited for: how
much work a build does, where wall time is how long a user waits.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

UPDATED = re.compile(r"(\d+) added, (\d+) changed, (\d+) removed")
WRITING = re.compile(r"^writing output\.\.\. \[", re.M)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
REFRESH = re.compile(r"<meta[^>]+http-equiv=[\"']?refresh", re.I)


@dataclass(frozen=True, slots=True, kw_only=True)
class Build:
    """What one build cost and what it did."""

    seconds: float
    cpu_seconds: float
    maxrss_kib: int
    returncode: int
    timed_out: bool
    read: int | None
    written: int
    warnings: int
    log: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def build_env() -> dict[str, str]:
    """The environment of a build: English, uncoloured messages (they are parsed)."""
    env = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE", "LC_MESSAGES"}}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", NO_COLOR="1", PYTHONHASHSEED="0")
    return env


def sphinx_command(
    python: Path,
    srcdir: Path,
    outdir: Path,
    doctrees: Path,
    jobs: str,
    extra: Sequence[str],
) -> list[str]:
    """The ``python -m sphinx`` command line of one HTML build."""
    return [
        str(python),
        "-m",
        "sphinx",
        "-b",
        "html",
        "-N",
        "-j",
        jobs,
        "-d",
        str(doctrees),
        str(srcdir),
        str(outdir),
        *extra,
    ]


def run(command: Sequence[str], log: Path, timeout: float) -> Build:
    """Run ``command`` with its output in ``log``; kill its process group on timeout."""
    with log.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=build_env(),
            start_new_session=True,
        )
        fired = threading.Event()
        timer = threading.Timer(timeout, kill_group, (proc.pid, fired))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    cpu = usage.ru_utime + usage.ru_stime
    code, maxrss = proc.returncode, usage.ru_maxrss
    return parse_log(log, seconds, cpu, maxrss, code, fired.is_set())


def kill_group(pid: int, fired: threading.Event) -> None:
    """Kill a build that ran out of time, with the workers it forked."""
    fired.set()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def parse_log(log: Path, seconds: float, cpu: float, maxrss: int, code: int, timed_out: bool) -> Build:
    """Read from Sphinx's output the sources it read, pages it wrote, warnings."""
    text = log.read_text(encoding="utf-8", errors="replace")
    updated = UPDATED.findall(text)
    read = int(updated[-1][0]) + int(updated[-1][1]) if updated else None
    return Build(
        seconds=seconds,
        cpu_seconds=cpu,
        maxrss_kib=maxrss,
        returncode=code,
        timed_out=timed_out and code != 0,
        read=read,
        written=len(WRITING.findall(text)),
        warnings=text.count("WARNING:"),
        log=log,
    )


def tail(log: Path, lines: int = 8) -> str:
    """The last lines of a build log, to explain a failure."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.rstrip().splitlines()[-lines:])


def folder_bytes(folder: Path) -> int:
    """Total bytes of the files under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def title_key(text: str) -> str:
    """Compare titles by their letters and digits only (Sphinx smartens quotes)."""
    return re.sub(r"\W+", "", html.unescape(text)).casefold()


def page_title(page: Path) -> str:
    """The ``<title>`` of an HTML page without its `` - Project`` suffix.

    Redirect stubs (old URLs pointing to the new page) carry the title of the
    page they point to, but are not that page: they get no title here.
    """
    head = page.read_text(encoding="utf-8", errors="replace")[:8192]
    match = TITLE.search(head)
    if not match or REFRESH.search(head):
        return ""
    return match.group(1).rsplit(" - ", 1)[0]


def post_page_sizes(outdir: Path, titles: Iterable[str]) -> list[int]:
    """Sizes of the HTML pages whose title is a post's title: the post pages.

    Found by title, not by path, so it works for any system's URL layout.
    """
    wanted = {title_key(t) for t in titles}
    return [
        page.stat().st_size
        for page in outdir.rglob("*.html")
        if not page.is_relative_to(outdir / "_sources") and title_key(page_title(page)) in wanted
    ]
