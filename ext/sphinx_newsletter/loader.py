"""Reading a whole posts folder into an :class:`~sphinx_newsletter.model.Archive` (no Sphinx import)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .frontmatter import read_post
from .model import Archive, Post, Problem, assign_keys, build_archive
from .oldurls import check_old_urls
from .settings import IMAGE_SUFFIXES, POST_SUFFIXES, Settings

if TYPE_CHECKING:
    from .registry import Registry


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadResult:
    archive: Archive
    problems: list[Problem]
    #: Every post file that was read, refused ones included.
    sources: list[str] = field(default_factory=list)
    #: Files that were not published, and why (drafts, refused posts).
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PostCache:
    """Posts read by an earlier build, reused while their file is unchanged.

    A file is unchanged when its size and modification time (nanoseconds) are,
    and the settings it was read with are the same. Symbolic links and other
    non-regular files are never cached, so :func:`read_post` refuses them
    every time. The cache is plain data, pickled between builds by the caller.
    """

    entries: dict[str, tuple[object, Post | None, list[Problem]]] = field(default_factory=dict)
    settings_key: str = ""
    used: set[str] = field(default_factory=set)

    def read(self, path: Path, shown: str, settings: Settings) -> tuple[Post | None, list[Problem]]:
        try:
            info = os.lstat(path)
        except OSError:
            return read_post(path, shown, settings)
        stamp = (shown, info.st_mtime_ns, info.st_size, info.st_ino, self.settings_key)
        key = str(path)
        self.used.add(key)
        cached = self.entries.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1], list(cached[2])
        post, problems = read_post(path, shown, settings)
        if stat.S_ISREG(info.st_mode):
            self.entries[key] = (stamp, post, list(problems))
        return post, problems

    def pruned(self) -> PostCache:
        """Only the files this build read (deleted posts drop out)."""
        return PostCache({k: v for k, v in self.entries.items() if k in self.used}, self.settings_key)


def display_path(path: Path, base: Path | None = None) -> str:
    """*path* relative to *base* (the working directory) when it is inside it."""
    base = base or Path.cwd()
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def find_post_files(posts_dir: Path, images_dir: Path | None = None) -> list[Path]:
    """Post files under *posts_dir*, sorted; hidden folders and the images folder skipped."""
    found = []
    skip = images_dir.resolve() if images_dir else None
    for root, dirs, files in os.walk(posts_dir):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")) and (here / d).resolve() != skip)
        found += [here / f for f in files if f.lower().endswith(POST_SUFFIXES) and not f.startswith(".")]
    return sorted(found)


def load_archive(
    posts_dir: Path,
    images_dir: Path | None,
    settings: Settings,
    *,
    base: Path | None = None,
    registry: Registry | None = None,
    cache: PostCache | None = None,
) -> LoadResult:
    """Read every post; refused posts and drafts are named in ``skipped``.

    *registry* (the authors registry) decides who the commentators are.
    """
    problems: list[Problem] = []
    if not posts_dir.is_dir():
        problems.append(Problem(path=display_path(posts_dir, base), line=1, code="no-posts-dir",
                                severity="error", message="the posts folder does not exist"))
        return LoadResult(archive=build_archive([])[0], problems=problems)
    files = find_post_files(posts_dir, images_dir)
    return load_files(files, images_dir, settings, base=base, registry=registry, cache=cache)


def load_files(
    files: list[Path],
    images_dir: Path | None,
    settings: Settings,
    *,
    base: Path | None = None,
    registry: Registry | None = None,
    cache: PostCache | None = None,
) -> LoadResult:
    """:func:`load_archive` for a given list of post files (``newsletter check FILE...``)."""
    problems: list[Problem] = []
    posts: list[Post] = []
    skipped: dict[str, str] = {}
    base = base or Path.cwd()
    sources = [display_path(path, base) for path in files]
    images: dict[str, str] = {}  # image -> why it can't be shown: posts share images
    for path, shown in zip(files, sources, strict=True):
        post, found = cache.read(path, shown, settings) if cache is not None else read_post(path, shown, settings)
        problems += found
        if post is None:
            skipped[shown] = "refused: " + next(p.message for p in found if p.severity == "error")
            continue
        post = _check_image(post, images_dir, settings, problems, images)
        if not post.published:
            if not settings.show_drafts:
                skipped[shown] = "not published (published: false)"
                continue
            post = replace(post, published=True)
        posts.append(post)
    posts, found = assign_keys(posts)
    problems += found
    posts, found = check_old_urls(posts, settings)  # before the archive: one owner per old URL
    problems += found
    archive, found = build_archive(posts, max_days=settings.edition_max_days, registry=registry)
    problems += found
    return LoadResult(archive=archive, problems=problems, sources=sources, skipped=skipped)


def _check_image(
    post: Post, images_dir: Path | None, settings: Settings, problems: list[Problem], known: dict[str, str]
) -> Post:
    if post.image is None:
        return post
    why = known.get(post.image)
    if why is None:
        why = known[post.image] = image_problem(post.image, images_dir, settings)
    if not why:
        return post
    problems.append(Problem(path=post.source, line=post.line_of("image"), code="image-missing",
                            message=f"image {post.image!r} {why}; no image shown"))
    return replace(post, image=None)


def image_problem(relative: str, images_dir: Path | None, settings: Settings) -> str:
    """Why the image at *relative* (inside the images folder) can't be used, or ''."""
    if images_dir is None:
        return "cannot be shown: no images folder is configured"
    root = images_dir.resolve()
    path = root / relative
    try:
        info = os.lstat(path)
        inside = path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return "does not exist in the images folder"
    if stat.S_ISLNK(info.st_mode) or not inside:
        return "is a symbolic link or outside the images folder"
    if not stat.S_ISREG(info.st_mode):
        return "is not a file"
    if info.st_size > settings.max_image_bytes:
        return f"is larger than {settings.max_image_bytes} bytes"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return "is not an image"
    if path.suffix.lower() == ".svg" and not svg_is_safe(path.read_bytes()):
        return "is an SVG with scripts, event handlers, external references or a DOCTYPE"
    return ""


def svg_is_safe(data: bytes) -> bool:
    """Whether an SVG is plain drawing: no script, handler, foreign content or outside link.

    An SVG opened directly from ``_images/`` runs its scripts in the site's
    origin, so contributor SVGs must be inert.
    """
    import xml.etree.ElementTree as ET

    upper = data.upper()
    # <?xml-stylesheet?> (XSLT) is a processing instruction: ElementTree drops it.
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper or b"<?XML-STYLESHEET" in upper:
        return False
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return False
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "embed", "object", "handler"):
            return False
        text = (element.text or "").lower()
        if "javascript:" in text or "@import" in text or "url(" in text.replace("url(#", ""):
            return False
        target = element.get("attributeName", "").rsplit(":", 1)[-1].lower()
        if target.startswith("on") or target == "href":  # <set>/<animate> writing a handler or link
            return False
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return False
            if local == "href" and not value.strip().startswith("#"):
                return False
            if "javascript:" in value.lower() or "url(" in value.lower() and "url(#" not in value.lower():
                return False
    return True
