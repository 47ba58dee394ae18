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

- the young threshold is raised from the start (``config-inited``): loading
  an earlier build's environment makes objects that all survive;
- while documents are read or written one after another, the threshold stays
  raised so that one document's allocations fit in the youngest generation,
  and the young generations are collected at each document boundary
  (``source-read`` while reading, ``doctree-resolved`` while writing): a
  document's garbage dies young and only what outlives it is promoted;
- Sphinx keeps at most ``DOCTREES_KEPT`` read doctrees in memory for the write
  phase: beyond that, each is dropped at the next boundary (Sphinx has already
  pickled it to the doctree folder and reads it back from there, as it does
  after a parallel read). Keeping them all cost 1.93 GB at 10,000 posts;
  dropping them all cost 1-3 s of unpickling at 1,000 (measured).
- a doctree Sphinx reads back from the doctree folder is written once: the
  bytes it read are dropped when the page is resolved, where Sphinx would
  keep those of every page until the build ends (235 MB of doctrees at
  10,000 posts).

Nothing is disabled for long: a document that allocates more than the raised
threshold still triggers the usual automatic collections, and the
interpreter's own thresholds are back for a parallel write and when the build
finishes. A process that only merges a parallel read's results never raises
them (it would hold garbage longer: 2 GB peak at 10,000 posts, measured); it
collects at each fork instead (``before_read``). A parallel read or write
freezes the heap before Sphinx forks its readers or writers; a serial write
freezes what the read left (``write_started``).

A finished build leaves its heap frozen (``build_finished``): the full
collections that restoring the thresholds over it would start, and the one
the interpreter runs as it exits, cost 1.5 s at 1,000 posts to free what
exiting frees anyway. The next build in the same process gives it back to the
collector first (``release``).
"""

from __future__ import annotations

import gc
import os
from typing import TYPE_CHECKING, Any

from sphinx.util.parallel import make_chunks

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Allocations (net, of container objects) between automatic young
#: collections while documents are read or written one after another: more
#: than reading or writing one post page takes.
YOUNG_THRESHOLD = 100_000

#: Read doctrees Sphinx may keep in memory for the write phase (about 150 MB of
#: post pages); the others are read back from the doctree folder.
DOCTREES_KEPT = 2_000

#: The interpreter's thresholds while they are raised (to put them back).
_saved: list[tuple[int, int, int]] = []
#: Whether this build froze the heap before a parallel read or write.
_frozen: list[bool] = []
#: Whether a finished build left the heap frozen (see ``build_finished``).
_frozen_at_end: list[bool] = []
#: Readers still to be forked by the parallel read this process merges (see ``before_read``).
_readers: list[int] = []
#: Whether ``_after_fork_in_parent`` turned automatic collections off.
_disabled: list[bool] = []
#: Whether ``_before_fork`` is registered in this process (it can't be removed).
_fork_hook: list[bool] = []


def _lean(app: Sphinx) -> bool:
    return bool(app.config.newsletter_lean_builds)


def _raise() -> None:
    """Raise the young threshold (once) while documents are handled in a row."""
    if not _saved:
        _saved.append(gc.get_threshold())
        young, middle, old = _saved[0]
        gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, old)


def _restore() -> None:
    if _saved:
        gc.set_threshold(*_saved.pop())


def collect_young() -> None:
    """Collect the youngest generation; the middle one too once it is due."""
    if _saved:
        gc.collect(1 if gc.get_count()[1] >= _saved[0][1] else 0)


def source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """A document is about to be read (here, or in a parallel reader): the previous one is finished.

    The threshold is raised here too, for the readers of a parallel read: the
    process that runs it only merges what its readers send back, with no
    document boundary to collect at, so it has the interpreter's thresholds
    back (``before_read``).
    """
    if not _lean(app):
        return
    _raise()
    cached = getattr(app.env, "_write_doc_doctree_cache", None)
    while cached and len(cached) > DOCTREES_KEPT:
        cached.popitem()  # the last one read; the first ones stay
    collect_young()


def config_inited(app: Sphinx, config: Any) -> None:
    """The build starts: the young threshold is raised while Sphinx loads what it kept.

    Unpickling the environment of an earlier build (and the post cache) makes
    objects that all survive; with the interpreter's thresholds, full
    collections walked the growing heap three times to free nothing: 0.15-0.18 s
    of a 2 s edit-one-post rebuild at 1,000 posts (measured).
    """
    if _lean(app):
        _raise()


def before_read(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """A build with ``-j`` over 1: freeze the heap before Sphinx forks its readers.

    The process that merges their results gets the interpreter's thresholds
    back (see ``source_read``); frozen, its full collections walk only what
    the read adds, not the modules and the archive loaded before it. Without
    it they took 1.2 s of a 7.5 s ``-j 2`` read at 1,000 posts (measured).
    When Sphinx reads serially anyway (a handful of documents, or an
    extension that is not parallel-safe) the heap simply stays frozen until
    the end, and the readers raise the threshold again.

    Each reader sends back a pickle of its whole environment, the documents
    merged before it forked included, and the merging process unpickles it to
    copy out the reader's own documents: the rest is garbage, in cycles. So
    each time Sphinx forks the next reader (the previous reader's environment
    is garbage by then) the merging process collects what is not frozen and
    freezes what survives, and until the last reader is forked its automatic
    collections are off: they would walk the environment being unpickled, all
    of it alive until it is merged. After the last fork they are back, for the
    last readers' environments. At 10,000 posts (``-j 2``, measured): 166
    full collections took 88 s of a 210 s build, walking the merged heap again
    and again; with this, 95 took 37 s, and the read took 63-72 s, not 106 s.
    """
    if _lean(app) and app.parallel > 1:
        _restore()
        gc.freeze()
        _frozen.append(True)
        # Sphinx forks one reader per chunk (when it reads in parallel at all).
        _readers[:] = [len(make_chunks(docnames, app.parallel))]


def _before_fork() -> None:
    """Sphinx is about to fork a reader: see ``before_read``."""
    if _readers:
        gc.collect()
        gc.freeze()


def _after_fork_in_parent() -> None:
    if _readers:
        _readers[0] -= 1
        if _readers[0] > 0:
            if gc.isenabled():
                gc.disable()
                _disabled.append(True)
        else:
            _merged()


def _merged() -> None:
    """All readers are forked (or the read or build is over): automatic collections are back."""
    _readers.clear()
    if _disabled:
        _disabled.clear()
        gc.enable()


def write_started(app: Sphinx, builder: Any) -> None:
    """The write phase starts with what the read left frozen.

    Sphinx's parallel writers are forked processes that write whole chunks of
    pages with no boundary event between them. Freezing the heap before they
    fork (Python's advice for fork without exec) keeps their collections off
    the parent's objects: without it they copied the parent's pages, and
    ``-j 2`` writing took 19-22 s instead of 12-15 s at 1,000 posts (measured).
    After a parallel read, what is not frozen yet is only what the read's last
    readers sent: collected first, their environments are not frozen with it.

    A serial write collects between documents, with the read's heap frozen
    too: the full collections of the write phase then walk only what it adds,
    not the environment and the doctrees kept in memory. At 3,000 posts they
    took 0.32 s instead of 1.88 s, for 6 MB more peak memory (the kept
    doctrees, once written, wait for the end of the build to be freed).
    """
    _merged()
    if not _lean(app):
        return
    if builder.parallel_ok:
        _restore()
        if _frozen:
            gc.collect()
    else:
        _raise()
        gc.collect(1)  # the last documents' garbage is not frozen with the rest
    gc.freeze()
    _frozen.append(True)


def doctree_resolved(app: Sphinx, doctree: Any, docname: str) -> None:
    """A document is about to be written: the previous one is finished."""
    if _lean(app):
        read_back = getattr(app.env, "_pickled_doctree_cache", None)
        if read_back:
            read_back.pop(docname, None)  # the doctree folder still has it
    collect_young()


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """The build is over: the interpreter's thresholds, and the build's heap frozen.

    Restored thresholds over the whole heap would soon start a full collection
    of it, and the interpreter runs one more as it exits (measured: 1.5 s at
    1,000 posts, to free what exiting frees anyway). The next build in the same
    process (a test suite's) unfreezes it first; ``release`` does it on demand.
    A failed build leaves nothing frozen.
    """
    _merged()
    _restore()
    if _frozen:
        _frozen.clear()
        gc.unfreeze()
    if _lean(app) and exception is None:
        gc.freeze()
        _frozen_at_end.append(True)


def release() -> None:
    """Give back to the collector what a finished build's heap froze (no-op otherwise)."""
    if _frozen_at_end:
        _frozen_at_end.clear()
        gc.unfreeze()


def setup(app: Sphinx) -> None:
    if not _fork_hook:
        os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_merged)
        _fork_hook.append(True)
    release()  # a new build in this process: the previous one's heap is collectable again
    _restore()  # and the interpreter's thresholds, should a failed one have left them raised
    app.connect("config-inited", config_inited)
    app.connect("env-before-read-docs", before_read)
    app.connect("source-read", source_read)
    app.connect("write-started", write_started)
    app.connect("doctree-resolved", doctree_resolved)
    app.connect("build-finished", build_finished, priority=1000)
