"""Pages of removed documents, deleted from the output folder on incremental builds.

Sphinx never deletes what it wrote for a document that is gone. Once a post
is deleted (or unpublished, or a category loses its last post), its
generated source goes away and the document is removed from the
environment, but its page stays in the HTML folder of an incremental build:
``make serve``'s preview (every rebuild of sphinx-autobuild is one) and a
local ``make html`` keep serving it, although no listing, feed, sitemap or
search result leads there any more.

At ``env-get-outdated`` Sphinx says which documents were removed; at
``build-finished`` of a successful HTML build their pages and their
``_sources/`` copies are deleted, each only when it is a regular file inside
the output folder (a symbolic link out of it is left alone).
"""

from __future__ import annotations

import os
from contextlib import suppress
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sphinx.util import logging

from ..core.paths import inside
from .site import HTML_BUILDERS

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Documents removed in the current build of each application (the main process only).
_REMOVED: WeakKeyDictionary[Sphinx, set[str]] = WeakKeyDictionary()


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Remember the documents this build removes (their outputs go at ``build-finished``)."""
    _REMOVED[app] = set(removed)
    return []


def output_files(app: Sphinx, docname: str) -> list[str]:
    """What the HTML builder wrote for *docname*, relative to the output folder."""
    builder = app.builder
    outfile: str = builder.get_outfilename(docname)  # type: ignore[attr-defined]  # the HTML builders have it
    page = os.path.relpath(outfile, str(builder.outdir))
    files = [page]
    link_suffix = app.config.html_sourcelink_suffix
    for suffix in app.config.source_suffix:
        name = docname + suffix
        files.append(f"_sources/{name}{'' if name.endswith(link_suffix) else link_suffix}")
    return files


def delete_outputs(outdir: Path, files: list[str]) -> list[str]:
    """Delete each of *files* that is a regular file inside *outdir*; the ones deleted."""
    deleted = []
    for name in files:
        path = inside(outdir, name)
        if path is None or not path.is_file() or (outdir / name).is_symlink():
            continue
        path.unlink()
        deleted.append(name)
        if os.path.basename(name) == "index.html":  # dirhtml: the page's folder, if now empty
            with suppress(OSError):
                path.parent.rmdir()
    return deleted


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    removed = _REMOVED.pop(app, set())
    if exception is not None or app.builder.name not in HTML_BUILDERS or not removed:
        return
    deleted = []
    for docname in sorted(removed):
        deleted += delete_outputs(app.builder.outdir, output_files(app, docname))
    if deleted:
        logger.info("newsletter: deleted %d page(s) of removed documents from the output", len(deleted))


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("build-finished", build_finished)
