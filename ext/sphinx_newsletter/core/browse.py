"""Ways to browse the archive besides editions: months, categories, reading time (no Sphinx import).

Everything here is derived from published posts only (the :class:`Archive`
never holds drafts), so month and category pages can't leak a draft.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .body import word_count
from .model import RESERVED_KEYS, Archive, Post, once_per_archive, slugify

#: Words a reader reads in a minute (Portuguese prose, a common estimate).
WORDS_PER_MINUTE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    year: int
    month: int
    posts: tuple[str, ...]  # oldest first

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
    """The post's month, in the post's own timezone (what its date line shows)."""
    return post.date.year, post.date.month


@once_per_archive
def months(archive: Archive) -> dict[str, Month]:
    """Months with at least one published post, newest first."""
    groups: dict[tuple[int, int], list[Post]] = defaultdict(list)
    for post in archive.posts.values():
        groups[post_month(post)].append(post)
    result = {}
    for (year, month), posts in sorted(groups.items(), reverse=True):
        posts.sort(key=lambda p: (p.date, p.source))
        found = Month(year=year, month=month, posts=tuple(p.key for p in posts))
        result[found.key] = found
    return result


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
