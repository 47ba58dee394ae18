"""Writing a file so that no reader ever sees half of it (no Sphinx import).

Every file the extension and the CLI write (generated pages, mirrored images,
feeds, sitemap, ``archive.json``, redirect pages, imported and new posts) goes
through :func:`write_atomic`: the bytes go to a hidden temporary file in the
same folder, which is then renamed over the target. A rename within one
folder is atomic on POSIX file systems, so a process killed at any moment
leaves either the old file or the new one, never a truncated one. The
temporary file is hidden (a leading dot: neither Sphinx, the posts loader
nor the image mirror picks it up) and :func:`remove_partials` deletes what a
killed process left behind.

What this does not do: ``fsync``. The guarantee is against a process that
dies (``SIGKILL``, a CI runner stopped, Ctrl-C), not against the machine
losing power, which would need a sync of every file and its folder (slow
on a site of thousands of pages).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

#: The end of every temporary file name: what :func:`remove_partials` looks for.
PARTIAL_SUFFIX = ".nl-partial"


def partial_name(path: Path) -> Path:
    """A fresh hidden temporary name next to *path* (``.feed.xml.1a2b3c4d.nl-partial``)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Put *data* at *path* in one step: a temporary file in the same folder, then a rename.

    The file gets the usual permissions (``0o666`` less the umask), not a
    temporary file's ``0o600``. *exclusive*: fail with :class:`FileExistsError`
    when *path* exists (the CLI never overwrites a post), checked by the
    rename itself (a hard link), not before it. An error names *path*, not
    the temporary file, and removes the temporary file.
    """
    path = Path(path)
    temporary = _create(path)
    try:
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
            if exclusive:
                _link_new(temporary, path)
            else:
                os.replace(temporary, path)
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    finally:
        temporary.unlink(missing_ok=True)  # gone already after a rename; a link leaves it


def _create(path: Path) -> Path:
    """A new, empty temporary file next to *path* (never an existing file or a link)."""
    while True:
        temporary = partial_name(path)
        try:
            os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        return temporary


def _link_new(temporary: Path, path: Path) -> None:
    """Give *temporary*'s file the name *path*, unless *path* exists (then :class:`FileExistsError`)."""
    try:
        os.link(temporary, path, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as exc:
        # A file system without hard links: check, then rename (a tiny race, on such systems only).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.replace(temporary, path)


def remove_partials(folder: Path) -> int:
    """Delete the temporary files :func:`write_atomic` left under *folder* (a killed process's); their count."""
    removed = 0
    if not Path(folder).is_dir():
        return 0
    for root, _dirs, files in os.walk(folder):  # links to folders are not entered
        for name in files:
            if name.startswith(".") and name.endswith(PARTIAL_SUFFIX):
                Path(root, name).unlink(missing_ok=True)
                removed += 1
    return removed


def read_regular_text(path: Path, max_bytes: int) -> tuple[str | None, str]:
    """The UTF-8 text of a small file a pull request may have replaced: ``(text, "")``, or ``(None, why)``.

    Only a regular file (not a symbolic link, refused before a byte is read,
    so nothing of its target reaches a message) of at most *max_bytes*; read
    with ``O_NOFOLLOW``, so the file read is the one just looked at. A missing
    file is ``(None, "")``: the callers treat it as empty. *why* completes
    "the <file> ...".
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None, ""
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    if stat.S_ISLNK(info.st_mode):
        return None, "is a symbolic link; it must be a regular file"
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        return None, f"must be a regular file under {max_bytes} bytes"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror}"
    if len(data) > max_bytes:
        return None, f"must be a regular file under {max_bytes} bytes"
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n"), ""
    except UnicodeDecodeError:
        return None, "is not UTF-8"
