"""Read the generated Jekyll posts into plain values, for the floor and ABlog.

This is the bench's own small reader, on purpose independent of the
extension's: the floor must not share code with the system it measures. It
reads the line-per-field front matter that ``make_corpus.py`` writes (a tiny
subset of YAML: ``key: value`` or ``key: "quoted"``), tolerates the ``--->``
that follows about half of the dates, and never imports Sphinx.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.S)
FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):[ \t]*(.*?)[ \t]*$")
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
EDITION = re.compile(r"#\s*(\d+)")
HEADING = re.compile(r"^(#{1,6})(?=[ \t])", re.M)
# The sentence the edit-one-post rebuild appends to one post's body.
EDIT_SENTENCE = "Uma frase acrescentada pelo benchmark para medir a recompilação."


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    """One post, as the floor and ABlog pages need it."""

    path: Path
    slug: str
    title: str
    date: dt.date
    edition: int
    headline: str
    highlight_title: str
    highlight_url: str
    highlight_author: str
    image: str
    author: str
    author_url: str
    categories: str
    body: str


def unquote(value: str) -> str:
    """Return a YAML scalar's text: double quotes with escapes, single quotes, plain."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r'\\(["\\/])', r"\1", value[1:-1])
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a post into its front-matter fields and its Markdown body."""
    match = FRONT.match(text)
    if not match:
        raise ValueError("no front matter")
    fields = {}
    for line in match.group(1).splitlines():
        field = FIELD.match(line)
        if field:
            fields[field.group(1)] = unquote(field.group(2))
    return fields, match.group(2)


def parse_date(value: str) -> dt.date:
    """Read the day of ``2022-06-12 08:00:00 -0300`` (junk such as ``--->`` ignored)."""
    match = DATE.search(value)
    if not match:
        raise ValueError(f"no date in {value!r}")
    return dt.date(*(int(part) for part in match.groups()))


def parse_edition(tag: str) -> int:
    """Read the edition number of a tag such as ``Edição #35 - 07.11.2022``."""
    match = EDITION.search(tag)
    return int(match.group(1)) if match else 0


def read_post(path: Path) -> Post:
    """Read one post file."""
    fields, body = split_front_matter(path.read_text(encoding="utf-8"))
    title = fields.get("title", path.stem)
    return Post(
        path=path,
        slug=re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem),
        title=title,
        date=parse_date(fields.get("date", "")),
        edition=parse_edition(fields.get("tag", "")),
        headline=fields.get("headline", title),
        highlight_title=fields.get("highlight_title", title),
        highlight_url=fields.get("highlight_url", ""),
        highlight_author=fields.get("highlight_autor", ""),
        image=fields.get("image", ""),
        author=fields.get("comentado_por", ""),
        author_url=fields.get("comentado_por_linkedin", ""),
        categories=fields.get("categories", ""),
        body=body,
    )


def read_posts(folder: Path) -> list[Post]:
    """Read every published post of a folder, in file-name (date) order."""
    posts = []
    for path in sorted(folder.glob("*.markdown")) + sorted(folder.glob("*.md")):
        fields, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if fields.get("published", "true").lower() != "false":
            posts.append(read_post(path))
    return posts


def with_edit(post: Post) -> Post:
    """Return the post with the benchmark's sentence appended to its body."""
    return dataclasses.replace(post, body=f"{post.body.rstrip()}\n\n{EDIT_SENTENCE}\n")


def shift_headings(body: str, top: int = 2) -> str:
    """Shift the body's Markdown headings so the highest is level ``top``.

    The page title is the only level-1 heading; real bodies start at ``##``
    or ``###``, which would otherwise skip a level under the title.
    """
    levels = [len(m.group(1)) for m in HEADING.finditer(body)]
    if not levels:
        return body
    shift = top - min(levels)
    return HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + shift), body)


def slugify(text: str) -> str:
    """An ASCII identifier for labels (author names)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
