"""Generate a corpus and build every system on it, R times, the systems taking turns.

A round of one system: lay out a fresh source, full build with ``-j 1``,
no-op rebuild, append a sentence to one post and rebuild, then a fresh full
build with ``-j auto``. The systems take turns build by build (ours full,
floor full, ABlog full, ours no-op, ...) so a slow patch of the machine hits
the builds that are compared alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench import cards, measure
from bench.posts import read_posts
from bench.systems import Corpus

if TYPE_CHECKING:
    from pathlib import Path

    from bench.measure import Build
    from bench.systems import Source, System

KINDS = ("full", "noop", "edit", "full_auto")


@dataclass(slots=True, kw_only=True)
class Outcome:
    """Everything measured of one system at one corpus size."""

    label: str
    builds: dict[str, list[Build]] = field(default_factory=lambda: {k: [] for k in KINDS})
    output_bytes: int | None = None
    html_pages: int | None = None
    post_pages: list[int] = field(default_factory=list)
    error: str | None = None
    #: The source the round's latest full build laid out (its no-op and edit rebuild it).
    source: Source | None = None
    #: Social cards the full build wrote (:mod:`bench.cards`): files, bytes, seconds to draw one.
    card_files: int | None = None
    card_bytes: int | None = None
    card_seconds: float | None = None


def make_corpus(shared: Path, size: int, dest: Path) -> Corpus:
    """Generate ``size`` posts from the real ones with shared/'s generator."""
    source = shared / "corpus" / "srebrasil"
    shutil.rmtree(dest, ignore_errors=True)
    subprocess.run(
        [
            sys.executable,
            str(shared / "tools" / "make_corpus.py"),
            str(source / "_posts"),
            str(dest),
            "-n",
            str(size),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return Corpus(size=size, folder=dest, images=source / "images", posts=read_posts(dest))


def clean_build(work: Path) -> None:
    """Remove a previous build's output and doctrees: the next build is a full one."""
    shutil.rmtree(work / "html", ignore_errors=True)
    shutil.rmtree(work / "doctrees", ignore_errors=True)


def build(system: System, source: Source, work: Path, name: str, timeout: float) -> Build:
    """One build of ``source`` into ``work/html``, its log in ``work/logs/NAME.log``."""
    jobs = "auto" if name.startswith("full_auto") else "1"
    command = measure.sphinx_command(
        system.python,
        source.srcdir,
        work / "html",
        work / "doctrees",
        jobs,
        source.extra,
    )
    (work / "logs").mkdir(parents=True, exist_ok=True)
    # Start every timed build on a quiet disk: the previous build's writes and
    # deletions (thousands of files) would otherwise be written back during
    # this one, and charged to whichever system runs next. Measured: three
    # back-to-back builds of ours took 23.6, 28.2 and 29.4 s on ext4, and 23.1,
    # 23.8 and 20.2 s with their output on tmpfs.
    os.sync()
    return measure.run(command, work / "logs" / f"{name}.log", timeout)


def describe(build: Build, kind: str) -> str:
    """One line of progress: time, memory, sources read, pages written, warnings."""
    state = "" if build.ok else (" TIMED OUT" if build.timed_out else " FAILED")
    # A parallel build logs its writes by chunks: its count would mislead.
    written = "" if kind == "full_auto" else f"  written {build.written:>5}"
    return (
        f"{build.seconds:8.2f} s (CPU {build.cpu_seconds:7.2f} s)"
        f" {build.maxrss_kib / 1024:7.0f} MiB"
        f"  read {build.read if build.read is not None else '?':>5}"
        f"{written}  warnings {build.warnings}{state}"
    )


def record_output(outcome: Outcome, work: Path, corpus: Corpus) -> None:
    """Measure the output of a full build: size, pages, post page sizes."""
    html = work / "html"
    outcome.output_bytes = measure.folder_bytes(html)
    outcome.html_pages = sum(1 for _ in html.rglob("*.html"))
    outcome.post_pages = measure.post_page_sizes(html, (p.title for p in corpus.posts))
    outcome.card_files, outcome.card_bytes = cards.card_files(html)


def record_card_cost(system: System, outcome: Outcome, corpus: Corpus) -> None:
    """Time one card once per corpus size, for a system that wrote cards (ours)."""
    if outcome.card_files and outcome.card_seconds is None:
        outcome.card_seconds = cards.seconds_per_card(system.python, [p.title for p in corpus.posts])


def run_step(
    system: System,
    kind: str,
    corpus: Corpus,
    work: Path,
    outcome: Outcome,
    number: int,
    timeout: float,
) -> bool:
    """One build of one round of one system; False (and ``outcome.error``) when it failed.

    A round is full, no-op, edit, full -j auto, in that order, in the system's
    own work folder: a full build (either) starts from a fresh source and no
    output; the edit undoes nothing (the -j auto build lays the source out again).
    """
    if kind in ("full", "full_auto"):
        clean_build(work)
        source = system.prepare(corpus, work)
    else:
        if kind == "edit":
            system.edit(corpus, work)
        source = outcome.source
    outcome.source = source
    result = build(system, source, work, f"{kind}-r{number}", timeout)
    where = f"[{corpus.size} posts, r{number}] {system.label:<5} {kind:<9}"
    print(f"  {where} {describe(result, kind)}")
    outcome.builds[kind].append(result)
    if not result.ok:
        outcome.error = f"{kind} build failed ({result.log}):\n{measure.tail(result.log)}"
        return False
    if kind == "full":
        record_output(outcome, work, corpus)
        record_card_cost(system, outcome, corpus)
    return True


def run_size(systems: list[System], corpus: Corpus, work: Path, repeat: int, timeout: float) -> dict[str, Outcome]:
    """All rounds at one corpus size; a system that fails drops out of later builds.

    The systems take turns build by build (ours full, floor full, ABlog full,
    ours no-op, ...), not round by round: builds that are compared run within
    a minute of each other, so a slow patch of this shared machine, which
    lasts minutes, hits them alike. The system that starts a round rotates
    (ours, then floor, then ABlog first), so none is always the one that
    follows another system's -j auto build.
    """
    outcomes = {s.name: Outcome(label=s.label) for s in systems}
    active = list(systems)
    for number in range(1, repeat + 1):
        shift = (number - 1) % len(systems)
        order = systems[shift:] + systems[:shift]
        for kind in KINDS:
            for system in order:
                if system not in active:
                    continue
                outcome = outcomes[system.name]
                if not run_step(system, kind, corpus, work / system.name, outcome, number, timeout):
                    print(f"bench: {system.label}: {outcome.error}")
                    active.remove(system)
    return outcomes
