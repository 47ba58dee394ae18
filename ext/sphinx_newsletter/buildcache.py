"""Memos that last one write phase, kept on the builder.

Some page handlers compute something once per build and reuse it on every
page (the sidebar's parents and titles, the asset tags). They keep it here:
one dict per name on the builder, all dropped at ``write-started``, so a
second build of the same application (a test suite's) never reuses the first
one's. A memo, not state: in a parallel write each forked writer fills its
own, and nothing reads it after the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ATTRIBUTE = "_newsletter_build_caches"


def build_cache(builder: Any, name: str) -> dict:
    """The memo *name* of this write phase (empty at first)."""
    return builder.__dict__.setdefault(_ATTRIBUTE, {}).setdefault(name, {})


def write_started(app: Sphinx, builder: Any) -> None:
    builder.__dict__.pop(_ATTRIBUTE, None)


def setup(app: Sphinx) -> None:
    app.connect("write-started", write_started)
