"""A bounded sidebar: the page's ancestors, their siblings and the page's children.

Furo (and Sphinx's ``globaltoc``) draw the whole site toctree into every page,
so with every post in a toctree the output grows as pages x posts. This
replaces the ``toctree()`` template function with one that expands only the
branch the reader is on: the years, the current year's editions, the current
edition's posts. Below the top level, each list shows a window of
``2 * newsletter_navigation_window + 1`` entries around the current one and a
"More…" link to the page that lists them all, so the sidebar's size does not
grow with the archive at all. Titles come from Sphinx's own title collector
and are HTML-escaped.

Under Furo, :mod:`.speedups.furonav` writes the tree directly in the markup
Furo's ``get_navigation_tree`` would make of it; with that speed-up off, Furo
makes it from this module's HTML as it would from Sphinx's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

from sphinx.locale import get_translation

from .buildcache import build_cache
from .events import BEFORE_FURO

_ = get_translation("sphinx_newsletter")

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder


@dataclass(slots=True)
class Entry:
    """One line of the sidebar."""

    title: str
    href: str
    depth: int
    current: bool = False
    page: bool = False
    more: bool = False
    children: list[Entry] = field(default_factory=list)


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Before Furo: replace ``toctree()`` with the bounded tree."""
    config = getattr(app, "newsletter_config", None)
    if config is None or not config.bounded_navigation or "toctree" not in context:
        return
    context["toctree"] = partial(bounded_toctree, app.builder, pagename, config.navigation_window)


def _parents(builder: Builder) -> dict[str, str]:
    """Each document's first parent in the toctree (computed once per write phase)."""
    cached = build_cache(builder, "parents")
    if not cached:
        for parent, children in builder.env.toctree_includes.items():
            for child in children:
                cached.setdefault(child, parent)
    return cached


def bounded_toctree(builder: Builder, pagename: str, window: int = 5, **_kwargs: Any) -> str:
    """The sidebar's HTML, in the shape Sphinx's ``toctree()`` gives."""
    return render_sphinx(sidebar_entries(builder, pagename, window))


def sidebar_entries(builder: Builder, pagename: str, window: int) -> list[Entry]:
    env = builder.env
    root = env.config.root_doc
    parents = _parents(builder)
    path = {pagename}
    doc = pagename
    while doc in parents and doc != root and len(path) < 50:
        doc = parents[doc]
        path.add(doc)
    return _level(builder, pagename, root, path, 1, window)


def _window(children: list[str], path: set[str], window: int) -> list[str]:
    """At most ``2 * window + 1`` siblings, centred on the one the reader is in."""
    size = 2 * window + 1
    if len(children) <= size:
        return children
    here = next((i for i, child in enumerate(children) if child in path), 0)
    start = min(max(0, here - window), len(children) - size)
    return children[start : start + size]


def _level(builder: Builder, pagename: str, parent: str, path: set[str], depth: int, window: int) -> list[Entry]:
    env = builder.env
    children = [c for c in env.toctree_includes.get(parent, []) if c in env.titles]
    if depth > 10:
        return []
    shown = children if depth == 1 else _window(children, path, window)
    texts = build_cache(builder, "titles")  # each title as text, once per write phase
    entries = []
    for child in shown:
        current = child in path
        title = texts.get(child)
        if title is None:
            title = texts[child] = env.titles[child].astext()
        entry = Entry(
            title=title,
            href="#" if child == pagename else builder.get_relative_uri(pagename, child),
            depth=depth,
            current=current,
            page=child == pagename,
        )
        if current:
            entry.children = _level(builder, pagename, child, path, depth + 1, window)
        entries.append(entry)
    if len(shown) < len(children):
        href = "#" if parent == pagename else builder.get_relative_uri(pagename, parent)
        entries.append(Entry(title=str(_("More…")), href=href, depth=depth, more=True))
    return entries


def render_sphinx(entries: list[Entry]) -> str:
    """``<ul>``/``<li class="toctree-lN current">``, as Sphinx's ``toctree()`` writes it."""
    if not entries:
        return ""
    items = []
    for entry in entries:
        classes = f"toctree-l{entry.depth}" + (" current" if entry.current else "") + (" nl-more" if entry.more else "")
        items.append(f'<li class="{classes}">{entry_link(entry)}{render_sphinx(entry.children)}</li>')
    opening = '<ul class="current">' if entries[0].depth > 1 else "<ul>"
    return opening + "".join(items) + "</ul>"


def entry_link(entry: Entry) -> str:
    title = escape(entry.title)
    if entry.page:
        return f'<a class="current reference internal" href="#">{title}</a>'
    return f'<a class="reference internal" href="{escape(entry.href, quote=True)}">{title}</a>'


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", html_page_context, priority=BEFORE_FURO)
