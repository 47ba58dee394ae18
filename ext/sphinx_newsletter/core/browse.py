"""Ways to browse the archive besides editions: months, categories, reading time (no Sphinx import).

Everything here is derived from published posts only (the :class:`Archive`
never holds drafts), so month and category pages can't leak a draft.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .body import word_count
from .model import RESERVED_KEYS, Archive, Post, edition_dates, once_per_archive, slugify

#: Words a reader reads in a minute (Portuguese prose, a common estimate).
WORDS_PER_MINUTE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    """A month page: what the old site's ``/dezembro2022/`` listed, and the month's other posts.

    The old site filed an edition under the month of its date, whatever the
    dates of its posts (``/dezembro2022/`` listed editions #39 and #40, whose
    posts are dated in November). So does this page; a post whose own date
    falls in another month is listed there too, under :attr:`elsewhere`.
    """

    year: int
    month: int
    #: Numbers of the editions dated in the month, newest first.
    editions: tuple[int, ...] = ()
    #: Every post the page lists under its editions (each in the edition's order), then its loose posts.
    posts: tuple[str, ...] = ()
    #: Posts in no edition, dated in the month, newest first.
    loose: tuple[str, ...] = ()
    #: Posts dated in the month whose edition is filed under another month, newest first.
    elsewhere: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """``2022-03``: the month's key in URLs, dependencies and the domain."""
        return month_key(self.year, self.month)


def month_key(year: int, month: int) -> str:
    """``2022-03``: the key of a month (:attr:`Month.key`)."""
    return f"{year:04d}-{month:02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    key: str
    name: str
    posts: tuple[str, ...]  # newest first


def post_month(post: Post) -> tuple[int, int]:
    """The post's own month, in the post's own timezone (what its date line shows)."""
    return post.date.year, post.date.month


def page_months(posts: Iterable[Post]) -> set[tuple[int, int]]:
    """``(year, month)`` of every month page: the months of editions' dates and of posts' own dates.

    From posts alone (old URLs are planned before the archive is built); the
    same set as :func:`months` gives for an archive of these posts.
    """
    posts = list(posts)
    found = {post_month(p) for p in posts}
    return found | {(d.year, d.month) for d in edition_dates(posts).values()}


@once_per_archive
def months(archive: Archive) -> dict[str, Month]:
    """Month pages, newest first: editions by their date, loose posts by theirs (see :class:`Month`)."""
    editions: dict[tuple[int, int], list[int]] = defaultdict(list)
    for edition in archive.editions_newest_first():
        editions[edition.date.year, edition.date.month].append(edition.number)
    loose: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key in archive.loose:  # newest first
        loose[post_month(archive.posts[key])].append(key)
    elsewhere: dict[tuple[int, int], list[Post]] = defaultdict(list)
    for post in archive.posts.values():
        filed = archive.edition_of(post)
        if filed is not None and (filed.date.year, filed.date.month) != post_month(post):
            elsewhere[post_month(post)].append(post)
    result = {}
    for year, month in sorted({*editions, *loose, *elsewhere}, reverse=True):
        numbers = editions.get((year, month), [])
        listed = [key for n in numbers for key in archive.editions[n].posts]
        others = sorted(elsewhere.get((year, month), []), key=_newest_first)
        found = Month(
            year=year,
            month=month,
            editions=tuple(numbers),
            posts=(*listed, *loose.get((year, month), ())),
            loose=tuple(loose.get((year, month), ())),
            elsewhere=tuple(p.key for p in others),
        )
        result[found.key] = found
    return result


def _newest_first(post: Post) -> tuple[float, str]:
    return -post.date.timestamp(), post.source


def months_of_year(archive: Archive, year: int | None = None) -> list[Month]:
    """The months of *year* (every month when ``None``), newest first."""
    return [m for m in months(archive).values() if year is None or m.year == year]


@once_per_archive
def categories(archive: Archive) -> dict[str, Category]:
    """Categories and tags of published posts, by slug; spellings of one slug are one category."""
    groups: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for post in archive.posts.values():
        for name in dict.fromkeys(post.categories):
            key = category_key(name)
            if key:
                groups[key].append(post)
                names[key][name] += 1
    result = {}
    for key in sorted(groups):
        posts = sorted(groups[key], key=lambda p: (p.date, p.source), reverse=True)
        counts = names[key]
        # The most common spelling; on a tie, a capitalised one (a title, not a slug).
        name = max(counts, key=lambda n: (counts[n], n[:1].isupper(), n))
        result[key] = Category(key=key, name=name, posts=tuple(p.key for p in posts))
    return result


def category_key(name: str) -> str:
    """The category's page name; never one of Sphinx's or the folder's own (``index``)."""
    key = slugify(name)
    return f"{key}-2" if key in RESERVED_KEYS else key


def reading_minutes(post: Post, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes to read the post's body (code blocks are not read), at least 1."""
    return max(1, round(word_count(post.body) / max(1, words_per_minute)))


def previous_editions(archive: Archive, count: int) -> list[int]:
    """Numbers of the *count* editions before the latest one, newest first."""
    numbers = sorted(archive.editions, reverse=True)
    return numbers[1 : 1 + max(0, count)]


# --- one direction: older and newer ------------------------------------------------


@once_per_archive
def timeline(archive: Archive) -> tuple[str, ...]:
    """Every post, oldest first, as the "older/newer" links walk them.

    Posts of an edition stay together in the edition's order, at the
    edition's date; a post in no edition sits at its own date.
    """

    def place(post: Post) -> tuple:
        edition = archive.edition_of(post)
        if edition is None:
            return (post.date.date(), 0, 0, post.date.timestamp(), post.source)
        return (edition.date, 1, edition.number, edition.posts.index(post.key), post.source)

    return tuple(p.key for p in sorted(archive.posts.values(), key=place))


@once_per_archive
def _timeline_index(archive: Archive) -> dict[str, int]:
    return {key: i for i, key in enumerate(timeline(archive))}


def older_newer(archive: Archive, kind: str, key: str) -> tuple[str | None, str | None]:
    """The keys of the page of kind *kind* just older and just newer than *key* (``None`` at the ends).

    One direction for every "previous/next" of the site: older is before,
    newer after. Kinds: ``post`` (the :func:`timeline`), ``edition`` (by
    number), ``month`` (``2022-03``), ``year``. Anything else has neither.
    """
    if kind == "post":
        order: list[str] | tuple[str, ...] = timeline(archive)
        i = _timeline_index(archive).get(key)
    else:
        if kind == "edition":
            order = [str(n) for n in sorted(archive.editions)]
        elif kind == "month":
            order = sorted(months(archive))
        elif kind == "year":
            order = [str(y) for y in sorted(archive.years())]
        else:
            return None, None
        i = order.index(key) if key in order else None
    if i is None:
        return None, None
    return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)
