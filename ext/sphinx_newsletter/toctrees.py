"""Keep Sphinx's serial read phase linear in the number of toctree entries.

Before it reads a document, Sphinx's toctree collector forgets what the
document's toctrees included by walking every entry of
``env.files_to_rebuild`` (included page -> pages whose toctree includes
it). In a serial (``-j 1``) build that mapping fills up as the documents are
read, so reading N pages walks it N times: at 10,000 posts (every post is in
its edition's toctree) that was 128 s of a 333 s build, measured with
pyinstrument. A parallel read forgets every outdated document before any is
read, so it does not pay this.

The entries a document's toctrees add while this build reads it can't need
forgetting again before the read phase ends (each document is read once), so
they are set aside as each document is read and put back, whole, at
``env-updated``, before Sphinx or any extension uses them. Entries from an
earlier build stay where they are, and are forgotten as before when their
document is re-read. Only the process that runs the build does this: under
``-j`` the documents are read in worker processes whose environments Sphinx
merges back itself.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: (process id of the build, entries set aside: included page -> pages including it)
_ATTRIBUTE = "_newsletter_toctree_entries"


def builder_inited(app: Sphinx) -> None:
    setattr(app, _ATTRIBUTE, (os.getpid(), {}))


def doctree_read(app: Sphinx, doctree: Any) -> None:
    """After the toctree collector (priority 500): set aside what this document added."""
    pid, aside = getattr(app, _ATTRIBUTE, (None, None))
    if pid != os.getpid():
        return
    env = app.env
    docname = env.docname
    pending = env.files_to_rebuild
    for included in env.toctree_includes.get(docname, ()):
        including = pending.get(included)
        if including is not None and docname in including:
            including.discard(docname)
            if not including:
                del pending[included]
            aside.setdefault(included, set()).add(docname)


def env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The read phase is over: put every entry back."""
    _pid, aside = getattr(app, _ATTRIBUTE, (None, None))
    if aside:
        for included, including in aside.items():
            env.files_to_rebuild.setdefault(included, set()).update(including)
        aside.clear()
    return []


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-read", doctree_read, priority=900)
    # First, so that other extensions' env-updated handlers see the whole mapping.
    app.connect("env-updated", env_updated, priority=100)
