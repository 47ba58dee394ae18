"""Old URLs and who owns each: one rule for the build and ``newsletter check`` (no Sphinx import).

The old Jekyll site served a post at ``/:title/`` (its file name without the
date, case kept), editions at ``/edicaoN/``, month pages at ``/marco2022/``
(an edition under the month of the edition's date), search at ``/busca/``,
its home page's pagination at ``/page2/`` ... (six posts a page, newest
first: :func:`old_pages`) and its theme's ``/about/`` and ``/contact/``; a
post may declare more old URLs of its own with ``redirect_from``. Each old URL is a folder at the site's root that
:mod:`sphinx_newsletter.outputs.redirects` fills with a redirect page, so an old URL
must belong to exactly one page, and never to a name the site itself serves.

:func:`read_old_urls` turns the values a post wrote into old-URL paths
(``Old-Slug/``) or refuses each with a reason, and caps how many a post may
declare. :func:`plan_old_urls` decides, for the whole archive, who owns each
old URL, in this order: names the site serves (Sphinx's pages and folders,
the extension's outputs, the output folder, the source folder's own pages),
the site's legacy URLs (editions, months, search, pagination, about, contact), each post's own old URL
(oldest post first), then ``redirect_from`` entries (oldest post first).
Every claim that loses is an error naming both sides, and is dropped.
Names are compared as a case-insensitive file system and a host compare
them: Unicode NFC, case-folded, a trailing ``.html`` ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .browse import month_key, page_months
from .model import RESERVED_KEYS, Claim, Post, Problem, slugify

if TYPE_CHECKING:
    from .settings import Settings

#: The old site's month pages: ``marco2022``.
MONTH_SLUGS = (
    "janeiro",
    "fevereiro",
    "marco",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)
SEARCH_SLUG = "busca"
#: The old home page's pagination (jekyll-paginate's ``paginate: 6``, ``/pageN/``).
POSTS_PER_PAGE = 6
#: The old theme's own pages -> the source pages that take their place, the first
#: that exists (``sobre.md``...); the home page when none does.
THEME_PAGES: dict[str, tuple[str, ...]] = {
    "about": ("sobre", "about"),
    "contact": ("contato", "contact", "sobre", "about"),
}

#: What Sphinx, its HTML builders and sphinx-notfound-page write at the root of
#: the output folder (``tests/test_redirects.py`` checks a build against it).
#: This extension's own files and folders (:meth:`.Layout.root_names`) and the
#: source folder's top-level pages are added from the settings.
SITE_ROOT_NAMES = frozenset(
    {
        "index",
        "search",
        "genindex",
        "py-modindex",
        "404",
        "searchindex.js",
        "objects.inv",
        "_static",
        "_images",
        "_sources",
        "_downloads",
        "_modules",
        ".buildinfo",
        ".doctrees",
        ".nojekyll",
        "robots.txt",
        "favicon.ico",
    }
)

#: The longest old-URL segment, in UTF-8 bytes (file systems stop at 255).
MAX_SEGMENT_BYTES = 200
#: One path segment: letters, digits, ``.``, ``~``, ``-``, ``_``; not hidden (``.``/``_`` first).
_SEGMENT = re.compile(r"(?![._])[\w.~-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def parse_old_url(value: str) -> tuple[str | None, str]:
    """``/Old-Slug/`` (or ``Old-Slug``, ``/Old-Slug/index.html``) -> ``Old-Slug/``, or ``None`` and why.

    Percent-escapes are decoded first, so ``%2e%2e`` is judged as ``..``.
    """
    text = value.strip()
    if "://" in text or text.startswith("//"):
        return None, "is an address with a host, not a path of this site like /Old-Slug/"
    if any(ch in text for ch in "?#\\"):
        return None, "has a query, a fragment or a backslash"
    try:
        text = unquote(text, errors="strict")
    except UnicodeDecodeError:
        return None, "has percent-escapes that are not UTF-8"
    if _CONTROL.search(text) or "\\" in text:
        return None, "has control characters or a backslash"
    segments = text.strip("/").split("/") if text.strip("/") else []
    if segments and segments[-1].lower() in ("index.html", "index.htm"):
        segments.pop()
    if not segments:
        return None, "is the site's home page"
    if len(segments) != 1:
        return None, "is not a one-segment path like /Old-Slug/"
    segment = unicodedata.normalize("NFC", segments[0])
    if not _SEGMENT.fullmatch(segment):
        return (
            None,
            "is not a one-segment path like /Old-Slug/ (letters, digits, '.', '~', '-', '_'; no dot or '_' first)",
        )
    if len(segment.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES:
        return None, f"is longer than {MAX_SEGMENT_BYTES} bytes"
    return segment + "/", ""


def url_key(old: str) -> str:
    """What two old URLs are compared by: ``Foo/``, ``foo``, ``FOO.html`` are one URL."""
    key = unicodedata.normalize("NFC", old.strip("/")).casefold()
    for suffix in (".html", ".htm"):
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def read_old_urls(values: Iterable[str], limit: int) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """A post's ``redirect_from`` values -> old-URL paths, and ``(code, message)`` for each refused one.

    Only the first *limit* values are looked at (one message for the rest);
    a value repeated in the same list is kept once.
    """
    values = list(values)
    problems: list[tuple[str, str]] = []
    if len(values) > limit:
        problems.append(
            (
                "redirect-cap",
                f"{len(values)} old URLs in redirect_from; only the first {limit} are "
                f"redirected (newsletter_max_redirects_per_post)",
            )
        )
    urls: dict[str, str] = {}
    for value in values[:limit]:
        old, why = parse_old_url(value)
        if old is None:
            problems.append(("redirect-refused", f"old URL {value[:80]!r} {why}; no redirect"))
        else:
            urls.setdefault(url_key(old), old)
    return tuple(urls.values()), problems


def site_names(settings: Settings) -> dict[str, str]:
    """Key -> name of every first URL segment the site serves itself."""
    names = (*SITE_ROOT_NAMES, *settings.layout.root_names(), *settings.site_names)
    return {url_key(name): name for name in names}


def plan_old_urls(
    posts: Iterable[Post], settings: Settings, drafts: Iterable[Post] = ()
) -> tuple[dict[str, Claim], list[Problem]]:
    """Who owns each old URL (key -> :class:`Claim`), and an error for every claim that lost.

    A draft's file-name URL (and its ``redirect_from``) stays the draft's: no
    redirect is written for it, and no published post may take it (with it,
    the old site's comment thread of a post not yet published).
    """
    posts = sorted(posts, key=lambda p: (p.date, p.source))
    plan = _Plan(settings, site_names(settings))
    for draft in drafts:
        for old in (draft.slug, *draft.redirect_from):
            parsed, _why = parse_old_url(old)
            if parsed is not None:
                plan.held.setdefault(url_key(parsed), draft.source)
    layout = settings.layout
    for number in sorted({p.edition.number for p in posts if p.edition}):
        plan.site(f"edicao{number}/", layout.edition_docname(number), f"edition {number}")
    for year, month in sorted(page_months(posts)):
        key = month_key(year, month)
        plan.site(f"{MONTH_SLUGS[month - 1]}{year}/", layout.month_docname(key), f"the month {year}-{month:02d}")
    plan.site(f"{SEARCH_SLUG}/", "search", "the search page")
    for number, first in old_pages(posts).items():
        target = layout.edition_docname(first.edition.number) if first.edition else layout.post_docname(first.key)
        plan.site(f"page{number}/", target, f"the old home page's page {number}")
    for old, candidates in THEME_PAGES.items():
        plan.site(f"{old}/", theme_page(candidates, settings), f"the old theme's /{old}/ page")
    for post in posts:
        plan.own_slug(post)
    for post in posts:
        for old in post.redirect_from:
            plan.declared(post, old)
    return plan.claims, plan.problems


def old_pages(posts: Iterable[Post], per_page: int = POSTS_PER_PAGE) -> dict[int, Post]:
    """The old home page's pages 2..N -> the newest post each one listed.

    jekyll-paginate listed the published posts newest first, *per_page* a
    page, the first page at ``/`` and page N at ``/pageN/``. Computed from the
    archive as it is now: an old link to ``/page5/`` lands on the edition of
    the post that page 5 starts with today, near what it listed then.
    """
    ordered = sorted(posts, key=lambda p: (p.date, p.source), reverse=True)
    return {n: ordered[(n - 1) * per_page] for n in range(2, -(-len(ordered) // per_page) + 1)}


def theme_page(candidates: Iterable[str], settings: Settings) -> str:
    """The first of *candidates* that is a page of the source folder, or the home page."""
    names = set(settings.site_names)
    return next((name for name in candidates if name in names), "index")


def check_old_urls(
    posts: list[Post], settings: Settings, drafts: Iterable[Post] = ()
) -> tuple[list[Post], list[Problem]]:
    """*posts* with every ``redirect_from`` entry that lost its claim removed, and the errors."""
    claims, problems = plan_old_urls(posts, settings, drafts)
    return keep_claimed(posts, claims), problems


def keep_claimed(posts: list[Post], claims: dict[str, Claim]) -> list[Post]:
    """*posts* with only the ``redirect_from`` entries they own in *claims*."""
    kept: dict[str, list[str]] = {}
    for claim in claims.values():
        kept.setdefault(claim.source, []).append(claim.old)
    result = []
    for post in posts:
        mine = tuple(old for old in post.redirect_from if old in kept.get(post.source, ()))
        result.append(post if mine == post.redirect_from else replace(post, redirect_from=mine))
    return result


@dataclass(slots=True)
class _Plan:
    settings: Settings
    reserved: dict[str, str]
    claims: dict[str, Claim] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: Key -> the file-name slug that owns it.
    slugs: dict[str, str] = field(default_factory=dict)
    #: Key -> the draft that keeps it (its source).
    held: dict[str, str] = field(default_factory=dict)

    def site(self, old: str, target: str, owner: str) -> None:
        key = url_key(old)
        if key not in self.reserved:  # a maintainer's own page of that name wins
            self.claims.setdefault(key, Claim(old=old, target=target, owner=owner))

    def own_slug(self, post: Post) -> None:
        old, why = parse_old_url(post.slug)
        where = f"{post.source}:1"
        if old is None:
            self._problem(
                post,
                1,
                "redirect-refused",
                "warning",
                f"the file name gives the old URL /{post.slug[:80]}/, which {why}; no redirect from it",
            )
            return
        key = url_key(old)
        if slugify(post.slug) in RESERVED_KEYS and key in self.reserved:
            return  # assign_keys already said the file name is reserved
        if self._refused(post, 1, old, key, "its file name"):
            return
        self.slugs[key] = post.slug
        self.claims[key] = Claim(old=old, target=self._target(post), owner=where, source=post.source)

    def declared(self, post: Post, old: str) -> None:
        key = url_key(old)
        line = post.line_of("redirect_from")
        if key in self.claims and self.claims[key].source == post.source:
            return  # its own file name's old URL, written again
        if not self._refused(post, line, old, key, "redirect_from"):
            self.claims[key] = Claim(
                old=old, target=self._target(post), owner=f"{post.source}:{line}", source=post.source
            )

    def _refused(self, post: Post, line: int, old: str, key: str, how: str) -> bool:
        if key in self.reserved:
            self._problem(
                post,
                line,
                "redirect-reserved",
                "error",
                f"old URL /{old} ({how}) is {self.reserved[key]!r}, a page or folder this site "
                "serves itself; no redirect",
            )
            return True
        if key in self.held:
            self._problem(
                post,
                line,
                "redirect-taken",
                "error",
                f"old URL /{old} ({how}) belongs to the draft {self.held[key]}, which keeps it until it is "
                "published; no redirect from it to this post",
            )
            return True
        other = self.claims.get(key)
        if other is None:
            return False
        if other.source and how == "its file name" and slugify(self.slugs.get(key, "")) == slugify(post.slug):
            return True  # the same page name: assign_keys already named both files
        self._problem(
            post,
            line,
            "redirect-taken",
            "error",
            f"old URL /{old} ({how}) already belongs to {other.owner} (/{other.old}); no redirect from it to this post",
        )
        return True

    def _target(self, post: Post) -> str:
        return self.settings.layout.post_docname(post.key)

    def _problem(self, post: Post, line: int, code: str, severity: str, message: str) -> None:
        self.problems.append(Problem(path=post.source, line=line, code=code, message=message, severity=severity))  # type: ignore[arg-type]
