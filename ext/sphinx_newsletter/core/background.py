"""Work done in a forked child process while the build goes on (no Sphinx import).

A ``-j 1`` Sphinx build keeps one core busy. Work that needs only data the
build already holds (images to encode, social cards to draw) and writes only
files of its own can run beside it in a forked child: the child inherits that
data without pickling it, and the parent collects the result when it needs it.

The child runs at the lowest scheduling priority (:data:`NICENESS`): it uses
the cores the build leaves idle (the second core of a ``-j 1`` build, the
gaps of a ``-j N`` one) and yields them whenever Sphinx's own processes want
them. It runs one function and sends back its return value (pickled); it
must not touch Sphinx (no logging: its problems are part of the value it
returns) and writes each file atomically. When the platform can't fork, or
the child dies without a result, :meth:`Background.result` returns None and
the work is done in the build itself (:func:`beside`): a child is a way to
finish sooner, never the only way to finish.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


#: The child's scheduling priority (``nice`` 19, the lowest): it takes only the CPU
#: time no process of the build wants, so a ``-j N`` build whose readers and
#: writers keep every core busy is not slowed down by it.
NICENESS = 19


def lower_priority() -> None:
    """Make this process the last in line for the CPU (where the platform allows it)."""
    with contextlib.suppress(AttributeError, OSError):  # no nice() here: the child just competes
        os.nice(NICENESS)


def die_with_parent(parent: int) -> None:
    """End this child as soon as the process that forked it is gone.

    A build killed with ``SIGKILL`` (or a CI runner stopped) must leave no
    process behind: an orphan would go on writing into the output folder and
    would hold what it inherited, the build lock among them, so the next
    build would wait for it. Linux delivers ``SIGKILL`` to the child when its
    parent dies (``PR_SET_PDEATHSIG``); elsewhere, and should the parent have
    died before that was set, a watcher thread checks the parent every
    :data:`WATCH_SECONDS`.
    """
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):  # no prctl: the watcher below
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # gone already
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


_PR_SET_PDEATHSIG = 1
#: How often a child without ``PR_SET_PDEATHSIG`` checks that its parent still runs.
WATCH_SECONDS = 0.2


def _run(work: Callable[[], Any], sender: Any, parent: int) -> None:
    die_with_parent(parent)
    lower_priority()
    try:
        sender.send((True, work()))
    except BaseException as exc:  # the parent decides what a failed child means
        sender.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()


class Background(Generic[T]):
    """*work* running in a forked child; :meth:`result` waits for what it returned."""

    def __init__(self, work: Callable[[], T]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(work, sender, os.getpid()), daemon=True)
        self._process.start()
        sender.close()  # the child's end: the parent's copy closed, so a dead child means EOF
        self.failure: str | None = None
        self._done = False
        self._value: T | None = None

    @classmethod
    def start(cls, work: Callable[[], T]) -> Background[T] | None:
        """*work* started in a child, or None where processes can't be forked."""
        return cls(work) if can_fork() else None

    def result(self) -> T | None:
        """What *work* returned; None if it raised (see :attr:`failure`) or the child died. Waits once."""
        if not self._done:
            self._done = True
            try:
                ok, value = self._receiver.recv()
            except (EOFError, OSError) as exc:
                ok, value = False, f"the child process ended without a result ({exc or type(exc).__name__})"
            finally:
                self._receiver.close()
                self._process.join()
            if ok:
                self._value = value
            else:
                self.failure = value
        return self._value


def beside(work: Callable[[], T], *, fork: bool) -> Callable[[], T]:
    """Start *work* in a child now if *fork* (and the platform can); return what gives its value later.

    The returned function waits for the child's value, or runs *work* here
    when there was no child or it gave none (it raised or died): the one
    place where a child's failure falls back to doing the work in the build.
    """
    child = Background.start(work) if fork else None

    def value() -> T:
        if child is not None:
            got = child.result()
            if child.failure is None:
                return got  # type: ignore[return-value]  # what work returned
        return work()

    return value
