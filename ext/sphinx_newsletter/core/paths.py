"""Containment of every file a post can make the build read or publish (no Sphinx import).

One rule, by construction rather than by inspecting the text a contributor
wrote: a path is resolved first (``..`` collapsed, every symbolic link
followed) and only then required to lie inside the real folder it must come
from. :func:`inside` is what the build, ``newsletter check`` and
``newsletter import`` ask before they read, copy or publish a file named by a
post or found in a posts or images folder.

The folders themselves come from the maintainer's ``conf.py``, but a pull
request can replace a folder of the project by a symbolic link to anywhere
(``posts/images -> /``): :func:`link_in_project` finds such a link between
the project's root and the configured path. A configured path outside the
project is the maintainer's choice and stays allowed.
"""

from __future__ import annotations

import os
from pathlib import Path

from .text import printable


def inside(root: Path, candidate: str | Path) -> Path | None:
    """*candidate* (relative to *root*, or absolute) fully resolved, if it lies inside *root*.

    Both are resolved with symbolic links followed, so a link inside *root*
    that points out of it, a ``..`` that climbs out, or a *root* that is
    itself reached through links is judged by where the bytes really are.
    ``None`` when the path is outside, cannot be resolved (a loop, a name
    the file system refuses) or *candidate* is empty.
    """
    if candidate in ("", Path("")):
        return None
    try:
        real_root = Path(os.path.realpath(root))
        real = Path(os.path.realpath(Path(root) / candidate))
    except (OSError, ValueError):
        return None
    if real == real_root or not real.is_relative_to(real_root):
        return None
    return real


def link_in_project(path: Path, project: Path) -> Path | None:
    """The first symbolic link on the way from *project* down to *path*, or ``None``.

    *path* is made absolute and normalised without following links. Only
    the components below *project* are looked at: a configured path outside
    the project (or the project reached through a link of its own) is the
    maintainer's and is not questioned.
    """
    absolute = Path(os.path.normpath(os.path.abspath(path)))
    top = Path(os.path.normpath(os.path.abspath(project)))
    if not absolute.is_relative_to(top):
        return None
    current = top
    for part in absolute.relative_to(top).parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def display_path(path: Path, base: Path | None = None) -> str:
    """*path* relative to *base* (the working directory) when it is inside it, safe to print.

    Bytes that are not UTF-8 and control or invisible characters in a name are
    shown as escapes (:func:`~sphinx_newsletter.core.text.printable`): a file
    name can't forge a log line, and the post it names is refused (``file-name``).
    """
    base = base or Path.cwd()
    try:
        return printable(path.relative_to(base).as_posix())
    except ValueError:
        return printable(path.as_posix())
