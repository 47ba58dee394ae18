"""What each generated page shows of the archive, as a fingerprint (no Sphinx import).

A page is re-read when its fingerprint changes, so listings, cards and links
never go stale on incremental builds (:meth:`.domain.NewsletterDomain.outdated`).
"""

from __future__ import annotations

from . import browse
from .model import Archive, Post, fingerprint


def _card(archive: Archive, key: str, *, excerpt: bool = False) -> tuple[object, ...]:
    post = archive.posts.get(key)
    if post is None:
        return (key,)
    author = archive.author_of(post)
    return (
        key,
        post.title,
        post.date,
        post.headline,
        post.image,
        post.highlight_title,
        post.highlight_url,
        author.key if author else "",
        author.name if author else "",
        post.author_name,
        post.excerpt if excerpt else "",
    )


def _edition_summary(archive: Archive, number: int, *, excerpt: bool = False) -> tuple[object, ...]:
    edition = archive.editions.get(number)
    if edition is None:
        return (number,)
    return (number, edition.date, tuple(_card(archive, k, excerpt=excerpt) for k in edition.posts))


def dependency_fingerprint(archive: Archive, kind: str, argument: str) -> str:
    """What a page of *kind* for *argument* shows of the archive, hashed.

    A page is re-read when this changes, so listings, cards and links never go
    stale on incremental builds.
    """
    return fingerprint(kind, argument, _dependency(archive, kind, argument))


def _dependency(archive: Archive, kind: str, argument: str) -> object:
    if kind == "post":
        post = archive.posts.get(argument)
        if post is None:
            return None
        author = archive.author_of(post)
        edition = archive.edition_of(post)
        siblings = [k for k in browse.older_newer(archive, "post", post.key) if k]
        return (
            dataclass_values(post),
            author and (author.key, author.name, author.url, author.registered, author.bio, author.avatar),
            edition and (edition.number, edition.date),
            tuple(_card(archive, k)[:2] for k in siblings),
        )
    if kind == "edition":
        number = int(argument) if argument.isdigit() else -1
        around = archive.neighbours(number) if number in archive.editions else (None, None)
        return (_edition_summary(archive, number, excerpt=True), tuple(e and (e.number, e.date) for e in around))
    if kind == "author":
        author = archive.authors.get(argument)
        if author is None:
            return None
        return (
            author.name,
            author.url,
            author.bio,
            author.avatar,
            tuple(_card(archive, k) for k in author.posts),
            tuple(archive.posts[k].edition for k in author.posts),
        )
    if kind == "latest":
        latest = archive.latest_edition()
        return latest and _edition_summary(archive, latest.number, excerpt=True)
    if kind == "year":
        year = int(argument) if argument.isdigit() else -1
        return (
            tuple(_edition_summary(archive, e.number) for e in archive.years().get(year, [])),
            browse.older_newer(archive, "year", argument),
        )
    if kind == "archive":
        return tuple(
            (y, tuple((e.number, e.date, len(e.posts)) for e in eds)) for y, eds in archive.years().items()
        ), len(archive.loose)
    if kind == "editions":
        return tuple((e.number, e.date, len(e.posts)) for e in archive.editions.values())
    if kind == "posts":
        return tuple((*_card(archive, k)[:3], archive.posts[k].edition) for k in browse.timeline(archive))
    if kind == "authors":
        return tuple((a.key, a.name, len(a.posts)) for a in archive.authors.values())
    if kind == "loose":
        return tuple(_card(archive, k) for k in archive.loose)
    if kind in _BROWSE_KINDS:
        return _browse_dependency(archive, kind, argument)
    return None


_BROWSE_KINDS = frozenset({"month", "months", "category", "categories", "previous"})


def _browse_dependency(archive: Archive, kind: str, argument: str) -> object:
    """Month, category and home-page listings (see :mod:`sphinx_newsletter.core.browse`)."""

    if kind == "month":
        month = browse.months(archive).get(argument)
        return month and (
            tuple(_edition_summary(archive, n) for n in month.editions),
            tuple((*_card(archive, k), archive.posts[k].edition) for k in (*month.loose, *month.elsewhere)),
            browse.older_newer(archive, "month", argument),
        )
    if kind == "months":
        year = int(argument) if argument.isdigit() else None
        return tuple((m.key, len(m.posts)) for m in browse.months_of_year(archive, year))
    if kind == "category":
        category = browse.categories(archive).get(argument)
        return category and (
            category.name,
            tuple((*_card(archive, k), archive.posts[k].edition) for k in category.posts),
        )
    if kind == "categories":
        return tuple((c.key, c.name, len(c.posts)) for c in browse.categories(archive).values())
    count = int(argument) if argument.isdigit() else 0
    return tuple(_edition_summary(archive, n) for n in browse.previous_editions(archive, count))


def dataclass_values(post: Post) -> tuple[object, ...]:
    """A post's fields except the body (the page's own text covers the body) and its path.

    The path is relative to the working folder, for messages; pages show only
    the file's name, which the generated page itself holds. With it, a build
    started from another folder re-read every post.
    """
    return tuple(getattr(post, f) for f in post.__dataclass_fields__ if f not in ("body", "lines", "source"))
