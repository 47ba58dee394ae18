"""The baseline: known problems of an archive's history, and the one split into known and new (no Sphinx import).

A real archive carries history no tool can fix (an edition dated a month
off, posts written weeks before their edition). The baseline file
(``newsletter_baseline_file``, ``posts/baseline.yml`` by default) records
each such problem once, as a *(file, code)* pair with a count::

    version: 1
    known:
      - file: "2022-03-07-um-post.md"   # relative to the baseline's folder
        code: "edition-date-far"
        count: 1                         # a second one in that file is new
        message: "..."                   # the problem, for the reviewer only

:func:`split_known` is the one function ``newsletter check`` and the build
call: a warning whose pair still has count left is *known* (counted in a
summary, not warned about); anything else is *new* and warns (fails ``-W``)
as before. Within one file, the first problems of a code (by line) are the
known ones. Errors are never known: an error leaves a post out of the site
or breaks it, and a baseline must not hide content that is lost.

The file is contributor-editable (a posts-only pull request can change it,
and an added entry hides a problem), so it is read like the authors
registry: the strict YAML reader, a size cap, a symbolic link refused, a bad
entry a located warning and left out. ``newsletter check --update-baseline``
rewrites it with :func:`format_baseline` (sorted, quoted, stable) and
:func:`write_baseline` (atomic).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .files import read_regular_text
from .model import Problem, recorder
from .paths import display_path
from .yamlsafe import YamlProblem, load_mapping, yaml_quote

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: Largest baseline file that is read, and most entries kept.
MAX_BYTES = 2_000_000
MAX_ENTRIES = 20_000
#: Longest message kept in an entry (it is there for the reviewer only).
MAX_MESSAGE = 300
VERSION = "1"
_CODE = re.compile(r"^[a-z][a-z0-9-]{0,49}$")

HEADER = """\
# Known problems of this archive's history (the baseline). `newsletter check`
# and the build count a problem listed here as known: not a warning. A new
# problem (a new post, a new kind of problem in an old one, one more of a kind)
# still warns and fails `-W`. Written by `newsletter check --update-baseline`;
# review it like code: every entry hides a problem.
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A known *(file, code)* pair: *count* problems of that code in that file."""

    file: str
    code: str
    count: int = 1
    message: str = ""
    #: The entry's line in the baseline file (1-based; 0 for an entry not read from a file).
    line: int = 0

    @property
    def pair(self) -> tuple[str, str]:
        return self.file, self.code


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    entries: tuple[Entry, ...] = ()
    #: The baseline file as problems name it (``posts/baseline.yml``).
    display: str = ""
    #: The folder entries' ``file`` is relative to (the baseline file's); ``None``: the working directory.
    folder: Path | None = None

    def key(self, path: str) -> str:
        """The ``file`` key of a problem's *path* (:func:`baseline_key`)."""
        return baseline_key(path, self.folder or Path.cwd())

    @property
    def size(self) -> int:
        """How many problems the baseline can hide (the sum of the counts)."""
        return sum(e.count for e in self.entries)

    def files(self) -> set[str]:
        return {e.file for e in self.entries}


@dataclass(frozen=True, slots=True, kw_only=True)
class Split:
    """Problems split by :func:`split_known`."""

    new: list[Problem] = field(default_factory=list)
    known: list[Problem] = field(default_factory=list)
    #: (file, code) -> how many problems each pair matched.
    matched: Counter[tuple[str, str]] = field(default_factory=Counter)


def baseline_key(path: str, folder: Path, cwd: Path | None = None) -> str:
    """A problem's path (as printed: relative to *cwd*, or absolute) relative to the baseline's *folder*.

    So the same post has the same key whichever folder ``newsletter check``
    or ``sphinx-build`` runs from.
    """
    absolute = os.path.normpath(os.path.join(cwd or os.getcwd(), path))
    return Path(os.path.relpath(absolute, os.path.abspath(folder))).as_posix()


def split_known(problems: Iterable[Problem], baseline: Baseline) -> Split:
    """Known and new problems: the one rule ``newsletter check`` and the build share.

    A problem's path becomes an entry's ``file`` by :meth:`Baseline.key`.
    Problems keep their order in each list; the first ones (by line) of a
    pair are the known ones.
    """
    left = Counter[tuple[str, str]]()
    for entry in baseline.entries:
        left[entry.pair] += entry.count
    problems = list(problems)
    result = Split()
    known: set[int] = set()
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code)):
        pair = (baseline.key(problem.path), problem.code)
        if problem.severity != "error" and left[pair] > 0:
            left[pair] -= 1
            result.matched[pair] += 1
            known.add(id(problem))
    for problem in problems:
        (result.known if id(problem) in known else result.new).append(problem)
    return result


def unmatched(baseline: Baseline, matched: Counter[tuple[str, str]]) -> list[tuple[Entry, int]]:
    """Entries (with how many of their count matched nothing) to prune: fixed, or the post is gone."""
    left = Counter(matched)
    stale = []
    for entry in baseline.entries:
        used = min(entry.count, left[entry.pair])
        left[entry.pair] -= used
        if used < entry.count:
            stale.append((entry, entry.count - used))
    return stale


def stale_message(entry: Entry, unused: int) -> str:
    what = (
        "matches nothing any more"
        if unused == entry.count
        else f"counts {entry.count} but matches {entry.count - unused}"
    )
    return (
        f"baseline entry ({entry.file!r}, {entry.code!r}) {what} (fixed, or the post is gone); "
        "prune it with `newsletter check --update-baseline`"
    )


# --- reading -------------------------------------------------------------------------------


def load_configured(baseline_file: Path | None, base: Path | None = None) -> tuple[Baseline, list[Problem]]:
    """The baseline named by ``newsletter_baseline_file``: what the build and ``newsletter check`` both use."""
    from .checks import RULES

    if baseline_file is None:
        return Baseline(), []
    errors = [code for code, (severity, _) in RULES.items() if severity == "error"]
    baseline, problems = load_baseline(baseline_file, display_path(baseline_file, base), error_codes=errors)
    return Baseline(entries=baseline.entries, display=baseline.display, folder=baseline_file.parent), problems


def load_baseline(
    path: Path | None, display: str, *, error_codes: Iterable[str] = ()
) -> tuple[Baseline, list[Problem]]:
    """Read the baseline at *path* (``None``: no baseline); a missing file is an empty baseline.

    An entry for one of *error_codes* is refused with a warning: errors are
    never baselined.
    """
    problems: list[Problem] = []
    problem = recorder(problems, display)

    if path is None:
        return Baseline(display=display), problems
    text = _read(path, problem)
    if text is None:
        return Baseline(display=display), problems
    try:
        fields, duplicates = load_mapping(text)
    except YamlProblem as exc:
        problem(exc.line + 1, "baseline-yaml", exc.message, error=True, column=exc.column + 1)
        return Baseline(display=display), problems
    for dup in duplicates:
        problem(dup.line + 1, "baseline-entry", dup.message, column=dup.column + 1)
    for key, found in fields.items():
        if key not in ("version", "known"):
            problem(found.line + 1, "baseline-entry", f"unknown key {key!r} (known: 'version', 'known'); ignored")
    version = fields.get("version")
    if version is not None and str(version.value) != VERSION:
        problem(version.line + 1, "baseline-yaml", f"baseline version {version.value!r} is not {VERSION!r}", error=True)
        return Baseline(display=display), problems
    known = fields.get("known")
    if known is None or known.value is None:
        return Baseline(display=display), problems
    if not isinstance(known.value, list):
        problem(known.line + 1, "baseline-yaml", "'known' must be a list of entries", error=True)
        return Baseline(display=display), problems
    entries: dict[tuple[str, str], Entry] = {}
    errors = frozenset(error_codes)
    for value, line in list(zip(known.value, known.items, strict=True))[:MAX_ENTRIES]:
        entry = _entry(value, line + 1, errors, problem)
        if entry is None:
            continue
        if entry.pair in entries:
            first = entries[entry.pair]
            problem(
                entry.line,
                "baseline-entry",
                f"({entry.file!r}, {entry.code!r}) is listed again (first on line {first.line}); the counts are added",
            )
            entry = Entry(
                file=first.file,
                code=first.code,
                count=first.count + entry.count,
                message=first.message,
                line=first.line,
            )
        entries[entry.pair] = entry
    if len(known.value) > MAX_ENTRIES:
        problem(known.line + 1, "baseline-entry", f"more than {MAX_ENTRIES} entries; the rest are ignored")
    return Baseline(entries=tuple(entries.values()), display=display), problems


def _read(path: Path, problem: Callable[..., None]) -> str | None:
    """The baseline's text (see :func:`.files.read_regular_text`); why not, as an error."""
    text, why = read_regular_text(path, MAX_BYTES)
    if why:
        problem(1, "baseline-yaml", f"the baseline {why}", error=True)
    return text


def _entry(value: object, line: int, errors: frozenset[str], problem: Callable[..., None]) -> Entry | None:
    """One entry, or ``None`` (with a located warning) when it is malformed."""
    if not isinstance(value, dict):
        problem(line, "baseline-entry", "an entry must be a mapping with 'file', 'code' and 'count'; left out")
        return None
    unknown = sorted(set(value) - {"file", "code", "count", "message"})
    file, code, count = value.get("file"), value.get("code"), value.get("count", "1")
    why = ""
    if unknown:
        why = f"unknown keys {unknown}"
    elif not isinstance(file, str) or not file or "\n" in file or len(file) > 1000:
        why = "'file' must be a path (relative to the baseline's folder)"
    elif not isinstance(code, str) or not _CODE.match(code):
        why = "'code' must be a problem code such as 'edition-date-far'"
    elif not isinstance(count, str) or not count.isdigit() or not 1 <= int(count) <= 100_000:
        why = "'count' must be a whole number from 1"
    elif code in errors:
        why = f"{code!r} is an error: errors are never baselined (the post is left out or the site broken)"
    if why:
        problem(line, "baseline-entry", f"{why}; entry left out")
        return None
    assert isinstance(file, str) and isinstance(code, str) and isinstance(count, str)
    message = value.get("message")
    return Entry(
        file=file,
        code=code,
        count=int(count),
        line=line,
        message=message[:MAX_MESSAGE] if isinstance(message, str) else "",
    )


# --- writing -------------------------------------------------------------------------------


def entries_of(problems: Iterable[Problem], baseline: Baseline) -> list[Entry]:
    """The baseline entries that make every warning in *problems* known (errors are left out)."""
    counts: Counter[tuple[str, str]] = Counter()
    messages: dict[tuple[str, str], str] = {}
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code)):
        if problem.severity == "error":
            continue
        pair = (baseline.key(problem.path), problem.code)
        counts[pair] += 1
        messages.setdefault(pair, f"line {problem.line}: {problem.message}"[:MAX_MESSAGE])
    return [Entry(file=f, code=c, count=n, message=messages[(f, c)]) for (f, c), n in sorted(counts.items())]


def format_baseline(entries: Iterable[Entry]) -> str:
    """The file's text: a header, then the entries sorted by file and code, every string quoted."""
    entries = list(entries)
    lines = [HEADER, f"version: {VERSION}", "known:" if entries else "known: []"]
    for entry in sorted(entries, key=lambda e: e.pair):
        lines += [
            f"  - file: {yaml_quote(entry.file)}",
            f"    code: {yaml_quote(entry.code)}",
            f"    count: {entry.count}",
        ]
        if entry.message:
            lines.append(f"    message: {yaml_quote(entry.message)}")
    return "\n".join(lines) + "\n"


def write_baseline(path: Path, text: str) -> bool:
    """Write *text* to *path* atomically (a temporary file renamed over it); ``False`` when unchanged.

    A symbolic link at *path* is replaced by the file, never written through.
    """
    try:
        if not path.is_symlink() and path.read_text(encoding="utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would make the committed file unreadable to others
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
