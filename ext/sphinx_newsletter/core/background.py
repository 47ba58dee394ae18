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
the caller does the work itself: a child is a way to finish sooner, never the
only way to finish.
"""

from __future__ import annotations

import multiprocessing
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
    import contextlib
    import os

    with contextlib.suppress(AttributeError, OSError):  # no nice() here: the child just competes
        os.nice(NICENESS)


def _run(work: Callable[[], Any], sender: Any) -> None:
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
        self._process = context.Process(target=_run, args=(work, sender), daemon=True)
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
