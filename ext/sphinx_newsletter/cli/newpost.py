"""``newsletter new``: a post file for the current or next edition (no Sphinx import).

The values come from flags or from the body of the GitHub issue form
``.github/ISSUE_TEMPLATE/sugerir-post.yml`` (:func:`parse_issue_form`); the
commentator's profile link comes from the authors registry when they are in
it. Every value is written as a double-quoted YAML scalar by
:func:`.yamlsafe.yaml_quote` (``yaml.safe_dump``), and the text is read back with the
same reader as the build before it is written, so a post ``new`` writes is a
post the build accepts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.dates import zone
from ..core.files import write_atomic
from ..core.frontmatter import parse_post
from ..core.model import Archive, Problem, slugify
from ..core.yamlsafe import yaml_quote

if TYPE_CHECKING:
    from ..core.model import Registry
    from ..core.settings import Settings

#: Issue-form label (as :func:`~sphinx_newsletter.core.model.slugify` gives it) -> field of :class:`Draft`.
ISSUE_FIELDS: dict[str, str] = {
    "seu-nome": "by",
    "seu-linkedin": "profile",
    "titulo-original-do-artigo": "title",
    "autor-a-original-do-artigo": "article_author",
    "url-do-artigo": "url",
    "chamada-opcional": "headline",
    "seu-comentario": "comment",
}
_NO_RESPONSE = {"_no response_", "no response", "_sem resposta_"}
PLACEHOLDER = "Escreva aqui o seu comentário sobre o artigo."


class NewPostError(Exception):
    """Why a post cannot be written (the CLI prints it and exits 1)."""


@dataclass(slots=True, kw_only=True)
class Draft:
    """What a new post says, before it has an edition and a file."""

    title: str = ""
    url: str = ""
    article_author: str = ""
    by: str = ""
    profile: str = ""
    headline: str = ""
    image: str = ""
    comment: str = ""
    slug: str = ""
    extra: dict[str, str] = field(default_factory=dict)


#: One-line fields of a draft, and the flag that sets each (for messages).
LINE_FIELDS = {
    "title": "--title",
    "url": "--url",
    "article_author": "--article-author",
    "by": "--by",
    "profile": "--profile",
    "headline": "--headline",
    "image": "--image",
    "slug": "--slug",
}


def bad_character(text: str, *, multiline: bool) -> str:
    """Why *text* can't go into a post, or '': not UTF-8, or a control or format character.

    Line ends and tabs are allowed in *multiline* text (a comment), and so are
    format characters other than the bidi controls (an emoji's zero-width
    joiner); one-line text has none of them: a bidi override or a zero-width
    mark makes a title read differently from what it is (Trojan Source).
    """
    for char in text:
        kind = unicodedata.category(char)
        if kind == "Cs":
            return "is not valid UTF-8"
        if multiline and (char in "\n\t" or (kind == "Cf" and char not in _BIDI)):
            continue
        if kind in ("Cc", "Cf", "Zl", "Zp"):
            return f"has the control or format character U+{ord(char):04X}"
    return ""


_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def draft_problems(draft: Draft) -> list[str]:
    """What is wrong with a draft's values, one message per field."""
    found = [
        f"{flag.removeprefix('--')} {why}"
        for name, flag in LINE_FIELDS.items()
        if (why := bad_character(getattr(draft, name), multiline=False))
    ]
    why = bad_character(draft.comment, multiline=True)
    return found + ([f"comment {why}"] if why else [])


def parse_issue_form(body: str) -> Draft:
    """The fields of an issue created from the "Sugerir um post" form.

    GitHub writes each answer under a ``### Label`` heading, and
    ``_No response_`` for optional fields left empty.
    """
    draft = Draft()
    sections = re.split(r"^###[ \t]+(.+?)[ \t]*$", body.replace("\r\n", "\n"), flags=re.M)
    for label, value in zip(sections[1::2], sections[2::2], strict=True):
        name = ISSUE_FIELDS.get(slugify(label))
        text = value.strip()
        if text.lower() in _NO_RESPONSE:
            text = ""
        if name is None:
            draft.extra[label] = text
        elif name == "comment":
            draft.comment = text
        else:
            setattr(draft, name, " ".join(text.split()))
    return draft


def choose_edition(archive: Archive, today: dt.date) -> tuple[int, dt.date]:
    """The current edition (dated today or later), else the next one on the usual rhythm."""
    latest = archive.latest_edition()
    if latest is None:
        return 1, today
    if latest.date >= today:
        return latest.number, latest.date
    dates = sorted(e.date for e in archive.editions.values())[-6:]
    gaps = [(b - a).days for a, b in itertools.pairwise(dates) if b > a]
    gap = max(1, round(statistics.median(gaps))) if gaps else 7
    steps = max(1, math.ceil((today - latest.date).days / gap))
    try:
        return latest.number + 1, latest.date + dt.timedelta(days=gap * steps)
    except OverflowError:
        raise NewPostError(f"no edition date after {today.isoformat()} fits the calendar; pass --date") from None


def edition_tag(number: int, date: dt.date, settings: Settings) -> str:
    """``Edição #36 - 14.11.2022``, checked against the site's edition pattern."""
    shown = date.strftime("%d.%m.%Y" if settings.edition_date_dayfirst else "%m.%d.%Y")
    tag = f"Edição #{number} - {shown}"
    if not settings.edition_pattern.search(tag):
        raise NewPostError(f"the site's newsletter_edition_pattern does not read {tag!r}")
    return tag


def post_text(draft: Draft, number: int, date: dt.date, settings: Settings, registry: Registry | None) -> str:
    """The whole post file: front matter (every value quoted) and the comment."""
    entry = registry.match(draft.by, draft.profile or None) if registry else None
    profile = entry.url if entry and entry.url else draft.profile
    moment = _post_time(date, settings.timezone)
    image = draft.image.strip()
    if image and not image.startswith(("/", settings.image_url_prefix.lstrip("/"))):
        image = settings.image_url_prefix + image
    values = [
        ("title", draft.title),
        ("published", True),
        ("edition", edition_tag(number, date, settings)),
        ("headline", draft.headline or draft.title),
        ("highlight_title", draft.title),
        ("highlight_url", draft.url),
        ("highlight_author", draft.article_author),
        ("image", image),
        ("author", draft.by),
        ("author_url", profile),
    ]
    lines = [
        "---",
        "layout: post",
        f"{settings.key('title')}: {yaml_quote(draft.title)}",
        f"{settings.key('date')}: {moment}",
    ]
    for name, value in values[1:]:
        if value is True:
            lines.append(f"{settings.key(name)}: true")
        elif value:
            lines.append(f"{settings.key(name)}: {yaml_quote(str(value))}")
    body = draft.comment.replace("\r\n", "\n").strip() or PLACEHOLDER
    return "\n".join([*lines, "---", body, ""])


def _post_time(date: dt.date, timezone: str) -> str:

    moment = dt.datetime.combine(date, dt.time(8, 0), tzinfo=zone(timezone))
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def file_name(draft: Draft, date: dt.date) -> str:
    slug = slugify(draft.slug or draft.title)[:60].strip("-")
    if not slug:
        raise NewPostError("the title gives an empty file name; pass --slug")
    return f"{date.isoformat()}-{slug}.md"


def create_post(
    draft: Draft,
    posts_dir: Path,
    archive: Archive,
    settings: Settings,
    registry: Registry | None,
    *,
    today: dt.date,
    edition: int | None = None,
    date: dt.date | None = None,
) -> tuple[Path, list[Problem]]:
    """Write the post; refuses to overwrite a file or reuse a post's page name."""
    missing = [
        flag
        for flag, value in (("--title", draft.title), ("--url", draft.url), ("--by", draft.by))
        if not value.strip()
    ]
    if missing:
        raise NewPostError(f"missing {', '.join(missing)}")
    number, edition_date = choose_edition(archive, today)
    if edition is not None:
        number = edition
        known = archive.editions.get(edition)
        edition_date = date or (known.date if known else edition_date)
    elif date is not None:
        edition_date = date
    name = file_name(draft, edition_date)
    path = posts_dir / name
    stem = name.removesuffix(".md")
    text = post_text(draft, number, edition_date, settings, registry)
    post, problems = parse_post(text, path.as_posix(), settings, stem=stem)
    if post is None:
        errors = "; ".join(p.message for p in problems if p.severity == "error")
        raise NewPostError(f"the post would be refused by the build: {errors}")
    if post.key in archive.posts:
        raise NewPostError(
            f"a post with the page name {post.key!r} already exists ({archive.posts[post.key].source}); pass --slug"
        )
    posts_dir.mkdir(parents=True, exist_ok=True)
    try:  # whole or not at all, and never over an existing file
        write_atomic(path, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise NewPostError(f"{path} already exists; not overwritten") from None
    return path, problems
