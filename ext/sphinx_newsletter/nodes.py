"""Doctree builders for the card, the author box and listings.

Every value from front matter enters the doctree as ``nodes.Text``, as a
URL that already passed :func:`sphinx_newsletter.core.urls.clean_url`, or as text
in a :class:`link_list`, which the writer escapes like ``nodes.Text``; nothing
is parsed as markup and nothing becomes ``nodes.raw``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import get_translation
from sphinx_design.shared import PassthroughTextElement, create_component

from .core.dates import long_date
from .core.urls import site_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator

    from .core.layout import Layout
    from .core.model import Archive, Author, Edition, Post

_ = get_translation("sphinx_newsletter")

#: Sphinx's class for what the search index leaves out (the indexer skips the
#: element): navigation and boxes every post repeats, listings of other pages.
#: The search page leaves it out of excerpts too (``static/newsletter-search.js``).
NO_SEARCH = "no-search"
#: Indexed, but not the start of a search excerpt (the highlight card).
NO_EXCERPT = "nl-no-excerpt"


class page_markup(nodes.General, nodes.Element):
    """Markup written whole, every value in it escaped (``node["html"]``): no text for the search index.

    HTML builders only (the share links, the comments section).
    """


def visit_page_markup(self: HTML5Translator, node: page_markup) -> None:
    self.body.append(node["html"])
    raise nodes.SkipNode


@functools.cache
def static_version(name: str) -> str:
    """The content hash of our static file *name*, so a changed file is not served from a stale cache."""
    return hashlib.sha256((_HERE / "static" / name).read_bytes()).hexdigest()[:10]


def script_tag(src: str, name: str) -> str:
    """The deferred ``<script>`` of our static file *name*, at *src* (the page's relative URL of it)."""
    return f'<script src="{escape(src, quote=True)}?v={static_version(name)}" defer></script>\n'


class external_link(nodes.reference):
    """A link to another site that opens in a new tab (``rel="noopener"``).

    Other builders fall back to ``visit_reference`` through the class's MRO.
    """


def visit_external_link(self: HTML5Translator, node: external_link) -> None:
    atts = {
        "href": node["refuri"],
        "class": "reference external",
        "target": "_blank",
        "rel": "noopener noreferrer",
    }
    self.body.append(self.starttag(node, "a", "", **atts))


def depart_external_link(self: HTML5Translator, node: external_link) -> None:
    self.body.append("</a>")


def ext_link(url: str, text: str, **attributes: Any) -> external_link:
    return external_link("", text, refuri=url, internal=False, **attributes)


def xref(kind: str, target: str, text: str = "", docname: str = "") -> addnodes.pending_xref:
    """A link to a post, edition or author, resolved by the ``nl`` domain."""
    node = addnodes.pending_xref(
        "",
        nodes.inline(text or target, text or target, support_smartquotes=False),
        refdomain="nl",
        reftype=kind,
        reftarget=target,
        refexplicit=bool(text),
        refwarn=True,
        refdoc=docname,
    )
    return node


#: A long, localised date (one implementation, shared with the email: :func:`.core.dates.long_date`).
format_date = long_date


def post_count(count: int) -> str:
    """``1 post`` / ``12 posts``, translated."""
    return _("%d posts") % count if count != 1 else _("1 post")


def edition_title(edition: Edition, language: str | None) -> str:
    return _("Edition #%(number)s · %(date)s") % {
        "number": edition.number,
        "date": format_date(edition.date, language),
    }


class card_image(nodes.image):
    """A post's image on a card (``nl_slot``: ``highlight`` or ``card``), shown in the sizes the card needs.

    :mod:`.imagevariants` writes it with ``srcset``, ``width`` and ``height``;
    other builders fall back to ``visit_image`` through the class's MRO.
    """


def post_image(post: Post, layout: Layout, alt: str, slot: str = "card") -> card_image:
    """A post's image for a card, located at the post file's ``image:`` line.

    Sphinx's own messages about an image (a file it can't read) then name that
    line. An image node without a source, line and raw source is also patched
    by Sphinx's ApplySourceWorkaround (line 0), which renders its XML for a
    debug message, on every page that shows it.
    """
    image = card_image(
        post.image or "",
        uri=layout.image_uri(post.image or ""),
        alt=alt,
        classes=["nl-card-img"],
        nl_image=post.image or "",
        nl_slot=slot,
    )
    image.source, image.line = post.source, post.line_of("image")
    return image


def paragraph(*children: nodes.Node | str, classes: list[str] | None = None) -> nodes.paragraph:
    # Post text is shown as typed: no smart quotes or dashes (Sphinx's smartquotes).
    node = nodes.paragraph(classes=classes or [], support_smartquotes=False)
    for child in children:
        node += nodes.Text(child) if isinstance(child, str) else child
    return node


def same_text(first: str, second: str) -> bool:
    """Whether two titles read the same (case, spacing and accents' composition aside)."""

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split()).rstrip(".!?:")

    return norm(first) == norm(second)


def highlight_card(post: Post, layout: Layout) -> nodes.container:
    """The commented article: image, headline, its title (a link), its site and author.

    The headline is left out when it reads as the post's title (the page's
    heading just said it), and the image's alt text is empty: the card's text
    names the article, a screen reader would hear it twice.

    Searchable (the article's title and author are what readers remember), but
    not a search excerpt: the excerpt starts with the post's own text.
    """
    classes = ["sd-card", "sd-sphinx-override", "sd-mb-3", "sd-shadow-sm", "nl-highlight", NO_EXCERPT]
    card = create_component("card", classes)
    if post.image:
        # Decorative: the card's text names the article, so the alt text would only repeat it.
        card += post_image(post, layout, "", "highlight")
    body = create_component("card-body", ["sd-card-body"])
    if post.headline and not same_text(post.headline, post.title):
        title = create_component("card-title", ["sd-card-title", "sd-font-weight-bold"])
        title += PassthroughTextElement("", post.headline, support_smartquotes=False)
        body += title
    article = post.highlight_title or post.highlight_url or ""
    if article:
        label = nodes.strong(_("Commented article:"), _("Commented article:"))
        link: nodes.Node = ext_link(post.highlight_url, article) if post.highlight_url else nodes.Text(article)
        line = paragraph(label, " ", link, classes=["sd-card-text", "nl-article"])
        site = site_name(post.highlight_url)
        if site:
            line += nodes.Text(" ")
            line += nodes.inline("", f"({site})", classes=["nl-article-site"])
        body += line
    if post.highlight_author:
        body += paragraph(_("by %s") % post.highlight_author, classes=["sd-card-text", "nl-article-author"])
    card += body
    return card


def author_details(author: Author, layout: Layout) -> list[nodes.Node]:
    """The registry's avatar and bio of *author* (nothing for unregistered authors)."""
    found: list[nodes.Node] = []
    if author.avatar:
        found.append(nodes.image("", uri=layout.image_uri(author.avatar), alt=author.name, classes=["nl-avatar"]))
    if author.bio:
        found.append(paragraph(author.bio, classes=["nl-author-bio"]))
    return found


def author_box(post: Post, author: Author | None, docname: str, layout: Layout) -> nodes.container:
    """Who commented the article, their profile, and a link to all their posts."""
    box = nodes.container(classes=["nl-author-box", NO_SEARCH])
    box += paragraph(_("Commented by"), classes=["nl-author-label"])
    name = author.name if author else post.author_name
    link = xref("author", author.key, name, docname) if author else nodes.Text(name)
    box += paragraph(nodes.strong("", "", link), classes=["nl-author-name"])
    if author:
        box += author_details(author, layout)
    # The registry's profile link wins over the spelling in the post.
    url = (author.url if author and author.registered else None) or post.author_url or (author.url if author else None)
    links = paragraph(classes=["nl-author-links"])
    if url:
        links += ext_link(url, _("Profile"), classes=["nl-profile"])
    if author:
        if url:
            links += nodes.Text(" · ")
        links += xref("author", author.key, _("All posts by %s") % author.name, docname)
    box += links
    return box


def post_meta(post: Post, archive: Archive, language: str | None, docname: str) -> nodes.paragraph:
    """The line under a post's title: date, edition, categories (links), reading time."""
    meta = paragraph(classes=["nl-post-meta", NO_SEARCH])
    meta += nodes.inline("", format_date(post.date.date(), language), classes=["nl-date"])
    edition = archive.edition_of(post)
    if edition:
        meta += nodes.Text(" · ")
        meta += xref("edition", edition.key, _("Edition #%s") % edition.number, docname)
    from .core.browse import category_key

    for category in dict.fromkeys(post.categories):
        key = category_key(category)
        meta += nodes.Text(" · ")
        if key:
            meta += xref("category", key, category, docname)
        else:
            meta += nodes.inline("", category, classes=["nl-category"])
    meta += nodes.Text(" · ")
    meta += reading_time(post)
    return meta


class card_heading(nodes.paragraph):
    """A card's title as a heading (``<h2>``...), its link stretched over the whole card.

    Screen-reader users jump from card to card by heading; the one link of
    the card is the title's (its accessible name is the title) and sphinx-design's
    ``sd-stretched-link`` makes the whole card its target. Other builders write
    it as the paragraph it subclasses (Sphinx's translators follow the MRO).
    """


def visit_card_heading(self: HTML5Translator, node: card_heading) -> None:
    for reference in node.findall(nodes.reference):
        reference["classes"].append("sd-stretched-link")
    level = min(6, max(1, int(node.get("level", 2))))
    self.body.append(self.starttag(node, f"h{level}", ""))


def depart_card_heading(self: HTML5Translator, node: card_heading) -> None:
    self.body.append(f"</h{min(6, max(1, int(node.get('level', 2))))}>\n")


def post_card(
    post: Post, archive: Archive, layout: Layout, docname: str, *, excerpt: bool = False, level: int = 2
) -> nodes.container:
    """A card for a listing: image, title (a heading of *level*, the card's one link), text, commentator.

    The commentator is named as the archive knows them (the registry's name,
    or the spelling most of their posts use), not as this post spells it.
    """
    # Not searched: the post's own page is (one result per post, not one per listing too).
    card = create_component("card", ["sd-card", "sd-sphinx-override", "sd-shadow-sm", "nl-card", NO_SEARCH])
    if post.image:
        card += post_image(post, layout, "")
    body = create_component("card-body", ["sd-card-body"])
    title = card_heading("", classes=["sd-card-title", "sd-font-weight-bold", "nl-card-title"], level=level)
    title += xref("post", post.key, post.title, docname)
    body += title
    text = (post.excerpt or post.headline) if excerpt else post.headline
    if text and text != post.title:
        body += paragraph(text, classes=["sd-card-text"])
    author = archive.author_of(post)
    name = author.name if author else post.author_name
    if name:
        body += paragraph(_("Commented by %s") % name, classes=["sd-card-text", "nl-card-author"])
    card += body
    return card


def card_grid(cards: Sequence[nodes.Node]) -> nodes.container:
    grid = nodes.container(classes=["nl-card-grid"])
    grid.extend(cards)
    return grid


class link_list(nodes.General, nodes.Element):
    """A bullet list of links to archive pages, held as data until it is written.

    Listing pages (a month, an author, a year) hold thousands of links. As
    standard nodes every line is a dozen nodes that each transform, the
    pickler, the reference resolver, the search indexer and the writer walk;
    here a line is a tuple. ``node["rows"]`` is a list of ``(parts, subrows)``:
    *parts* are plain text, ``("ref", kind, key, text)`` (a link to an ``nl``
    object), or ``("span", class, text)``; *subrows* are the rows of a list
    nested under the line. :func:`~sphinx_newsletter.listing.resolve_link_lists`
    resolves the links: HTML builders then write the list directly (the markup
    of a docutils bullet list of references), other builders get those nodes.
    The lines are not in the search index: the pages they link to are.
    """


def ref(kind: str, key: str, text: str) -> tuple[str, str, str, str]:
    return ("ref", kind, key, text)


def post_list(posts: list[Post], archive: Archive, language: str | None) -> link_list:
    """A plain list of posts: title (link), date, edition."""
    rows = []
    for post in posts:
        parts: list = [
            ref("post", post.key, post.title),
            " — ",
            ("span", "nl-date", format_date(post.date.date(), language)),
        ]
        edition = archive.edition_of(post)
        if edition:
            parts += [" · ", ref("edition", edition.key, _("Edition #%s") % edition.number)]
        rows.append((tuple(parts), ()))
    return link_list(classes=["nl-post-list"], rows=rows)


def older_newer_nav(
    older: nodes.Node | None, newer: nodes.Node | None, labels: tuple[str, str], classes: list[str]
) -> nodes.paragraph | None:
    """``← Older: x · Newer: y →``: the one direction of every previous/next of the site.

    Older is on the left, newer on the right, as Furo's footer shows the
    same pages (:mod:`sphinx_newsletter.related`).
    """
    if older is None and newer is None:
        return None
    nav = paragraph(classes=["nl-older-newer", *classes, NO_SEARCH])
    if older is not None:
        nav += nodes.Text("← ")
        nav += nodes.inline("", labels[0] + " ", classes=["nl-direction"])
        nav += older
    if older is not None and newer is not None:
        nav += nodes.Text(" · ")
    if newer is not None:
        nav += nodes.inline("", labels[1] + " ", classes=["nl-direction"])
        nav += newer
        nav += nodes.Text(" →")
    return nav


def edition_nav(archive: Archive, edition: Edition, language: str | None, docname: str) -> nodes.paragraph:
    """Links to the older and newer editions."""
    from .core.browse import older_newer

    keys = older_newer(archive, "edition", edition.key)
    older, newer = (xref("edition", key, _("Edition #%s") % key, docname) if key else None for key in keys)
    nav = older_newer_nav(older, newer, (_("Older edition:"), _("Newer edition:")), ["nl-edition-nav"])
    return nav or paragraph(classes=["nl-edition-nav", NO_SEARCH])


def post_nav(archive: Archive, post: Post, docname: str) -> nodes.paragraph | None:
    """Links to the older and newer posts of the archive (an edition's neighbours at its ends)."""
    from .core.browse import older_newer

    keys = older_newer(archive, "post", post.key)
    older, newer = (xref("post", key, archive.posts[key].title, docname) if key else None for key in keys)
    return older_newer_nav(older, newer, (_("Older post:"), _("Newer post:")), ["nl-post-nav"])


def doc_link(target: str, text: str, docname: str) -> addnodes.pending_xref:
    """A link to the page *target* (a docname from the source folder), as ``{doc}`` makes it."""
    return addnodes.pending_xref(
        "",
        nodes.inline("", text, support_smartquotes=False),
        refdomain="std",
        reftype="doc",
        reftarget="/" + target,
        refexplicit=True,
        refwarn=True,
        refdoc=docname,
    )


def month_nav(archive: Archive, key: str, language: str | None, docname: str, archive_key: str) -> nodes.container:
    """Links to the older and newer months, and back to the archive."""
    from .core.browse import older_newer

    def link(month: str | None) -> nodes.Node | None:
        if month is None:
            return None
        year, number = (int(part) for part in month.split("-"))
        return xref("month", month, month_title(year, number, language), docname)

    older, newer = (link(k) for k in older_newer(archive, "month", key))
    nav = older_newer_nav(older, newer, (_("Older month:"), _("Newer month:")), ["nl-month-nav"])
    nav = nav or paragraph(classes=["nl-older-newer", "nl-month-nav", NO_SEARCH])
    up = paragraph(doc_link(archive_key, _("The whole archive"), docname), classes=["nl-up"])
    container = nodes.container(classes=["nl-month-links-nav"])
    container += [nav, up]
    return container


def month_title(year: int, month: int, language: str | None) -> str:
    """``Março de 2022`` / ``March 2022``: the month in the site's language."""
    from babel.core import UnknownLocaleError
    from babel.dates import format_skeleton

    value = dt.date(year, month, 1)
    try:
        text = format_skeleton("yMMMM", value, locale=language or "en")
    except (UnknownLocaleError, ValueError):
        text = format_skeleton("yMMMM", value, locale="en")
    return text[:1].upper() + text[1:]


def reading_time(post: Post) -> nodes.inline:
    from .core.browse import reading_minutes

    minutes = reading_minutes(post)
    return nodes.inline("", _("%d min read") % minutes, classes=["nl-reading-time"])


def month_links(months: list, language: str | None, docname: str) -> nodes.paragraph:
    """``Março de 2022 (13) · Abril de 2022 (15)``: links to month pages."""
    line = paragraph(classes=["nl-month-links"])
    for i, month in enumerate(months):
        if i:
            line += nodes.Text(" · ")
        line += xref("month", month.key, month_title(month.year, month.month, language), docname)
        line += nodes.Text(f" ({len(month.posts)})")
    return line


def edition_summary(archive: Archive, edition: Edition, language: str | None) -> tuple:
    """A :class:`link_list` row: an edition's title (link) and its posts' titles (links)."""
    posts = tuple(((ref("post", key, archive.posts[key].title),), ()) for key in edition.posts)
    return ((ref("edition", edition.key, edition_title(edition, language)),), posts)


#: The package's folder: ``static/`` (the stylesheet) and ``locale/`` (the labels' translations).
_HERE = Path(__file__).parent


def _add_static(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(_HERE / "static"))


def setup(app: Sphinx) -> None:
    app.add_node(page_markup, html=(visit_page_markup, None))
    app.add_node(external_link, html=(visit_external_link, depart_external_link))
    app.add_node(card_heading, html=(visit_card_heading, depart_card_heading))
    # The stylesheet of these nodes and of the directives' cards, and the catalog of every label.
    app.add_message_catalog("sphinx_newsletter", str(_HERE / "locale"))
    app.add_css_file("newsletter.css")
    app.connect("config-inited", _add_static)
