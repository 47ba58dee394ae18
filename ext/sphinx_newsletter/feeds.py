"""RSS and Atom feeds, written at ``build-finished`` from the archive model.

- ``/feed.xml`` (RSS 2.0, the old site's path: a bot rebuilds a README from
  it) and ``/atom.xml``: the latest ``newsletter_feed_length`` posts;
- ``/feeds/edicoes/<n>.xml`` and ``/feeds/autores/<key>.xml``: Atom feeds of
  one edition or one commentator, linked from their pages by :mod:`.seo`.

Built with feedgen (lxml underneath), so every value is escaped by an XML
library; characters XML 1.0 forbids are stripped first. Each entry carries
the title, link, date, the commented article, the commentator, the image (as
an enclosure) and the post's body as HTML. The body is rendered from the
post's Markdown by markdown-it with raw HTML off (as CommonMark: it's a
feed reader's copy, not the page); links are made absolute and images point
at the copies Sphinx made. Feeds derive only from the model, which never
holds drafts, and are rewritten only when their bytes change.

A build whose archive and settings did not change renders no feed. Otherwise
each feed has a stamp of its own inputs (its title and links, and for each of
its posts every value an entry shows), and only the feeds whose stamp changed,
or whose file is missing, are rendered again: after an edit to one post,
its edition's, its commentator's and the latest posts' feeds, not all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from sphinx.locale import get_translation
from sphinx.util import logging

from . import __version__
from .frontmatter import image_path
from .model import fingerprint
from .site import (
    Site,
    output_config,
    outputs_current,
    remember_outputs,
    remembered_parts,
    site_for,
    write_if_changed,
    xml_text,
)
from .urls import clean_url

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator
    from markdown_it import MarkdownIt
    from sphinx.application import Sphinx

    from .model import Post

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

RSS_PATH = "feed.xml"
ATOM_PATH = "atom.xml"
FEEDS_DIR = "feeds"


def edition_feed_path(number: int) -> str:
    return f"{FEEDS_DIR}/edicoes/{number}.xml"


def author_feed_path(key: str) -> str:
    return f"{FEEDS_DIR}/autores/{key}.xml"


def latest_posts(site: Site, count: int) -> list[Post]:
    posts = sorted(site.archive.posts.values(), key=lambda p: (p.date, p.source), reverse=True)
    return posts[: max(0, count)]


# --- entry content ------------------------------------------------------------------


@functools.cache
def _commonmark() -> MarkdownIt:
    """The CommonMark parser (raw HTML off) that every feed entry shares."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def body_html(post: Post, site: Site, prefix: str = "/images/") -> str:
    """The post's Markdown as HTML for a feed reader: raw HTML off, URLs absolute."""
    md = _commonmark()
    tokens = md.parse(post.body)
    page = site.post_url(post)
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                src = _image_src(str(child.attrGet("src") or ""), site, prefix)
                if src:
                    child.attrSet("src", src)
                else:  # refused or missing: keep the alt text only
                    child.type, child.children = "text", None
            elif child.type == "link_open":
                child.attrSet("href", _link_href(str(child.attrGet("href") or ""), page))
    return md.renderer.render(tokens, md.options, {})


def _image_src(src: str, site: Site, prefix: str) -> str | None:
    if urlsplit(src).scheme:
        return clean_url(src).url
    relative, _why = image_path(src, prefix)
    return site.image_url(relative) if relative else None


def _link_href(href: str, page: str) -> str:
    if urlsplit(href).scheme or href.startswith("//"):
        return clean_url(href).url or ""
    return urljoin(page, href)


def entry_html(post: Post, site: Site) -> str:
    """The commented article, the commentator, the image, then the body; every value escaped."""
    parts = []
    image = site.image_url(post.image)
    if image:
        alt = escape(post.highlight_title or post.title, quote=True)
        parts.append(f'<p><img src="{escape(image, quote=True)}" alt="{alt}"/></p>')
    article = post.highlight_title or post.highlight_url or ""
    if article:
        text = escape(article)
        if post.highlight_url:
            text = f'<a href="{escape(post.highlight_url, quote=True)}">{text}</a>'
        by = " " + escape(_("by %s") % post.highlight_author) if post.highlight_author else ""
        parts.append(f"<p><strong>{escape(_('Commented article:'))}</strong> {text}{by}</p>")
    if post.author_name:
        parts.append(f"<p>{escape(_('Commented by %s') % post.author_name)}</p>")
    parts.append(body_html(post, site))
    return xml_text("\n".join(parts))


# --- feeds ----------------------------------------------------------------------------


def _atom_links_extension() -> tuple[type, type]:
    """Entry links with ``rel``/``type``/``length`` for Atom.

    feedgen 1.0's Atom writer drops every attribute of an entry's links but
    ``href`` (a variable shadowing bug), which would turn the enclosure and
    the commented article into extra ``alternate`` links; this writes them.
    """
    from feedgen.ext.base import BaseEntryExtension, BaseExtension
    from feedgen.util import xml_elem

    class Entry(BaseEntryExtension):
        def __init__(self) -> None:
            self.links: list[dict[str, str]] = []

        def extend_atom(self, entry):
            for attributes in self.links:
                xml_elem("link", entry, **attributes)
            return entry

    return BaseExtension, Entry


def make_feed(
    site: Site, posts: list[Post], *, title: str, path: str, page: str, language: str, atom: bool,
    bodies: dict[str, str] | None = None,
) -> FeedGenerator:
    """A feed of *posts*: its ``self`` link is *path*, its page is the URL *page*.

    *bodies* (post key -> entry HTML) is shared between the feeds of one build,
    so each post's Markdown is rendered once.
    """
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.load_extension("dc")
    if atom:
        feed.register_extension("nllinks", *_atom_links_extension(), atom=True, rss=False)
    feed.id(site.file_url(path))
    feed.title(xml_text(title))
    feed.link(href=site.file_url(path), rel="self")
    # feedgen gives RSS's <link> the last link added: the page, not the feed.
    feed.link(href=page, rel="alternate")
    feed.description(xml_text(title))
    feed.language(language.replace("_", "-"))
    feed.generator("sphinx-newsletter")
    newest = max((p.date for p in posts), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    feed.updated(newest)
    feed.lastBuildDate(newest)
    # feedgen lists entries in reverse order of addition: add the oldest first.
    for post in reversed(posts):
        add_entry(feed, site, post, atom=atom, bodies={} if bodies is None else bodies)
    return feed


def add_entry(feed: FeedGenerator, site: Site, post: Post, *, atom: bool, bodies: dict[str, str]) -> None:
    url = site.post_url(post)
    entry = feed.add_entry()
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(xml_text(post.title))
    entry.link(href=url, rel="alternate")
    links = entry.nllinks.links if atom else None
    if links is not None and post.highlight_url:
        links.append({"rel": "related", "href": post.highlight_url,
                      "title": xml_text(post.highlight_title or post.highlight_url)})
    entry.published(post.date)
    entry.updated(post.date)
    if post.author_name:
        author = site.archive.author_of(post)
        person = {"name": xml_text(post.author_name)}
        if author:
            person["uri"] = site.url(site.author_docname(author.key))
        entry.author(person)
        entry.dc.dc_creator(xml_text(post.author_name))
    summary = post.headline if post.headline and post.headline != post.title else post.excerpt
    entry.description(xml_text(summary or post.title))
    if post.key not in bodies:
        bodies[post.key] = entry_html(post, site)
    entry.content(bodies[post.key], type="html")
    for category in post.categories:
        entry.category(term=xml_text(category))
    _enclosure(entry, site, post, links)


def _image(site: Site, post: Post) -> tuple[str, int] | None:
    """The URL and size in bytes of the post's image, when Sphinx copied it and it is there."""
    url = site.image_url(post.image)
    if not url or not post.image:
        return None
    try:
        return url, site.image_file(post.image).stat().st_size
    except OSError:
        return None


def _enclosure(entry, site: Site, post: Post, links: list | None) -> None:
    image = _image(site, post)
    if image is None:
        return
    url, length = image[0], str(image[1])
    kind = mimetypes.guess_type(post.image)[0] or "application/octet-stream"
    if links is None:
        entry.enclosure(url, length, kind)
    else:
        links.append({"rel": "enclosure", "href": url, "type": kind, "length": length})


# --- writing ---------------------------------------------------------------------------


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    site = site_for(app, exception)
    if site is None:
        return
    if not site.base:
        logger.info(_("newsletter: no html_baseurl, so no feeds (they need absolute links)"))
        return
    language, length = app.config.language or "en", output_config(app).feed_length
    current, stamp = outputs_current(app, site, "feeds", app.config.project, language, length)
    if current:
        return
    specs = feed_specs(site, project=app.config.project, home=site.url(app.config.root_doc), length=length)
    previous = remembered_parts(app, "feeds")
    # What every entry shows besides its post, and this code's version: a feed
    # made by an older release or in another translation is rendered again.
    common = (language, _("Commented article:"), _("by %s"), _("Commented by %s"), __version__)
    inputs: dict[str, str] = {}
    bodies: dict[str, str] = {}
    stamps = {}
    for spec in specs:
        stamps[spec.path] = spec_stamp(site, spec, common, inputs)
        if previous.get(spec.path) == stamps[spec.path] and (site.outdir / spec.path).is_file():
            continue
        write_if_changed(site.outdir / spec.path, render_feed(site, spec, language, bodies))
    _delete_stale(site, set(stamps))
    remember_outputs(app, "feeds", stamp, list(stamps), stamps)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to write: where, its title, the page it belongs to, its posts (newest first)."""

    path: str
    title: str
    page: str
    posts: tuple[Post, ...]
    atom: bool = True


def feed_specs(site: Site, *, project: str, home: str, length: int) -> list[FeedSpec]:
    """Every feed of the site, without rendering any."""
    latest = tuple(latest_posts(site, length))
    specs = [
        FeedSpec(RSS_PATH, project, home, latest, atom=False),
        FeedSpec(ATOM_PATH, project, home, latest),
    ]
    archive = site.archive
    for edition in archive.editions.values():
        posts = tuple(archive.posts[k] for k in reversed(edition.posts))
        title = f"{project} · " + _("Edition #%s") % edition.number
        specs.append(FeedSpec(edition_feed_path(edition.number), title,
                              site.url(site.edition_docname(edition.number)), posts))
    for author in archive.authors.values():
        posts = tuple(archive.posts[k] for k in author.posts[:length])
        specs.append(FeedSpec(author_feed_path(author.key), f"{project} · {author.name}",
                              site.url(site.author_docname(author.key)), posts))
    return specs


def render_feed(site: Site, spec: FeedSpec, language: str, bodies: dict[str, str]) -> bytes:
    """The XML of one feed; *bodies* (post key -> entry HTML) is shared between the feeds of a build."""
    feed = make_feed(site, list(spec.posts), title=spec.title, path=spec.path, page=spec.page,
                     language=language, atom=spec.atom, bodies=bodies)
    return feed.atom_str(pretty=True) if spec.atom else feed.rss_str(pretty=True)


def spec_stamp(site: Site, spec: FeedSpec, common: tuple, inputs: dict[str, str]) -> str:
    """A stamp of everything *spec*'s XML is made from; *inputs* caches each post's part."""
    parts = []
    for post in spec.posts:
        if post.key not in inputs:
            inputs[post.key] = _entry_inputs(site, post)
        parts.append(inputs[post.key])
    return fingerprint(spec.path, spec.title, spec.page, spec.atom, common, parts)


def _entry_inputs(site: Site, post: Post) -> str:
    """A stamp of what an entry shows of *post*: the post, its links, its image, its commentator."""
    author = site.archive.author_of(post)
    author_url = site.url(site.author_docname(author.key)) if author else None
    return fingerprint(post, site.post_url(post), site.image_url(post.image), _image(site, post), author, author_url)


def _delete_stale(site: Site, wanted: set[str]) -> None:
    """Feeds of editions or authors that are gone (a post was unpublished)."""
    folder = site.outdir / FEEDS_DIR
    if not folder.is_dir():
        return
    for path in folder.rglob("*.xml"):
        if path.relative_to(site.outdir).as_posix() not in wanted:
            path.unlink()
