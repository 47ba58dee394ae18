"""``builder-inited``: read the posts, report their problems, write the generated pages.

Pages go into one folder inside the source folder (``newsletter_output_dir``)
and are written only when their text changed, so Sphinx re-reads only what
changed; pages of posts that are gone are deleted. Post images are mirrored
into the same folder (regular files inside the images folder only).
"""

from __future__ import annotations

import os
import pickle
import stat
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

from . import __version__
from . import nodes as nl
from .baseline import split_loaded
from .core.checks import check_archive
from .core.files import write_atomic
from .core.images import ImageChecks
from .core.loader import LoadResult, PostCache, load_archive
from .core.model import Post, build_archive, fingerprint
from .core.registry import load_configured
from .core.render import Labels, render_pages
from .core.settings import IMAGE_SUFFIXES
from .domain import get_domain
from .events import FAIL_REFUSED

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .config import NewsletterConfig
    from .core.model import Problem

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)


def builder_inited(app: Sphinx) -> None:
    config: NewsletterConfig = app.newsletter_config  # type: ignore[attr-defined]
    registry, registry_problems = load_configured(config.authors_file, config.images_dir, config.settings)
    cache = _load_cache(app, config)
    domain = get_domain(app.env)
    # Each image is checked once per build; an unchanged file is not decoded again.
    images = domain.nl_images = ImageChecks(config.images_dir, config.settings, decoded=cache.images)
    domain.nl_mirrored = {}
    if config.posts_dir is not None:
        result = load_archive(
            config.posts_dir, config.images_dir, config.settings, registry=registry, cache=cache, images=images
        )
    else:
        result = LoadResult(archive=build_archive([])[0], problems=[])
    # The rules `newsletter check` adds over the archive (raw HTML in a body, an
    # article commented twice): the build reports them too, so check = build.
    # Per-post results are kept with the post while its file is unchanged.
    extra, _notes = check_archive(result.archive, registry, memo=cache.memo)
    problems = [*config.refused, *registry_problems, *result.problems, *extra]
    # Known problems of the archive's history (the baseline) are not warned about.
    result = replace(result, problems=split_loaded(app, config, problems))
    report(result.problems)
    for path, why in result.skipped.items():
        logger.info(_("%s: left out of the archive: %s"), path, why)
    domain.archive = result.archive
    domain.archive_stamp = fingerprint(repr(result.archive))
    domain.nl_config = config
    app.newsletter_load = result  # type: ignore[attr-defined]
    layout = config.layout
    out = Path(app.srcdir) / layout.output_dir
    labels = Labels(
        archive=_("Archive"),
        editions=_("Editions"),
        posts=_("All posts"),
        authors=_("Authors"),
        loose=_("Loose posts"),
        edition_title=lambda e: nl.edition_title(e, app.config.language),
        categories=_("Categories"),
        month_title=lambda y, m: nl.month_title(y, m, app.config.language),
    )
    pages = render_pages(result.archive, layout, labels)
    written = write_pages(out, pages)
    mirror_images(config, Path(app.srcdir) / layout.mirror, images)
    cache.images = images.kept()
    _save_cache(app, cache.pruned())
    logger.info(
        _("newsletter: %d posts, %d editions, %d authors; %d pages rewritten"),
        len(result.archive.posts),
        len(result.archive.editions),
        len(result.archive.authors),
        written,
    )


CACHE_FILE = "newsletter-posts.pickle"


def _load_cache(app: Sphinx, config: NewsletterConfig) -> PostCache:
    """The posts an earlier build read (empty on a fresh environment or any doubt)."""
    key = fingerprint(
        __version__, tuple(Post.__dataclass_fields__), tuple(PostCache.__dataclass_fields__), repr(config.settings)
    )
    path = Path(app.doctreedir) / CACHE_FILE
    if app.fresh_env_used is not True:
        try:
            with open(path, "rb") as handle:
                cache = pickle.load(handle)
            if isinstance(cache, PostCache) and cache.settings_key == key:
                return cache
        except Exception:
            pass
    return PostCache(settings_key=key)


def _save_cache(app: Sphinx, cache: PostCache) -> None:
    path = Path(app.doctreedir) / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))


def report(problems: list[Problem]) -> None:
    """Every problem as a Sphinx warning or error at the post's file and line."""
    for problem in problems:
        log = logger.error if problem.severity == "error" else logger.warning
        log(problem.message, location=problem.location, type="newsletter", subtype=problem.code)


def write_pages(out: Path, pages: dict[str, str]) -> int:
    """Write pages whose text changed; delete generated pages that are gone."""
    written = 0
    for name, text in pages.items():
        path = out / f"{name}.md"
        try:
            if path.read_text(encoding="utf-8") == text:
                continue
        except OSError:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
        written += 1
    wanted = {out / f"{name}.md" for name in pages}
    for path in sorted(out.rglob("*.md")):
        if path not in wanted:
            path.unlink()
    return written


def mirror_images(config: NewsletterConfig, target: Path, images: ImageChecks) -> None:
    """Copy usable images (changed ones only) and delete mirrored images that are gone.

    Only what :func:`~sphinx_newsletter.core.images.checked_image` accepts is
    copied (a decoded PNG, JPEG, GIF or WebP, a regular file inside the real
    images folder), read from the real path it returns: nothing a post
    supplies is published as SVG, HTML or XML, and no link is followed out.
    *images*: this build's :class:`.ImageChecks` for the same folder.
    """
    source = config.images_dir
    wanted: set[Path] = set()
    if source is not None and source.is_dir() and not source.is_symlink():
        for relative in _image_files(source):
            real, why = images.check(relative)
            if real is None or why:
                continue
            copy = target / relative
            wanted.add(copy)
            _copy_if_changed(real, copy)
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _image_files(root: Path) -> list[str]:
    """Paths (relative to *root*) of files with an image suffix; symlinked folders are not walked."""
    found = []
    for folder, dirs, files in os.walk(root):  # followlinks=False: a linked folder is listed, not entered
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".") and not (here / d).is_symlink()]
        found += [
            (here / f).relative_to(root).as_posix()
            for f in files
            if f.lower().endswith(IMAGE_SUFFIXES) and not f.startswith(".")
        ]
    return sorted(found)


def _copy_if_changed(source: Path, copy: Path) -> None:
    """Copy the regular file *source* to *copy* unless a copy of the same size and time is there."""
    info = os.lstat(source)
    if not stat.S_ISREG(info.st_mode):
        return
    try:
        old = os.lstat(copy)
        if stat.S_ISREG(old.st_mode) and old.st_size == info.st_size and int(old.st_mtime) == int(info.st_mtime):
            return
    except FileNotFoundError:
        copy.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all; a rename replaces a link at *copy*, never writes through it.
    write_atomic(copy, source.read_bytes())
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose part of the archive changed, though their own text did not."""
    domain = get_domain(env)
    if domain.archive is None:
        return []
    return sorted(domain.outdated(domain.archive) - added - changed - removed)


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Fail the build, after every output was written, when posts were refused.

    An error (not an exception): the log names every refused file once more,
    ``sphinx-build`` exits 1, and nothing prints a traceback.
    """
    result: LoadResult | None = getattr(app, "newsletter_load", None)
    if exception is not None or result is None:
        return
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        files = sorted({p.path for p in errors})
        logger.error(
            _("%d post file(s) have errors (see above): %s"),
            len(files),
            ", ".join(files),
            type="newsletter",
            subtype="refused",
        )
        app.statuscode = 1


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", builder_inited)
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("build-finished", build_finished, priority=FAIL_REFUSED)
