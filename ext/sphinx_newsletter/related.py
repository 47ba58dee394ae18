"""One direction for "previous/next": the theme's footer walks the archive as our links do.

Sphinx gives every page ``prev`` and ``next`` from the order of the toctree,
which Furo shows in its footer: from an edition's last post, "Next" went to
an older edition (the sidebar lists editions newest first) or to the
categories page, while the archive's own links (:func:`.nodes.post_nav`,
:func:`.nodes.edition_nav`, :func:`.nodes.month_nav`) go from older to newer.
Here, on post, edition, month and year pages, ``prev`` is the older page and
``next`` the newer one, the same pages as those links
(:func:`.core.browse.older_newer`); the archive's other generated pages
(listings whose toctree neighbours are of another kind) get neither.
Only the page context changes: no template or theme internals.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from .core.browse import older_newer
from .domain import get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from .core.layout import Layout

#: Page kinds (:meth:`.Layout.page_of`) that have an older and a newer page.
WALKED = ("post", "edition", "month", "year")


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    domain = get_domain(app.env)
    config, archive = domain.nl_config, domain.archive
    if config is None or archive is None or "prev" not in context:
        return
    found = config.layout.page_of(pagename)
    if found is None:
        return
    kind, key = found
    if kind not in WALKED:
        context["prev"] = context["next"] = None
        return
    older, newer = older_newer(archive, kind, key)
    context["prev"] = related(app.builder, pagename, docname_of(config.layout, kind, older))
    context["next"] = related(app.builder, pagename, docname_of(config.layout, kind, newer))


def docname_of(layout: Layout, kind: str, key: str | None) -> str | None:
    """The docname of the page of *kind* and *key* (one of :data:`WALKED`)."""
    if key is None:
        return None
    if kind == "post":
        return layout.post_docname(key)
    if kind == "edition":
        return layout.edition_docname(int(key))
    if kind == "month":
        return layout.month_docname(key)
    return layout.docname(layout.year(int(key)))


def related(builder: Builder, pagename: str, docname: str | None) -> dict[str, str] | None:
    """``{"link", "title"}`` as Sphinx gives ``prev``/``next`` (the title as HTML, escaped)."""
    titles = builder.env.titles
    if docname is None or docname not in titles:
        return None
    return {"link": builder.get_relative_uri(pagename, docname), "title": escape(titles[docname].astext())}


def setup(app: Sphinx) -> None:
    app.connect("html-page-context", html_page_context)
