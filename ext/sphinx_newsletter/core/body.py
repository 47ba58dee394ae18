"""One parse of a post's body behind everything read from it (no Sphinx import).

A body is parsed once by markdown-it, as CommonMark with raw HTML off (as the
post page's parser and the feeds read it: raw HTML is text), and the result
is kept in a bounded cache keyed by the text. Everything else is derived from
those tokens, so code is code everywhere: the lines of a fenced block (```
or ``~~~``, of any length, nested in a list or a quote) or of an indented code
block hold no heading, no image, no raw HTML, no word and no excerpt.

- :func:`excerpt`: the first paragraph as plain text (the excerpt of feeds,
  cards and meta descriptions);
- :func:`word_count`: the words a reader reads (reading time);
- :func:`local_images`: the images a body takes from the images folder (the
  importer copies them);
- :func:`text_lines`: the lines outside code, with their numbers (the
  raw-HTML check);
- :attr:`Body.headings`: the headings, as line spans (the heading shift);
- :attr:`Body.tokens`: the tokens themselves (the feeds render them).

Inside a paragraph the text rules are plain ones (what a line of text says),
so an excerpt or a word count reads the author's words as today; only the
question "is this line code, a heading or text?" is answered by the parser.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from .images import image_path
from .text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from markdown_it.token import Token

#: Parsed bodies kept (a body is read at load, at render and by the feeds), and
#: their tokens in all (a token takes about 360 bytes: a 1 MB body of short
#: paragraphs makes 250,000). Past either bound the least recently read go, so
#: an archive larger than this parses its oldest bodies again; a body larger
#: than the whole budget is parsed each time it is read, never kept.
CACHE_SIZE = 4096
CACHE_TOKENS = 500_000

_WORD = re.compile(r"\w+")
_NEWLINES = re.compile(r"\r\n?")
#: Bounded link text and URLs: a paragraph of ``[`` or ``![`` costs linear time
#: (unbounded, every ``[`` scanned to the end of the paragraph: hours for 1 MB).
_MD_NOISE = re.compile(
    r"!\[[^\]]{0,1000}\]\([^)]{0,2000}\)|\[([^\]]{0,1000})\]\([^)]{0,2000}\)|[*_`#>]+|<[^>]{0,1000}>"
)
#: Blocks an excerpt never starts with: MyST directives and comments, tables, targets.
_NOT_PROSE = ("#", "```", ":::", "|", "%", "(")
#: ``src="/images/a.png"`` in raw HTML (text to the parser, but an image the old site showed).
#: Each run of spaces has one place in the pattern (``\s*<?\s*`` would try every split).
_HTML_SRC = re.compile(r"""src\s*=\s*["']\s*([^"'<>\s]+)""")


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    start: int  # first line (0-based)
    end: int  # line after the last (a setext heading spans its underline)
    level: int
    markup: str  # ``#``..``######``, or ``=``/``-`` for a setext heading


@dataclass(frozen=True, slots=True, kw_only=True)
class Body:
    """A parsed body. Shared by every caller: never change a token (copy it to render it otherwise)."""

    lines: tuple[str, ...]  # the text's lines, as the parser numbers them
    tokens: tuple[Token, ...]
    code: frozenset[int]  # lines inside code blocks, fences included
    headings: tuple[Heading, ...]
    breaks: frozenset[int]  # thematic break lines (``---``, ``***``)
    size: int  # tokens, inline ones included: what the body costs the cache


@functools.cache
def parser() -> MarkdownIt:
    """The CommonMark parser (raw HTML off) every body goes through (building one costs more than a parse)."""
    return MarkdownIt("commonmark", {"html": False})


class _Cache:
    """Bodies by text, least recently read first, within :data:`CACHE_SIZE` and :data:`CACHE_TOKENS`."""

    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}
        self.tokens = 0

    def get(self, text: str) -> Body | None:
        found = self.bodies.pop(text, None)
        if found is not None:
            self.bodies[text] = found  # now the most recent
        return found

    def put(self, text: str, body: Body) -> None:
        if body.size > CACHE_TOKENS:
            return
        self.bodies[text] = body
        self.tokens += body.size
        while len(self.bodies) > CACHE_SIZE or self.tokens > CACHE_TOKENS:
            oldest = next(iter(self.bodies))
            self.tokens -= self.bodies.pop(oldest).size

    def clear(self) -> None:
        self.bodies.clear()
        self.tokens = 0


_CACHE = _Cache()


def parse(text: str) -> Body:
    """*text* parsed once; the same text gives the same (cached) :class:`Body`."""
    found = _CACHE.get(text)
    if found is None:
        found = _parse(text)
        _CACHE.put(text, found)
    return found


def _parse(text: str) -> Body:
    tokens = tuple(parser().parse(text))
    code: set[int] = set()
    breaks: set[int] = set()
    headings = []
    for token in tokens:
        if not token.map:
            continue
        start, end = token.map
        if token.type in ("fence", "code_block"):
            code.update(range(start, end))
        elif token.type == "hr":
            breaks.update(range(start, end))
        elif token.type == "heading_open":
            headings.append(Heading(start=start, end=end, level=int(token.tag[1]), markup=token.markup))
    lines = tuple(_NEWLINES.sub("\n", text).split("\n"))
    return Body(
        lines=lines,
        tokens=tokens,
        code=frozenset(code),
        headings=tuple(headings),
        breaks=frozenset(breaks),
        size=len(tokens) + sum(len(t.children or ()) for t in tokens),
    )


def text_lines(text: str) -> list[tuple[int, str]]:
    """The lines of *text* outside code blocks, with their 0-based numbers."""
    body = parse(text)
    return [(i, line) for i, line in enumerate(body.lines) if i not in body.code]


def word_count(text: str) -> int:
    """Words outside code blocks (headings, lists and quotes count: a reader reads them)."""
    return sum(len(_WORD.findall(line)) for _, line in text_lines(text))


def excerpt(text: str, limit: int = 240) -> str:
    """The first paragraph of *text* as plain text, cut at a word near *limit*.

    A paragraph is a run of text lines: code, headings and thematic breaks end
    one and are never part of one. Only the paragraph's first ``16 * limit``
    characters are read: enough for *limit* characters of text unless nearly
    all of it is markup.
    """
    for block in _paragraphs(parse(text)):
        if block.startswith(_NOT_PROSE):
            continue
        piece = block[: 16 * limit]
        plain = clean_text(_MD_NOISE.sub(lambda m: m.group(1) or "", piece))
        if plain:
            if len(plain) <= limit and len(piece) == len(block):
                return plain
            return plain[:limit].rsplit(" ", 1)[0] + "…"
    return ""


def _paragraphs(body: Body) -> Iterator[str]:
    """Runs of non-blank text lines, each stripped and joined by newlines."""
    headed = {i for heading in body.headings for i in range(heading.start, heading.end)}
    run: list[str] = []
    for i, line in enumerate(body.lines):
        if line.strip() and i not in body.code and i not in headed and i not in body.breaks:
            run.append(line)
            continue
        if run:
            yield "\n".join(run).strip()
            run = []
    if run:
        yield "\n".join(run).strip()


def local_images(text: str, prefix: str = "/images/") -> list[str]:
    """Paths inside the images folder of the images and links of *text* under *prefix*, in order.

    Markdown images and links (``![a](/images/x.png)``, reference-style too)
    and the ``src`` of raw HTML ``<img>`` tags; never one in code.
    """
    found = []
    for url in _urls(parse(text)):
        url = url.strip()
        if not url.startswith(prefix):
            continue
        path, _why = image_path(re.split(r"[?#]", url, maxsplit=1)[0], prefix)
        if path:
            found.append(path)
    return list(dict.fromkeys(found))


def _urls(body: Body) -> Iterator[str]:
    """The address of every image and link, and every ``src=`` in text, in the order they come."""
    normal = parser().normalizeLinkText  # the parser's %-encoding undone: the path as written
    for token in body.tokens:
        text: list[str] = []
        for child in token.children or ():
            if child.type == "text":
                text.append(child.content)
                continue
            if text:
                yield from _sources("".join(text))
                text = []
            if child.type in ("image", "link_open"):
                yield normal(str(child.attrGet("src" if child.type == "image" else "href") or ""))
        if text:
            yield from _sources("".join(text))


def _sources(text: str) -> Iterator[str]:
    return (match.group(1) for match in _HTML_SRC.finditer(text))
