"""Lean builds: the garbage collector runs between documents, and doctrees wait on disk.

Two things make a big archive's serial (``-j 1``) build slower than linear:

- Sphinx keeps every doctree it reads in memory until it writes it (the
  environment's ``_write_doc_doctree_cache``), so the heap grows all through
  the read phase. Parallel builds don't: their doctrees come back from the
  worker processes on disk.
- With the interpreter's default thresholds a young collection runs every
  700 allocations, so the temporary objects of the document being read live
  through a few of them and reach the oldest generation, where only full
  collections free them; full collections then run every few seconds, each
  walking that whole heap.

Measured on 10,000 generated posts (``make bench``), 106 full collections
took 236 s of a 508 s build and freed almost nothing.

While a build runs (``newsletter_lean_builds``, on by default):

- the young threshold is raised so that one document's allocations fit in the
  youngest generation, and the young generations are collected at each
  document boundary (``source-read`` while reading, ``doctree-resolved``
  while writing): a document's garbage dies young and only what outlives it
  is promoted;
- at each boundary of the read phase the doctrees kept for the write phase
  are dropped: Sphinx has already pickled each one to the doctree folder and
  reads it back from there, as it does after a parallel read.

Nothing is disabled: a document that allocates more than the raised threshold
still triggers the usual automatic collections, and the interpreter's own
thresholds are put back when the build finishes, or when the write phase
starts if Sphinx writes in parallel (its worker processes write whole chunks
of pages with no boundary event between them).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Allocations (net, of container objects) between automatic young
#: collections while a build runs: more than reading one post page takes.
YOUNG_THRESHOLD = 100_000

#: The interpreter's thresholds while a lean build runs (to put them back).
_saved: list[tuple[int, int, int]] = []
_frozen: list[bool] = []


def builder_inited(app: Sphinx) -> None:
    if not app.config.newsletter_lean_builds or _saved:
        return
    _saved.append(gc.get_threshold())
    young, middle, old = _saved[0]
    gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, old)


def collect_young() -> None:
    """Collect the youngest generation; the middle one too once it is due."""
    if _saved:
        gc.collect(1 if gc.get_count()[1] >= _saved[0][1] else 0)


def source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """A document is about to be read: the previous one is finished."""
    if not _saved:
        return
    cached = getattr(app.env, "_write_doc_doctree_cache", None)
    if cached:
        cached.clear()
    collect_young()


def doctree_resolved(app: Sphinx, doctree: Any, docname: str) -> None:
    """A document is about to be written: the previous one is finished."""
    collect_young()


def write_started(app: Sphinx, builder: Any) -> None:
    """A parallel write has no document boundaries in its worker processes: give them
    the interpreter's thresholds back (with the raised one they ran slower, measured)."""
    if builder.parallel_ok and _saved:
        restore()
        gc.freeze()
        _frozen.append(True)


def restore() -> None:
    if _saved:
        gc.set_threshold(*_saved.pop())


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    restore()
    if _frozen:
        _frozen.clear()
        gc.unfreeze()


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", builder_inited)
    app.connect("source-read", source_read)
    app.connect("doctree-resolved", doctree_resolved)
    app.connect("write-started", write_started)
    app.connect("build-finished", build_finished, priority=1000)
