"""One build at a time per doctree folder, and a build after an interrupted one writes everything.

**Interrupted builds.** Sphinx pickles its environment after reading and
before writing, and writes ``searchindex.js`` only at the very end. A build
killed while it writes pages (``SIGKILL``, a stopped CI runner, Ctrl-C twice
under ``make serve``) leaves pages newer than their sources, so the next
incremental build skips them: their words are missing from the search index
it rebuilds from the old one, and the pages Sphinx meant to rewrite only
because a neighbour changed (previous/next links, listings) stay stale.
Sphinx can't tell, so the extension does: from ``builder-inited`` to the end
of a successful ``build-finished`` a marker file sits in the doctree folder.
A build that finds it logs one line and writes every page
(``env-get-updated`` returns them all: what ``-a`` does, without reading any
source again) and every whole-site output (the feeds, sitemap,
``archive.json`` and redirect stamps are ignored), and deletes the
temporary files a killed writer left (:mod:`.core.files`).

**Concurrent builds.** Two builds of one doctree folder would interleave
writes into the same environment, doctrees and output. The first takes an
exclusive lock (``fcntl.flock``) on ``newsletter.lock`` in the doctree
folder at ``config-inited`` (before Sphinx loads the environment) and holds
it until ``build-finished``; a second one says which process holds it and
waits. The kernel releases the lock of a process that dies, so a killed
build never blocks the next one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

from .core.files import remove_partials, write_atomic
from .events import BUILD_COMPLETE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

#: In the doctree folder while a build runs; left behind by a build that did not finish.
MARKER = "newsletter-build-running"
LOCK = "newsletter.lock"

#: Lock descriptors this process holds, by doctree folder: a second application
#: of the same folder in one process (a test suite's) takes the lock over.
_held: dict[str, int] = {}


def interrupted(app: Sphinx) -> bool:
    """Whether the previous build of this doctree folder did not finish (this build then writes everything)."""
    return bool(getattr(app, "newsletter_interrupted", False))


def config_inited(app: Sphinx, config: Config) -> None:
    """Take the lock, then look for the marker of a build that did not finish."""
    doctreedir = Path(app.doctreedir)
    doctreedir.mkdir(parents=True, exist_ok=True)
    _lock(doctreedir)
    found = (doctreedir / MARKER).is_file()
    app.newsletter_interrupted = found  # type: ignore[attr-defined]
    if found:
        logger.info(_("newsletter: the previous build in %s did not finish; writing every page and output"), doctreedir)


def builder_inited(app: Sphinx) -> None:
    """Mark the build as running; after an interrupted one, delete what its writers left half-done."""
    write_atomic(Path(app.doctreedir) / MARKER, f"{os.getpid()}\n".encode())
    if interrupted(app):
        config = getattr(app, "newsletter_config", None)
        remove_partials(Path(app.outdir))
        if config is not None:
            remove_partials(Path(app.srcdir) / config.layout.output_dir)


def env_get_updated(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    """Every page, after an interrupted build: pages it wrote look current to Sphinx and aren't."""
    return sorted(env.found_docs) if interrupted(app) else []


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Remove the marker when the build succeeded (everything is written); release the lock."""
    if exception is None:
        (Path(app.doctreedir) / MARKER).unlink(missing_ok=True)
    _unlock(Path(app.doctreedir))


def _lock(doctreedir: Path) -> None:
    import fcntl

    key = str(doctreedir)
    if key in _held:  # an earlier application of this process that never finished
        _unlock(doctreedir)
    path = doctreedir / LOCK
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        logger.info(
            _("newsletter: another build (process %s) is using %s; waiting for it to finish"), _holder(fd), doctreedir
        )
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _held[key] = fd


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        pid = ""
    return pid if pid.isdigit() else "?"


def _unlock(doctreedir: Path) -> None:
    fd = _held.pop(str(doctreedir), None)
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the lock


def setup(app: Sphinx) -> None:
    app.connect("config-inited", config_inited)
    app.connect("builder-inited", builder_inited)
    app.connect("env-get-updated", env_get_updated)
    app.connect("build-finished", build_finished, priority=BUILD_COMPLETE)
