"""Keep Sphinx's read phase linear in the number of toctrees and their entries.

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

Sphinx's ``toctree`` directive also copies the set of every document, twice,
for each toctree it parses (to tell a missing entry from a duplicate). The
generated pages have one toctree each, so at 10,000 posts 3,400 edition
toctrees copied 14,000 names each: 1.2% of the build (py-spy), growing as
pages x pages. They use ``nl:toctree`` (:class:`GeneratedToctree`): Sphinx's
directive, whose entries, when each is a plain page name that exists and is
listed once, are taken as they are; anything else (a title, a glob, a URL, a
missing or repeated page) goes to Sphinx's own parsing and warnings.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from sphinx.directives.other import TocTree
from sphinx.util import docname_join

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
        if not all(_PAGE_NAME.fullmatch(entry) and entry != "self" and not entry.endswith(suffixes)
                   for entry in entries):
            return None
        docnames = [docname_join(current, entry) for entry in entries]
        found = self.env.found_docs
        if current in docnames or len(set(docnames)) < len(docnames) or not all(d in found for d in docnames):
            return None
        return docnames


def setup(app: Sphinx) -> None:
    app.add_directive_to_domain("nl", "toctree", GeneratedToctree)
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-read", doctree_read, priority=900)
    # First, so that other extensions' env-updated handlers see the whole mapping.
    app.connect("env-updated", env_updated, priority=100)
