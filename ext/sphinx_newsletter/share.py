"""Share links on post and edition pages: LinkedIn, X, WhatsApp, Telegram, e-mail, copy-link.

Plain links (:mod:`.core.share`): no network's script, no request before a
click, no tracking. The copy-link is driven by ``static/newsletter-share.js``,
a static file of ours loaded with ``defer`` on these pages only; without
JavaScript it is a link to the page itself (to copy from the browser's menu).

The links need the page's canonical URL, so they are written only when
``html_baseurl`` is set, by the ``html``/``dirhtml`` builders. They are added
at ``doctree-resolved`` (main process, before a parallel write forks) as a
node that holds its markup as data, every value escaped: the search index
sees no text of it. ``html_baseurl`` and ``project`` are ``"html"`` values: a
change writes every page again, with the new URLs, without reading a source.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util.osutil import relative_uri

from .core.share import ShareLink, share_links
from .domain import get_domain
from .nodes import NO_SEARCH, page_markup, script_tag
from .outputs.site import HTML_BUILDERS, base_url, join_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ = get_translation("sphinx_newsletter")

SCRIPT = "newsletter-share.js"


def link_label(link: ShareLink) -> str:
    if link.kind == "email":
        return _("E-mail")
    if link.kind == "copy":
        return _("Copy link")
    return link.name


def link_html(link: ShareLink) -> str:
    """One ``<li>``; the copy-link tells the script what to say once the URL is copied."""
    label = escape(link_label(link))
    href = escape(link.href, quote=True)
    if link.kind == "copy":
        copied = escape(_("Link copied"), quote=True)
        return f'<li><a class="nl-share-copy" href="{href}" data-nl-copied="{copied}">{label}</a></li>'
    if link.kind == "email":
        return f'<li><a class="nl-share-link nl-share-email" href="{href}">{label}</a></li>'
    kind = escape(link.kind, quote=True)
    title = escape(_("Share on %s") % link.name, quote=True)
    return (
        f'<li><a class="nl-share-link nl-share-{kind}" href="{href}" title="{title}" '
        f'target="_blank" rel="noopener noreferrer">{label}</a></li>'
    )


def section_html(url: str, title: str, *, script: str) -> str:
    """The share links' markup for the page at *url* titled *title*."""
    items = "\n".join(link_html(link) for link in share_links(url, title))
    label = escape(_("Share"))
    return (
        f'<nav class="nl-share {NO_SEARCH}" aria-labelledby="nl-share-title">\n'
        f'<p class="nl-share-title" id="nl-share-title">{label}</p>\n'
        f'<ul class="nl-share-links">\n{items}\n</ul>\n'
        '<p class="nl-share-status" role="status" aria-live="polite"></p>\n' + script_tag(script, SCRIPT) + "</nav>\n"
    )


def page_title(app: Sphinx, docname: str) -> str | None:
    """The title to share for *docname*, when it is a post or an edition page (else None)."""
    domain = get_domain(app.env)
    post = domain.post_at(docname)
    if post is not None:
        return post.title
    config = domain.nl_config
    edition = config.layout.edition_at(domain.archive, docname) if config else None
    if edition is not None and docname in app.env.titles:
        return app.env.titles[docname].astext()
    return None


def doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    base = base_url(app.config.html_baseurl)
    if app.builder.name not in HTML_BUILDERS or not base:
        return
    title = page_title(app, docname)
    if title is None:
        return
    page = app.builder.get_target_uri(docname)
    html = section_html(join_url(base, page), title, script=relative_uri(page, f"_static/{SCRIPT}"))
    # Before the comments: their handler, connected after this one, appends them next.
    next(iter(doctree.findall(nodes.section)), doctree).append(page_markup(html=html))


def setup(app: Sphinx) -> None:
    app.connect("doctree-resolved", doctree_resolved)
