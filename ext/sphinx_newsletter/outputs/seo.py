"""Meta tags for search engines and sharing: OpenGraph, Twitter, JSON-LD, feed links.

Runs at ``html-page-context`` and only *reads* the model (that event runs in
forked writers: nothing is accumulated here). Sphinx itself writes the
canonical link from ``html_baseurl``. Every value is escaped with
:func:`html.escape`; JSON-LD is :func:`json.dumps` with ``<``, ``>`` and
``&`` as ``\\u`` escapes, so a title can't close the ``<script>``.

Not sphinxext-opengraph, because its ``make_tag`` only replaces ``"`` (a
``&`` or ``<`` in a post title reaches the attribute as is), its description
is the page's first paragraph (on a post page: the date line), and a per-page
image needs ``og:image`` page metadata that untrusted post bodies may not
set (the post parser drops ``meta``).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from sphinx.locale import get_translation

from ..buildcache import build_cache
from ..events import AFTER_NOTFOUND
from ..siteinfo import CONTEXT_DESCRIPTION
from .cards import card_tags, page_card
from .site import Site, site_for

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sphinx.application import Sphinx

    from ..core.model import Post
    from .cards import Card

_ = get_translation("sphinx_newsletter")


def meta(prop: str, content: str, attribute: str = "property") -> str:
    return f'<meta {attribute}="{escape(prop, quote=True)}" content="{escape(content, quote=True)}" />'


def link(rel: str, kind: str, title: str, href: str) -> str:
    return f'<link rel="{rel}" type="{kind}" title="{escape(title, quote=True)}" href="{escape(href, quote=True)}" />'


def json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def blog_posting(site: Site, post: Post, publisher: str) -> dict[str, Any]:
    """schema.org ``BlogPosting``; the commented article is its ``citation``."""
    url = site.post_url(post)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": post.date.isoformat(),
        "publisher": {"@type": "Organization", "name": publisher},
    }
    if post.excerpt:
        data["description"] = post.excerpt
    image = site.image_url(post.image)
    if image:
        data["image"] = image
    if post.author_name:
        author: dict[str, Any] = {"@type": "Person", "name": post.author_name}
        if post.author_url:
            author["sameAs"] = post.author_url
        data["author"] = author
    if post.highlight_title or post.highlight_url:
        name = post.highlight_title or post.highlight_url
        article: dict[str, Any] = {"@type": "CreativeWork", "name": name}
        if post.highlight_url:
            article["url"] = post.highlight_url
        if post.highlight_author:
            article["author"] = {"@type": "Thing", "name": post.highlight_author}
        data["citation"] = article
    edition = site.archive.edition_of(post)
    if edition:
        data["isPartOf"] = {
            "@type": "CreativeWork",
            "name": _("Edition #%s") % edition.number,
            "url": site.url(site.layout.edition_docname(edition.number)),
        }
    return data


def page_tags(
    site: Site,
    pagename: str,
    *,
    title: str,
    site_name: str,
    language: str,
    description: str = "",
    card: Card | None = None,
) -> list[str]:
    """OpenGraph and Twitter tags (and JSON-LD on post pages) for *pagename*.

    *description* (the site file's) describes the pages that are neither a post, an
    edition nor an author (:func:`page_description`); :func:`page_image` picks the image.
    With a social *card*, the card is the first ``og:image`` (the one previews use)
    and the page's image, if any, a second one.
    """
    post = site.post_at(pagename)
    if post is not None:
        title = post.title
        description = post.headline if post.headline and post.headline != post.title else post.excerpt
    else:
        description = page_description(site, pagename) or description
    found = page_image(site, pagename)
    image = found.url if found else None
    tags = [
        meta("og:site_name", site_name),
        meta("og:title", title),
        meta("og:type", "article" if post else "website"),
        meta("og:url", site.url(pagename)),
        meta("og:locale", language.replace("-", "_")),
        meta("twitter:card", "summary_large_image" if image or card else "summary", "name"),
        meta("twitter:title", title, "name"),
    ]
    if description:
        tags += [
            meta("description", description, "name"),
            meta("og:description", description),
            meta("twitter:description", description, "name"),
        ]
    if card is not None:
        tags += [meta(prop, content, attribute) for attribute, prop, content in card_tags(card, site)]
    if found:
        tags += [meta("og:image", found.url), meta("og:image:alt", found.alt)]
        if found.width and found.height:
            tags += [meta("og:image:width", str(found.width)), meta("og:image:height", str(found.height))]
        if card is None:
            tags += [meta("twitter:image", found.url, "name"), meta("twitter:image:alt", found.alt, "name")]
    if post is not None:
        tags.append(meta("article:published_time", post.date.isoformat()))
        tags.append(json_ld(blog_posting(site, post, site_name)))
    return tags


@dataclass(frozen=True, slots=True, kw_only=True)
class PageImage:
    """A page's sharing image: absolute URL, alt text and size in pixels (0 when unknown)."""

    url: str
    alt: str
    width: int = 0
    height: int = 0


def page_image(site: Site, pagename: str) -> PageImage | None:
    """The one place that picks a page's ``og:image``.

    A post: its image. An edition: its first post's with one. An author: their
    avatar, else their newest post's image. The home page and every listing:
    the newest post's image. Only images the build copied (a page shows them).
    """
    archive = site.archive
    post = site.post_at(pagename)
    kind, key = site.layout.page_of(pagename) or ("", "")
    candidates: Sequence[tuple[str | None, str]]
    if post is not None:
        candidates = [(post.image, post.highlight_title or post.title)]
    elif (edition := site.edition_at(pagename)) is not None:
        candidates = [(archive.posts[k].image, archive.posts[k].title) for k in edition.posts]
    elif kind == "author" and key in archive.authors:
        author = archive.authors[key]
        candidates = [(author.avatar, author.name)]
        candidates += [(archive.posts[k].image, archive.posts[k].title) for k in author.posts if k in archive.posts]
    elif kind == "post":
        return None
    else:
        memo = build_cache(site.builder, "newest-images")  # the same for every listing page
        if "candidates" not in memo:
            memo["candidates"] = [(p.image, p.title) for p in archive.posts_newest_first() if p.image][:20]
        candidates = memo["candidates"]
    for relative, alt in candidates:
        url = site.image_url(relative) if relative else None
        if url and relative:
            width, height = image_size(site.image_file(relative))
            return PageImage(url=url, alt=alt, width=width, height=height)
    return None


def image_size(path: Path) -> tuple[int, int]:
    """*path*'s width and height, from its header (Pillow reads no pixels); ``(0, 0)`` if unreadable."""
    try:
        stat = path.stat()
    except OSError:
        return 0, 0
    return _image_size(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1024)
def _image_size(path: str, _mtime: int, _size: int) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return 0, 0


def page_description(site: Site, pagename: str, limit: int = 300) -> str:
    """The description of an edition's page (its posts' titles) or an author's (bio, or their posts)."""
    archive = site.archive
    kind, key = site.layout.page_of(pagename) or ("", "")
    if (edition := site.edition_at(pagename)) is not None:
        text = "; ".join(archive.posts[k].title for k in edition.posts if k in archive.posts)
    elif kind == "author" and key in archive.authors:
        author = archive.authors[key]
        count = len(author.posts)
        text = author.bio or (
            _("%(count)d articles commented by %(name)s") % {"count": count, "name": author.name}
            if count != 1
            else _("One article commented by %s") % author.name
        )
    else:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def feed_links(site: Site, pagename: str, site_name: str) -> list[str]:
    """``<link rel="alternate">`` to the site's feeds, and this edition's or author's."""
    layout = site.layout
    links = [
        link("alternate", "application/rss+xml", f"{site_name} (RSS)", site.file_url(layout.rss)),
        link("alternate", "application/atom+xml", f"{site_name} (Atom)", site.file_url(layout.atom)),
    ]
    kind, key = layout.page_of(pagename) or ("", "")
    if (edition := site.edition_at(pagename)) is not None:
        title = f"{site_name} · " + _("Edition #%s") % edition.number
        href = site.file_url(layout.edition_feed(edition.number))
        links.append(link("alternate", "application/atom+xml", title, href))
    elif kind == "author" and key in site.archive.authors:
        title = f"{site_name} · {site.archive.authors[key].name}"
        links.append(link("alternate", "application/atom+xml", title, site.file_url(layout.author_feed(key))))
    return links


def html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    site = site_for(app)
    if site is None or doctree is None or not site.base:
        return
    site_name = app.config.project
    titles = site.env.titles
    title = titles[pagename].astext() if pagename in titles else site_name
    card = page_card(app, site, pagename)
    tags = page_tags(
        site,
        pagename,
        title=title,
        site_name=site_name,
        language=app.config.language or "en",
        description=str(app.config.html_context.get(CONTEXT_DESCRIPTION, "")),
        card=card,
    )
    tags += feed_links(site, pagename, site_name)
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags) + "\n"


def notfound_defaults(app: Sphinx, config: Any) -> None:
    """Point sphinx-notfound-page at this site and translate its page, unless conf.py did.

    Its defaults assume Read the Docs' ``/en/latest/`` and English text.
    """
    from urllib.parse import urlsplit

    from .site import base_url

    values = config.values
    if "notfound_urls_prefix" not in values:
        return
    if config.notfound_urls_prefix == values["notfound_urls_prefix"].default:
        # One leading slash: a path such as '//host/' would make every link of the 404 page load from host.
        config.notfound_urls_prefix = "/" + urlsplit(base_url(config.html_baseurl)).path.lstrip("/")
    if config.notfound_context == values["notfound_context"].default:
        config.notfound_context = {"title": str(_("Page not found")), "body": _notfound_body()}


def _notfound_body(search: str = "", archive: str = "") -> str:
    """The 404 page's text; with the search page's and the archive's URLs, their links and a search box."""
    title = escape(str(_("Page not found")))
    if not search:
        text = escape(str(_("Sorry, there is no page at this address. Try the search or the archive.")))
        return f"<h1>{title}</h1>\n<p>{text}</p>"
    search_text, archive_text = escape(str(_("the search"))), escape(str(_("the archive")))
    search_link = f'<a href="{escape(search, quote=True)}">{search_text}</a>'
    archive_link = f'<a href="{escape(archive, quote=True)}">{archive_text}</a>'
    # Two steps, so a translation can't break the markup: the sentence is escaped, then the links go in.
    text = escape(str(_("Sorry, there is no page at this address. Try %(search)s or %(archive)s.")))
    text = text.replace("%(search)s", search_link).replace("%(archive)s", archive_link)
    label = escape(str(_("Search the archive")), quote=True)
    button = escape(str(_("Search")))
    form = (
        f'<form class="nl-search-form" action="{escape(search, quote=True)}" method="get" role="search">'
        f'<input type="search" name="q" aria-label="{label}"><button type="submit">{button}</button></form>'
    )
    return f"<h1>{title}</h1>\n<p>{text}</p>\n{form}"


def notfound_at_root(app: Sphinx, exception: BaseException | None) -> None:
    """Under ``dirhtml`` the 404 page is ``404/index.html``; hosts look for ``/404.html``.

    Its links are absolute (``notfound_urls_prefix``), so a copy works at the root.
    """
    from .site import write_if_changed

    if exception is not None or app.builder.name != "dirhtml":
        return
    page = app.outdir / app.config.notfound_pagename / "index.html"
    if page.is_file():
        write_if_changed(app.outdir / f"{app.config.notfound_pagename}.html", page.read_bytes())


def notfound_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """The 404 page's sidebar: the bounded top level, with absolute links.

    sphinx-notfound-page's own ``toctree`` draws the whole site tree (every
    post: megabytes on a large archive) and calls Sphinx 9's
    ``global_toctree_for_doc`` without ``tags`` (deprecated). Runs after it
    (400) and before the theme (500).
    """
    import re
    from functools import partial

    from ..navigation import bounded_toctree

    if pagename != getattr(app.config, "notfound_pagename", None) or "toctree" not in context:
        return
    if context.get("body") == _notfound_body() and callable(context.get("pathto")):
        # Our default text (conf.py did not set one): now that URLs are known, with
        # links and a search box. sphinx-notfound-page's pathto gives absolute URLs.
        from ..domain import get_domain

        config = get_domain(app.env).nl_config
        archive = config.layout.docname(config.layout.index) if config else app.config.root_doc
        context["body"] = _notfound_body(context["pathto"]("search"), context["pathto"](archive))
    prefix = app.config.notfound_urls_prefix or "/"
    relative_href = re.compile(r'href="(?![A-Za-z][A-Za-z0-9+.-]*:|/|#)')

    def toctree(**_kwargs: Any) -> str:
        drawn = bounded_toctree(app.builder, app.config.root_doc)
        return relative_href.sub(lambda _m: 'href="' + escape(prefix, quote=True), drawn)

    context["toctree"] = partial(toctree)


def setup(app: Sphinx) -> None:
    app.connect("config-inited", notfound_defaults)
    app.connect("html-page-context", html_page_context)
    app.connect("html-page-context", notfound_page_context, priority=AFTER_NOTFOUND)
    app.connect("build-finished", notfound_at_root)
