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

Under Furo, the tree is also written directly in the markup Furo's
``get_navigation_tree`` would make of it (checkboxes to fold branches), which
spares Furo a BeautifulSoup round trip on every page; a test compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

from sphinx.locale import get_translation

from .buildcache import build_cache
from .events import AFTER_FURO, BEFORE_FURO

_ = get_translation("sphinx_newsletter")

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

_FURO_PENDING = "_newsletter_furo_tree"


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
    bounded = partial(bounded_toctree, app.builder, pagename, config.navigation_window)
    context["toctree"] = bounded
    if _theme_name(app) == "furo":
        # Furo would parse our HTML again with BeautifulSoup: give it nothing to
        # parse, and set its tree ourselves once it is done (furo_page_context).
        context["toctree"] = _no_toctree
        context[_FURO_PENDING] = bounded


def furo_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """After Furo: its sidebar tree, in its markup, from the bounded tree."""
    bounded = context.pop(_FURO_PENDING, None)
    if bounded is None or context.get("toctree") is not _no_toctree:
        return  # another handler (the 404 page's) drew its own tree, and Furo used it
    context["toctree"] = bounded
    context["furo_navigation_tree"] = bounded(furo=True)


def _no_toctree(**_kwargs: Any) -> str:
    return ""


def _theme_name(app: Sphinx) -> str:
    theme = getattr(app.builder, "theme", None)
    return getattr(theme, "name", "") or str(app.config.html_theme)


def _parents(builder: Builder) -> dict[str, str]:
    """Each document's first parent in the toctree (computed once per write phase)."""
    cached = build_cache(builder, "parents")
    if not cached:
        for parent, children in builder.env.toctree_includes.items():
            for child in children:
                cached.setdefault(child, parent)
    return cached


def bounded_toctree(builder: Builder, pagename: str, window: int = 5, *, furo: bool = False, **_kwargs: Any) -> str:
    """The sidebar's HTML, in the shape Sphinx's ``toctree()`` gives (or Furo's final one)."""
    entries = sidebar_entries(builder, pagename, window)
    return render_furo(entries) if furo else render_sphinx(entries)


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
        items.append(f'<li class="{classes}">{_link(entry)}{render_sphinx(entry.children)}</li>')
    opening = '<ul class="current">' if entries[0].depth > 1 else "<ul>"
    return opening + "".join(items) + "</ul>"


def render_furo(entries: list[Entry]) -> str:
    """What Furo's ``get_navigation_tree`` makes of :func:`render_sphinx`'s output."""
    counter = [0]
    deepest = _deepest_current(entries)
    return _furo_list(entries, counter, deepest)


def _deepest_current(entries: list[Entry]) -> Entry | None:
    found = None
    for entry in entries:
        if entry.current:
            found = entry
        below = _deepest_current(entry.children)
        found = below or found
    return found


def _furo_list(entries: list[Entry], counter: list[int], deepest: Entry | None) -> str:
    if not entries:
        return ""
    items = []
    for entry in entries:
        classes = [f"toctree-l{entry.depth}"] + (["current"] if entry.current else []) + (["nl-more"] if entry.more else [])
        toggle = ""
        if entry.children:
            classes.append("has-children")
            counter[0] += 1
            name = f"toctree-checkbox-{counter[0]}"
            label = escape(f"Toggle navigation of {entry.title}", quote=True)
            checked = ' checked=""' if entry.current else ""
            toggle = (
                f'<input aria-label="{label}"{checked} class="toctree-checkbox" id="{name}" name="{name}"'
                f' role="switch" type="checkbox"/><label for="{name}"><span class="icon"><svg>'
                '<use href="#svg-arrow-right"></use></svg></span></label>'
            )
        inner = _furo_list(entry.children, counter, deepest)
        if entry is deepest:
            classes.append("current-page")
        items.append(f'<li class="{" ".join(classes)}">{_link(entry)}{toggle}{inner}</li>')
    opening = '<ul class="current">' if entries[0].depth > 1 else "<ul>"
    return opening + "".join(items) + "</ul>"


def _link(entry: Entry) -> str:
    title = escape(entry.title)
    if entry.page:
        return f'<a class="current reference internal" href="#">{title}</a>'
    return f'<a class="reference internal" href="{escape(entry.href, quote=True)}">{title}</a>'


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", html_page_context, priority=BEFORE_FURO)
    app.connect("html-page-context", furo_page_context, priority=AFTER_FURO)
