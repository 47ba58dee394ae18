"""A bounded sidebar: the page's ancestors, their siblings and the page's children.

Furo (and Sphinx's ``globaltoc``) draw the whole site toctree into every page,
so with every post in a toctree the output grows as pages x posts. This
replaces the ``toctree()`` template function with one that expands only the
branch the reader is on: the years, the current year's editions, the current
edition's posts. Below the top level, each list shows a window of
``2 * newsletter_navigation_window + 1`` entries around the current one and a "More…" link to the
page that lists them all, so the sidebar's size does not grow with the
archive at all. Titles come from Sphinx's own title collector and are HTML-escaped.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

from sphinx.locale import get_translation

_ = get_translation("sphinx_newsletter")

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    config = getattr(app, "newsletter_config", None)
    if config is None or not config.bounded_navigation or "toctree" not in context:
        return
    context["toctree"] = partial(bounded_toctree, app.builder, pagename, config.navigation_window)


def _parents(builder: Builder) -> dict[str, str]:
    """Each document's first parent in the toctree (computed once per writer)."""
    cached = getattr(builder, "_newsletter_parents", None)
    if cached is None:
        cached = {}
        for parent, children in builder.env.toctree_includes.items():
            for child in children:
                cached.setdefault(child, parent)
        builder._newsletter_parents = cached  # type: ignore[attr-defined]
    return cached


def bounded_toctree(builder: Builder, pagename: str, window: int = 5, **_kwargs: Any) -> str:
    """The sidebar's HTML, in the shape Sphinx's ``toctree()`` gives (``toctree-lN``)."""
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


def _level(builder: Builder, pagename: str, parent: str, path: set[str], depth: int, window: int) -> str:
    env = builder.env
    children = [c for c in env.toctree_includes.get(parent, []) if c in env.titles]
    if not children or depth > 10:
        return ""
    shown = children if depth == 1 else _window(children, path, window)
    items = []
    for child in shown:
        current = child in path
        inner = _level(builder, pagename, child, path, depth + 1, window) if current else ""
        items.append(_item(builder, pagename, child, depth, current, inner))
    if len(shown) < len(children):
        items.append(_more(builder, pagename, parent, depth))
    if not items:
        return ""
    opening = '<ul class="current">' if depth > 1 else "<ul>"
    return opening + "".join(items) + "</ul>"


def _more(builder: Builder, pagename: str, parent: str, depth: int) -> str:
    """A link to the parent page, which lists the siblings the window left out."""
    href = "#" if parent == pagename else escape(builder.get_relative_uri(pagename, parent), quote=True)
    label = escape(str(_("More…")))
    return f'<li class="toctree-l{depth} nl-more"><a class="reference internal" href="{href}">{label}</a></li>'


def _item(builder: Builder, pagename: str, doc: str, depth: int, current: bool, inner: str) -> str:
    title = escape(builder.env.titles[doc].astext())
    classes = f"toctree-l{depth}" + (" current" if current else "")
    if doc == pagename:
        link = f'<a class="current reference internal" href="#">{title}</a>'
    else:
        href = escape(builder.get_relative_uri(pagename, doc), quote=True)
        link = f'<a class="reference internal" href="{href}">{title}</a>'
    return f'<li class="{classes}">{link}{inner}</li>'
