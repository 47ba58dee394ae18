"""Which speed-ups run in a build: the setting, and the versions each one was proven on.

Every speed-up reaches into Sphinx, MyST-Parser or Furo internals that any
release may change. Each one runs only on the versions of those packages it
was proven on (built byte-identical with it on and off, in
``tests/test_speedups.py``) and with ``newsletter_speedups`` on; anywhere else
the stock code runs. Proving a new release means running those tests under it
and widening the range here.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

#: Sphinx releases the speed-ups were proven on: 8.2.x and 9.0.x.
_SPHINX_RANGES = (SpecifierSet(">=8.2,<8.3"), SpecifierSet(">=9.0,<9.1"))
#: Sphinx releases that make docutils settings for every page read (8.2 kept a publisher per file type).
_SPHINX_9_RANGES = (SpecifierSet(">=9.0,<9.1"),)
#: MyST-Parser and Furo: the releases installed in the project's two venvs
#: (``.venv`` with Sphinx 9.0, ``make test-oldest``'s with Sphinx 8.2): MyST-Parser
#: 5.2.0 (and its patch releases), Furo 2025.12.19.
_MYST_RANGES = (SpecifierSet(">=5.2.0,<5.3"),)
_FURO_RANGES = (SpecifierSet("==2025.12.19"),)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gate:
    """A speed-up, and the package versions it runs on (a package absent from *ranges*: any)."""

    name: str
    what: str
    ranges: dict[str, tuple[SpecifierSet, ...]] = field(default_factory=dict)


GATES: tuple[Gate, ...] = (
    Gate(
        name="memory", what="garbage collection between documents, doctrees on disk", ranges={"sphinx": _SPHINX_RANGES}
    ),
    Gate(name="titles", what="each page title rendered once", ranges={"sphinx": _SPHINX_RANGES}),
    Gate(name="assettags", what="CSS/JS tags rendered once per page depth", ranges={"sphinx": _SPHINX_RANGES}),
    Gate(
        name="toctrees",
        what="linear toctree bookkeeping, nl:toctree without a scan of every page",
        ranges={"sphinx": _SPHINX_RANGES},
    ),
    Gate(
        name="docsettings",
        what="docutils settings made once per read, not once per page",
        ranges={"sphinx": _SPHINX_9_RANGES},
    ),
    Gate(name="mystdocument", what="no throwaway docutils document per page", ranges={"myst-parser": _MYST_RANGES}),
    Gate(name="furonav", what="Furo's sidebar markup written directly", ranges={"furo": _FURO_RANGES}),
)


def installed(package: str) -> str | None:
    """The installed version of *package*, or None."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def why_not(gate: Gate) -> str | None:
    """Why *gate*'s speed-up can't run with the installed packages, or None when it can."""
    for package, ranges in gate.ranges.items():
        version = installed(package)
        try:
            proven = version is not None and any(Version(version) in spec for spec in ranges)
        except InvalidVersion:
            proven = False
        if not proven:
            return f"{package} {version or 'not installed'} not in {' or '.join(str(s) for s in ranges)}"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The speed-ups that run in this build, and why the others don't."""

    active: frozenset[str]
    skipped: dict[str, str]


def decide(on: bool) -> Decision:
    """Which speed-ups run, given ``newsletter_speedups`` (*on*) and the installed versions."""
    if not on:
        return Decision(active=frozenset(), skipped={g.name: "newsletter_speedups is off" for g in GATES})
    skipped = {gate.name: reason for gate in GATES if (reason := why_not(gate)) is not None}
    return Decision(active=frozenset(g.name for g in GATES if g.name not in skipped), skipped=skipped)
