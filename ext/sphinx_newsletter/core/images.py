"""Post images: where a post may point, and which files may be shown (no Sphinx import).

One rule for every image a post, the registry or the body names: the path is
resolved and must lie inside the real images folder, and the file must decode
as the raster format its suffix names (:func:`checked_image`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .paths import inside, link_in_project
from .settings import IMAGE_SUFFIXES, SVG_REFUSED, Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: What decides a file's decoding verdict: its path, (size, mtime, ctime, inode, device),
#: the format its suffix names and the pixel cap.
DecodeKey = tuple[str, tuple[int, ...], str, int]


def image_problem(relative: str, images_dir: Path | None, settings: Settings, checks: ImageChecks | None = None) -> str:
    """Why the image at *relative* (inside the images folder) can't be used, or ''.

    With *checks* (this build's :class:`ImageChecks` for the same folder), asked once per build.
    """
    if checks is not None:
        return checks.problem(relative)
    return checked_image(relative, images_dir, settings)[1]


#: Pillow's format name for each suffix a post may use: the decoded format must match.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}


def checked_image(
    relative: str,
    images_dir: Path | None,
    settings: Settings,
    decode: Callable[[str, tuple[int, ...], str, int], str] | None = None,
) -> tuple[Path | None, str]:
    """The real path of a usable image at *relative*, or ``None`` and why it can't be used.

    By construction, not by reading the text a contributor wrote: the path is
    resolved (links followed) and must lie inside the real images folder, no
    part of it below that folder may be a symbolic link (even one pointing
    back inside: one rule, and the mirror copies only regular files), and the
    file must decode with Pillow as the raster format its suffix names
    (:func:`decode_problem`, or *decode*: :meth:`ImageChecks.decode`).
    SVG is refused: a browser runs its scripts.
    """
    if images_dir is None:
        return None, "cannot be shown: no images folder is configured"
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix == ".svg":
        return None, SVG_REFUSED
    if suffix not in IMAGE_FORMATS:
        return None, "is not an image (PNG, JPEG, GIF or WebP)"
    if link_in_project(Path(images_dir) / relative, Path(images_dir)) is not None:
        return None, "is a symbolic link or inside a linked folder: images must be regular files"
    real = inside(images_dir, relative)
    if real is None:
        return None, "does not exist in the images folder"
    try:
        info = os.stat(real)
    except OSError:
        return None, "does not exist in the images folder"
    if not stat.S_ISREG(info.st_mode):
        return None, "is not a file"
    if info.st_size > settings.max_image_bytes:
        return None, f"is larger than {settings.max_image_bytes} bytes"
    stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
    why = (decode or decode_problem)(str(real), stamp, IMAGE_FORMATS[suffix], settings.max_image_pixels)
    return (None, why) if why else (real, "")


@functools.lru_cache(maxsize=4096)
def decode_problem(path: str, stamp: tuple[int, ...], expected: str, max_pixels: int) -> str:
    """Why the file at *path* is not a well-formed *expected* image of at most *max_pixels*, or ''.

    Decoded by Pillow (a maintained decoder, not a sniff of the first bytes),
    trying only the allowed formats: a ``.png`` holding SVG, HTML or a JPEG
    is refused. *stamp* (size, times, inode) keys the cache, so an unchanged
    file is decoded once per process. The pixel cap is checked on the header
    before anything is decoded; Pillow's own decompression-bomb limit is set
    to it for this call only.
    """
    from PIL import Image

    with _pixel_limit(Image, max_pixels):
        try:
            with Image.open(path, formats=sorted(set(IMAGE_FORMATS.values()))) as image:
                found, (width, height) = image.format, image.size
                if found != expected:
                    return f"is a {found} image under another suffix (expected {expected})"
                if width * height > max_pixels:
                    return f"has {width}x{height} pixels, more than {max_pixels}"
                image.verify()
            with Image.open(path, formats=[expected]) as image:
                image.load()  # verify() checks structure only (and only for PNG): decode it all
        except Image.DecompressionBombError:
            return f"has more than {max_pixels} pixels"
        except Exception:
            return f"is not a valid {expected} image"
    return ""


@dataclass(slots=True)
class ImageChecks:
    """One build's verdicts on the images folder: each image path checked once per build.

    Posts share images, and a build asks about the same image while reading
    the posts folder, scanning each body and checking each page's doctree.
    The path checks (links, containment, size) are redone by every build;
    the decoding verdict is also kept between builds in :attr:`decoded`
    (pickled with the post cache), keyed by the file's size, times, inode and
    device (:data:`DecodeKey`), so an unchanged image is not decoded again.
    Create one per build: a verdict on a path holds only while the folder is
    unchanged.
    """

    images_dir: Path | None
    settings: Settings
    #: Decoding verdicts: of earlier builds (given) and of this one.
    decoded: dict[DecodeKey, str] = field(default_factory=dict)
    #: The decoding verdicts this build used (what is worth keeping for the next).
    used: set[DecodeKey] = field(default_factory=set)
    _found: dict[str, tuple[Path | None, str]] = field(default_factory=dict)

    def check(self, relative: str) -> tuple[Path | None, str]:
        """:func:`checked_image` for *relative*, once per build."""
        found = self._found.get(relative)
        if found is None:
            found = self._found[relative] = checked_image(relative, self.images_dir, self.settings, self.decode)
        return found

    def problem(self, relative: str) -> str:
        """:func:`image_problem` for *relative*, once per build."""
        return self.check(relative)[1]

    def decode(self, path: str, stamp: tuple[int, ...], expected: str, max_pixels: int) -> str:
        """:func:`decode_problem`, unless an earlier build decoded the same file."""
        key: DecodeKey = (path, stamp, expected, max_pixels)
        self.used.add(key)
        why = self.decoded.get(key)
        if why is None:
            why = self.decoded[key] = decode_problem(path, stamp, expected, max_pixels)
        return why

    def kept(self) -> dict[DecodeKey, str]:
        """The decoding verdicts to keep for the next build: those this build used."""
        return {key: why for key, why in self.decoded.items() if key in self.used}


@contextlib.contextmanager
def _pixel_limit(image_module: Any, max_pixels: int) -> Iterator[None]:
    """Pillow's decompression-bomb limit at *max_pixels* until exit.

    Pillow refuses more than twice its limit when it reads the header, and
    only warns between once and twice: :func:`decode_problem` refuses those
    itself, with their size, before decoding, so the warning is silenced.
    """
    saved = image_module.MAX_IMAGE_PIXELS
    image_module.MAX_IMAGE_PIXELS = max_pixels
    try:
        with quiet_metadata():
            warnings.simplefilter("ignore", image_module.DecompressionBombWarning)
            yield
    finally:
        image_module.MAX_IMAGE_PIXELS = saved


@contextlib.contextmanager
def quiet_metadata() -> Iterator[None]:
    """Pillow's warnings about an image's metadata (``Corrupt EXIF data``) silenced until exit.

    They are printed to stderr with no file named. The pixels decode (the
    images check decoded them); only metadata we can't read is dropped: a
    corrupt EXIF orientation is no orientation.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def image_path(value: str, prefix: str = "/images/") -> tuple[str | None, str]:
    """The image's path inside the images folder, or ``None`` and why not.

    ``/images/a/b.png`` (the Jekyll form), ``images/b.png`` and ``b.png`` are
    inside; ``..``, absolute paths elsewhere, backslashes, ``%`` escapes, URLs
    and other file types are refused.
    """
    text = value.strip()
    for lead in (prefix, prefix.lstrip("/")):
        if lead and text.startswith(lead):
            text = text[len(lead) :]
            break
    if "\\" in text or "%" in text or ":" in text or "\x00" in text:
        return None, "uses characters that are not allowed in an image path"
    pure = PurePosixPath(text)
    if text.startswith("/") or not pure.parts or any(p in ("..", ".") or p.startswith(".") for p in pure.parts):
        return None, f"is not inside the images folder (paths start with {prefix!r})"
    if pure.suffix.lower() == ".svg":
        return None, SVG_REFUSED
    if pure.suffix.lower() not in IMAGE_SUFFIXES:
        return None, f"is not an image ({', '.join(IMAGE_SUFFIXES)})"
    return pure.as_posix(), ""
