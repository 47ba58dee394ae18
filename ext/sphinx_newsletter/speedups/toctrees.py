"""Keep Sphinx's read phase linear in the number of toctrees and their entries.

Before it reads a document, Sphinx's toctree collector forgets what the
document's toctrees included by walking every entry of
``env.files_to_rebuild``; in a serial build that mapping fills up as the
documents are read, so reading N pages walks it N times. The entries a
document's toctrees add while this build reads it can't need forgetting again
before the read phase ends, so they are set aside as each document is read and
put back, whole, at ``env-updated``, before anything uses them. Only the
process that runs the build does this (a parallel read's readers send their
environments back for Sphinx to merge).

Sphinx's ``toctree`` directive also copies the set of every page name, twice,
for each toctree it parses. The generated pages use ``nl:toctree``: Sphinx's
own directive when this speed-up is off, :class:`GeneratedToctree` when it is
on, which takes the entries as they are when each is a plain page name that
exists and is listed once, and leaves anything else to Sphinx's parsing and
warnings. Measurements: docs/reference/performance.md.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from sphinx.directives.other import TocTree
from sphinx.util import docname_join

from ..events import AFTER_COLLECTORS, FIRST

if TYPE_CHECKING:
    from sphinx import addnodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: A toctree entry that is only a page name (no title, URL, glob or ``self``).
_PAGE_NAME = re.compile(r"[\w.~-]+(?:/[\w.~-]+)*")

#: (process id of the build, entries set aside: included page -> pages including it)
_ATTRIBUTE = "_newsletter_toctree_entries"


def builder_inited(app: Sphinx) -> None:
    setattr(app, _ATTRIBUTE, (os.getpid(), {}))


def doctree_read(app: Sphinx, doctree: Any) -> None:
    """After the toctree collector (priority 500): set aside what this document added."""
    pid, aside = getattr(app, _ATTRIBUTE, (None, None))
    if pid != os.getpid() or aside is None:
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


class GeneratedToctree(TocTree):
    """``nl:toctree``: Sphinx's ``toctree``, without a copy of every page name per toctree."""

    def parse_content(self, toctree: addnodes.toctree) -> None:
        entries = [entry for entry in self.content if entry]
        docnames = self._plain_pages(entries)
        if docnames is None:
            super().parse_content(toctree)
            return
        if "reversed" in self.options:
            docnames.reverse()
        toctree["entries"].extend((None, docname) for docname in docnames)
        toctree["includefiles"].extend(docnames)

    def _plain_pages(self, entries: list[str]) -> list[str] | None:
        """The entries' page names, if each is a plain name of an existing page, listed once."""
        current = self.env.current_document.docname
        suffixes = tuple(self.config.source_suffix)
        if not all(
            _PAGE_NAME.fullmatch(entry) and entry != "self" and not entry.endswith(suffixes) for entry in entries
        ):
            return None
        docnames = [docname_join(current, entry) for entry in entries]
        found = self.env.found_docs
        if current in docnames or len(set(docnames)) < len(docnames) or not all(d in found for d in docnames):
            return None
        return docnames


def setup(app: Sphinx) -> None:
    """``nl:toctree`` is Sphinx's ``toctree`` until :func:`enable` replaces it."""
    app.add_directive_to_domain("nl", "toctree", TocTree)


def enable(app: Sphinx) -> None:
    """Wire the speed-up (at ``config-inited``, before the environment and its domains exist)."""
    app.add_directive_to_domain("nl", "toctree", GeneratedToctree, override=True)
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-read", doctree_read, priority=AFTER_COLLECTORS)
    # First, so that other extensions' env-updated handlers see the whole mapping.
    app.connect("env-updated", env_updated, priority=FIRST)
