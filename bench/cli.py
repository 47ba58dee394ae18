"""``python -m bench``: build our archive, the floor and ABlog on N posts, and compare.

Writes ``bench/_work/results.md`` (and with ``--update-docs``,
``docs/reference/performance.md``) and prints PASS/FAIL against the issue's targets.
It is a benchmark, not a test: failed targets exit 0 unless ``--strict``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
from pathlib import Path

from bench import images, profiling, report, venvs
from bench.runner import Outcome, make_corpus, run_size
from bench.systems import Ours, System, ablog_system, floor_system

REPO = Path(__file__).resolve().parent.parent
SYSTEMS = ("ours", "floor", "ablog")


def sizes(text: str) -> list[int]:
    """``100,10000`` -> [100, 10000]."""
    values = sorted({int(part.replace("_", "")) for part in text.split(",") if part})
    if not values or min(values) < 3:
        raise argparse.ArgumentTypeError("expected sizes of at least 3 posts, e.g. 100,10000")
    return values


def names(text: str) -> list[str]:
    """``ours,floor`` -> ['ours', 'floor'], checked."""
    chosen = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = set(chosen) - set(SYSTEMS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(SYSTEMS)}")
    return [name for name in SYSTEMS if name in chosen]


def parser() -> argparse.ArgumentParser:
    """The command line (``python -m bench --help``)."""
    parse = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add = parse.add_argument
    add(
        "-n",
        "--posts",
        type=sizes,
        default=[1000],
        metavar="N[,N...]",
        help="corpus sizes, e.g. 100,1000,10000 (default 1000)",
    )
    add(
        "-r",
        "--repeat",
        type=int,
        default=3,
        help="rounds per system; medians (default 3)",
    )
    add("--systems", type=names, default=list(SYSTEMS), help="default: ours,floor,ablog")
    add(
        "--timeout",
        type=float,
        default=1800,
        help="seconds allowed per build (default 1800)",
    )
    add("--update-docs", action="store_true", help="also write docs/reference/performance.md")
    add(
        "--profile",
        action="store_true",
        help="instead: profile one full build of ours under pyinstrument (first size)",
    )
    add("--strict", action="store_true", help="exit 1 when a target fails")
    add(
        "--project-python",
        type=Path,
        default=REPO / ".venv" / "bin" / "python",
        help="the project venv's Python, which builds ours (default .venv/bin/python)",
    )
    add(
        "--shared",
        type=Path,
        default=None,
        help="the shared/ folder (default $NEWSLETTER_SHARED, else ../shared)",
    )
    add("--work", type=Path, default=REPO / "bench" / "_work", help="work folder")
    return parse


def find_shared(option: Path | None) -> Path | None:
    """shared/: the option, else $NEWSLETTER_SHARED, else beside the repo."""
    env = os.environ.get("NEWSLETTER_SHARED")
    folder = option or (Path(env) if env else REPO.parent / "shared")
    return folder.resolve() if (folder / "tools" / "make_corpus.py").exists() else None


def make_systems(args: argparse.Namespace) -> tuple[list[System], dict[str, str]]:
    """The systems to build, and why any chosen one can't be."""
    systems: list[System] = []
    skipped: dict[str, str] = {}
    ours = Ours(python=args.project_python.absolute(), docs=REPO / "docs")
    if "ours" in args.systems:
        reason = ours.unavailable()
        if reason:
            skipped["ours"] = reason
        else:
            venvs.ensure_module(ours.python, "Stemmer", "PyStemmer", args.work / "pip.log")
            systems.append(ours)
    if {"floor", "ablog"} & set(args.systems):
        pinned = ours.python if ours.python.exists() else None
        python = venvs.bench_venv(args.work / "venv", pinned, args.work / "pip.log")
        systems += [floor_system(python)] if "floor" in args.systems else []
        systems += [ablog_system(python)] if "ablog" in args.systems else []
    return systems, skipped


def machine(systems: list[System], load_at_start: float) -> report.Machine:
    """Cores, CPU model, memory, and the versions in each venv used."""
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
        "unknown",
    )
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    found: dict[str, dict[str, str]] = {}
    for system in systems:
        label = "ours" if system.name == "ours" else "floor and ABlog"
        found.setdefault(label, venvs.versions(system.python))
    return report.Machine(
        nproc=len(os.sched_getaffinity(0)),
        cpu=model,
        memory=f"{pages / 2**30:.0f} GiB",
        load=f"{load_at_start:.2f}, {os.getloadavg()[0]:.2f}",
        versions=found,
    )


def run_all(args: argparse.Namespace, shared: Path, systems: list[System]) -> report.Results:
    """Every size in turn: generate its corpus, then all rounds of all systems."""
    results: report.Results = {}
    for size in args.posts:
        labels = ", ".join(s.label for s in systems)
        print(f"bench: {size:,} posts, {args.repeat} round(s) of {labels}")
        corpus = make_corpus(shared, size, args.work / f"n{size}" / "corpus")
        results[size] = run_size(systems, corpus, args.work / f"n{size}", args.repeat, args.timeout)
    return results


def publish(
    args: argparse.Namespace,
    results: report.Results,
    systems: list[System],
    load: float,
) -> int:
    """Write results.md (and docs/reference/performance.md), print the tables and verdicts."""
    run = f"`{shlex.join(['python', '-m', 'bench', *args.argv])}`, {dt.date.today()}, "
    run += f"{args.repeat} round(s), medians."
    found = machine(systems, load)
    text = report.render(results, found, title="Benchmark results", run=run)
    (args.work / "results.md").write_text(text, encoding="utf-8")
    if args.update_docs:
        page = report.render(results, found, title="Performance", run=run)
        (REPO / "docs" / "reference" / "performance.md").write_text(page, encoding="utf-8")
    targets = report.all_targets(results)
    print("## Machine" + text.split("## Machine", 1)[1].split("## Targets", 1)[0])
    for target in targets:
        print(f"{target.verdict:4}  {target.text}: {target.measured}")
    print(f"bench: wrote {args.work / 'results.md'}")
    return 1 if args.strict and any(t.passed is False for t in targets) else 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or ``--profile``); 0 unless it could not run."""
    args = parser().parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    shared = find_shared(args.shared)
    if shared is None:
        print("bench: no shared/tools/make_corpus.py: use --shared or NEWSLETTER_SHARED")
        return 2
    args.work = args.work.absolute()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        args.systems = ["ours"]
    systems, skipped = make_systems(args)
    for name, reason in skipped.items():
        print(f"bench: {name} skipped: {reason}")
    if args.profile:
        return profile_ours(args, shared, systems)
    load = os.getloadavg()[0]
    results = run_all(args, shared, systems)
    for outcomes in results.values():
        outcomes.update({n: Outcome(label=n, error=r) for n, r in skipped.items()})
    code = publish(args, results, systems, load)
    if "ours" in args.systems:
        weigh_images(args, shared)
    return code


def weigh_images(args: argparse.Namespace, shared: Path) -> None:
    """The heaviest edition page and the variants' cost, on the real archive (appended to results.md)."""
    corpus = shared / "corpus" / "srebrasil"
    if not (corpus / "_posts").is_dir():
        print(f"bench: images not weighed: no real archive at {corpus}")
        return
    text = images.measure(corpus, REPO / "docs", args.work / "images").text()
    print(text)
    with open(args.work / "results.md", "a", encoding="utf-8") as handle:
        handle.write("\n" + text)


def profile_ours(args: argparse.Namespace, shared: Path, systems: list[System]) -> int:
    """``--profile``: our archive's full build under pyinstrument, at the first size."""
    ours = next((s for s in systems if isinstance(s, Ours)), None)
    if ours is None:
        print("bench: --profile needs our archive, which can't be built yet")
        return 1
    size = args.posts[0]
    corpus = make_corpus(shared, size, args.work / f"n{size}" / "corpus")
    return profiling.profile(ours, corpus, args.work / f"n{size}" / "profile", args.work, args.timeout)
