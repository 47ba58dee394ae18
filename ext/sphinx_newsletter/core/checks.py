"""Rules ``newsletter check`` adds to what the reader and the model report (no Sphinx import).

:mod:`~sphinx_newsletter.core.frontmatter` (one file) and
:mod:`~sphinx_newsletter.core.model` (the whole archive) already report most
problems, and the build shows the same ones. This module adds the rules that
help a reviewer more than a reader of the site:

``duplicate-article``
    the same article (``highlight_url``, normalised) commented again; points
    at the earlier post. A warning: sometimes a second comment is wanted.
``raw-html``
    raw HTML in a post's body: it is shown as text on the site, not rendered.

and, as *notes* (never problems), registry entries to add for commentators
the authors registry does not know (:func:`unknown_authors`).

:data:`RULES` documents every code ``check`` can print, in one table.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .body import text_lines
from .model import Archive, Post, Problem

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from .model import Registry

    #: ``memo(post, name, compute)``: ``compute(post)``, kept while the post's file is unchanged.
    Memo = Callable[[Post, str, Callable[[Post], Any]], Any]

#: code -> (severity, what it means). Severities are those of a default build.
RULES: dict[str, tuple[str, str]] = {
    "unreadable": ("error", "the file cannot be read"),
    "not-a-file": ("error", "a symbolic link or special file in the posts folder"),
    "too-large": ("error", "the file is larger than newsletter_max_post_bytes"),
    "encoding": ("error", "the file is not UTF-8"),
    "empty": ("error", "the file is empty"),
    "no-front-matter": ("error", "no front matter between '---' lines"),
    "yaml": ("error", "the front matter is not valid (strict) YAML"),
    "yaml-duplicate": ("warning", "a key appears twice; the first value is used"),
    "missing-field": ("error", "a required field (title; date when the file name has none) is missing"),
    "field-type": ("warning", "a text field holds a list or mapping"),
    "control-chars": ("warning", "control characters removed from a field"),
    "unknown-field": ("warning", "a key the archive does not know, with a 'did you mean'"),
    "date-invalid": ("warning", "the date cannot be read (an error when the file name has no date)"),
    "date-junk": ("warning", "the date has trailing text (e.g. '--->')"),
    "published-type": ("warning", "'published' is not a plain true/false"),
    "comments-type": ("warning", "'comments' is not a plain true/false (anything unclear switches comments off)"),
    "edition-tag": ("warning", "the edition tag cannot be read"),
    "edition-date-mismatch": ("warning", "posts of one edition disagree on its date"),
    "edition-order": ("warning", "edition numbers do not rise with their dates"),
    "edition-date-far": ("warning", "a post is dated far from its edition (newsletter_edition_max_days)"),
    "slug-collision": ("error", "two posts have the same page name; every file is named"),
    "slug-reserved": ("error", "the file name gives an empty or reserved page name"),
    "url-scheme": ("warning", "a link without a scheme (https:// is added)"),
    "url-refused": ("warning", "a link that is not http(s), or malformed: left out"),
    "url-encoded": ("warning", "a link with unsafe characters: they are percent-encoded"),
    "profile-host": ("warning", "the profile link is not on newsletter_profile_host"),
    "image-refused": ("warning", "the image path is outside the images folder or not an image"),
    "image-missing": ("warning", "the image does not exist in the images folder (or is unsafe)"),
    "duplicate-article": ("warning", "the same article was already commented in an earlier post"),
    "raw-html": ("warning", "raw HTML in the body: shown as text, not rendered"),
    "no-posts-dir": ("error", "the posts folder does not exist"),
    "registry-yaml": ("error", "the authors registry cannot be read"),
    "registry-duplicate": ("warning", "an author key appears twice in the registry"),
    "registry-entry": ("warning", "a registry entry is malformed (left out, or the bad value ignored)"),
    "baseline-yaml": ("error", "the baseline of known problems cannot be read (every problem is then new)"),
    "baseline-entry": ("warning", "a baseline entry is malformed or names an error code: left out"),
    "registry-conflict": ("warning", "two registry entries claim the same name or link"),
    "file-name": ("error", "the file name is not UTF-8 or holds control or invisible characters"),
    "invisible-chars": ("warning", "invisible or text-direction characters (bidi, zero-width) removed from a field"),
    "category-refused": ("warning", "a category or tag too long, or more than newsletter_max_categories_per_post"),
    "url-quoted": ("warning", "a link wrapped in quotes (typographic or not): the quotes are stripped"),
    "author-spelling": (
        "warning",
        "a commentator's name differs from the one shown for the same profile, or looks like another's",
    ),
    "author-link": ("warning", "a registered commentator is given a profile link the authors registry does not list"),
    # The body scan (bodyscan.py): the build prints the same, at the same line.
    "body-directive": ("warning", "a directive (or ':::name' block) not allowed in a post: shown as text"),
    "body-option": ("warning", "a directive option not allowed in a post (CSS, classes...): shown as text"),
    "body-role": ("warning", "a role not allowed in a post: shown as text"),
    "body-link": ("warning", "a link that is not http(s) with a real host, or a local file: made text"),
    "body-image": ("warning", "an image that is not http(s) with a real host nor in the images folder: removed"),
    "body-table": ("warning", "a table past newsletter_max_table_cells: shown as text"),
    "body-too-large": ("warning", "a body past newsletter_max_body_tokens: left out"),
}

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref)$", re.I)
_BACKTICKS = re.compile(r"`+")
#: One way to match each run of spaces (``\s+[^<>]*`` tried every split: seconds on 20 KB).
_HTML = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A suggestion, not a problem: it never fails ``check``."""

    path: str
    line: int
    message: str
    detail: str = ""
    code: str = "author-unregistered"


def check_archive(
    archive: Archive, registry: Registry | None = None, memo: Memo | None = None
) -> tuple[list[Problem], list[Note]]:
    """The extra rules over a loaded archive: problems, then notes.

    *memo* (:meth:`.PostCache.memo`) keeps what each rule computes from one
    post while its file is unchanged, so a rebuild recomputes only the posts
    that changed; every problem is returned (and reported) at every call.
    """
    posts = archive.posts.values()
    run: Memo = memo or (lambda post, _name, compute: compute(post))
    keys = {post.source: run(post, "article_key", _article_key_of) for post in posts}
    problems = duplicate_articles(posts, keys.__getitem__)
    for post in posts:
        problems += run(post, "raw_html", raw_html)
    return problems, unknown_authors(archive, registry)


def _article_key_of(post: Post) -> str:
    return article_key(post.highlight_url) if post.highlight_url else ""


def article_key(url: str) -> str:
    """``https://www.x.org/a/?utm_source=n#top`` and ``http://x.org/a`` are one article."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    return urlunsplit(("", host, parts.path.rstrip("/") or "/", query, ""))


def duplicate_articles(posts: Iterable[Post], key_of: Callable[[str], str]) -> list[Problem]:
    """Every post after the first that comments an article already commented.

    *key_of* gives a post's :func:`article_key` by its source.
    """
    seen: dict[str, Post] = {}
    problems = []
    for post in sorted(posts, key=lambda p: (p.date, p.source)):
        if not post.highlight_url:
            continue
        key = key_of(post.source)
        first = seen.setdefault(key, post)
        if first is not post:
            problems.append(
                post.problem(
                    "highlight_url",
                    "duplicate-article",
                    f"this article was already commented in {first.source}:"
                    f"{first.line_of('highlight_url')} ({first.date.date().isoformat()}, {first.title!r})",
                )
            )
    return problems


def raw_html(post: Post) -> list[Problem]:
    """The first raw HTML tag in the body (outside code), and how many lines have one."""
    found: list[tuple[int, int, str]] = []
    for i, text in text_lines(post.body):
        match = _HTML.search(blank_code_spans(text))
        if match:
            found.append((post.body_line + i, match.start() + 1, match.group(0)[:40]))
    if not found:
        return []
    line, column, tag = found[0]
    more = f" (and on {len(found) - 1} more lines)" if len(found) > 1 else ""
    return [
        Problem(
            path=post.source,
            line=line,
            column=column,
            code="raw-html",
            message=f"raw HTML {tag!r} in the body{more}; it is shown as text, use Markdown",
        )
    ]


def blank_code_spans(line: str) -> str:
    """*line* with its inline code spans (backticks included) turned into spaces.

    As CommonMark reads them: a run of backticks opens a span that the next run
    of the same length closes; a run with no match is text. One pass over the
    runs (a backreference pattern took seconds on a line of 1,000 backticks).
    """
    runs = [match.span() for match in _BACKTICKS.finditer(line)]
    later: dict[int, list[int]] = defaultdict(list)  # run length -> indexes of the runs, ascending
    for index, (start, end) in enumerate(runs):
        later[end - start].append(index)
    pieces, done, index = [], 0, 0
    while index < len(runs):
        start, end = runs[index]
        same = later[end - start]
        closing = same[bisect.bisect_right(same, index)] if same[-1] > index else None
        if closing is None:
            index += 1
            continue
        stop = runs[closing][1]
        pieces += [line[done:start], " " * (stop - start)]
        done, index = stop, closing + 1
    pieces.append(line[done:])
    return "".join(pieces)


def unknown_authors(archive: Archive, registry: Registry | None) -> list[Note]:
    """A note per commentator the registry does not know, with an entry to paste."""
    if registry is None:
        return []
    from .registry import suggest_entry

    unknown: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, str] = {}
    for author in archive.authors.values():
        if not author.registered:
            unknown[author.key] = [archive.posts[k] for k in author.posts]
            names[author.key] = author.name
    notes = []
    taken = set(registry.authors)
    for key, posts in sorted(unknown.items()):
        first = min(posts, key=lambda p: (p.date, p.source))
        entry = suggest_entry([p.author_name for p in posts], [p.author_url for p in posts if p.author_url], taken)
        taken.add(entry.split(":", 1)[0])
        notes.append(
            Note(
                path=first.source,
                line=first.line_of("author"),
                message=f"{names[key]!r} ({len(posts)} post{'s' if len(posts) != 1 else ''}) is not in "
                "the authors registry; add an entry like this",
                detail=entry,
            )
        )
    return notes
