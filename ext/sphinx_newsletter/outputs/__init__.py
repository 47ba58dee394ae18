"""Whole-site outputs written at ``build-finished``: feeds, sitemap, archive.json, redirects, tags, cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    """Each output's ``setup``, after sphinx-notfound-page's (:mod:`.seo` adjusts its 404 page)."""
    from . import cards, emailpreview, export, feeds, redirects, removed, seo, sitemap

    app.setup_extension("notfound.extension")
    for module in (feeds, sitemap, export, redirects, seo, emailpreview, cards, removed):
        module.setup(app)
