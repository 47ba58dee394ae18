"""``newsletter import SITE --replace``: adopt a Jekyll site in place of the samples (no Sphinx import).

One command from a fresh clone to the real archive. In this order:

1. **The samples go**: the posts, images and registry entries that
   ``posts/samples.yml`` lists *and* the package ships (:mod:`.core.samples`,
   :mod:`.core.shipped`: each file's name and hash, each entry's key and
   content), so a post written here by hand is never taken for a sample,
   whatever the manifest says, and an edited sample is kept and named; then
   the manifest itself.
2. **The site comes in**: :func:`.importer.import_site`, as ``newsletter
   import`` does (fixes, renames with old URLs, images, nothing overwritten).
3. **Every commentator gets a registry entry** (``posts/authors.yml``): the
   build's own grouping (:func:`.model.build_archive`) then
   :func:`.registry.new_entries`, which merges what would collide and lists
   what a person should check (``# review:`` above the entry, and in the plan).
   Existing entries are kept as written; only new ones are appended.
4. **The site's name and address** (``_config.yml``'s ``title``,
   ``description``, ``url`` + ``baseurl``) go into the site file
   (``posts/site.yml``, :mod:`.core.sitefile`), which the build reads.
5. **Every other file of the site is named** with the reason it is not imported.

``--dry-run`` prints the same plan and writes nothing. A second run finds no
sample, every post unchanged, every commentator registered and the same site
file: its plan changes nothing. The history an import can't fix (an edition
dated a month off) is then recorded with ``newsletter check --update-baseline``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..core import shipped
from ..core.files import read_regular_text, write_atomic
from ..core.frontmatter import parse_post, read_post
from ..core.loader import find_post_files
from ..core.model import assign_keys, build_archive
from ..core.paths import display_path, inside
from ..core.registry import MAX_BYTES as MAX_REGISTRY_BYTES
from ..core.registry import new_entries, parse_registry
from ..core.samples import (
    MANIFEST,
    digest,
    is_image_name,
    is_post_name,
    is_sample,
    load_manifest,
    registry_entries,
    top_key,
)
from ..core.sitefile import MAX_BYTES as MAX_SITE_BYTES
from ..core.sitefile import format_site_file, from_jekyll_config, load_site_file
from .importer import ImportReport, _target, bad_name, import_site, referenced_images

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..config import NewsletterConfig
    from ..core.model import Post
    from ..core.registry import NewEntry

#: Folders and files of a Jekyll site that are not posts or images, and why they are not imported.
_NOT_IMPORTED = (
    (r"^_config[^/]*\.ya?ml$", "read: title, description and url go to the site file"),
    (r"^(_layouts|_includes|_sass|_data|assets|css|js|fonts)/", "the old site's theme: the archive's pages are Furo's"),
    (r"^(_site|\.jekyll-cache|\.sass-cache|vendor|node_modules)/", "the old site's build output or dependencies"),
    (r"^(Gemfile|Gemfile\.lock|.*\.gemspec|Rakefile|package(-lock)?\.json)$", "the old site's build tools"),
    (r"^CNAME$", "the old domain: point it at the new host (the address is in the site file)"),
    (r"^_drafts/", "Jekyll drafts: not published; add them with `newsletter new` when ready"),
    (r"\.(html|md|markdown)$", "a page of the old site, not a post: copy its text into docs/ by hand if wanted"),
)


@dataclass(slots=True)
class AdoptReport:
    """The plan (and, without ``--dry-run``, what was done): one line per file or entry."""

    samples: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    imported: ImportReport = field(default_factory=ImportReport)
    authors: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    site: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"remove    {line}" for line in self.samples]
        out += [f"keep      {line}" for line in self.kept]
        out += self.imported.lines()[:-1]
        out += [f"author    {line}" for line in self.authors]
        out += [f"review    {line}" for line in self.review]
        out += [f"site      {line}" for line in self.site]
        out += [f"not imported {line}" for line in self.other]
        out += [f"refused   {line}" for line in self.refused]
        return [*out, self.summary()]

    def summary(self) -> str:
        return (
            f"{len(self.samples)} samples removed, {len(self.kept)} kept; {self.imported.summary()}; "
            f"{len(self.authors)} registry changes, {len(self.review)} to review; "
            f"{len(self.other)} other files not imported"
        )

    @property
    def failed(self) -> bool:
        return bool(self.refused or self.imported.skipped or self.imported.images["conflict"])


def adopt(
    site: Path,
    config: NewsletterConfig,
    posts_dir: Path,
    images_dir: Path,
    *,
    dry_run: bool = False,
    base: Path | None = None,
) -> AdoptReport:
    """Replace the samples by *site*'s archive; see the module docstring."""
    report = AdoptReport()
    manifest_path = posts_dir / MANIFEST
    manifest, why = load_manifest(manifest_path)
    if why:
        report.refused.append(f"{display_path(manifest_path, base)}: {why}; no sample removed")
    never = _never_samples(config, manifest_path)
    removed = _samples(manifest.posts, posts_dir, _POST, never, report, base)
    # The maintainer's own posts (every one that stays): a sample image or author they use stays too.
    own = _own_posts(posts_dir, removed, config)
    used = {name: post.source for post in own.values() for name in referenced_images(post)}
    removed |= _samples(manifest.images, images_dir, _IMAGE, never, report, base, used)
    if not dry_run:
        for path in sorted(removed):
            path.unlink()
    report.imported = import_site(
        site, posts_dir, images_dir, config.settings, dry_run=dry_run, base=base, absent=frozenset(removed)
    )
    posts = _posts_after(own, report.imported, config)
    _authors(config, posts, list(own.values()), manifest.authors, report, dry_run, base)
    sample_site = shipped.SITE["site.yml"] if manifest.site.get("site.yml") == shipped.SITE["site.yml"] else ""
    _site_file(site, config, sample_site, report, dry_run, base)
    _name_others(site, report, base)
    if manifest.posts or manifest.images or manifest.authors or manifest.site:
        done = not report.kept and not report.refused
        if done and not dry_run:
            manifest_path.unlink(missing_ok=True)
        if done:
            report.samples.append(
                f"{display_path(manifest_path, base)} (the samples manifest: nothing it lists is left)"
            )
    return report


@dataclass(frozen=True, slots=True)
class _Kind:
    """A kind of sample file: its name in the plan, which names it may have, what the package ships."""

    what: str
    named: Callable[[str], bool]
    rule: str
    shipped: dict[str, str]


_POST = _Kind("sample post", is_post_name, "a .md post directly in the posts folder", shipped.POSTS)
_IMAGE = _Kind("sample image", is_image_name, "a raster image directly in the images folder", shipped.IMAGES)


def _never_samples(config: NewsletterConfig, manifest_path: Path) -> frozenset[Path]:
    """The project's own files, never removed as samples whatever their name (resolved)."""
    files = (config.authors_file, config.site_file, config.baseline_file, manifest_path)
    return frozenset(Path(os.path.realpath(f)) for f in files if f is not None)


def _samples(
    listed: dict[str, str],
    folder: Path,
    kind: _Kind,
    never: frozenset[Path],
    report: AdoptReport,
    base: Path | None,
    used: dict[str, str] | None = None,
) -> set[Path]:
    """The listed files that are still samples the package ships (to remove); every other one named as kept.

    *used*: file name -> the post that uses it (a file a staying post uses is kept).
    """
    found = set()
    for name, expected in sorted(listed.items()):
        path = _target(folder, name)
        shown = display_path(folder / name, base)
        if bad_name(name) or path is None:
            report.kept.append(f"{shown}: the manifest names a file outside {display_path(folder, base)}; ignored")
            continue
        if not kind.named(name) or path in never:
            report.kept.append(f"{shown}: listed as a {kind.what} but not {kind.rule}; kept")
            continue
        if kind.shipped.get(name) != expected:
            report.kept.append(f"{shown}: listed as a {kind.what} but not one this package ships; kept")
            continue
        if used and name in used:
            report.kept.append(f"{shown}: a {kind.what}, but {used[name]} uses it; kept")
            continue
        state = is_sample(path, expected)
        if state:
            found.add(path)
            report.samples.append(f"{shown} ({kind.what})")
        elif state is False:
            report.kept.append(f"{shown}: listed as a {kind.what} but changed since (or not a regular file); kept")
    return found


def _own_posts(posts_dir: Path, removed: set[Path], config: NewsletterConfig) -> dict[str, Post]:
    """The posts the folder holds besides the samples, by file name: read once, before the import."""
    posts: dict[str, Post] = {}
    for path in find_post_files(posts_dir, config.images_dir) if posts_dir.is_dir() else []:
        if Path(os.path.realpath(path)) not in removed:
            post, _ = read_post(path, path.name, config.settings)
            if post is not None:
                posts[path.name] = post
    return posts


def _posts_after(own: dict[str, Post], imported: ImportReport, config: NewsletterConfig) -> list[Post]:
    """The posts the folder holds once the import is done (dry run or not).

    The import only adds files, each one named in ``imported.texts``, so the
    others are still the *own* posts read before it.
    """
    posts = {name: post for name, post in own.items() if name not in imported.texts}
    for name, text in imported.texts.items():
        post, _ = parse_post(text, name, config.settings, stem=Path(name).stem)
        if post is not None:
            posts[name] = post
    return list(posts.values())


# --- the authors registry ------------------------------------------------------------------------------


def _authors(
    config: NewsletterConfig,
    posts: list[Post],
    own: list[Post],
    samples: dict[str, str],
    report: AdoptReport,
    dry_run: bool,
    base: Path | None,
) -> None:
    path = config.authors_file
    if path is None:
        report.authors.append("no authors registry (newsletter_authors_file is ''): no entries written")
        return
    shown = display_path(path, base)
    text, why = read_regular_text(path, MAX_REGISTRY_BYTES)
    if why:
        report.refused.append(f"{shown} {why}; the registry is not changed")
        return
    before, _ = parse_registry(text or "", shown)
    entries_now = registry_entries(text or "")
    in_use = {found.key: post.source for post in own if (found := before.match(post.author_name, post.author_url))}
    for key in sorted(k for k in samples if k in in_use):
        report.kept.append(f"{shown} {key!r}: a sample author, but {in_use[key]} is theirs; kept")
    drop = {
        k
        for k in samples
        if k in before.authors and k not in in_use and entries_now.get(k) == shipped.AUTHORS.get(k, "")
    }
    edited = remove_entries(text or "", drop)
    kept, _ = parse_registry(edited, shown)
    if set(kept.authors) != set(before.authors) - drop:
        report.refused.append(f"{shown}: the sample entries could not be cut out cleanly; the registry is not changed")
        return
    report.authors += [f"remove {key!r} (sample) from {shown}" for key in sorted(drop)]
    for key in sorted(k for k in samples if k in before.authors and k not in drop and k not in in_use):
        why = "changed since" if key in shipped.AUTHORS else "not an entry this package ships"
        report.kept.append(f"{shown} {key!r}: listed as a sample author but {why}; kept")
    archive, _ = build_archive(assign_keys(posts)[0], registry=kept, max_days=config.settings.edition_max_days)
    entries = new_entries(archive, set(kept.authors))
    for entry in entries:
        report.authors.append(
            f"add {entry.key!r} ({entry.name}, {entry.posts} post{'s' if entry.posts != 1 else ''}) to {shown}"
        )
        report.review += [f"{shown} {entry.key!r}: {why}" for why in entry.review]
    new_text = append_entries(edited, entries)
    if new_text != (text or "") and not dry_run:
        write_atomic(path, new_text.encode("utf-8"))


def remove_entries(text: str, keys: set[str]) -> str:
    """*text* without the top-level entries *keys* (each from its key line to the next top-level line)."""
    lines = text.split("\n")
    out: list[str] = []
    dropping = False
    for line in lines:
        if line and not line[0].isspace() and not line.startswith("#"):
            dropping = top_key(line) in keys
        if not dropping:
            out.append(line)
    result = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", result)


def append_entries(text: str, entries: list[NewEntry]) -> str:
    """*text* with *entries* added at its end, a blank line between entries."""
    if not entries:
        return text
    head = text.rstrip("\n")
    return (head + "\n\n" if head else "") + "\n\n".join(e.text() for e in entries) + "\n"


# --- the site file ---------------------------------------------------------------------------------------


def _site_file(
    site: Path, config: NewsletterConfig, sample_digest: str, report: AdoptReport, dry_run: bool, base: Path | None
) -> None:
    path = config.site_file
    config_yml = inside(site, "_config.yml")
    shown_source = display_path(site / "_config.yml", base)
    if config_yml is None or not config_yml.is_file():
        why = "is a symbolic link out of the site; not read" if config_yml is None else "not found"
        report.site.append(f"{shown_source}: {why}; the site file is left as it is")
        return
    jekyll = from_jekyll_config(config_yml, shown_source)
    report.site += jekyll.notes
    if jekyll.lang:
        report.site.append(
            f"{shown_source}: lang {jekyll.lang!r} not carried: the site's language is `language` in conf.py "
            "(pt_BR for pt-BR); check that it matches"
        )
    if path is None:
        report.site.append("no site file (newsletter_site_file is ''): title, description and url not carried")
        return
    shown = display_path(path, base)
    current, problems = load_site_file(path, shown)
    if any(p.severity == "error" for p in problems):
        report.refused.append(f"{shown} cannot be read; not changed")
        return
    data, _ = read_regular_text(path, MAX_SITE_BYTES)  # load_site_file just refused a larger one
    start = {} if data is not None and digest(data.encode()) == sample_digest else current.values()
    values = {**start, **jekyll.values}
    text = format_site_file(values)
    if data == text:
        report.site.append(f"{shown}: unchanged")
        return
    for key, value in jekyll.values.items():
        report.site.append(f"{shown}: {key} = {value!r} (from {shown_source})")
    if not dry_run:
        write_atomic(path, text.encode("utf-8"))


# --- the rest of the site ------------------------------------------------------------------------------------


def _name_others(site: Path, report: AdoptReport, base: Path | None) -> None:
    """A line for every file of *site* that is not under ``_posts/`` or ``images/`` (reported by the import)."""
    for root, dirs, files in os.walk(site):
        here = Path(root)
        relative_dir = here.relative_to(site).as_posix()
        if relative_dir == ".":
            skipped = [d for d in dirs if d in ("_posts", "images", ".git")]
            if ".git" in skipped:
                report.other.append(f"{display_path(site / '.git', base)}/: the old site's history; not copied")
            dirs[:] = sorted(d for d in dirs if d not in skipped)
        else:
            dirs.sort()
        for name in sorted(files):
            relative = (here / name).relative_to(site).as_posix()
            report.other.append(f"{display_path(here / name, base)}: {_why_not(relative)}")


def _why_not(relative: str) -> str:
    for pattern, why in _NOT_IMPORTED:
        if re.search(pattern, relative):
            return why
    return "not a post or a post's image; not imported"
