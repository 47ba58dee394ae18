"""Furo's sidebar tree written in Furo's markup, without Furo's BeautifulSoup pass.

Furo calls the page's ``toctree()`` and parses its HTML with BeautifulSoup to
add the checkboxes that fold branches, on every page. With the bounded sidebar
(:mod:`..navigation`), this speed-up gives Furo an empty tree to parse (before
Furo, priority 401) and, once Furo is done (priority 600), sets Furo's
``furo_navigation_tree`` to the bounded tree written directly in the markup
``get_navigation_tree`` makes (a test compares the two) and puts the real
``toctree()`` back. Off, Furo makes that markup itself. A page whose tree
another handler drew (the 404 page's) is left to Furo. Measurements:
docs/reference/performance.md.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ..events import AFTER_FURO, BEFORE_FURO_FAST
from ..navigation import Entry, bounded_toctree, sidebar_entries

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

_PENDING = "_newsletter_furo_tree"


def before_furo(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """After the bounded ``toctree()`` is set (400), before Furo (500): nothing for Furo to parse."""
    bounded = context.get("toctree")
    if not (isinstance(bounded, partial) and bounded.func is bounded_toctree) or _theme_name(app) != "furo":
        return
    context["toctree"] = _no_toctree
    context[_PENDING] = bounded


def after_furo(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """After Furo (600): its sidebar tree, in its markup, from the bounded tree."""
    bounded = context.pop(_PENDING, None)
    if bounded is None or context.get("toctree") is not _no_toctree:
        return  # another handler (the 404 page's) drew its own tree, and Furo used it
    context["toctree"] = bounded
    context["furo_navigation_tree"] = furo_tree(*bounded.args)


def furo_tree(builder: Builder, pagename: str, window: int = 5) -> str:
    """The bounded sidebar, as Furo's ``get_navigation_tree`` writes it."""
    return render_furo(sidebar_entries(builder, pagename, window))


def _no_toctree(**_kwargs: Any) -> str:
    return ""


def _theme_name(app: Sphinx) -> str:
    theme = getattr(app.builder, "theme", None)
    return getattr(theme, "name", "") or str(app.config.html_theme)


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
        classes = (
            [f"toctree-l{entry.depth}"] + (["current"] if entry.current else []) + (["nl-more"] if entry.more else [])
        )
        toggle = ""
        if entry.children:
            classes.append("has-children")
            counter[0] += 1
            name = f"toctree-checkbox-{counter[0]}"
            label = _attribute("aria-label", f"Toggle navigation of {entry.title}")
            checked = ' checked=""' if entry.current else ""
            toggle = (
                f'<input {label}{checked} class="toctree-checkbox" id="{name}" name="{name}"'
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
    """:func:`..navigation.entry_link`, as BeautifulSoup writes it back (its "minimal" formatter)."""
    if entry.page:
        return f'<a class="current reference internal" href="#">{_text(entry.title)}</a>'
    return f'<a class="reference internal" {_attribute("href", entry.href)}>{_text(entry.title)}</a>'


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(name: str, value: str) -> str:
    """``name="value"`` as BeautifulSoup quotes it: single quotes around a value with only double ones."""
    value, quote = _text(value), '"'
    if '"' in value:
        if "'" in value:
            value = value.replace('"', "&quot;")
        else:
            quote = "'"
    return f"{name}={quote}{value}{quote}"


def enable(app: Sphinx) -> None:
    app.connect("html-page-context", before_furo, priority=BEFORE_FURO_FAST)
    app.connect("html-page-context", after_furo, priority=AFTER_FURO)
