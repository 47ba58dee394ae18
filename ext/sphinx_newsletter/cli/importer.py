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
run changes nothing. Each file is written whole under a hidden temporary
name and then given its own (:func:`.files.write_atomic`): a killed import
leaves every post untouched or complete, and running it again finishes
the job (and deletes the temporary files the killed run left).

The imported site is not trusted. Every file read from it is resolved and
required inside it with :func:`.paths.inside` (a symbolic link ``_posts/``,
``images/`` or image file that leads out of the site is refused), file names
that are not UTF-8 or hold control characters are skipped, and every file
written is required to land directly at its name inside the posts or images
folder, with no symbolic link on the way. An edit to a post's front matter
(a fixed line, an added old URL) is made at lines the build's own reader
located, and the edited text is read back: unless the post is the same post
with only the intended change, it is skipped with the reason.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.body import local_images
from ..core.files import remove_partials, write_atomic
from ..core.frontmatter import parse_post, read_post
from ..core.images import image_problem
from ..core.loader import find_post_files
from ..core.model import Post, Problem, split_file_name
from ..core.paths import display_path, inside, link_in_project
from ..core.registry import free_key
from ..core.settings import POST_SUFFIXES
from ..core.yamlsafe import Field, YamlProblem, load_mapping, yaml_quote

if TYPE_CHECKING:
    from ..core.settings import Settings

#: The old site's permalink for a post (``/:title/``, Jekyll's ``:title`` keeps case).
OLD_URL = "/{slug}/"
REDIRECT_KEY = "redirect_from"
_URL_FIELDS = ("highlight_url", "author_url")


@dataclass(slots=True)
class ImportReport:
    """What happened to every source file."""

    imported: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    images: dict[str, list[str]] = field(
        default_factory=lambda: {"copied": [], "unchanged": [], "missing": [], "conflict": [], "unreferenced": []}
    )
    #: The text of every post imported or unchanged, by its file name in the posts folder.
    texts: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"imported  {src} -> {dest}" + (f" (fixed: {', '.join(fixes)})" if fixes else "")
            for src, dest, fixes in self.imported
        ]
        out += [
            f"renamed   {src} -> {dest} (old URL {old} recorded in {REDIRECT_KEY})" for src, dest, old in self.renamed
        ]
        out += [f"unchanged {src} -> {dest}" for src, dest in self.unchanged]
        out += [f"skipped   {src}: {why}" for src, why in self.skipped.items()]
        for kind in ("copied", "missing", "conflict", "unreferenced"):
            out += [f"image {kind:<12} {line}" for line in self.images[kind]]
        return [*out, self.summary()]

    def summary(self) -> str:
        fixed = sum(1 for _, _, fixes in self.imported if fixes)
        counts = ", ".join(f"{len(v)} {k}" for k, v in self.images.items())
        return (
            f"{len(self.imported)} imported ({fixed} fixed, {len(self.renamed)} renamed), "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped; images: {counts}"
        )


@dataclass(slots=True)
class _Source:
    path: Path
    shown: str
    post: Post
    text: str
    fixes: tuple[str, ...]
    target: str = ""
    old_url: str = ""


def import_site(
    site: Path,
    posts_dir: Path,
    images_dir: Path,
    settings: Settings,
    *,
    dry_run: bool = False,
    base: Path | None = None,
    absent: frozenset[Path] = frozenset(),
) -> ImportReport:
    """Import *site* into the folders; files in *absent* (samples ``--replace`` removes) count as not there."""
    report = ImportReport()
    source_dir = inside(site, "_posts")
    if source_dir is None or not source_dir.is_dir():
        why = (
            "no _posts/ folder: not a Jekyll site"
            if source_dir
            else "_posts/ is a symbolic link out of the site; not read"
        )
        report.skipped[display_path(site, base)] = why
        return report
    why = _destination_problem(posts_dir, images_dir)
    if why:
        report.skipped[display_path(site, base)] = why
        return report
    if not dry_run:  # what a killed run left half-written: it writes those files again below
        for folder in (posts_dir, images_dir):
            remove_partials(folder)
    sources = _read_sources(source_dir, settings, report, base)
    _assign_targets(sources, posts_dir, settings, report, absent)
    for source in sources:
        if source.shown not in report.skipped:
            _write_post(source, posts_dir, report, dry_run, base, absent)
    _copy_images(sources, inside(site, "images"), images_dir, settings, report, dry_run, base, absent)
    return report


def _destination_problem(posts_dir: Path, images_dir: Path) -> str:
    """Why nothing may be written: a destination folder that is a symbolic link (to anywhere)."""
    for folder in (posts_dir, images_dir):
        link = folder if folder.is_symlink() else link_in_project(folder, posts_dir)
        if link is not None:
            return f"{link.as_posix()} is a symbolic link; nothing imported (use the real folder)"
    return ""


def bad_name(name: str) -> str:
    """Why a file name from the imported site is not taken as it is, or ''."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not UTF-8; rename it"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "the file name has control or format characters; rename it"
    return ""


def _target(folder: Path, relative: str) -> Path | None:
    """``folder/relative`` if it lands exactly there: no ``..``, no symbolic link on the way or at the end."""
    real = inside(folder, relative)
    expected = Path(os.path.realpath(folder)) / relative
    return real if real is not None and real == expected else None


# --- reading and fixing ---------------------------------------------------------------------------


def _read_sources(source_dir: Path, settings: Settings, report: ImportReport, base: Path | None) -> list[_Source]:
    sources = []
    for path in _all_files(source_dir):
        shown = display_path(path, base)
        if not path.name.lower().endswith(POST_SUFFIXES) or path.name.startswith("."):
            report.skipped[shown] = "not a post file (Markdown with front matter)"
            continue
        why = bad_name(path.relative_to(source_dir).as_posix())
        source = None if why else _read_source(path, shown, settings)
        if isinstance(source, _Source):
            sources.append(source)
        else:
            report.skipped[shown] = why or source or "refused"
    return sorted(sources, key=lambda s: (s.post.date, s.path.name))


def _read_source(path: Path, shown: str, settings: Settings) -> _Source | str:
    """The post and its text, fixed; or why it is skipped.

    :func:`read_post` refuses what the build refuses (links, special files,
    size, encoding); the text is then parsed again, so the line numbers the
    fixes use are those of this very text.
    """
    post, problems = read_post(path, shown, settings)
    if post is None:
        return "refused: " + next(p.message for p in problems if p.severity == "error")
    with open(path, "rb") as handle:
        data = handle.read(settings.max_post_bytes + 1)
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        return "refused: the file changed while it was read"
    post, problems = parse_post(text, shown, settings, stem=path.stem)
    if post is None:
        return "refused: the file changed while it was read"
    text, fixes = fix_text(text, post, problems, settings)
    return _Source(path, shown, post, text, fixes)


def _all_files(folder: Path) -> list[Path]:
    """Every file under *folder*; linked subfolders are not entered (``os.walk`` does not follow them)."""
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
        if problem.code not in ("date-junk", "url-scheme") or not 1 < problem.line < post.body_line - 1:
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


def _assign_targets(
    sources: list[_Source], posts_dir: Path, settings: Settings, report: ImportReport, absent: frozenset[Path]
) -> None:
    """Same name unless the page name is taken; then ``slug-N`` and a recorded old URL."""
    names = {s.path.name for s in sources}
    old_urls = {f"{s.post.slug}/" for s in sources}
    taken = set()
    for path in find_post_files(posts_dir, None) if posts_dir.is_dir() else []:
        if Path(os.path.realpath(path)) in absent:
            continue
        post, _ = read_post(path, path.name, settings)
        if post is None or path.name in names or set(post.redirect_from) & old_urls:
            continue  # unreadable, or written by an earlier import of this site
        taken.add(post.key)
    for source in sources:
        key = source.post.key
        if key not in taken:
            taken.add(key)
            source.target = source.path.name
            continue
        new_key = free_key(key, taken)  # key-2, key-3...: key itself is taken
        taken.add(new_key)
        date, _ = split_file_name(source.path.stem)
        stem = f"{date.isoformat()}-{new_key}" if date else new_key
        source.target = stem + source.path.suffix
        source.old_url = OLD_URL.format(slug=source.post.slug)
        try:
            source.text = add_redirect(source.text, source.post, source.old_url, settings, stem=source.path.stem)
        except RedirectRefused as exc:
            report.skipped[source.shown] = f"its page name is taken and {exc}"


class RedirectRefused(ValueError):
    """Why an old URL cannot be recorded in a post's front matter."""


def add_redirect(text: str, post: Post, old_url: str, settings: Settings, *, stem: str) -> str:
    """*text* with *old_url* added to ``redirect_from``; :class:`RedirectRefused` says why not.

    The front matter ends where the build's reader said (``post.body_line``),
    not at the first ``---`` in the text; an existing ``redirect_from`` (a
    string or a list) keeps its entries and gains the new one once. The
    result is read again and must be the same post with one more old URL.
    """
    key = settings.key("redirect_from")
    lines = text.split("\n")
    close = post.body_line - 2  # the closing fence's index, as the reader found it
    try:
        fields, _ = load_mapping("\n".join(lines[1:close]))
    except YamlProblem:
        raise RedirectRefused(f"its front matter cannot be read again to record the old URL {old_url}") from None
    found = fields.get(key)
    entries = _entries(found)
    if entries is None:
        raise RedirectRefused(
            f"its {key!r} (line {found.line + 2 if found else 1}) is not a string or a list "
            f"of strings, so the old URL {old_url} cannot be recorded"
        )
    wanted = old_url.strip("/") + "/"
    if wanted not in post.redirect_from:
        entries.append(old_url)
    start, end = _value_lines(key, found, fields, lines, close) if found else (close, close)
    value = f"{key}: [{', '.join(yaml_quote(e) for e in entries)}]"
    edited = "\n".join([*lines[:start], value, *lines[end:]])
    again, _ = parse_post(edited, post.source, settings, stem=stem)
    expected = tuple(dict.fromkeys((*post.redirect_from, wanted)))
    if (
        again is None
        or again.redirect_from != expected
        or replace(again, redirect_from=post.redirect_from, body_line=post.body_line) != post
    ):
        raise RedirectRefused(f"the old URL {old_url} cannot be recorded in {key!r} without changing the post")
    return edited


def _entries(found: Field | None) -> list[str] | None:
    """The existing ``redirect_from`` entries as written, or ``None`` when they are not text."""
    if found is None or found.value is None:
        return []
    if isinstance(found.value, str):
        return found.value.split()
    if isinstance(found.value, list) and all(isinstance(v, str) for v in found.value):
        return list(found.value)
    return None


def _value_lines(key: str, found: Field, fields: dict[str, Field], lines: list[str], close: int) -> tuple[int, int]:
    """Indexes (in the file's lines) of *key*'s line and of the end of its value: the next key.

    A field's line is where its value starts (the line after the key for a
    block list), so the key's own line is looked for from there upwards.
    Blank and comment lines just before the next key stay where they are.
    """
    end = min((f.line + 1 for f in fields.values() if f.line > found.line), default=close)
    start = found.line + 1
    head = re.compile(rf"""^["']?{re.escape(key)}["']?[ \t]*:""")
    while start > 1 and not head.match(lines[start]):
        start -= 1
    while end - 1 > found.line + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return start, end


# --- writing -----------------------------------------------------------------------------------------


def _existing(target: Path, limit: int) -> bytes | str | None:
    """The bytes at *target* (up to *limit* + 1), ``None`` when nothing is there, or why it can't be compared."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return "is there and is not a regular file"
    if info.st_size > limit:
        return "already exists and differs"
    with open(target, "rb") as handle:
        return handle.read(limit + 1)


def _write_post(
    source: _Source, posts_dir: Path, report: ImportReport, dry_run: bool, base: Path | None, absent: frozenset[Path]
) -> None:
    target = _target(posts_dir, source.target)
    shown = display_path(posts_dir / source.target, base)
    if target is None:
        report.skipped[source.shown] = f"{shown} is outside the posts folder or behind a symbolic link; not written"
        return
    data = source.text.encode("utf-8")
    existing = None if target in absent else _existing(target, len(data))
    if existing == data:
        report.unchanged.append((source.shown, shown))
        report.texts[source.target] = source.text
        return
    if existing is not None:
        why = existing if isinstance(existing, str) else "already exists and differs"
        report.skipped[source.shown] = f"{shown} {why}; not overwritten"
        return
    if not dry_run:
        posts_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data, exclusive=True)
    if source.old_url:
        report.renamed.append((source.shown, shown, source.old_url))
    report.imported.append((source.shown, shown, source.fixes))
    report.texts[source.target] = source.text


# --- images ------------------------------------------------------------------------------------------


def referenced_images(post: Post) -> list[str]:
    """Images a post uses, as paths inside the images folder (its ``image``, then those of its body)."""
    found = [post.image] if post.image else []
    return list(dict.fromkeys(found + local_images(post.body)))


def _copy_images(
    sources: list[_Source],
    site_images: Path | None,
    images_dir: Path,
    settings: Settings,
    report: ImportReport,
    dry_run: bool,
    base: Path | None,
    absent: frozenset[Path],
) -> None:
    """Copy the referenced images; *site_images* is the site's real images folder (``None``: a link out)."""
    wanted: dict[str, str] = {}
    for source in sources:
        if source.shown in report.skipped:
            continue
        for relative in referenced_images(source.post):
            wanted.setdefault(relative, source.shown)
    for relative, user in sorted(wanted.items()):
        why = _source_image_problem(relative, site_images, settings)
        if why:
            report.images["missing"].append(f"{relative} (used by {user}): {why}")
            continue
        assert site_images is not None  # _source_image_problem said so
        _copy_image(site_images / relative, images_dir, relative, report, dry_run, base, absent)
    if site_images is not None and site_images.is_dir():
        for path in _all_files(site_images):
            relative = path.relative_to(site_images).as_posix()
            if relative not in wanted:
                report.images["unreferenced"].append(
                    f"{display_path(path, base)}: used by no imported post; not imported"
                )


def _source_image_problem(relative: str, site_images: Path | None, settings: Settings) -> str:
    if site_images is None:
        return "the site's images/ is a symbolic link out of the site; not read"
    why = bad_name(relative)
    if why:
        return why
    if _target(site_images, relative) is None:
        return "is outside the site's images folder or behind a symbolic link; not read"
    return image_problem(relative, site_images, settings)


def _copy_image(
    source: Path,
    images_dir: Path,
    relative: str,
    report: ImportReport,
    dry_run: bool,
    base: Path | None,
    absent: frozenset[Path],
) -> None:
    shown = f"{display_path(source, base)} -> {display_path(images_dir / relative, base)}"
    target = _target(images_dir, relative)
    if target is None:
        report.images["conflict"].append(f"{shown}: outside the images folder or behind a symbolic link; not written")
        return
    data = source.read_bytes()
    existing = None if target in absent else _existing(target, len(data))
    if existing is not None:
        same = existing == data
        why = existing if isinstance(existing, str) else "a different file is there"
        report.images["unchanged" if same else "conflict"].append(shown if same else f"{shown}: {why}; not overwritten")
        return
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data, exclusive=True)
    report.images["copied"].append(shown)
