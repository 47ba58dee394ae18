"""``--profile``: one full build of our archive under pyinstrument.

The session is saved once and rendered twice: ``profile.txt`` to read in a
terminal or a review, ``profile.html`` to explore. Sphinx's and the theme's
frames are shown too (pyinstrument hides library code by default), since
most of a build's time is spent there on our behalf.
"""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from bench import measure, venvs
from bench.runner import clean_build

if TYPE_CHECKING:
    from pathlib import Path

    from bench.systems import Corpus, Ours

SHOW = r".*/(sphinx_newsletter|sphinx|docutils|myst_parser|sphinx_design|furo|jinja2)/.*"


def render(python: Path, session: Path, renderer: str, out: Path) -> None:
    """Render a saved pyinstrument session."""
    subprocess.run(
        [
            str(python),
            "-m",
            "pyinstrument",
            f"--load={session}",
            "-r",
            renderer,
            "--show-regex",
            SHOW,
            "-o",
            str(out),
        ],
        check=True,
    )


def profile(ours: Ours, corpus: Corpus, work: Path, results: Path, timeout: float) -> int:
    """Profile a full ``-j 1`` build; write ``profile.txt`` and ``profile.html``."""
    venvs.ensure_module(ours.python, "pyinstrument", "pyinstrument", results / "pip.log")
    clean_build(work)
    source = ours.prepare(corpus, work)
    session = results / "profile.pyisession"
    sphinx = measure.sphinx_command(ours.python, source.srcdir, work / "html", work / "doctrees", "1", source.extra)
    command = [
        str(ours.python),
        "-m",
        "pyinstrument",
        "-r",
        "pyisession",
        "-o",
        str(session),
        "-m",
        *sphinx[2:],
    ]
    (work / "logs").mkdir(parents=True, exist_ok=True)
    build = measure.run(command, work / "logs" / "profile.log", timeout)
    if not build.ok:
        print(f"bench: the profiled build failed:\n{measure.tail(build.log)}")
        return 1
    render(ours.python, session, "text", results / "profile.txt")
    render(ours.python, session, "html", results / "profile.html")
    print(f"bench: {build.seconds:.1f} s profiled; see {results / 'profile.txt'}")
    return 0
