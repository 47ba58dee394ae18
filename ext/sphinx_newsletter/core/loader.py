"""Reading a whole posts folder into an :class:`~sphinx_newsletter.core.model.Archive` (no Sphinx import)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from .frontmatter import read_post
from .images import ImageChecks
from .model import Archive, Post, Problem, assign_keys, build_archive
from .oldurls import keep_claimed, plan_old_urls
from .paths import display_path
from .settings import POST_SUFFIXES, Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from .images import DecodeKey
    from .model import Registry

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadResult:
    archive: Archive
    problems: list[Problem]
    #: Files that were not published, and why (drafts, refused posts).
    skipped: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PostCache:
    """Posts read by an earlier build, reused while their file is unchanged.

    A file is unchanged when its size and modification time (nanoseconds) are,
    and the settings it was read with are the same. Symbolic links and other
    non-regular files are never cached, so :func:`read_post` refuses them
    every time; nor are unpublished posts (while drafts are not shown), so
    nothing of a draft is pickled. The cache is plain data, pickled between
    builds by the caller.
    """

    entries: dict[str, tuple[object, Post | None, list[Problem]]] = field(default_factory=dict)
    settings_key: str = ""
    used: set[str] = field(default_factory=set)
    #: Decoding verdicts on images (:attr:`.ImageChecks.decoded`), kept for the next build.
    images: dict[DecodeKey, str] = field(default_factory=dict)
    #: file key -> (its stamp, {name: a value computed from the post}): see :meth:`memo`.
    derived: dict[str, tuple[object, dict[str, object]]] = field(default_factory=dict)
    #: post source (as shown) -> the derived values of its file, for the files cached this build.
    _by_source: dict[str, dict[str, object]] = field(default_factory=dict)

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
            self._note_derived(key, stamp, shown)
            return cached[1], list(cached[2])
        post, problems = read_post(path, shown, settings)
        # A draft is read again at every build rather than kept: this cache is
        # pickled beside the environment, which must hold nothing of a draft.
        draft = post is not None and not post.published and not settings.show_drafts
        if stat.S_ISREG(info.st_mode) and not draft:
            self.entries[key] = (stamp, post, list(problems))
            self._note_derived(key, stamp, shown)
        return post, problems

    def _note_derived(self, key: str, stamp: object, shown: str) -> None:
        """Values derived from the file's post stay while its stamp does; a changed file starts afresh."""
        found = self.derived.get(key)
        if found is None or found[0] != stamp:
            found = self.derived[key] = (stamp, {})
        self._by_source[shown] = found[1]

    def memo(self, post: Post, name: str, compute: Callable[[Post], T]) -> T:
        """``compute(post)``, computed once while the post's file is unchanged.

        For values that depend only on what the file says (its body, its
        fields, its shown path), never on other files or the time: a rule's
        problems about the post, a key computed from one of its fields. A post
        this cache does not hold (a draft, an unreadable file) is computed
        every time.
        """
        values = self._by_source.get(post.source)
        if values is None:
            return compute(post)
        if name not in values:
            values[name] = compute(post)
        return cast("T", values[name])

    def pruned(self) -> PostCache:
        """Only the files this build read (deleted posts drop out)."""
        keep = self.used
        return PostCache(
            {k: v for k, v in self.entries.items() if k in keep},
            self.settings_key,
            images=dict(self.images),
            derived={k: v for k, v in self.derived.items() if k in keep},
        )


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
    images: ImageChecks | None = None,
) -> LoadResult:
    """Read every post; refused posts and drafts are named in ``skipped``.

    *registry* (the authors registry) decides who the commentators are;
    *images* (this build's :class:`.ImageChecks`) checks each image once.
    """
    problems: list[Problem] = []
    if not posts_dir.is_dir():
        problems.append(
            Problem(
                path=display_path(posts_dir, base),
                line=1,
                code="no-posts-dir",
                severity="error",
                message="the posts folder does not exist",
            )
        )
        return LoadResult(archive=build_archive([])[0], problems=problems)
    files = find_post_files(posts_dir, images_dir)
    return load_files(files, images_dir, settings, base=base, registry=registry, cache=cache, images=images)


def load_files(
    files: list[Path],
    images_dir: Path | None,
    settings: Settings,
    *,
    base: Path | None = None,
    registry: Registry | None = None,
    cache: PostCache | None = None,
    images: ImageChecks | None = None,
) -> LoadResult:
    """:func:`load_archive` for a given list of post files (``newsletter check FILE...``)."""
    problems: list[Problem] = []
    posts: list[Post] = []
    drafts: list[Post] = []
    skipped: dict[str, str] = {}
    base = base or Path.cwd()
    sources = [display_path(path, base) for path in files]
    checks = images or ImageChecks(images_dir, settings)  # posts share images: each checked once
    for path, shown in zip(files, sources, strict=True):
        post, found = cache.read(path, shown, settings) if cache is not None else read_post(path, shown, settings)
        problems += found
        if post is None:
            skipped[shown] = "refused: " + next(p.message for p in found if p.severity == "error")
            continue
        post = _check_image(post, checks, problems)
        if not post.published:
            if not settings.show_drafts:
                skipped[shown] = "not published (published: false)"
                drafts.append(post)  # its old URL stays its own (plan_old_urls); nothing else of it is kept
                continue
            # A draft shown in a preview never opens a comment thread (a click would create it).
            post = replace(post, published=True, comments=False)
        posts.append(post)
    posts, found = assign_keys(posts)
    problems += found
    claims, found = plan_old_urls(posts, settings, drafts)  # before the archive: one owner per old URL
    posts = keep_claimed(posts, claims)
    problems += found
    archive, found = build_archive(posts, max_days=settings.edition_max_days, registry=registry)
    archive = replace(archive, old_urls=claims)
    problems += found
    return LoadResult(archive=archive, problems=problems, skipped=skipped)


def _check_image(post: Post, checks: ImageChecks, problems: list[Problem]) -> Post:
    if post.image is None:
        return post
    why = checks.problem(post.image)
    if not why:
        return post
    problems.append(post.problem("image", "image-missing", f"image {post.image!r} {why}; no image shown"))
    return replace(post, image=None)
