"""Render a page's CSS and JavaScript tags once per page depth, not once per page.

For every page it writes, Sphinx's HTML builder renders a ``<link>`` or
``<script>`` tag for each asset with the ``css_tag`` and ``js_tag`` helpers of
the page's context, and each call resolves the asset's path on disk to look up
its checksum. A tag depends on the asset, the builder and its output folder,
and on the page only through the relative path from the page to the asset: how
deep the page's URI is, unless the page and the asset share their first
folder. So at ``html-page-context`` (last, after any extension that draws its
own helpers, such as the 404 page's), when the helpers are still Sphinx's own
(recognised by module and ``__qualname__``), they are wrapped: the first page
of a depth renders each tag with Sphinx's helper, the next ones reuse it. A
page that shares a folder with an asset, and anything unhashable, go to
Sphinx's helper every time. Sphinx caches each asset's checksum for the whole
process, so a reused tag can't show a checksum Sphinx would not. The tags are
a memo of the write phase (:mod:`..buildcache`). Measurements:
docs/reference/performance.md.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..buildcache import build_cache
from ..events import AFTER_PAGE_HELPERS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The helpers of Sphinx's ``handle_page``, by context key.
HELPERS = ("css_tag", "js_tag")
_SPHINX_MODULE = "sphinx.builders.html"


def _is_sphinx_helper(helper: Any, name: str) -> bool:
    return (
        getattr(helper, "__module__", None) == _SPHINX_MODULE
        and getattr(helper, "__qualname__", "") == f"StandaloneHTMLBuilder.handle_page.<locals>.{name}"
    )


def page_depth(base: str, asset: str) -> int | None:
    """How deep the page URI *base* is, when that is all the path to *asset* depends on.

    ``None`` when the page and the asset share their first folder (the path
    then depends on the folders too), or the asset is the page itself.
    """
    page = base.partition("#")[0].split("/")
    target = asset.partition("#")[0].split("/")
    if (len(page) > 1 and len(target) > 1 and page[0] == target[0]) or page == target or not target[-1]:
        return None
    return len(page)


def _asset_path(asset: Any) -> str:
    if isinstance(asset, str):
        return asset
    return os.fspath(getattr(asset, "filename", "") or "")


def reuse_tags(helper: Callable[[Any], str], base: str, tags: dict[tuple, str]) -> Callable[[Any], str]:
    """*helper*, answering from *tags* for the pages as deep as *base*."""

    @functools.wraps(helper)
    def tag(asset: Any) -> str:
        depth = page_depth(base, _asset_path(asset))
        if depth is None:
            return helper(asset)
        key = (helper.__name__, type(asset), asset, depth)
        try:
            return tags[key]
        except KeyError:
            tags[key] = rendered = helper(asset)
            return rendered
        except TypeError:  # an unhashable attribute: nothing to key it by
            return helper(asset)

    return tag


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    builder = app.builder
    tags = build_cache(builder, "asset-tags")
    base = None
    for name in HELPERS:
        helper = context.get(name)
        if helper is None or not _is_sphinx_helper(helper, name):
            continue  # absent, or another extension's: its output may depend on more
        if base is None:
            base = builder.get_target_uri(pagename).rsplit("#", 1)[0]
        context[name] = reuse_tags(helper, base, tags)


def enable(app: Sphinx) -> None:
    # Last: after the handlers that replace these helpers for a page of their own.
    app.connect("html-page-context", html_page_context, priority=AFTER_PAGE_HELPERS)
