"""Helpers for the tests (importable as ``sitetools``; fixtures live in conftest.py).

A module of its own, because ``tests/browser/conftest.py`` would shadow
``from conftest import ...``.
"""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).parent
REPO = TESTS.parent
ROOTS = TESTS / "roots"
SHARED = Path(os.environ.get("NEWSLETTER_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "srebrasil"


def warnings_of(app) -> list[str]:
    """The build's warning lines, without Sphinx's colour codes."""
    from sphinx.util.console import strip_colors

    return [line for line in strip_colors(app.warning.getvalue()).splitlines() if line.strip()]


def html(app, docname: str) -> str:
    suffix = "/index.html" if app.builder.name == "dirhtml" and not docname.endswith("index") else ".html"
    return (app.outdir / f"{docname}{suffix}").read_text(encoding="utf-8")


def make_site(tmp: Path, root: str = "basic", buildername: str = "html", **kwargs):
    """A SphinxTestApp over a fresh copy of ``tests/roots/test-<root>`` (for module-scoped builds)."""
    import shutil

    from sphinx.testing.util import SphinxTestApp

    src = tmp / f"{root}-{buildername}"
    if not src.exists():
        shutil.copytree(ROOTS / f"test-{root}", src)
    return SphinxTestApp(buildername, srcdir=src, **kwargs)


def without_share_links(page: str) -> str:
    """*page* without its share links (share.py): their ``mailto:`` and network URLs are ours, not the body's."""
    import re

    return re.sub(r'<nav class="nl-share[ "].*?</nav>\n', "", page, flags=re.S)
