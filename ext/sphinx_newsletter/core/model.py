"""The archive's model: posts, editions, authors (no Sphinx import).

A :class:`Post` is what one file says, already cleaned by
:mod:`sphinx_newsletter.core.frontmatter`. :func:`build_archive` groups posts into
editions and authors and checks what only the whole archive can tell (edition
dates that disagree, editions out of order, slug collisions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

from .dates import FIRST_YEAR, LAST_YEAR
from .urls import profile_key

T = TypeVar("T")

Severity = Literal["error", "warning"]

#: Names a generated page may not take: Sphinx's own pages and folders.
RESERVED_KEYS = frozenset({"index", "search", "genindex", "py-modindex", "404"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Something wrong with a post, located at a file, line and column."""

    path: str
    line: int
    code: str
    message: str
    column: int = 1
    severity: Severity = "warning"

    @property
    def location(self) -> str:
        """``path:line``, the form Sphinx prints before ``WARNING:``."""
        return f"{self.path}:{self.line}"


def recorder(problems: list[Problem], path: str) -> Callable[..., None]:
    """``problem(line, code, message, *, error=False, column=1)`` appending to *problems* for the file *path*."""

    def problem(line: int, code: str, message: str, *, error: bool = False, column: int = 1) -> None:
        severity: Severity = "error" if error else "warning"
        problems.append(Problem(path=path, line=line, column=column, code=code, message=message, severity=severity))

    return problem


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionTag:
    number: int
    date: dt.date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """One post, as the archive shows it. Every text field is plain text."""

    source: str
    slug: str
    key: str
    title: str
    date: dt.datetime
    published: bool = True
    edition: EditionTag | None = None
    headline: str = ""
    highlight_title: str = ""
    highlight_url: str | None = None
    highlight_author: str = ""
    image: str | None = None
    author_name: str = ""
    author_url: str | None = None
    categories: tuple[str, ...] = ()
    #: Old URL paths of this post (jekyll-redirect-from's ``redirect_from``), e.g. ``Old-Slug/``.
    redirect_from: tuple[str, ...] = ()
    #: ``comments: false`` switches reader comments off on this post's page.
    comments: bool = True
    excerpt: str = ""
    body: str = ""
    body_line: int = 1
    #: Front-matter key -> line, for messages about this post.
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    def problem(self, key: str, code: str, message: str) -> Problem:
        """A warning about this post, located at the line of its front-matter *key*."""
        return Problem(path=self.source, line=self.line_of(key), code=code, message=message)


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    number: int
    date: dt.date
    posts: tuple[str, ...]

    @property
    def key(self) -> str:
        return str(self.number)


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    key: str
    name: str
    url: str | None
    posts: tuple[str, ...]  # newest first
    variants: tuple[str, ...] = ()
    #: From the authors registry (:mod:`sphinx_newsletter.core.registry`), when registered.
    registered: bool = False
    bio: str = ""
    avatar: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """One old URL and the page it leads to."""

    old: str
    #: Docname of the page the old URL leads to.
    target: str
    #: Who owns it, for messages: ``posts/x.md:3`` or ``edition 3``.
    owner: str
    #: The post file that claimed it ("" for the site's own old URLs).
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Archive:
    posts: dict[str, Post]
    editions: dict[int, Edition]
    authors: dict[str, Author]
    #: Published posts without an edition, newest first.
    loose: tuple[str, ...] = ()
    #: A post's :func:`author_key` -> the key of its :class:`Author`.
    author_index: dict[str, str] = field(default_factory=dict)
    #: Old URL key -> who owns it, planned once by the loader with the drafts
    #: (:func:`.oldurls.plan_old_urls`): the redirects and the comment threads follow it.
    old_urls: dict[str, Claim] = field(default_factory=dict)

    def edition_of(self, post: Post) -> Edition | None:
        return self.editions.get(post.edition.number) if post.edition else None

    def author_of(self, post: Post) -> Author | None:
        key = self.author_index.get(author_key(post)) if post.author_name else None
        return self.authors.get(key) if key else None

    def posts_newest_first(self) -> list[Post]:
        """Every post, newest first (ties by source file, so every output orders them alike)."""
        return sorted(self.posts.values(), key=lambda p: (p.date, p.source), reverse=True)

    def editions_newest_first(self) -> list[Edition]:
        return sorted(self.editions.values(), key=lambda e: e.number, reverse=True)

    def latest_edition(self) -> Edition | None:
        return max(self.editions.values(), key=lambda e: e.number, default=None)

    def neighbours(self, number: int) -> tuple[Edition | None, Edition | None]:
        """The editions before and after edition *number*."""
        numbers, index = _edition_order(self)
        i = index[number]
        prev = self.editions[numbers[i - 1]] if i > 0 else None
        nxt = self.editions[numbers[i + 1]] if i + 1 < len(numbers) else None
        return prev, nxt

    def years(self) -> dict[int, list[Edition]]:
        """Editions grouped by year, newest year and newest edition first."""
        years: dict[int, list[Edition]] = defaultdict(list)
        for edition in self.editions_newest_first():
            years[edition.date.year].append(edition)
        return dict(sorted(years.items(), reverse=True))


def once_per_archive(function: Callable[[Archive], T]) -> Callable[[Archive], T]:
    """Memoise *function* for the last archive it saw.

    Every edition, month and category page asks for the same ordering or
    grouping (directives and dependency fingerprints); computing it once per
    build keeps a 10,000-post archive from paying pages x posts.
    """
    last: list[Any] = [None, None]

    def wrapper(archive: Archive) -> T:
        if last[0] is not archive:  # the archive itself is kept, so its id can't be reused
            last[0], last[1] = archive, function(archive)
        return last[1]

    wrapper.__doc__ = function.__doc__
    return wrapper


@once_per_archive
def _edition_order(archive: Archive) -> tuple[list[int], dict[int, int]]:
    """Edition numbers in order, and each one's position."""
    numbers = sorted(archive.editions)
    return numbers, {number: i for i, number in enumerate(numbers)}


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated: the form used in page names and URLs."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


_FILE_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.*)$")


def split_file_name(stem: str) -> tuple[dt.date | None, str]:
    """Jekyll's rule: ``2022-11-06-my-post`` -> (date, ``my-post``)."""
    stem = unicodedata.normalize("NFC", stem)
    match = _FILE_DATE.match(stem)
    if not match:
        return None, stem
    try:
        date = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, stem
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        return None, stem
    return date, match[4]


def author_key(post: Post) -> str:
    """The identity of a post's commentator: the profile link, else the name."""
    if post.author_url:
        return "url:" + profile_key(post.author_url)
    return "name:" + slugify(post.author_name)


def fingerprint(*parts: object) -> str:
    """A short, stable hash of *parts*, to tell when a page's inputs changed."""
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


# --- grouping -------------------------------------------------------------------


def assign_keys(posts: Iterable[Post]) -> tuple[list[Post], list[Problem]]:
    """Give every post a unique page key; collisions and reserved names are errors.

    Keys are compared after Unicode normalisation and case folding (that is what
    :func:`slugify` does). Nothing is dropped: the second post of a collision is
    published under ``key-2``, and the error names every file involved.
    """
    groups: dict[str, list[Post]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: (p.date, p.source)):
        groups[post.key].append(post)
    result: list[Post] = []
    problems: list[Problem] = []
    taken = set(groups)
    for key, group in groups.items():
        if not key or key in RESERVED_KEYS:
            problems += [_reserved(post) for post in group]
        elif len(group) > 1:
            problems += _collision(key, group)
        for i, post in enumerate(group):
            new_key = key if (i == 0 and key and key not in RESERVED_KEYS) else ""
            if not new_key:
                new_key = _free_key(key or "post", taken)
                taken.add(new_key)
            result.append(post if new_key == post.key else _replace_key(post, new_key))
    return result, problems


def _free_key(key: str, taken: set[str]) -> str:
    n = 2
    while f"{key}-{n}" in taken:
        n += 1
    return f"{key}-{n}"


def _replace_key(post: Post, key: str) -> Post:
    return replace(post, key=key)


def _reserved(post: Post) -> Problem:
    return Problem(
        path=post.source,
        line=1,
        code="slug-reserved",
        severity="error",
        message=f"the file name gives the page name {post.key!r}, which is empty or reserved; rename the file",
    )


def _collision(key: str, group: list[Post]) -> list[Problem]:
    files = ", ".join(p.source for p in group)
    return [
        Problem(
            path=post.source,
            line=1,
            code="slug-collision",
            severity="error",
            message=f"posts {files} all have the slug {key!r}; rename all but one "
            f"(this one is published as {key if i == 0 else key + '-' + str(i + 1)!r})",
        )
        for i, post in enumerate(group)
    ]


def build_archive(
    posts: Iterable[Post], *, max_days: int = 7, registry: Registry | None = None
) -> tuple[Archive, list[Problem]]:
    """Group published posts into editions and authors; check edition dates.

    With a *registry*, commentators it knows get its name, links, bio and avatar.
    """
    by_key = {post.key: post for post in posts if post.published}
    problems: list[Problem] = []
    members: dict[int, list[Post]] = defaultdict(list)
    loose = []
    for post in by_key.values():
        if post.edition is None:
            loose.append(post)
        else:
            members[post.edition.number].append(post)
    editions = {}
    for number, group in members.items():
        group.sort(key=lambda p: (p.date, p.source))
        date, found = _edition_date(number, group)
        problems += found
        editions[number] = Edition(number=number, date=date, posts=tuple(p.key for p in group))
    blamed = _editions_out_of_order(editions)
    problems += [_order_problem(editions, n, by_key) for n in sorted(blamed)]
    problems += _check_post_dates(editions, by_key, max_days, blamed)
    loose.sort(key=lambda p: (p.date, p.source), reverse=True)
    authors, author_index, found = _group_authors(by_key.values(), registry)
    problems += found
    archive = Archive(
        posts=by_key,
        editions=dict(sorted(editions.items())),
        authors=authors,
        loose=tuple(p.key for p in loose),
        author_index=author_index,
    )
    return archive, problems


def edition_dates(posts: Iterable[Post]) -> dict[int, dt.date]:
    """Each edition's date, by the rule :func:`build_archive` applies (for code that runs before it)."""
    groups: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        if post.edition is not None:
            groups[post.edition.number].append(post)
    return {number: _edition_date(number, group)[0] for number, group in groups.items()}


def _edition_date(number: int, group: list[Post]) -> tuple[dt.date, list[Problem]]:
    """The date most of an edition's tags give; a warning for each tag that differs."""
    dates = Counter(p.edition.date for p in group if p.edition and p.edition.date)
    if not dates:
        return min(p.date.date() for p in group), []
    date = max(dates, key=lambda d: (dates[d], d))
    problems = [
        _edition_problem(
            post,
            "edition-date-mismatch",
            f"edition #{number} is dated {_fmt(post.edition.date)} here but {_fmt(date)} in its other posts",
        )
        for post in group
        if post.edition and post.edition.date and post.edition.date != date
    ]
    return date, problems


def _editions_out_of_order(editions: dict[int, Edition]) -> set[int]:
    """Edition numbers rise with dates; the fewest editions that break it."""
    ordered = [editions[n] for n in sorted(editions)]
    keep = _longest_rising(ordered)
    return {e.number for i, e in enumerate(ordered) if i not in keep}


def _order_problem(editions: dict[int, Edition], number: int, posts: dict[str, Post]) -> Problem:
    numbers = sorted(editions)
    i = numbers.index(number)
    around = [editions[n] for n in numbers[max(0, i - 1) : i + 2] if n != number]
    where = " and ".join(f"#{e.number} ({_fmt(e.date)})" for e in around)
    edition = editions[number]
    return _edition_problem(
        posts[edition.posts[0]],
        "edition-order",
        f"edition #{number} is dated {_fmt(edition.date)}, out of order with {where}",
    )


def _longest_rising(editions: list[Edition]) -> set[int]:
    """Indexes of a longest run of editions whose dates strictly rise."""
    best: list[int] = [1] * len(editions)
    back: list[int] = [-1] * len(editions)
    for i, edition in enumerate(editions):
        for j in range(max(0, i - 60), i):
            if editions[j].date < edition.date and best[j] + 1 > best[i]:
                best[i], back[i] = best[j] + 1, j
    i = max(range(len(editions)), key=lambda k: best[k], default=-1)
    keep = set()
    while i >= 0:
        keep.add(i)
        i = back[i]
    return keep


def _check_post_dates(
    editions: dict[int, Edition], posts: dict[str, Post], max_days: int, blamed: set[int]
) -> list[Problem]:
    """Posts far from their edition's date (not repeated for editions out of order)."""
    problems = []
    for edition in editions.values():
        if edition.number in blamed:
            continue
        for key in edition.posts:
            post = posts[key]
            days = abs((post.date.date() - edition.date).days)
            if days > max_days:
                problems.append(
                    post.problem(
                        "date",
                        "edition-date-far",
                        f"the post is dated {post.date.date().isoformat()}, "
                        f"{days} days from its edition #{edition.number} ({_fmt(edition.date)})",
                    )
                )
    return problems


def _edition_problem(post: Post, code: str, message: str) -> Problem:
    return post.problem("edition", code, message)


def _fmt(date: dt.date | None) -> str:
    return date.strftime("%d.%m.%Y") if date else "?"


def _group_authors(
    posts: Iterable[Post], registry: Registry | None = None
) -> tuple[dict[str, Author], dict[str, str], list[Problem]]:
    """One author per person: spellings that share a profile link are one person.

    Groups that the *registry* knows (by any of their links or names) become
    that entry's author, under its key, name and profile link. Other groups
    show :func:`shown_name`; spellings that could pass for another person's
    name are warned about (:func:`_spelling_problems`).
    """
    groups: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.author_name:
            groups[author_key(post)].append(post)
    registered: dict[str, list[str]] = defaultdict(list)  # registry key -> idents
    for ident, group in sorted(groups.items()):
        entry = _registry_match(registry, group)
        if entry is not None:
            registered[entry].append(ident)
    authors: dict[str, Author] = {}
    index: dict[str, str] = {}
    problems: list[Problem] = []
    for entry_key, idents in sorted(registered.items()):
        assert registry is not None  # only a registry matches
        found = registry.authors[entry_key]
        group = [p for ident in idents for p in groups.pop(ident)]
        author = _author(entry_key, group, found.name, found.url)
        authors[entry_key] = replace(author, registered=True, bio=found.bio, avatar=found.avatar)
        index.update(dict.fromkeys(idents, entry_key))
        problems += _link_problems(group, found)
    # Name skeleton -> the first name shown with it and where it links: the registry's people first, so a
    # look-alike of a registered name is warned about as one of an earlier commentator's is.
    shown: dict[str, tuple[str, str]] = {}
    for found in registry.authors.values() if registry is not None else ():
        for spelling in (found.name, *found.variants):
            shown.setdefault(name_skeleton(spelling), (found.name, found.url or "the authors registry"))
    for ident, group in sorted(groups.items(), key=lambda item: _oldest(item[1])):
        name = shown_name(group)
        problems += _spelling_problems(group, name)
        twin, where = shown.setdefault(name_skeleton(name), (name, _profile_of(group)))
        if twin != name:
            problems += _twin_problems(group, name, twin, where)
        key = slugify(name) or "autor"
        while key in authors or key in RESERVED_KEYS or (registry and key in registry.authors):
            key += "-2"
        index[ident] = key
        authors[key] = _author(key, group, name, None)
    return dict(sorted(authors.items())), index, problems


def _link_problems(group: list[Post], entry: RegisteredAuthor) -> list[Problem]:
    """A warning on each post that names a registered person with a profile link the registry doesn't list.

    The post is shown under the registry's name and link; a different link is
    either a mistake or a post passing itself off as that person's.
    """
    known = {profile_key(link) for link in entry.links}
    return [
        post.problem(
            "author_url",
            "author-link",
            f"this post gives {entry.name!r} the profile link {post.author_url!r}, which the authors "
            f"registry does not list for them ({', '.join(entry.links)}); the registry's link is shown",
        )
        for post in group
        if known and post.author_url and profile_key(post.author_url) not in known
    ]


def _oldest(group: list[Post]) -> tuple[dt.datetime, str]:
    return min((p.date, p.source) for p in group)


def shown_name(group: list[Post]) -> str:
    """The spelling most of *group*'s posts use; on a tie, the oldest post's.

    Not the longest, nor the newest: one new post can't rename a commentator
    whose earlier posts agree on a name.
    """
    counts = Counter(p.author_name for p in group)
    first: dict[str, tuple[dt.datetime, str]] = {}
    for post in sorted(group, key=lambda p: (p.date, p.source)):
        first.setdefault(post.author_name, (post.date, post.source))
    return min(counts, key=lambda n: (-counts[n], first[n]))


def _spelling_problems(group: list[Post], shown: str) -> list[Problem]:
    """A warning on each post whose spelling is not the shown name.

    No spelling is let through as a "shorter" or "longer form": the attack on
    issue 17 renamed a commentator everywhere with one backdated post that only
    added a word (``Fulano de Tal Impostor``). Which spelling is shown is
    decided by the posts, and posts are the attacker's to add, so any
    disagreement is reported; the fix is one spelling, or an entry in the
    authors registry (whose name always wins and which lists the variants).
    """
    count = sum(p.author_name == shown for p in group)
    problems = []
    for post in group:
        spelling = post.author_name
        if spelling == shown:
            continue
        like = (
            " (it looks the same: case, accents or look-alike letters differ)"
            if (name_skeleton(spelling) == name_skeleton(shown))
            else ""
        )
        problems.append(
            post.problem(
                "author",
                "author-spelling",
                f"this post names the commentator {spelling!r}{like}, but the same profile is "
                f"shown as {shown!r} ({count} post{'s' if count != 1 else ''}); the name shown stays "
                f"{shown!r}: use it, or list the person in the authors registry",
            )
        )
    return problems


def _profile_of(group: list[Post]) -> str:
    return next((p.author_url for p in group if p.author_url), None) or "no profile link"


def _twin_problems(group: list[Post], name: str, twin: str, where: str) -> list[Problem]:
    """Warnings on posts of a commentator whose name looks like an earlier (or registered) one's but is
    spelled differently; *where* is the twin's profile link."""
    return [
        post.problem(
            "author",
            "author-spelling",
            f"the commentator {name!r} looks like {twin!r} ({where}) but is spelled "
            "differently (case, accents or look-alike letters): a different person, or a mistake?",
        )
        for post in group
    ]


#: Letters of other scripts that look like Latin ones (Cyrillic, then Greek, lower
#: case: names are case-folded first), and digits that look like letters. Enough
#: to tell when two names would read the same; not Unicode's full confusables
#: table (these choose a message's wording and find look-alike twins).
_LOOK_ALIKE = str.maketrans(
    "\u0430\u0432\u0433\u0435\u0451\u0437\u0456\u0457\u0458\u043a\u043c\u043d\u043e\u043f"
    "\u0440\u0441\u0442\u0443\u0445\u0455\u0501\u051b\u051d\u04bb\u04cf\u0261\u0131\u0237"
    "\u03b1\u03b2\u03b3\u03b5\u03b6\u03b7\u03b9\u03ba\u03bc\u03bd\u03bf\u03c1\u03c3\u03c4"
    "\u03c5\u03c7\u03c9"
    "01|\u01c05",
    "abreeziijkmhonpctyxsdqwhlgijabyeznikuvopotuxwollls",
)


def name_skeleton(name: str) -> str:
    """*name* as it reads: accents, case, look-alike letters and spacing folded."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().translate(_LOOK_ALIKE)
    return " ".join(text.replace("rn", "m").replace("vv", "w").split())


def _registry_match(registry: Registry | None, group: list[Post]) -> str | None:
    if not registry:
        return None
    for post in group:
        entry = registry.match(post.author_name, post.author_url)
        if entry is not None:
            return entry.key
    return None


def _author(key: str, group: list[Post], name: str, url: str | None) -> Author:
    group.sort(key=lambda p: (p.date, p.source), reverse=True)
    return Author(
        key=key,
        name=name,
        url=url or next((p.author_url for p in group if p.author_url), None),
        posts=tuple(p.key for p in group),
        variants=tuple(sorted({p.author_name for p in group})),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisteredAuthor:
    """One registry entry, cleaned."""

    key: str
    name: str
    variants: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    avatar: str | None = None
    bio: str = ""
    line: int = 1

    @property
    def url(self) -> str | None:
        """The profile link: the first of ``links``."""
        return self.links[0] if self.links else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Registry:
    """The entries, and indexes from spellings to entry keys."""

    authors: dict[str, RegisteredAuthor] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    by_link: dict[str, str] = field(default_factory=dict)

    def match(self, name: str = "", url: str | None = None) -> RegisteredAuthor | None:
        """The entry for a commentator: by profile link first, then by name."""
        key = self.by_link.get(profile_key(url)) if url else None
        if key is None and name:
            key = self.by_name.get(slugify(name))
        return self.authors.get(key) if key else None

    def __len__(self) -> int:
        return len(self.authors)
