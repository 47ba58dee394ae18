"""Render each page title once per build, not once for every page that shows it.

For every page it writes, Sphinx's HTML builder renders the titles its
template may show (the page's own, its neighbours', every parent's up to the
root) with ``render_partial``: a docutils document, its transforms and a
translator each time, for the same HTML. At ``write-started`` the builder's
``render_partial`` is wrapped: a title node of ``env.titles`` or
``env.longtitles`` made of text and inline markup (nothing in it depends on the
page being written, as an image's path would) is rendered the first time a
page asks for it and its parts are reused after that; every other node is
rendered as before. Each build starts a new cache. Measurements:
docs/reference/performance.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: Nodes a title may hold and still render the same on every page.
_PAGE_INDEPENDENT = (
    nodes.Text,
    nodes.title,
    nodes.inline,
    nodes.emphasis,
    nodes.strong,
    nodes.literal,
    nodes.subscript,
    nodes.superscript,
    nodes.title_reference,
)


class TitleCache:
    """``render_partial`` that renders each title node of the environment once."""

    def __init__(self, render: Callable[[nodes.Node | None], dict[str, str]], env: BuildEnvironment) -> None:
        self.render = render
        # id -> node: the identity check below makes a reused id harmless.
        self.titles = {id(node): node for source in (env.titles, env.longtitles) for node in source.values()}
        self.parts: dict[int, dict[str, str] | None] = {}
        #: How many titles were rendered, and how many times one was reused (for tests).
        self.rendered = self.reused = 0

    def __call__(self, node: nodes.Node | None) -> dict[str, str]:
        key = id(node)
        if node is None or self.titles.get(key) is not node:
            return self.render(node)
        if key not in self.parts:
            assert node is not None  # a cached key is a title's
            if all(isinstance(n, _PAGE_INDEPENDENT) for n in node.findall()):
                # Copied: the builder hands out its translator's parts, which the next render replaces.
                rendered = self.parts[key] = dict(self.render(node))
                self.rendered += 1
                return dict(rendered)
            self.parts[key] = None
        parts = self.parts[key]
        if parts is None:
            return self.render(node)
        self.reused += 1
        return dict(parts)


def write_started(app: Sphinx, builder: Builder) -> None:
    render = getattr(builder, "render_partial", None)
    if render is None:
        return  # not an HTML builder
    if isinstance(render, TitleCache):  # the cache of an earlier build of this application
        render = render.render
    builder.render_partial = TitleCache(render, builder.env)  # type: ignore[attr-defined]


def enable(app: Sphinx) -> None:
    app.connect("write-started", write_started)
