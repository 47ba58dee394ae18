"""MyST's renderer without the throwaway docutils document it builds for every page.

MyST's ``setup_render`` evaluates ``options.get("document", make_document())``:
a whole docutils document (its option parser included) for every page, though
the extension always passes the page's own. :class:`OwnDocumentRenderer` swaps
MyST's module global ``make_document`` for a function that builds nothing while
its ``setup_render`` runs, and puts it back in a ``finally``. Enabled, the
extension's parser (:class:`FastParser`) renders post and listing pages with
it; other pages, and every page with this speed-up off, go through MyST's
renderer as shipped. Measurements: docs/reference/performance.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from myst_parser.mdit_to_docutils import base as _myst_base
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer

from ..parser import NewsletterMystParser, PostRenderer

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _no_document(*_args: Any, **_kwargs: Any) -> None:
    return None


class OwnDocumentRenderer(SphinxRenderer):
    """MyST's renderer, without the throwaway document it builds for every page."""

    def setup_render(self, options: dict[str, Any], env: Any) -> None:
        real = _myst_base.make_document
        _myst_base.make_document = _no_document  # type: ignore[assignment]
        try:
            super().setup_render(options, env)
        finally:
            _myst_base.make_document = real


class OwnDocumentPostRenderer(OwnDocumentRenderer, PostRenderer):
    """:class:`~sphinx_newsletter.parser.PostRenderer`, without the throwaway document."""


class FastParser(NewsletterMystParser):
    """The extension's parser, rendering post and listing pages with the renderers above."""

    post_renderer = OwnDocumentPostRenderer
    listing_renderer = OwnDocumentRenderer


def enable(app: Sphinx) -> None:
    app.add_source_parser(FastParser, override=True)
