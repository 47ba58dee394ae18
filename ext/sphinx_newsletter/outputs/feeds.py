"""RSS and Atom feeds, written at ``build-finished`` from the archive model.

- ``/feed.xml`` (RSS 2.0, the old site's path: a bot rebuilds a README from
  it) and ``/atom.xml``: the latest ``newsletter_feed_length`` posts;
- ``/feeds/edicoes/<n>.xml`` and ``/feeds/autores/<key>.xml``: Atom feeds of
  one edition or one commentator, linked from their pages by :mod:`.seo`.

Built with feedgen (lxml underneath), so every value is escaped by an XML
library. Feed readers render every text field as HTML (RSS says nothing of
its titles' type, and most readers take them, and ``<description>``, as HTML),
so each text field is escaped for HTML first (:func:`.site.html_text`), and
Atom's title, subtitle and summary say ``type="html"``: a reader shows
exactly the text, never markup. Text is cleaned of what XML forbids, DEL and
C1 controls, bidi and zero-width characters (:func:`.site.xml_text`),
whatever the model holds. A post whose date RSS or Atom can't write (a year
before 1900) is left out of the feeds with a warning at its ``date`` line
(:func:`.site.output_date`). Each entry carries
the title, link, date, the commented article, the commentator, the image (as
an enclosure) and the post's body as HTML. The body is rendered from the
post's Markdown by markdown-it with raw HTML off (as CommonMark: it's a
feed reader's copy, not the page); links are made absolute and images point
at the copies Sphinx made. Every URL in it is http(s) that
:func:`.urls.clean_url` accepts, or a page of the site (a relative link is
resolved against the post's page and must keep its scheme and host); a link
that is neither keeps its text and loses its address. Feeds derive only from
the model, which never holds drafts, and are rewritten only when their bytes
change.

A build whose archive and settings did not change renders no feed. Otherwise
each feed has a stamp of its own inputs (its title and links, and for each of
its posts every value an entry shows), and only the feeds whose stamp changed,
or whose file is missing, are rendered again: after an edit to one post,
its edition's, its commentator's and the latest posts' feeds, not all of them.
When many feeds are to be rendered (a first build), a forked child renders
and writes them (:mod:`..core.background`) while the main process writes the
redirects, the sitemap and ``archive.json``; the main process then waits for
it, writes the feeds itself if the child died, and records the stamps.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from sphinx.locale import get_translation
from sphinx.util import logging

from .. import __version__
from ..config import newsletter_config
from ..core.background import beside
from ..core.body import parse, parser
from ..core.images import image_path
from ..core.model import fingerprint
from ..core.urls import ALLOWED_SCHEMES
from ..events import FEEDS_WRITTEN
from .site import (
    DATE_YEARS,
    Site,
    html_text,
    output_date,
    output_url,
    outputs_current,
    remember_outputs,
    remembered_parts,
    site_for,
    write_if_changed,
    xml_text,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from feedgen.feed import FeedGenerator
    from markdown_it.token import Token
    from sphinx.application import Sphinx

    from ..core.model import Post

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

#: Bumped when the same posts give different feed bytes (2: text fields escaped for HTML), so
#: feeds kept from a build by older code are rendered again even under the same release number.
FORMAT = 2


def latest_posts(site: Site, count: int) -> list[Post]:
    return [post for post in site.archive.posts_newest_first() if in_feeds(post)][: max(0, count)]


def in_feeds(post: Post) -> bool:
    """Whether *post* has a date the feeds can write (see :func:`.site.output_date`)."""
    return output_date(post.date) is not None


def warn_undated(site: Site) -> None:
    """A warning at the ``date`` line of each post the feeds leave out for its date."""
    for post in site.archive.posts.values():
        if not in_feeds(post):
            # In English, like every message about a post's front matter (frontmatter.py, model.py).
            logger.warning(
                "post date %s can't be written in RSS or Atom (years %d to %d): post left out of the feeds",
                post.date,
                DATE_YEARS.start,
                DATE_YEARS.stop - 1,
                location=f"{post.source}:{post.line_of('date')}",
                type="newsletter",
                subtype="feed-date",
            )


# --- entry content ------------------------------------------------------------------


def body_html(post: Post, site: Site) -> str:
    """The post's Markdown as HTML for a feed reader: raw HTML off, URLs absolute and checked.

    Images are found as the page finds them: under ``newsletter_image_url_prefix``.
    The tokens are the body's one parse (:mod:`..core.body`), shared: an
    image or link is rendered from a changed copy, never changed in place.
    """
    md = parser()
    prefix = site.image_url_prefix
    page = site.post_url(post)
    tokens = [
        _absolute_urls(token, site, page, prefix) if _has_urls(token) else token for token in parse(post.body).tokens
    ]
    return md.renderer.render(tokens, md.options, {})


def _has_urls(token: Token) -> bool:
    return any(child.type in ("image", "link_open") for child in token.children or ())


def _absolute_urls(token: Token, site: Site, page: str, prefix: str) -> Token:
    """A copy of the inline *token* whose images and links point where a feed reader can follow them."""
    children = []
    for child in token.children or ():
        if child.type == "image":
            src = _image_src(str(child.attrGet("src") or ""), site, page, prefix)
            # refused or missing: keep the alt text only
            child = child.copy(attrs={**child.attrs, "src": src}) if src else child.copy(type="text", children=None)
        elif child.type == "link_open":
            href = _link_href(str(child.attrGet("href") or ""), page)
            # refused: the text stays, as an <a> without an address
            attrs = {k: href if k == "href" else v for k, v in child.attrs.items() if k != "href" or href}
            child = child.copy(attrs=attrs)
        children.append(child)
    return token.copy(children=children)


def _image_src(src: str, site: Site, page: str, prefix: str) -> str | None:
    if _absolute(src):
        return output_url(src)
    relative, _why = image_path(src, prefix)
    return _on_site(site.image_url(relative), page) if relative else None


def _link_href(href: str, page: str) -> str | None:
    """An http(s) URL the URL policy accepts, or *href* resolved against *page* if it stays on the site."""
    if _absolute(href):
        return output_url(href)
    try:
        return _on_site(urljoin(page, href), page)
    except ValueError:  # urllib refuses it (a bracket in a host)
        return None


def _absolute(url: str) -> bool:
    """Whether *url* names its own scheme or host (one urllib can't split counts as one: refused)."""
    try:
        return bool(urlsplit(url).scheme) or url.startswith("//")
    except ValueError:
        return True


#: What an address on the site may not contain (the URL policy's own list).
_URL_CONTROLS = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


def _on_site(url: str | None, page: str) -> str | None:
    """*url* if it has *page*'s scheme and host (the site's), an allowed scheme and no control character."""
    if not url or _URL_CONTROLS.search(url) or xml_text(url) != url:
        return None
    try:
        parts, home = urlsplit(url), urlsplit(page)
    except ValueError:
        return None
    if (parts.scheme, parts.netloc) != (home.scheme, home.netloc):
        return None
    return url if parts.scheme in ALLOWED_SCHEMES or not parts.scheme else None


def entry_html(post: Post, site: Site) -> str:
    """The commented article, the commentator, the image, then the body; every value escaped.

    Every value is cleaned by :func:`.site.xml_text` before it is escaped (and
    the whole once more), and the commented article's address goes through
    the URL policy again: this holds whatever the model holds.
    """
    parts = []
    image = _on_site(site.image_url(post.image), site.post_url(post))
    if image:
        alt = html_text(post.highlight_title or post.title, attribute=True)
        parts.append(f'<p><img src="{escape(image, quote=True)}" alt="{alt}"/></p>')
    url = article_url(post)
    article = xml_text(post.highlight_title) or url or ""
    if article:
        text = escape(article)
        if url:
            text = f'<a href="{escape(url, quote=True)}">{text}</a>'
        author = xml_text(post.highlight_author)
        by = " " + escape(_("by %s") % author) if author else ""
        parts.append(f"<p><strong>{escape(_('Commented article:'))}</strong> {text}{by}</p>")
    name = xml_text(post.author_name)
    if name:
        parts.append(f"<p>{escape(_('Commented by %s') % name)}</p>")
    parts.append(body_html(post, site))
    return xml_text("\n".join(parts))


def article_url(post: Post) -> str | None:
    """The commented article's address, if the URL policy accepts it."""
    return output_url(post.highlight_url)


# --- feeds ----------------------------------------------------------------------------


def _atom_extension() -> tuple[type, type]:
    """``type="html"`` on Atom's titles and subtitle, and entry links with ``rel``/``type``/``length``.

    feedgen 1.0 writes Atom titles without a type (plain text, which some
    readers render as HTML anyway): the text is HTML-escaped, so it says so.
    Its Atom writer also drops every attribute of an entry's links but
    ``href`` (a variable shadowing bug), which would turn the enclosure and
    the commented article into extra ``alternate`` links; this writes them.
    """
    from feedgen.ext.base import BaseEntryExtension, BaseExtension
    from feedgen.util import xml_elem

    def html_typed(element, *names: str):
        for name in names:
            found = element.find(name)
            if found is not None:
                found.set("type", "html")
        return element

    class Feed(BaseExtension):
        def extend_atom(self, feed):
            return html_typed(feed, "title", "subtitle")

    class Entry(BaseEntryExtension):
        def __init__(self) -> None:
            self.links: list[dict[str, str]] = []

        def extend_atom(self, entry):
            for attributes in self.links:
                xml_elem("link", entry, **attributes)
            return html_typed(entry, "title")

    return Feed, Entry


def make_feed(
    site: Site,
    posts: list[Post],
    *,
    title: str,
    path: str,
    page: str,
    language: str,
    atom: bool,
    bodies: dict[str, str] | None = None,
) -> FeedGenerator:
    """A feed of *posts*: its ``self`` link is *path*, its page is the URL *page*.

    Posts whose date the feed can't write are left out (:func:`warn_undated`
    says so). *bodies* (post key -> entry HTML) is shared between the feeds
    of one build, so each post's Markdown is rendered once.
    """
    from feedgen.feed import FeedGenerator

    posts = [post for post in posts if in_feeds(post)]
    feed = FeedGenerator()
    feed.load_extension("dc")
    if atom:
        feed.register_extension("nl", *_atom_extension(), atom=True, rss=False)
    feed.id(site.file_url(path))
    feed.title(html_text(title) or html_text(path))
    feed.link(href=site.file_url(path), rel="self")
    # feedgen gives RSS's <link> the last link added: the page, not the feed.
    feed.link(href=page, rel="alternate")
    feed.description(html_text(title) or html_text(path))
    feed.language(language.replace("_", "-"))
    feed.generator("sphinx-newsletter")
    dates = [d for d in (output_date(p.date) for p in posts) if d is not None]
    newest = max(dates, default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    feed.updated(newest)
    feed.lastBuildDate(newest)
    # feedgen lists entries in reverse order of addition: add the oldest first.
    for post in reversed(posts):
        add_entry(feed, site, post, atom=atom, bodies={} if bodies is None else bodies)
    return feed


def add_entry(feed: FeedGenerator, site: Site, post: Post, *, atom: bool, bodies: dict[str, str]) -> None:
    """One entry; every text field is escaped for HTML inside the XML (see the module's docstring)."""
    url = site.post_url(post)
    entry = feed.add_entry()
    entry.id(url)
    entry.guid(url, permalink=True)
    entry.title(html_text(post.title) or html_text(post.key))
    entry.link(href=url, rel="alternate")
    links = entry.nl.links if atom else None
    article = article_url(post)
    if links is not None and article:
        links.append(
            {
                "rel": "related",
                "href": article,
                "title": html_text(xml_text(post.highlight_title) or article, attribute=True),
            }
        )
    date = output_date(post.date)
    entry.published(date)
    entry.updated(date)
    name = html_text(post.author_name)
    if name:
        author = site.archive.author_of(post)
        person = {"name": name}
        if author:
            person["uri"] = site.url(site.layout.author_docname(author.key))
        entry.author(person)
        entry.dc.dc_creator(name)
    summary = post.headline if post.headline and post.headline != post.title else post.excerpt
    entry.summary(html_text(summary) or html_text(post.title) or html_text(post.key), type="html")
    if post.key not in bodies:
        bodies[post.key] = entry_html(post, site)
    entry.content(bodies[post.key], type="html")
    for category in post.categories:
        term = html_text(category, attribute=True)
        if term:
            entry.category(term=term)
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
    if image is None or post.image is None:
        return
    url, length = image[0], str(image[1])
    kind = mimetypes.guess_type(post.image)[0] or "application/octet-stream"
    if links is None:
        entry.enclosure(url, length, kind)
    else:
        links.append({"rel": "enclosure", "href": url, "type": kind, "length": length})


# --- writing ---------------------------------------------------------------------------


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Find the feeds to write; start writing them beside the other outputs (:func:`feeds_written`)."""
    site = site_for(app, exception)
    if site is None:
        return
    if not site.base:
        logger.info(_("newsletter: no html_baseurl, so no feeds (they need absolute links)"))
        return
    warn_undated(site)
    language, length = app.config.language or "en", newsletter_config(app).feed_length
    current, stamp = outputs_current(
        app, site, "feeds", app.config.project, language, length, FORMAT, site.image_url_prefix
    )
    if current:
        return
    specs = feed_specs(site, project=app.config.project, home=site.url(app.config.root_doc), length=length)
    previous = remembered_parts(app, "feeds")
    # What every entry shows besides its post, and this code's version: a feed
    # made by an older release or in another translation is rendered again.
    common = (
        language,
        _("Commented article:"),
        _("by %s"),
        _("Commented by %s"),
        __version__,
        FORMAT,
        site.image_url_prefix,
    )
    inputs: dict[str, str] = {}
    job = FeedJob(site=site, language=language, stamp=stamp)
    for spec in specs:
        job.stamps[spec.path] = spec_stamp(site, spec, common, inputs)
        if previous.get(spec.path) == job.stamps[spec.path] and (site.outdir / spec.path).is_file():
            continue
        job.todo.append(spec)
    # Many: rendered and written in a child while this process writes the redirects, the
    # sitemap and archive.json (:mod:`..core.background`); waited for by feeds_written.
    job.written = beside(job.write_all, fork=len(job.todo) >= FORK_AT_LEAST)
    app._newsletter_feed_job = job  # type: ignore[attr-defined]


#: Feeds to render from which a child renders them beside the other outputs (an edit: a handful, inline).
FORK_AT_LEAST = 32


@dataclass(slots=True, kw_only=True)
class FeedJob:
    """One build's feeds: each one's stamp, those to (re)write, and the child writing them."""

    site: Site
    language: str
    stamp: str
    stamps: dict[str, str] = field(default_factory=dict)
    todo: list[FeedSpec] = field(default_factory=list)
    #: Gives the number of feeds written, once they are (see :func:`..core.background.beside`).
    written: Callable[[], int] | None = None

    def write_all(self) -> int:
        """Render and write every feed of :attr:`todo` (each file whole: an atomic write). No logging here."""
        bodies: dict[str, str] = {}
        for spec in self.todo:
            write_if_changed(self.site.outdir / spec.path, render_feed(self.site, spec, self.language, bodies))
        return len(self.todo)


def feeds_written(app: Sphinx, exception: BaseException | None) -> None:
    """After the other outputs: wait for the feeds (written here if the child died); forget the stale ones."""
    job: FeedJob | None = getattr(app, "_newsletter_feed_job", None)
    if job is None:
        return
    app._newsletter_feed_job = None  # type: ignore[attr-defined]
    if job.written is not None:
        job.written()
    _delete_stale(job.site, set(job.stamps))
    remember_outputs(app, "feeds", job.stamp, list(job.stamps), job.stamps)


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
        FeedSpec(site.layout.rss, project, home, latest, atom=False),
        FeedSpec(site.layout.atom, project, home, latest),
    ]
    archive = site.archive
    for edition in archive.editions.values():
        posts = tuple(filter(in_feeds, (archive.posts[k] for k in reversed(edition.posts))))
        title = f"{project} · " + _("Edition #%s") % edition.number
        specs.append(
            FeedSpec(
                site.layout.edition_feed(edition.number),
                title,
                site.url(site.layout.edition_docname(edition.number)),
                posts,
            )
        )
    for author in archive.authors.values():
        posts = tuple(filter(in_feeds, (archive.posts[k] for k in author.posts)))[:length]
        specs.append(
            FeedSpec(
                site.layout.author_feed(author.key),
                f"{project} · {author.name}",
                site.url(site.layout.author_docname(author.key)),
                posts,
            )
        )
    return specs


def render_feed(site: Site, spec: FeedSpec, language: str, bodies: dict[str, str]) -> bytes:
    """The XML of one feed; *bodies* (post key -> entry HTML) is shared between the feeds of a build."""
    feed = make_feed(
        site,
        list(spec.posts),
        title=spec.title,
        path=spec.path,
        page=spec.page,
        language=language,
        atom=spec.atom,
        bodies=bodies,
    )
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
    author_url = site.url(site.layout.author_docname(author.key)) if author else None
    return fingerprint(post, site.post_url(post), site.image_url(post.image), _image(site, post), author, author_url)


def _delete_stale(site: Site, wanted: set[str]) -> None:
    """Feeds of editions or authors that are gone (a post was unpublished)."""
    folder = site.outdir / site.layout.feeds
    if not folder.is_dir():
        return
    for path in folder.rglob("*.xml"):
        if path.relative_to(site.outdir).as_posix() not in wanted:
            path.unlink()


def setup(app: Sphinx) -> None:
    app.connect("build-finished", build_finished)
    app.connect("build-finished", feeds_written, priority=FEEDS_WRITTEN)
