"""Post images in the sizes the layout shows them (no Sphinx import).

A card shows a post's image at most :data:`SLOTS` CSS pixels wide (the
highlight card is ``42rem``, a listing card at most ``31rem``, on one column).
For each image the build writes a few narrower copies (the *variants*) so a
browser downloads what it shows, for screens of one to two device pixels per
CSS pixel (:data:`LADDER`, up to :data:`MAX_WIDTH`):

- never wider than the source: a 400 px image gets no 672 px copy, and its
  ``width`` attribute says 400, so CSS (``max-width: 100%``) can shrink it,
  never stretch it;
- each variant in the smallest of lossy WebP, lossless WebP (for PNG and GIF
  drawings of few colours, which compress better without loss) and, for JPEG sources,
  JPEG; at full size the original file itself is a candidate too, so a
  variant never costs more than the file it replaces;
- a variant no smaller in bytes than a wider one is dropped (it would only
  cost a download);
- an animated GIF is left as it is (resizing would drop its frames).

Variants are named by the source's content hash and width only, never by a
name a contributor chose, so a variant's path is safe by construction and
the same image (under any name) is encoded once.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .images import quiet_metadata

if TYPE_CHECKING:
    from collections.abc import Callable

    from PIL.Image import Image

#: Widths (device pixels) worth a copy: a listing card (about 320 CSS px on a
#: desktop), one column on a phone (480), the highlight card (672), and twice those.
LADDER = (320, 480, 672, 960, 1344)
#: The widest copy: twice the widest slot. A wider source is never sent whole.
MAX_WIDTH = 1344
#: A ladder width this close to the top width (as a fraction) adds nothing: skipped.
NEAR = 0.9
#: The widest each kind of card shows an image, in CSS pixels (its ``width`` attribute).
SLOTS = {"highlight": 672, "card": 496}
#: Lossy WebP and JPEG quality (the usual choice of image CDNs and static-site generators).
QUALITY = 80
#: A PNG or GIF of at most this many colours is a drawing: lossless WebP is tried too
#: (on a photo it never wins, and it is the slowest encoder).
FEW_COLOURS = 256
#: Changes whenever what is encoded changes: cached variants of another recipe are redone.
RECIPE = f"v1 {LADDER} {MAX_WIDTH} {NEAR} q{QUALITY} c{FEW_COLOURS}"

#: The longest side WebP and JPEG can encode: a copy of a very tall image is a PNG.
WEBP_MAX = 16383
JPEG_MAX = 65535


@dataclass(frozen=True, slots=True, kw_only=True)
class Variant:
    """One copy of an image: its size, file (``""``: the original file) and bytes."""

    width: int
    height: int
    name: str
    size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageVariants:
    """An image's size (as shown, after its EXIF orientation) and its copies, narrowest first."""

    digest: str
    width: int
    height: int
    variants: tuple[Variant, ...] = ()

    def display(self, slot: str) -> tuple[int, int]:
        """The ``width`` and ``height`` attributes in a *slot*: the slot's width or less, never more than the source."""
        width = min(self.width, SLOTS[slot])
        return width, max(1, round(self.height * width / self.width))

    def sizes(self, slot: str) -> str:
        """The ``sizes`` attribute: the viewport's width up to the shown width, then that width.

        Never more than the source's width: with ``w`` descriptors a browser
        takes ``sizes`` as the image's natural width, so a larger value would
        stretch it.
        """
        width = self.display(slot)[0]
        return f"(max-width: {width}px) 100vw, {width}px"

    def names(self) -> set[str]:
        return {v.name for v in self.variants if v.name}


def digest_of(data: bytes) -> str:
    """The content hash that names an image's variants (the recipe is part of it)."""
    return hashlib.sha256(RECIPE.encode() + b"\0" + data).hexdigest()[:24]


def plan_widths(source_width: int) -> tuple[int, ...]:
    """The widths of an image's variants: the ladder below the top width, and the top width.

    The top width is the source's, or :data:`MAX_WIDTH` if the source is wider:
    no variant is ever wider than its source.
    """
    top = min(source_width, MAX_WIDTH)
    return (*(w for w in LADDER if w < top * NEAR), top)


def is_animated(image: Image) -> bool:
    return bool(getattr(image, "is_animated", False))


def make_variants(data: bytes, write: Callable[[str, bytes], None]) -> ImageVariants:
    """Decode *data* (an image that already passed the images check) and write its variants.

    *write* is called with a variant's file name and bytes; the returned
    record names what was written. The original file stands for the widest
    variant when no encoding of it is smaller.
    """
    with quiet_metadata():
        return _make_variants(data, write)


def _make_variants(data: bytes, write: Callable[[str, bytes], None]) -> ImageVariants:
    from PIL import ExifTags, Image, ImageOps

    digest = digest_of(data)
    with Image.open(io.BytesIO(data)) as opened:
        source_format = opened.format or ""
        if is_animated(opened):
            return ImageVariants(digest=digest, width=opened.width, height=opened.height)
        # The size a reader sees: the stored one, turned by the EXIF orientation as exif_transpose turns it.
        width, height = opened.size
        if opened.getexif().get(ExifTags.Base.Orientation) in (5, 6, 7, 8):
            width, height = height, width
        if source_format == "JPEG":
            # Decode at the smallest DCT scale still at least MAX_WIDTH on both sides: a huge JPEG costs
            # a fraction of its pixels.
            opened.draft(opened.mode, (MAX_WIDTH, MAX_WIDTH))
        image = ImageOps.exif_transpose(opened)
        image.load()
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if image.width >= 2 * MAX_WIDTH:
        # A box average down to at least MAX_WIDTH first: every copy below is then made from a small
        # image, not from the (up to 40 M-pixel) source, so an image costs about the same whatever its size.
        image = image.reduce(image.width // MAX_WIDTH)
    made: list[tuple[Variant, bytes]] = []
    for copy_width in sorted(plan_widths(width), reverse=True):  # each copy from the one above it
        copy_height = max(1, round(height * copy_width / width))
        if image.size != (copy_width, copy_height):
            image = image.resize((copy_width, copy_height), Image.Resampling.LANCZOS)
        candidates = _encodings(image, source_format)
        if copy_width == width:
            candidates.append(("", data))
        suffix, best = min(candidates, key=lambda c: len(c[1]))
        name = f"{digest}-{copy_width}.{suffix}" if suffix else ""
        made.append((Variant(width=copy_width, height=copy_height, name=name, size=len(best)), best))
    made.reverse()  # narrowest first
    kept = _useful([variant for variant, _bytes in made])
    for variant, payload in made:
        if variant in kept and variant.name:
            write(variant.name, payload)
    return ImageVariants(digest=digest, width=width, height=height, variants=kept)


def _has_alpha(image: Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _encodings(image: Image, source_format: str) -> list[tuple[str, bytes]]:
    """(suffix, bytes) of each format worth trying for a copy of a *source_format* image."""
    longest = max(image.size)
    webp = longest <= WEBP_MAX
    found = [("webp", _encode(image, "WEBP", quality=QUALITY, method=4))] if webp else []
    if source_format == "JPEG" and longest <= JPEG_MAX:
        found.append(("jpg", _encode(image.convert("RGB"), "JPEG", quality=QUALITY, optimize=True, progressive=True)))
    elif webp and source_format in ("PNG", "GIF") and image.getcolors(FEW_COLOURS) is not None:
        found.append(("webp", _encode(image, "WEBP", lossless=True, method=2)))
    if not found:  # taller than WebP (and JPEG) can be: PNG, which has no such limit
        found.append(("png", _encode(image, "PNG")))
    return found


def _encode(image: Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def _useful(variants: list[Variant]) -> tuple[Variant, ...]:
    """Drop every variant that is not smaller in bytes than each wider one."""
    kept: list[Variant] = []
    for variant in reversed(variants):
        if not kept or variant.size < kept[-1].size:
            kept.append(variant)
    return tuple(reversed(kept))


@dataclass(slots=True, kw_only=True)
class VariantCache:
    """What earlier builds encoded, by content hash; and each file's hash by its stat stamp.

    Plain data, pickled in the doctree folder. *recipe* is :data:`RECIPE`: a
    cache of another recipe is dropped whole.
    """

    recipe: str = RECIPE
    by_digest: dict[str, ImageVariants] = field(default_factory=dict)
    digests: dict[str, tuple[tuple[int, ...], str]] = field(default_factory=dict)

    def digest(self, path: str, stamp: tuple[int, ...], read: Callable[[], bytes]) -> tuple[str, bytes | None]:
        """The content hash of the file at *path*, read only when its stamp changed (then with its bytes)."""
        known = self.digests.get(path)
        if known is not None and known[0] == stamp:
            return known[1], None
        data = read()
        found = digest_of(data)
        self.digests[path] = (stamp, found)
        return found, data

    def pruned(self, paths: set[str]) -> VariantCache:
        """Only the entries of the files in *paths* (the images the archive uses now)."""
        digests = {p: v for p, v in self.digests.items() if p in paths}
        used = {d for _s, d in digests.values()}
        return VariantCache(by_digest={d: v for d, v in self.by_digest.items() if d in used}, digests=digests)
