"""Medians, ratios, the issue's targets (PASS/FAIL) and the Markdown report.

Ratios are always ours/other, from medians of the same run: below 1.0 means
ours is faster (or smaller). The targets judge our archive only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.runner import Outcome

Results = dict[int, dict[str, "Outcome"]]
MIB = 1024 * 1024
RSS_LIMIT = 1.5e9  # bytes: "peak RSS < 1.5 GB"
COLUMNS = (("ours", "ours"), ("floor", "floor"), ("ablog", "ABlog"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """One of the issue's targets: what it says, what was measured, the verdict."""

    text: str
    measured: str
    passed: bool | None  # None: not measured in this run

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.passed]


def seconds(outcome: Outcome | None, kind: str, *, cpu: bool = False) -> float | None:
    """Median wall time (or CPU time, workers included) of the successful builds of a kind."""
    if outcome is None:
        return None
    times = [b.cpu_seconds if cpu else b.seconds for b in outcome.builds[kind] if b.ok]
    return statistics.median(times) if times else None


def round_ratios(ours: Outcome | None, other: Outcome | None, kind: str) -> list[float]:
    """ours/other wall time of each round where both builds of *kind* succeeded."""
    if ours is None or other is None:
        return []
    pairs = zip(ours.builds[kind], other.builds[kind], strict=False)
    return [a.seconds / b.seconds for a, b in pairs if a.ok and b.ok and b.seconds]


def peak_rss(outcome: Outcome | None) -> float | None:
    """The largest peak RSS of any of the system's builds, in bytes."""
    if outcome is None:
        return None
    peaks = [b.maxrss_kib * 1024 for kind in outcome.builds.values() for b in kind]
    return max(peaks) if peaks else None


def post_page(outcome: Outcome | None) -> float | None:
    """Median size of a post page's HTML, in bytes."""
    if outcome is None or not outcome.post_pages:
        return None
    return statistics.median(outcome.post_pages)


def activity(outcome: Outcome | None, kind: str) -> str:
    """'sources read / pages written' of the last build of one kind."""
    builds = outcome.builds[kind] if outcome else []
    if not builds or not builds[-1].ok:
        return "—"
    last = builds[-1]
    return f"{last.read if last.read is not None else '?'} / {last.written}"


def number(value: float | None, scale: float = 1.0, digits: int = 2) -> str:
    """A table cell: ``value / scale`` with thousands separators, or a dash."""
    return "—" if value is None else f"{value / scale:,.{digits}f}"


def ratio(ours: float | None, other: float | None) -> str:
    """A ratio cell, ``1.23x``, or a dash when either side is missing."""
    return "—" if ours is None or not other else f"{ours / other:.2f}x"


ROWS: tuple[tuple[str, Callable[[Outcome | None], float | None], float, int], ...] = (
    ("full build, -j 1 (s)", lambda o: seconds(o, "full"), 1.0, 2),
    ("full build, -j auto (s)", lambda o: seconds(o, "full_auto"), 1.0, 2),
    ("full build, -j 1, CPU time (s)", lambda o: seconds(o, "full", cpu=True), 1.0, 2),
    ("full build, -j auto, CPU time (s)", lambda o: seconds(o, "full_auto", cpu=True), 1.0, 2),
    ("no-op rebuild (s)", lambda o: seconds(o, "noop"), 1.0, 2),
    ("edit one post, rebuild (s)", lambda o: seconds(o, "edit"), 1.0, 2),
    ("peak RSS (MiB)", peak_rss, MIB, 0),
    ("output size (MiB)", lambda o: o.output_bytes if o else None, MIB, 1),
    ("HTML pages", lambda o: o.html_pages if o else None, 1.0, 0),
    ("median post page (KiB)", post_page, 1024, 1),
    ("social cards (files)", lambda o: o.card_files if o else None, 1.0, 0),
    ("social cards (MiB)", lambda o: o.card_bytes if o else None, MIB, 1),
    ("one social card, drawing, CPU (ms)", lambda o: o.card_seconds if o else None, 1e-3, 1),
    ("social cards, CPU added to a full build (s)", lambda o: card_share(o), 1.0, 2),
)


def card_share(outcome: Outcome | None) -> float | None:
    """Cards x CPU time to draw one: what the cards add to a full build (:mod:`bench.cards`)."""
    if outcome is None or not outcome.card_files or outcome.card_seconds is None:
        return None
    return outcome.card_files * outcome.card_seconds


def table(outcomes: dict[str, Outcome]) -> str:
    """The Markdown table of one corpus size."""
    head = ["", *(label for _, label in COLUMNS), "ours/floor", "ours/ABlog"]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for label, get, scale, digits in ROWS:
        values = [get(outcomes.get(name)) for name, _ in COLUMNS]
        cells = [number(v, scale, digits) for v in values]
        cells += [ratio(values[0], values[1]), ratio(values[0], values[2])]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for kind, label in (("noop", "no-op"), ("edit", "edit one post")):
        cells = [activity(outcomes.get(name), kind) for name, _ in COLUMNS]
        lines.append(f"| {label}: sources read / pages written | {' | '.join(cells)} | | |")
    cells = [posts_found(outcomes.get(name)) for name, _ in COLUMNS]
    lines.append(f"| post pages found (by title) | {' | '.join(cells)} | | |")
    cells = [warnings(outcomes.get(name)) for name, _ in COLUMNS]
    lines.append(f"| warnings (full build) | {' | '.join(cells)} | | |")
    spread = rounds_text(outcomes)
    return "\n".join(lines) + (f"\n\n{spread}" if spread else "")


def rounds_text(outcomes: dict[str, Outcome]) -> str:
    """The full ``-j 1`` build's ratios round by round: how far one round is trusted."""
    ours = outcomes.get("ours")
    parts = []
    for name, label in COLUMNS[1:]:
        found = round_ratios(ours, outcomes.get(name), "full")
        if len(found) > 1:
            parts.append(f"ours/{label} " + ", ".join(f"{r:.2f}x" for r in found))
    return "Full build -j 1, round by round: " + "; ".join(parts) + "." if parts else ""


def posts_found(outcome: Outcome | None) -> str:
    """How many post pages the page-size median is over (a check on the matching)."""
    return f"{len(outcome.post_pages):,}" if outcome and outcome.output_bytes else "—"


def warnings(outcome: Outcome | None) -> str:
    """Warnings of the last full ``-j 1`` build."""
    builds = outcome.builds["full"] if outcome else []
    return str(builds[-1].warnings) if builds else "—"


def judged(text: str, value: float | None, passes: Callable[[float], bool], shown: str) -> Target:
    """A target with its measured value, or n/a when the value is missing."""
    if value is None:
        return Target(text=text, measured="not measured", passed=None)
    return Target(text=text, measured=shown.format(value), passed=passes(value))


def quotient(top: float | None, bottom: float | None) -> float | None:
    """``top / bottom``, or None when either is missing."""
    return None if top is None or not bottom else top / bottom


def size_targets(size: int, outcomes: dict[str, Outcome]) -> list[Target]:
    """The targets judged within one corpus size."""
    ours = outcomes.get("ours")
    full = seconds(ours, "full")
    floor, ablog = (
        seconds(outcomes.get("floor"), "full"),
        seconds(outcomes.get("ablog"), "full"),
    )
    at = f"{size:,} posts"
    return [
        judged(
            f"full build <= 1.1x the floor ({at})",
            quotient(full, floor),
            lambda r: r <= 1.1,
            "{:.2f}x",
        ),
        judged(
            f"full build >= 1.25x faster than ABlog ({at})",
            quotient(ablog, full),
            lambda r: r >= 1.25,
            "ABlog takes {:.2f}x ours",
        ),
        judged(
            f"no-op rebuild <= 10% of a full build ({at})",
            quotient(seconds(ours, "noop"), full),
            lambda r: r <= 0.10,
            "{:.1%}",
        ),
        judged(
            f"edit-one-post rebuild <= 20% of a full build ({at})",
            quotient(seconds(ours, "edit"), full),
            lambda r: r <= 0.20,
            "{:.1%}",
        ),
        judged(
            f"peak RSS < 1.5 GB ({at})",
            peak_rss(ours),
            lambda b: b < RSS_LIMIT,
            "{:,.0f} bytes",
        ),
        judged(
            f"-j auto no slower than -j 1 ({at})",
            quotient(seconds(ours, "full_auto"), full),
            lambda r: r <= 1.0,
            "{:.2f}x of -j 1",
        ),
    ]


def scaling_targets(results: Results) -> list[Target]:
    """The targets that compare two corpus sizes (run both, e.g. ``-n 100,10000``)."""
    ours = {size: outcomes.get("ours") for size, outcomes in results.items()}
    page = quotient(post_page(ours.get(10_000)), post_page(ours.get(100)))
    time = quotient(seconds(ours.get(10_000), "full"), seconds(ours.get(1_000), "full"))
    return [
        judged(
            "median post page at 10,000 posts within 10% of its size at 100",
            page,
            lambda r: abs(r - 1) <= 0.10,
            "{:.3f}x",
        ),
        judged(
            "t(10,000) <= 11 x t(1,000), full build -j 1",
            time,
            lambda r: r <= 11,
            "{:.2f}x",
        ),
    ]


def all_targets(results: Results) -> list[Target]:
    """Every target: those of each size, then those across sizes."""
    found = [t for size in sorted(results) for t in size_targets(size, results[size])]
    return found + scaling_targets(results)


def targets_table(targets: list[Target]) -> str:
    """The Markdown table of the targets and their verdicts."""
    lines = ["| target | measured | verdict |", "|---|---:|---|"]
    lines += [f"| {t.text} | {t.measured} | {t.verdict} |" for t in targets]
    return "\n".join(lines)


INTRO = """\
How long the archive takes to build, measured by `make bench` (the code is in
`bench/`). The bench grows a real newsletter's posts into N realistic ones,
then builds three sites from them R times, the systems taking turns build
by build (ours full, floor full, ABlog full, ours no-op, ...; the system that
starts a round rotates), and reports medians:

- **ours**: this project's site, the extension reading the posts folder;
- **floor**: the same pages written directly as MyST (title, date, a
  sphinx-design card, the body, an author box; one page per edition with its
  toctree), Furo with a bounded sidebar, no newsletter extension: what any
  archive of these pages must cost;
- **ABlog** with Furo on the same posts, bodies and images.

Each build is a separate process, timed from start to exit. The no-op rebuild
changes nothing; the edit-one-post rebuild appends a sentence to one post.
Peak RSS is that of the largest process of any of the system's builds. CPU
time is user + system time of the build and the workers it forked: the work a
system does, where wall time is what a user waits for (the targets are judged
on wall time, as the issue states them). On a shared virtual machine both vary
from round to round; the full build's ratios are also given round by round.
Ratios are ours/other: below 1.00x ours is faster or smaller.
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Machine:
    """Where the bench ran: cores, CPU, memory, and each venv's versions."""

    nproc: int
    cpu: str
    memory: str
    load: str
    versions: dict[str, dict[str, str]]  # venv label -> package -> version


def machine_text(machine: Machine) -> str:
    """The machine section: cores, CPU, Python, Sphinx and the other versions."""
    cores = f"{machine.nproc} cores (`nproc`)"
    lines = [
        f"- {cores}, CPU: {machine.cpu}, memory: {machine.memory}",
        f"- load average (1 min) at start and end: {machine.load}; other work on"
        " the machine slows every system, so compare ratios rather than times",
    ]
    for label, found in machine.versions.items():
        names = ", ".join(f"{k} {v}" for k, v in found.items() if k != "python")
        lines.append(f"- {label}: Python {found.get('python', '?')}; {names}")
    return "\n".join(lines)


def render(results: Results, machine: Machine, *, title: str, run: str) -> str:
    """The whole Markdown report: intro, machine, one table per size, targets."""
    parts = [f"# {title}", INTRO, f"Run: {run}", "## Machine", machine_text(machine)]
    for size in sorted(results):
        parts += [f"## {size:,} posts", table(results[size])]
        errors = [f"- {o.label}: {o.error.splitlines()[0]}" for o in results[size].values() if o.error]
        if errors:
            parts.append("Not measured or failed:\n\n" + "\n".join(errors))
    parts += ["## Targets", targets_table(all_targets(results))]
    return "\n\n".join(parts) + "\n"
