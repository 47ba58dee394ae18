"""Post images in the sizes the cards show them: variants, ``srcset``, ``width``/``height``, lazy loading.

- ``builder-inited`` (HTML builders, after :mod:`.generate` mirrored the
  images): every image a post uses gets its variants
  (:func:`~sphinx_newsletter.core.variants.make_variants`), written into
  ``_images/variants/`` of the output folder, named by content hash. A file
  whose stat stamp did not change is not read, a content hash already encoded
  is not encoded again, so a no-op rebuild does no image work. When a few
  images must be encoded (a first build), a forked child encodes them while
  Sphinx reads the sources (:mod:`.core.background`), on the core a ``-j 1``
  build leaves idle.
- ``write-started`` (or ``build-finished`` when nothing is written): the
  encoded variants are collected (encoded here if the child could not), their
  problems are warnings, the cache is saved, and the variants no post uses
  any more are deleted.
- ``doctree-resolved`` (the main process, also under ``-j``): each card image
  gets its variants, its shown size and how it loads: the first on a page is
  the likely Largest Contentful Paint, so it loads at once (``fetchpriority``
  high); the others lazily.
- The HTML writer (:func:`visit_card_image`) writes one ``<img>`` with
  ``srcset``, ``sizes``, ``width`` and ``height``; other writers see an
  ordinary image.
"""

from __future__ import annotations

import os
import pickle
import posixpath
import stat
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

from .core.background import beside
from .core.files import write_atomic
from .core.paths import inside
from .core.variants import RECIPE, ImageVariants, VariantCache, make_variants
from .nodes import card_image
from .outputs.site import HTML_BUILDERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

    from .config import NewsletterConfig

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

#: The variants' folder, inside the builder's images folder (``_images``). Sphinx
#: names its copies after their source files, which all have a suffix: no clash.
FOLDER = "variants"
CACHE_FILE = "newsletter-variants.pickle"


@dataclass(slots=True, kw_only=True)
class VariantStats:
    """What one build's image step did (logged, and read by ``make bench``)."""

    images: int = 0
    encoded: int = 0
    written: int = 0
    removed: int = 0
    seconds: float = 0.0


def builder_inited(app: Sphinx) -> None:
    """Look every post image up in the cache; start encoding the others beside the build."""
    app.newsletter_variants = {}  # type: ignore[attr-defined]
    if app.builder.name not in HTML_BUILDERS:  # others show the original image
        return
    config: NewsletterConfig = app.newsletter_config  # type: ignore[attr-defined]
    load = getattr(app, "newsletter_load", None)
    if load is None:
        return
    started = time.perf_counter()
    folder = Path(app.outdir) / app.builder.imagedir / FOLDER
    real_folder = inside(app.outdir, folder.relative_to(app.outdir))
    if real_folder is None or folder.is_symlink():
        logger.warning(
            _("%s is not a folder inside the output folder: post images are shown without variants"),
            folder,
            type="newsletter",
            subtype="image-variants",
        )
        return
    job = VariantJob(folder=real_folder, cache=_load_cache(app), mirror=Path(app.srcdir) / config.layout.mirror)
    for relative in sorted({p.image for p in load.archive.posts.values() if p.image}):
        job.look_up(relative)
    job.encoded = beside(job.encode_all, fork=len(job.todo) >= FORK_AT_LEAST)
    job.seconds = time.perf_counter() - started
    app._newsletter_variant_job = job  # type: ignore[attr-defined]


#: Images to encode from which a child process encodes them while Sphinx reads (fewer: encoded inline).
FORK_AT_LEAST = 4


@dataclass(frozen=True, slots=True)
class Encoded:
    """What encoding one image gave: its variants, or why there are none; the files written."""

    entry: ImageVariants | None
    problem: str | None
    written: int


@dataclass(slots=True, kw_only=True)
class VariantJob:
    """One build's image step: what the cache knew, what must be encoded, and the child encoding it."""

    folder: Path
    cache: VariantCache
    mirror: Path
    #: Post image (path under the mirror) -> its variants, known without encoding.
    found: dict[str, ImageVariants] = field(default_factory=dict)
    #: Post image -> (its file, its content hash) still to encode.
    todo: dict[str, tuple[Path, str]] = field(default_factory=dict)
    #: What encoding :attr:`todo` gave, by content hash (from the child, or encoded when asked).
    encoded: Callable[[], dict[str, Encoded]] | None = None
    seconds: float = 0.0

    def look_up(self, relative: str) -> None:
        """Find *relative*'s variants in the cache (its files all there), or add it to :attr:`todo`."""
        path = self.mirror / relative
        try:
            info = os.lstat(path)
        except OSError:
            return  # not mirrored: the images check refused it and said why
        if not stat.S_ISREG(info.st_mode):
            return
        stamp = (info.st_size, info.st_mtime_ns, info.st_ino)
        digest, _data = self.cache.digest(str(path), stamp, path.read_bytes)
        entry = self.cache.by_digest.get(digest)
        if entry is not None and all((self.folder / name).is_file() for name in entry.names()):
            self.found[relative] = entry
        else:
            self.todo[relative] = (path, digest)

    def encode_all(self) -> dict[str, Encoded]:
        """Encode every image of :attr:`todo` (in the child, or inline), by content hash: each content once.

        No logging here: a problem is part of what is returned.
        """
        done: dict[str, Encoded] = {}
        for path, digest in self.todo.values():
            if digest not in done:
                done[digest] = self.encode(path)
        return done

    def encode(self, path: Path) -> Encoded:
        written = 0

        def write(name: str, payload: bytes) -> None:
            nonlocal written
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.folder / name, payload)
            written += 1

        try:
            return Encoded(make_variants(path.read_bytes(), write), None, written)
        except Exception as exc:  # checked on the way in; a codec error here leaves the original image
            return Encoded(None, str(exc), written)


def collect(app: Sphinx) -> None:
    """Wait for the images being encoded; give the pages their variants; save the cache (once a build).

    At ``write-started`` (the pages need the variants from then on), or at
    ``build-finished`` when nothing was written.
    """
    job: VariantJob | None = getattr(app, "_newsletter_variant_job", None)
    if job is None:
        return
    app._newsletter_variant_job = None  # type: ignore[attr-defined]
    started = time.perf_counter()
    done = job.encoded() if job.encoded is not None else {}
    stats = VariantStats(
        encoded=sum(e.entry is not None for e in done.values()), written=sum(e.written for e in done.values())
    )
    found = dict(job.found)
    for relative, (path, digest) in sorted(job.todo.items()):
        encoded = done[digest]
        if encoded.entry is None:
            logger.warning(
                _("%s: no smaller copies of this image were made: %s"),
                path,
                encoded.problem,
                type="newsletter",
                subtype="image-variants",
            )
            continue
        job.cache.by_digest[digest] = encoded.entry
        found[relative] = encoded.entry
    stats.images = len(found)
    stats.removed = _remove_unused(job.folder, {n for v in found.values() for n in v.names()})
    _save_cache(app, job.cache.pruned({str(job.mirror / r) for r in found}))
    stats.seconds = job.seconds + time.perf_counter() - started
    app.newsletter_variants = found  # type: ignore[attr-defined]
    app.newsletter_variant_stats = stats  # type: ignore[attr-defined]
    logger.info(
        _("newsletter: %d images, %d encoded, %d variants written, %d removed"),
        stats.images,
        stats.encoded,
        stats.written,
        stats.removed,
    )


def write_started(app: Sphinx, builder: object) -> None:
    collect(app)


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    collect(app)


def _remove_unused(folder: Path, wanted: set[str]) -> int:
    """Delete the files of *folder* that no image uses any more."""
    removed = 0
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in wanted and (path.is_file() or path.is_symlink()):
                path.unlink()
                removed += 1
    return removed


def _load_cache(app: Sphinx) -> VariantCache:
    try:
        with open(Path(app.doctreedir) / CACHE_FILE, "rb") as handle:
            cache = pickle.load(handle)
        if isinstance(cache, VariantCache) and cache.recipe == RECIPE:
            return cache
    except Exception:
        pass
    return VariantCache()


def _save_cache(app: Sphinx, cache: VariantCache) -> None:
    path = Path(app.doctreedir) / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, pickle.dumps(cache, protocol=pickle.HIGHEST_PROTOCOL))


def doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give each card image its variants and loading: eager for the page's first, lazy after."""
    found: dict[str, ImageVariants] = getattr(app, "newsletter_variants", {})
    for index, node in enumerate(doctree.findall(card_image)):
        node["nl_loading"] = "eager" if index == 0 else "lazy"
        entry = found.get(node.get("nl_image", ""))
        if entry is None:
            continue
        slot = node.get("nl_slot", "card")
        node["nl_size"] = entry.display(slot)
        if entry.variants:
            node["nl_sizes"] = entry.sizes(slot)
            node["nl_srcset"] = [(v.name, v.width) for v in entry.variants]


def visit_card_image(self: HTML5Translator, node: card_image) -> None:
    """One ``<img>``: the original as ``src``, the variants as ``srcset``, its shown size, its loading."""
    uri = node["uri"]
    known = self.builder.images.get(uri)
    src = posixpath.join(self.builder.imgpath, urllib.parse.quote(known)) if known else uri
    atts: dict[str, str] = {"src": src, "alt": node.get("alt", "")}
    srcset = node.get("nl_srcset")
    if srcset:
        folder = posixpath.join(self.builder.imgpath, FOLDER)
        atts["srcset"] = ", ".join(
            f"{posixpath.join(folder, name) if name else src} {width}w" for name, width in srcset
        )
        atts["sizes"] = node["nl_sizes"]
    if "nl_size" in node:
        atts["width"], atts["height"] = (str(n) for n in node["nl_size"])
    if node.get("nl_loading") == "lazy":
        atts["loading"] = "lazy"
    else:
        atts["fetchpriority"] = "high"
    atts["decoding"] = "async"
    self.body.append(self.emptytag(node, "img", "\n", **atts))


def depart_card_image(self: HTML5Translator, node: card_image) -> None:
    pass


def setup(app: Sphinx) -> None:
    app.add_node(card_image, html=(visit_card_image, depart_card_image))
    # Connected after generate's builder-inited handler (same priority): the images are mirrored by then.
    app.connect("builder-inited", builder_inited)
    app.connect("write-started", write_started)
    app.connect("build-finished", build_finished)
    app.connect("doctree-resolved", doctree_resolved)
