"""An edition's email: its HTML (what mail clients render), its plain text, and the rules it keeps (no Sphinx import).

:func:`render_edition` turns one :class:`~.model.Edition` of the archive into
an :class:`EditionEmail`. The HTML comes from ``templates/email.html``
rendered by Jinja2 with autoescaping on (every post value is text, escaped
for HTML and attributes), then its stylesheet is moved into ``style``
attributes by css-inline with remote stylesheets off: a single 600-pixel
table that shrinks to the screen, no script, no stylesheet or font to fetch.

Addresses follow the site's URL rules: the commented article and the
commentator's profile only when :func:`.urls.clean_url` keeps them unchanged
(http or https, a real host); the post pages, the edition page and every
image only when they are under the site's address (``html_baseurl``), as
:class:`EmailLinks` gives them. An image without such an address is left
out, and the caller is told (:attr:`EditionEmail.notes`).

:func:`email_problems` is the rule check run on every email before it is
written or sent: no script, no external stylesheet, every image absolute
under the site with alt text, links http(s) or mailto, under Gmail's clipping
size.
"""

from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from .dates import long_date
from .mail import render_subject
from .urls import clean_url

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .model import Archive, Edition, Post

PACKAGE = Path(__file__).resolve().parents[1]
#: Gmail clips a message whose HTML is larger than this (102 KB).
MAX_HTML_BYTES = 102 * 1024
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailLinks:
    """Where the archive's pages and images are, as absolute URLs under :attr:`base`."""

    #: The site's address, ending in ``/`` (``html_baseurl``).
    base: str
    site_name: str
    #: Sphinx's ``language`` (``pt_BR``, ``en``): labels and dates.
    language: str
    #: Post key -> its page's URL.
    posts: Mapping[str, str]
    #: Post key -> its image's URL (the copy the site serves).
    images: Mapping[str, str] = field(default_factory=dict)
    edition: str = ""
    unsubscribe: str = ""

    def on_site(self, url: str | None) -> str | None:
        """*url* when it is an http(s) address under :attr:`base` with nothing odd in it."""
        if not url or not self.base or not url.startswith(self.base) or _CONTROL.search(url):
            return None
        return url if url.startswith(("https://", "http://")) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionEmail:
    subject: str
    html: str
    text: str
    #: What was left out, for the command to say (``post x: image not on the site``).
    notes: tuple[str, ...] = ()


def outside_url(url: str | None) -> str | None:
    """*url* when the URL policy keeps it as it is (http/https, a real host), else ``None``."""
    if not url:
        return None
    cleaned = clean_url(url).url
    return cleaned if cleaned == url.strip() and not _CONTROL.search(cleaned) else None


@functools.cache
def translator(language: str) -> gettext.NullTranslations:
    """The labels' catalogue for *language* (the one the site uses), English when there is none."""
    return gettext.translation(
        "sphinx_newsletter", localedir=PACKAGE / "locale", languages=[language or "en"], fallback=True
    )


def render_edition(archive: Archive, edition: Edition, links: EmailLinks, subject_template: str) -> EditionEmail:
    """The email of *edition*: subject, HTML with its CSS inlined, plain text."""
    import css_inline
    import jinja2

    _ = translator(links.language).gettext
    date = long_date(edition.date, links.language)
    posts = [archive.posts[key] for key in edition.posts]
    notes: list[str] = []
    cards = [_card(post, links, _, notes) for post in posts]
    edition_title = _("Edition #%(number)s · %(date)s") % {"number": edition.number, "date": date}
    subject = render_subject(
        subject_template,
        site=links.site_name,
        edition=_("Edition #%s") % edition.number,
        number=str(edition.number),
        date=date,
        title=posts[0].title if posts else "",
    )
    labels = {
        "online": _("View this edition in the archive"),
        "article": _("Commented article:"),
        "more": _("Read the whole comment"),
        "why": _("You receive this email because you subscribed to %s.") % links.site_name,
        "unsubscribe": _("Unsubscribe"),
    }
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    html = env.get_template("email.html").render(
        lang=links.language.replace("_", "-") or "en",
        subject=subject,
        site=links.site_name,
        edition_title=edition_title,
        edition_url=links.on_site(links.edition),
        posts=cards,
        labels=labels,
        unsubscribe=_unsubscribe_link(links.unsubscribe),
    )
    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    html = inliner.inline(html)
    text = _plain_text(edition_title, links, cards, labels)
    return EditionEmail(subject=subject, html=html, text=text, notes=tuple(notes))


def _card(post: Post, links: EmailLinks, _: Callable[[str], str], notes: list[str]) -> dict[str, str | None]:
    """What one post's card shows; every value is text (the template escapes it)."""
    url = links.on_site(links.posts.get(post.key))
    if url is None:
        raise ValueError(f"post {post.key!r} has no page under {links.base}")
    image = links.on_site(links.images.get(post.key))
    if post.image and not image:
        notes.append(f"{post.source}: image {post.image!r} is not on the site under {links.base}: left out")
    return {
        "url": url,
        "image": image,
        "alt": post.highlight_title or post.title,
        "title": post.title,
        "headline": post.headline if post.headline != post.title else "",
        "article_title": post.highlight_title or (outside_url(post.highlight_url) or ""),
        "article_url": outside_url(post.highlight_url),
        "article_author": post.highlight_author,
        "article_by": _("by %s") % post.highlight_author,
        "commented_by": _("Commented by %s") % post.author_name if post.author_name else "",
        "profile_url": outside_url(post.author_url),
        "excerpt": post.excerpt,
    }


def _unsubscribe_link(url: str) -> str | None:
    if url.startswith("mailto:") and not _CONTROL.search(url):
        return url
    return outside_url(url) if url.startswith("https://") else None


def _plain_text(title: str, links: EmailLinks, cards: list[dict[str, str | None]], labels: dict[str, str]) -> str:
    """The ``text/plain`` part: the same content, links written out."""
    lines = [links.site_name, title]
    if links.on_site(links.edition):
        lines.append(f"{labels['online']}: {links.edition}")
    for card in cards:
        lines += ["", "-" * 60, "", str(card["title"])]
        if card["headline"]:
            lines.append(str(card["headline"]))
        if card["article_title"]:
            article = f"{labels['article']} {card['article_title']}"
            if card["article_author"]:
                article += f" {card['article_by']}"
            lines.append(article + (f" <{card['article_url']}>" if card["article_url"] else ""))
        if card["commented_by"]:
            lines.append(str(card["commented_by"]))
        if card["excerpt"]:
            lines += ["", str(card["excerpt"])]
        lines += ["", f"{labels['more']}: {card['url']}"]
    lines += ["", "-" * 60, "", labels["why"]]
    unsubscribe = _unsubscribe_link(links.unsubscribe)
    if unsubscribe:
        lines.append(f"{labels['unsubscribe']}: {unsubscribe}")
    return "\n".join(lines) + "\n"


# --- the rules every email keeps ------------------------------------------------------------


#: Elements an email never has: they run, load or submit something.
_FORBIDDEN = frozenset({"script", "iframe", "object", "embed", "form", "link", "style", "base", "frame", "svg"})


class _Rules(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _FORBIDDEN or (tag == "meta" and "http-equiv" in values):
            self.problems.append(f"<{tag}> is not allowed in an email")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: event handlers are not allowed")
            if name == "style" and value and ("@import" in value or "url(" in value or "expression(" in value):
                self.problems.append(f"<{tag} style=...> loads or runs something: {value[:60]!r}")
        if tag == "img":
            src = values.get("src") or ""
            if not src.startswith(self.base) or not src.startswith(("https://", "http://")):
                self.problems.append(f"image {src[:80]!r} is not an absolute URL under {self.base}")
            if not (values.get("alt") or "").strip():
                self.problems.append(f"image {src[:80]!r} has no alt text")
        if tag == "a":
            href = values.get("href") or ""
            if not href.startswith(("https://", "http://", "mailto:")):
                self.problems.append(f"link {href[:80]!r} is not http(s) or mailto")


def email_problems(html: str, base: str) -> list[str]:
    """What breaks the email rules in *html* ('' list when none)."""
    rules = _Rules(base)
    rules.feed(html)
    rules.close()
    size = len(html.encode("utf-8"))
    if size > MAX_HTML_BYTES:
        rules.problems.append(f"the HTML is {size} bytes: Gmail clips a message over {MAX_HTML_BYTES}")
    return rules.problems
