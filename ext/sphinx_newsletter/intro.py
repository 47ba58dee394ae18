"""``{nl:site-intro}``: what the site is, how to follow it and how to suggest a post.

The home page (and "Sobre") say whose newsletter it is and what it covers
(the site's description, from the site file or ``html_context``), how to
follow it (the RSS and Atom feeds; the latest edition's email when
``newsletter_email['preview']`` writes it; ``newsletter_subscribe_url``) and
where to suggest a post (``newsletter_suggest_url``, the issue form; else the
page named by the ``:suggest-doc:`` option, a contributor guide). None of
it depends on a post existing.

Every value is an ``"html"`` config value, so the directive leaves a
placeholder in the doctree and the lines are built at ``doctree-resolved``,
each time the page is written: a changed description or link rewrites the
page without reading it again. The lines are standard nodes (text and
references): every builder escapes them; the feeds and the email exist only
in an HTML build, so other builders get the description and the links to
other sites only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import NoUri
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .config import newsletter_config
from .nodes import NO_SEARCH, paragraph
from .outputs.emailpreview import PATH as EMAIL_PATH
from .outputs.site import HTML_BUILDERS, base_url
from .siteinfo import CONTEXT_DESCRIPTION

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)


class site_intro(nodes.General, nodes.Element):
    """Where ``{nl:site-intro}`` stands, until the page is written."""


class SiteIntroDirective(SphinxDirective):
    """``{nl:site-intro}``: the description, the follow line and the suggest line."""

    has_content = False
    #: ``:suggest-doc: guide/contribuir``: the page the suggest line links to when
    #: ``newsletter_suggest_url`` is not set (a contributor guide).
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"suggest-doc": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        node = site_intro(suggest_doc=self.options.get("suggest-doc", "").strip().strip("/"))
        self.set_source_info(node)
        return [node]


def link(uri: str, text: str, classes: list[str]) -> nodes.reference:
    return nodes.reference("", text, refuri=uri, internal=False, classes=classes)


def joined(label: str, links: list[nodes.Node], classes: list[str]) -> nodes.paragraph:
    """``Label: a · b · c``."""
    line = paragraph(nodes.strong(label, label), " ", classes=classes)
    for i, item in enumerate(links):
        if i:
            line += nodes.Text(" · ")
        line += item
    return line


def follow_links(app: Sphinx, docname: str) -> list[nodes.Node]:
    """The feeds (and the email edition, and the subscription) as links from *docname*."""
    config = newsletter_config(app)
    found: list[nodes.Node] = []
    if app.builder.name in HTML_BUILDERS:
        page = app.builder.get_target_uri(docname)
        layout = config.layout
        found += [
            link(relative_uri(page, layout.rss), "RSS", ["nl-follow-rss"]),
            link(relative_uri(page, layout.atom), "Atom", ["nl-follow-atom"]),
        ]
        if config.email.preview and base_url(app.config.html_baseurl):
            found.append(link(relative_uri(page, EMAIL_PATH), _("The latest edition by e-mail"), ["nl-follow-email"]))
    if config.subscribe_url:
        found.append(link(config.subscribe_url, _("Subscribe by e-mail"), ["nl-follow-subscribe"]))
    return found


def intro_nodes(app: Sphinx, docname: str, node: site_intro) -> list[nodes.Node]:
    found: list[nodes.Node] = []
    description = str(app.config.html_context.get(CONTEXT_DESCRIPTION, "")).strip()
    if description:
        found.append(paragraph(description, classes=["nl-site-description"]))
    follow = follow_links(app, docname)
    if follow:
        found.append(joined(_("Follow:"), follow, ["nl-follow", NO_SEARCH]))
    suggest = suggest_link(app, docname, node)
    if suggest is not None:
        text = _("Read something worth sharing?") + " "
        found.append(paragraph(text, suggest, classes=["nl-suggest", NO_SEARCH]))
    return found


def suggest_link(app: Sphinx, docname: str, node: site_intro) -> nodes.reference | None:
    """The issue form (``newsletter_suggest_url``), else the directive's ``:suggest-doc:`` page."""
    label = _("Suggest a post")
    url = newsletter_config(app).suggest_url
    if url:
        return link(url, label, ["nl-suggest-link"])
    target = node.get("suggest_doc", "")
    if not target:
        return None
    if target not in app.env.all_docs:
        logger.warning(
            "nl:site-intro: no page %r for :suggest-doc:", target, location=node, type="newsletter", subtype="intro"
        )
        return None
    try:
        uri = app.builder.get_relative_uri(docname, target)
    except NoUri:
        return None
    return nodes.reference("", label, refuri=uri, internal=True, classes=["nl-suggest-link"])


def doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(site_intro)):
        container = nodes.container(classes=["nl-site-intro"])
        container.extend(intro_nodes(app, docname, node))
        node.replace_self(container if len(container) else [])


def setup(app: Sphinx) -> None:
    app.add_node(site_intro)
    app.add_directive_to_domain("nl", "site-intro", SiteIntroDirective)
    app.connect("doctree-resolved", doctree_resolved)
