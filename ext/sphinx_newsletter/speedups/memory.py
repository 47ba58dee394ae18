"""Lean builds: the garbage collector runs between documents, and doctrees wait on disk.

A big archive's serial (``-j 1``) build is slower than linear with the
interpreter's collector: Sphinx keeps every doctree it reads in memory until it
writes it, and with the default thresholds a document's temporary objects live
through a few young collections, reach the oldest generation, and only full
collections, each walking the whole heap, free them. While a build runs:

- the young threshold is raised from ``config-inited`` (loading an earlier
  build's environment makes objects that all survive) and while documents are
  read or written one after another, so that one document's allocations fit in
  the youngest generation; the young generations are collected at each document
  boundary (``source-read`` while reading, ``doctree-resolved`` while writing);
- Sphinx keeps at most ``DOCTREES_KEPT`` read doctrees in memory for the write
  phase (it reads the others back from the doctree folder, as after a parallel
  read), and a doctree read back for writing is dropped once resolved;
- a parallel read freezes the heap before Sphinx forks its readers; the process
  that merges their results keeps the interpreter's thresholds, collects each
  time Sphinx forks the next reader (the previous reader's environment is
  garbage by then) and has automatic collections off until the last fork;
- the write phase freezes what the read left (before a parallel write forks its
  writers; a serial write then collects only what it adds).

Nothing of this outlives the build: the threshold raised while Sphinx loads
an earlier build's environment goes back once the application is ready
(``builder-inited``), and the first ``build-finished`` handler (so
that a later one that fails can't skip it), on success or failure, puts back
the thresholds, ``gc.isenabled()`` and the frozen objects as they were when the
build started. A heap someone else had frozen before the build is never frozen
or thawed by it. Only in a ``sphinx-build`` process, which exits after its one
build, is the heap frozen again at exit (``atexit``), to spare the interpreter's
exit-time collection of it. The fork hook (``os.register_at_fork`` can't be undone) is
registered by the first parallel read of the process and does nothing unless a
parallel read is running (``_armed``). Measurements: docs/reference/performance.md.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinx.util.parallel import make_chunks

from ..events import ENVIRONMENT_LOADED, GC_POLICY

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Allocations (net, of container objects) between automatic young
#: collections while documents are read or written one after another: more
#: than reading or writing one post page takes.
YOUNG_THRESHOLD = 100_000

#: Read doctrees Sphinx may keep in memory for the write phase (about 150 MB of
#: post pages); the others are read back from the doctree folder.
DOCTREES_KEPT = 2_000

_ATTRIBUTE = "_newsletter_gc"


@dataclass(slots=True)
class BuildGC:
    """The collector as one build found it, and what the build changed."""

    threshold: tuple[int, int, int]
    enabled: bool
    #: Nothing was frozen when the build started: unfreezing would thaw only the build's objects.
    may_freeze: bool
    raised: bool = False
    froze: bool = False
    #: Readers still to be forked by the parallel read this process merges.
    readers: int = 0
    #: Whether automatic collections were turned off until the last reader is forked.
    disabled: bool = False

    def raise_threshold(self) -> None:
        """Raise the young threshold (once) while documents are handled in a row."""
        if not self.raised:
            young, middle, old = self.threshold
            gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, old)
            self.raised = True

    def restore_threshold(self) -> None:
        if self.raised:
            gc.set_threshold(*self.threshold)
            self.raised = False

    def collect_young(self) -> None:
        """Collect the youngest generation; the middle one too once it is due."""
        if self.raised:
            gc.collect(1 if gc.get_count()[1] >= self.threshold[1] else 0)

    def freeze(self) -> None:
        if self.may_freeze:
            gc.freeze()
            self.froze = True

    def merged(self) -> None:
        """All readers are forked (or the read or build is over): automatic collections are back."""
        self.readers = 0
        if self in _armed:
            _armed.remove(self)
        if self.disabled:
            self.disabled = False
            gc.enable()

    def restore(self) -> None:
        """Everything as the build found it.

        Collected first, the build's heap still frozen: a short collection of
        what the write phase left, after which no full collection is due, so
        the objects thawed next are not all walked at once by the next
        automatic collection.
        """
        self.merged()
        if self.froze:
            gc.collect()
            self.froze = False
            gc.unfreeze()
        self.restore_threshold()
        if gc.isenabled() != self.enabled:
            (gc.enable if self.enabled else gc.disable)()


#: The build whose parallel read the fork hook serves (one at most); empty outside a parallel read.
_armed: list[BuildGC] = []
#: Whether the fork hook is registered in this process (it can't be removed).
_fork_hook: list[bool] = []


def build_gc(app: Sphinx) -> BuildGC | None:
    return getattr(app, _ATTRIBUTE, None)


def source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    """A document is about to be read (here, or in a parallel reader): the previous one is finished.

    The threshold is raised here too, for the readers of a parallel read: the
    process that runs it only merges what its readers send back, with no
    document boundary to collect at, so it has the interpreter's thresholds
    back (``before_read``).
    """
    state = build_gc(app)
    if state is None:
        return
    state.raise_threshold()
    cached = getattr(app.env, "_write_doc_doctree_cache", None)
    while cached and len(cached) > DOCTREES_KEPT:
        cached.popitem()  # the last one read; the first ones stay
    state.collect_young()


def before_read(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """A build with ``-j`` over 1: freeze the heap before Sphinx forks its readers.

    Each reader sends back a pickle of its whole environment, which the merging
    process unpickles to copy out the reader's own documents: the rest is
    garbage, in cycles. So each time Sphinx forks the next reader the merging
    process collects what is not frozen and freezes what survives, and until
    the last reader is forked its automatic collections are off (they would
    walk the environment being unpickled, all of it alive until merged).
    When Sphinx reads serially anyway, the heap stays frozen until the end.
    """
    state = build_gc(app)
    if state is None or app.parallel <= 1 or not state.may_freeze:
        return
    state.restore_threshold()
    state.freeze()
    # Sphinx forks one reader per chunk (when it reads in parallel at all).
    state.readers = len(make_chunks(docnames, app.parallel))
    _armed[:] = [state]
    if not _fork_hook:
        os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_in_child)
        _fork_hook.append(True)


def _before_fork() -> None:
    """Sphinx is about to fork a reader: see ``before_read``."""
    if _armed and _armed[0].readers:
        gc.collect()
        _armed[0].freeze()


def _after_fork_in_parent() -> None:
    if not _armed or not _armed[0].readers:
        return
    state = _armed[0]
    state.readers -= 1
    if state.readers > 0:
        if gc.isenabled():
            gc.disable()
            state.disabled = True
    else:
        state.merged()


def _in_child() -> None:
    """A reader (or any child forked meanwhile) collects as usual."""
    if _armed:
        _armed[0].merged()


def write_started(app: Sphinx, builder: Any) -> None:
    """The write phase starts with what the read left frozen.

    Sphinx's parallel writers are forked processes that write whole chunks of
    pages with no boundary event between them: freezing the heap before they
    fork keeps their collections off the parent's objects. After a parallel
    read, what is not frozen yet is only what the read's last readers sent:
    collected first, their environments are not frozen with it. A serial write
    collects between documents, with the read's heap frozen, so its full
    collections walk only what it adds.
    """
    state = build_gc(app)
    if state is None:
        return
    state.merged()
    if builder.parallel_ok:
        state.restore_threshold()
        if state.froze:
            gc.collect()
    else:
        state.raise_threshold()
        gc.collect(1)  # the last documents' garbage is not frozen with the rest
    state.freeze()


def doctree_resolved(app: Sphinx, doctree: Any, docname: str) -> None:
    """A document is about to be written: the previous one is finished."""
    state = build_gc(app)
    if state is None:
        return
    read_back = getattr(app.env, "_pickled_doctree_cache", None)
    if read_back:
        read_back.pop(docname, None)  # the doctree folder still has it
    state.collect_young()


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """First of the build's end, success or failure: the collector as the build found it."""
    state = build_gc(app)
    if state is not None:
        delattr(app, _ATTRIBUTE)
        state.restore()
        if exception is None and state.may_freeze and _sphinx_build_process():
            # sphinx-build exits after its one build: the interpreter's exit-time
            # collection would walk the whole heap to free what exiting frees anyway.
            atexit.unregister(gc.freeze)
            atexit.register(gc.freeze)


def _sphinx_build_process() -> bool:
    """Whether this process is Sphinx's command line (``sphinx-build``, ``python -m sphinx``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) in ("sphinx", "sphinx.__main__", "sphinx.cmd.build") or (
        os.path.basename(sys.argv[0] if sys.argv else "") == "sphinx-build"
    )


def loaded(app: Sphinx) -> None:
    """Last of ``builder-inited``: what an earlier build kept is loaded, the application is ready.

    The threshold raised at ``config-inited`` goes back until a build starts:
    an application that is made but never builds (a test's) leaves nothing behind.
    """
    state = build_gc(app)
    if state is not None:
        state.restore_threshold()


def build_started(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """``env-get-outdated``, the first event of each ``build()``: the threshold is raised again."""
    state = build_gc(app)
    if state is None:  # another build() of the same application
        state = _note(app)
    state.raise_threshold()
    return []


def _note(app: Sphinx) -> BuildGC:
    """The collector's state as the build finds it."""
    state = BuildGC(threshold=gc.get_threshold(), enabled=gc.isenabled(), may_freeze=gc.get_freeze_count() == 0)
    setattr(app, _ATTRIBUTE, state)
    return state


def enable(app: Sphinx) -> None:
    """Wire the policy (at ``config-inited``: Sphinx loads an earlier build's environment next).

    Unpickling it (and the post cache) makes objects that all survive: with the
    interpreter's thresholds, full collections walked them again and again to
    free nothing. So the threshold is raised until the application is ready.
    """
    _note(app).raise_threshold()
    app.connect("builder-inited", loaded, priority=ENVIRONMENT_LOADED)
    app.connect("env-get-outdated", build_started, priority=GC_POLICY)
    app.connect("env-before-read-docs", before_read)
    app.connect("source-read", source_read)
    app.connect("write-started", write_started)
    app.connect("doctree-resolved", doctree_resolved)
    # First: a later handler that fails (generate's, for refused posts) can't skip it.
    app.connect("build-finished", build_finished, priority=GC_POLICY)
