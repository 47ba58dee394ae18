"""``newsletter import SITE_DIR``: a Jekyll site's posts and images into the posts folder (no Sphinx import).

Each file of ``SITE_DIR/_posts`` is read with the build's reader and then:

- refused by the reader (or not a post file): **skipped**, with the reason;
- otherwise written to the posts folder under the same name, with what the
  build would warn about fixed in place (``date-junk``: the date rewritten
  without its trailing text; ``url-scheme``: the link with its scheme). Only
  those lines change; the rest of the file is copied as it is;
- when its page name is already taken (by an earlier post of the site, in
  date order, or by a post already in the folder that is not one of this
  site's), it gets the next free name (``slug-2``) and its old URL
  (``/:title/``, the old site's permalink) is recorded in ``redirect_from``.

Images referenced by a post (``image:`` and ``/images/...`` in the body) are
copied from ``SITE_DIR/images``; the other images are listed as not
referenced. Nothing is overwritten: a different file already at the target
is reported and left alone, an identical one is "unchanged", so a second
run changes nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .frontmatter import image_path, read_post
from .loader import display_path, find_post_files, image_problem
from .model import Post, Problem, split_file_name
from .newpost import yaml_quote
from .settings import POST_SUFFIXES

if TYPE_CHECKING:
    from .settings import Settings

#: The old site's permalink for a post (``/:title/``, Jekyll's ``:title`` keeps case).
OLD_URL = "/{slug}/"
REDIRECT_KEY = "redirect_from"
#: Each run of spaces has one place in the pattern (``\s*<?\s*`` would try every split).
_BODY_IMAGE = re.compile(r"""(?:\]\(\s*(?:<\s*)?|src\s*=\s*["']\s*)/images/([^)\s"'<>?#]+)""")
_URL_FIELDS = ("highlight_url", "author_url")


@dataclass(slots=True)
class ImportReport:
    """What happened to every source file."""

    imported: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    images: dict[str, list[str]] = field(default_factory=lambda: {
        "copied": [], "unchanged": [], "missing": [], "conflict": [], "unreferenced": []})

    def lines(self) -> list[str]:
        out = [f"imported  {src} -> {dest}" + (f" (fixed: {', '.join(fixes)})" if fixes else "")
               for src, dest, fixes in self.imported]
        out += [f"renamed   {src} -> {dest} (old URL {old} recorded in {REDIRECT_KEY})"
                for src, dest, old in self.renamed]
        out += [f"unchanged {src} -> {dest}" for src, dest in self.unchanged]
        out += [f"skipped   {src}: {why}" for src, why in self.skipped.items()]
        for kind in ("copied", "missing", "conflict", "unreferenced"):
            out += [f"image {kind:<12} {line}" for line in self.images[kind]]
        return [*out, self.summary()]

    def summary(self) -> str:
        fixed = sum(1 for _, _, fixes in self.imported if fixes)
        counts = ", ".join(f"{len(v)} {k}" for k, v in self.images.items())
        return (f"{len(self.imported)} imported ({fixed} fixed, {len(self.renamed)} renamed), "
                f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped; images: {counts}")


@dataclass(slots=True)
class _Source:
    path: Path
    shown: str
    post: Post
    text: str
    fixes: tuple[str, ...]
    target: str = ""
    old_url: str = ""


def import_site(site: Path, posts_dir: Path, images_dir: Path, settings: Settings, *,
                dry_run: bool = False, base: Path | None = None) -> ImportReport:
    report = ImportReport()
    source_dir = site / "_posts"
    if not source_dir.is_dir():
        report.skipped[display_path(site, base)] = "no _posts/ folder: not a Jekyll site"
        return report
    sources = _read_sources(source_dir, settings, report, base)
    _assign_targets(sources, posts_dir, settings)
    for source in sources:
        _write_post(source, posts_dir, report, dry_run, base)
    _copy_images(sources, site / "images", images_dir, settings, report, dry_run, base)
    return report


# --- reading and fixing ---------------------------------------------------------------------------


def _read_sources(source_dir: Path, settings: Settings, report: ImportReport, base: Path | None) -> list[_Source]:
    sources = []
    for path in _all_files(source_dir):
        shown = display_path(path, base)
        if not path.name.lower().endswith(POST_SUFFIXES) or path.name.startswith("."):
            report.skipped[shown] = "not a post file (Markdown with front matter)"
            continue
        post, problems = read_post(path, shown, settings)
        if post is None:
            report.skipped[shown] = "refused: " + next(p.message for p in problems if p.severity == "error")
            continue
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        text, fixes = fix_text(text, post, problems, settings)
        sources.append(_Source(path, shown, post, text, fixes))
    return sorted(sources, key=lambda s: (s.post.date, s.path.name))


def _all_files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        found += [Path(root) / name for name in files]
    return sorted(found)


def fix_text(text: str, post: Post, problems: list[Problem], settings: Settings) -> tuple[str, tuple[str, ...]]:
    """Rewrite the front-matter lines that have a ``date-junk`` or ``url-scheme`` warning."""
    lines = text.split("\n")
    fixes = []
    for problem in problems:
        if problem.code not in ("date-junk", "url-scheme"):
            continue
        name = "date" if problem.code == "date-junk" else _url_field(post, problem.line)
        value = _fixed_value(post, name) if name else None
        index = problem.line - 1
        key = settings.key(name) if name else ""
        if value is None or not re.match(rf"^{re.escape(key)}[ \t]*:", lines[index]):
            continue  # not a one-line "key: value": left as it is, the warning stays
        lines[index] = f"{key}: {value}"
        fixes.append(problem.code)
    return "\n".join(lines), tuple(dict.fromkeys(fixes))


def _url_field(post: Post, line: int) -> str | None:
    return next((name for name in _URL_FIELDS if post.lines.get(name) == line), None)


def _fixed_value(post: Post, name: str) -> str | None:
    if name == "date":
        return post.date.strftime("%Y-%m-%d %H:%M:%S %z")
    value = getattr(post, name, None)
    return yaml_quote(value) if isinstance(value, str) and value else None


# --- names -------------------------------------------------------------------------------------------


def _assign_targets(sources: list[_Source], posts_dir: Path, settings: Settings) -> None:
    """Same name unless the page name is taken; then ``slug-N`` and a recorded old URL."""
    names = {s.path.name for s in sources}
    old_urls = {OLD_URL.format(slug=s.post.slug) for s in sources}
    taken = set()
    for path in find_post_files(posts_dir, None) if posts_dir.is_dir() else []:
        if path.name in names or _redirects_of(path) & old_urls:
            continue  # written by an earlier import of this site
        post, _ = read_post(path, path.name, settings)
        if post is not None:
            taken.add(post.key)
    for source in sources:
        key = source.post.key
        if key not in taken:
            taken.add(key)
            source.target = source.path.name
            continue
        n = 2
        while f"{key}-{n}" in taken:
            n += 1
        taken.add(f"{key}-{n}")
        date, _ = split_file_name(source.path.stem)
        stem = f"{date.isoformat()}-{key}-{n}" if date else f"{key}-{n}"
        source.target = stem + source.path.suffix
        source.old_url = OLD_URL.format(slug=source.post.slug)
        source.text = _add_redirect(source.text, source.old_url)


def _redirects_of(path: Path) -> set[str]:
    from .yamlsafe import YamlProblem, load_mapping

    try:
        text = path.read_text(encoding="utf-8")
        front = text.split("\n---", 1)[0].removeprefix("---\n") if text.startswith("---") else ""
        found = load_mapping(front)[0].get(REDIRECT_KEY)
    except (OSError, UnicodeDecodeError, YamlProblem):
        return set()
    values = found.value if found else []
    return {v for v in values if isinstance(v, str)} if isinstance(values, list) else set()


def _add_redirect(text: str, old_url: str) -> str:
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    lines.insert(close, f"{REDIRECT_KEY}: [{yaml_quote(old_url)}]")
    return "\n".join(lines)


def _write_post(source: _Source, posts_dir: Path, report: ImportReport, dry_run: bool, base: Path | None) -> None:
    target = posts_dir / source.target
    shown = display_path(target, base)
    try:
        existing = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    except (OSError, UnicodeDecodeError):
        existing = ""
    if existing == source.text:
        report.unchanged.append((source.shown, shown))
        return
    if existing is not None:
        report.skipped[source.shown] = f"{shown} already exists and differs; not overwritten"
        return
    if not dry_run:
        posts_dir.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(source.text)
    if source.old_url:
        report.renamed.append((source.shown, shown, source.old_url))
    report.imported.append((source.shown, shown, source.fixes))


# --- images ------------------------------------------------------------------------------------------


def referenced_images(post: Post) -> list[str]:
    """Images a post uses, as paths inside the images folder."""
    found = [post.image] if post.image else []
    for match in _BODY_IMAGE.finditer(post.body):
        path, _ = image_path(match.group(1))
        if path:
            found.append(path)
    return list(dict.fromkeys(found))


def _copy_images(sources: list[_Source], site_images: Path, images_dir: Path, settings: Settings,
                 report: ImportReport, dry_run: bool, base: Path | None) -> None:
    wanted: dict[str, str] = {}
    for source in sources:
        for relative in referenced_images(source.post):
            wanted.setdefault(relative, source.shown)
    for relative, user in sorted(wanted.items()):
        why = image_problem(relative, site_images, settings)
        if why:
            report.images["missing"].append(f"{relative} (used by {user}): {why}")
            continue
        _copy_image(site_images / relative, images_dir / relative, report, dry_run, base)
    if site_images.is_dir():
        for path in _all_files(site_images):
            relative = path.relative_to(site_images).as_posix()
            if relative not in wanted:
                report.images["unreferenced"].append(f"{display_path(path, base)}: used by no post; not imported")


def _copy_image(source: Path, target: Path, report: ImportReport, dry_run: bool, base: Path | None) -> None:
    shown = f"{display_path(source, base)} -> {display_path(target, base)}"
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        same = stat.S_ISREG(info.st_mode) and target.read_bytes() == source.read_bytes()
        report.images["unchanged" if same else "conflict"].append(
            shown if same else f"{shown}: a different file is there; not overwritten")
        return
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    report.images["copied"].append(shown)

