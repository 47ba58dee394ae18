"""``newsletter new``: a post file for the current or next edition (no Sphinx import).

The values come from flags or from the body of the GitHub issue form
``.github/ISSUE_TEMPLATE/sugerir-post.yml`` (:func:`parse_issue_form`); the
commentator's profile link comes from the authors registry when they are in
it and give none (or one of theirs). A link the registry does not list for
them is kept as given (:func:`profile_for`), so that ``check`` and the build
report it (``author-link``): a submitter can type a registered name, and the
link is the evidence. Every value is written as a double-quoted YAML scalar by
:func:`.yamlsafe.yaml_quote` (``yaml.safe_dump``), and the text is read back with the
same reader as the build before it is written, so a post ``new`` writes is a
post the build accepts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.dates import zone
from ..core.files import write_atomic
from ..core.frontmatter import parse_post
from ..core.images import image_path
from ..core.model import Archive, Problem, slugify
from ..core.paths import display_path
from ..core.urls import clean_url, profile_key
from ..core.yamlsafe import yaml_quote
from .i18n import _

if TYPE_CHECKING:
    from ..core.model import RegisteredAuthor, Registry
    from ..core.settings import Settings

#: Issue-form label (as :func:`~sphinx_newsletter.core.model.slugify` gives it) -> field of :class:`Draft`.
ISSUE_FIELDS: dict[str, str] = {
    "seu-nome": "by",
    "seu-linkedin": "profile",
    "titulo-do-post-em-portugues": "post_title",
    "titulo-original-do-artigo": "title",
    "autor-a-original-do-artigo": "article_author",
    "url-do-artigo": "url",
    "chamada-opcional": "headline",
    "imagem-opcional": "image",
    "seu-comentario": "comment",
}
_NO_RESPONSE = {"_no response_", "no response", "_sem resposta_"}
PLACEHOLDER = "Escreva aqui o seu comentário sobre o artigo."


class NewPostError(Exception):
    """Why a post cannot be written (the CLI prints it and exits 1)."""


@dataclass(slots=True, kw_only=True)
class Draft:
    """What a new post says, before it has an edition and a file.

    *title* is the commented article's title (often in English); *post_title*
    is the post's own, in the archive's language (the article's by default).
    """

    title: str = ""
    post_title: str = ""
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
    "post_title": "--post-title",
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
            return _("is not valid UTF-8")
        if multiline and (char in "\n\t" or (kind == "Cf" and char not in _BIDI)):
            continue
        if kind in ("Cc", "Cf", "Zl", "Zp"):
            return _("has the control or format character U+%04X") % ord(char)
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
        raise NewPostError(_("no edition date after %s fits the calendar; pass --date") % today.isoformat()) from None


def edition_tag(number: int, date: dt.date, settings: Settings) -> str:
    """``Edição #36 - 14.11.2022``, checked against the site's edition pattern."""
    shown = date.strftime("%d.%m.%Y" if settings.edition_date_dayfirst else "%m.%d.%Y")
    tag = f"Edição #{number} - {shown}"
    if not settings.edition_pattern.search(tag):
        raise NewPostError(_("the site's newsletter_edition_pattern does not read %r") % tag)
    return tag


def post_text(draft: Draft, number: int, date: dt.date, settings: Settings, registry: Registry | None) -> str:
    """The whole post file: front matter (every value quoted) and the comment."""
    profile = profile_for(draft, registry.match(draft.by, draft.profile or None) if registry else None)
    moment = _post_time(date, settings.timezone)
    image = draft.image.strip()
    if image and not image.startswith(("/", settings.image_url_prefix.lstrip("/"))):
        image = settings.image_url_prefix + image
    title = draft.post_title or draft.title
    values = [
        ("title", title),
        ("published", True),
        ("edition", edition_tag(number, date, settings)),
        ("headline", draft.headline),  # only when given: the card shows the title already
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
        f"{settings.key('title')}: {yaml_quote(title)}",
        f"{settings.key('date')}: {moment}",
    ]
    for name, value in values[1:]:
        if value is True:
            lines.append(f"{settings.key(name)}: true")
        elif value:
            lines.append(f"{settings.key(name)}: {yaml_quote(str(value))}")
    body = draft.comment.replace("\r\n", "\n").strip() or PLACEHOLDER
    return "\n".join([*lines, "---", body, ""])


def profile_for(draft: Draft, entry: RegisteredAuthor | None) -> str:
    """The post's profile link: the registry's, unless the draft gives one the registry doesn't list for *entry*."""
    if entry is None or not entry.url or _unlisted(draft.profile, entry):
        return draft.profile
    return entry.url


def profile_warning(draft: Draft, registry: Registry | None) -> str:
    """Why a registered name with a link the registry does not list for them needs a look; '' when it doesn't."""
    entry = registry.match(draft.by, draft.profile or None) if registry else None
    if entry is None or not _unlisted(draft.profile, entry):
        return ""
    return _(
        "%(name)r is in the authors registry with the profile link %(registered)s, but this post gives "
        "%(given)r: the post keeps the given link and `check` reports it (author-link); "
        "check who wrote it before merging"
    ) % {"name": entry.name, "registered": ", ".join(entry.links), "given": draft.profile}


def _unlisted(profile: str, entry: RegisteredAuthor) -> bool:
    return bool(profile and entry.links) and profile_key(profile) not in {profile_key(link) for link in entry.links}


def _post_time(date: dt.date, timezone: str) -> str:

    moment = dt.datetime.combine(date, dt.time(8, 0), tzinfo=zone(timezone))
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def file_name(draft: Draft, date: dt.date) -> str:
    """``2024-01-14-slug.md``: the slug from ``--slug``, else from the post's title without its markup."""
    slug = slugify(draft.slug or plain_title(draft.post_title or draft.title))[:60].strip("-")
    if not slug:
        raise NewPostError(_("the title gives an empty file name; pass --slug"))
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
        raise NewPostError(_("missing %s") % ", ".join(missing))
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
        raise NewPostError(_("the post would be refused by the build: %s") % errors)
    if post.key in archive.posts:
        raise NewPostError(
            _("a post with the page name %(name)r already exists (%(file)s); pass --slug")
            % {"name": post.key, "file": archive.posts[post.key].source}
        )
    posts_dir.mkdir(parents=True, exist_ok=True)
    try:  # whole or not at all, and never over an existing file
        write_atomic(path, text.encode("utf-8"), exclusive=True)
    except FileExistsError:
        raise NewPostError(_("%s already exists; not overwritten") % path) from None
    return path, problems


# --- what ``new`` fixes in its input -------------------------------------------------------------

_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^()]*\)")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);")
_MARKS = re.compile(r"[*_`~]+")


def plain_title(title: str) -> str:
    """*title* without HTML tags, Markdown links, emphasis or entities: the words a slug is made of.

    ``How we <script>alert(1)</script> broke **prod**`` -> ``How we alert(1) broke prod``.
    """
    text = _LINK.sub(r"\1", title)
    text = _TAG.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    return " ".join(_MARKS.sub(" ", text).split())


_HOSTLIKE = re.compile(r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:[/?#]|$)")


def fix_profile(value: str) -> tuple[str, str]:
    """A profile link with ``https://`` (added when missing, or in place of ``http://``) and what was fixed.

    ``linkedin.com/in/ana`` -> ``https://linkedin.com/in/ana``. A value that is
    still not a web link afterwards is a :class:`NewPostError`.
    """
    text = value.strip()
    if not text:
        return "", ""
    fixed = text
    if _HOSTLIKE.match(text):
        fixed = "https://" + text
    elif text.lower().startswith("http://"):
        fixed = "https://" + text[len("http://") :]
    result = clean_url(fixed)
    if result.url is None or not result.url.lower().startswith("https://"):
        raise NewPostError(_("the profile link %r is not a web address (https://...)") % text)
    note = _("profile link %(before)r written as %(after)r") % {"before": text, "after": result.url}
    return result.url, note if result.url != text else ""


_ATTACHMENT = re.compile(r"!\[[^\]]*\]\((\S+?)\)|<img\b[^>]*\bsrc=\"([^\"]+)\"|^(https?://\S+)$", re.I)


def resolve_image(value: str, images_dir: Path | None, cwd: Path, prefix: str) -> tuple[str, list[str]]:
    """The ``image:`` value for *value* (``''`` for none) and warnings to show at once.

    *value* may be a name inside the images folder (``foto.png``, ``/images/foto.png``)
    or a path to a file in it (``posts/images/foto.png``), which becomes that
    name; a path to a file elsewhere is refused. A link (an image attached to
    the issue) is not downloaded: the warning says where to save it.
    """
    text = value.strip()
    if not text:
        return "", []
    link = _ATTACHMENT.search(text)
    if link:
        url = next(group for group in link.groups() if group)
        return "", [_("the image is a link (%s): save it in the images folder and set image: in the post") % url]
    if images_dir is not None:
        name = _name_in_folder(text, images_dir, cwd)
        if name is not None:
            text = name
    name, why = image_path(text, prefix)
    if name is None:
        raise NewPostError(_("image %(value)r %(why)s") % {"value": value, "why": why})
    if images_dir is not None and not (images_dir / name).is_file():
        where = display_path(images_dir, cwd)
        return name, [
            _("image %(name)r is not in %(folder)s/: add the file before the pull request")
            % {"name": name, "folder": where}
        ]
    return name, []


def _name_in_folder(text: str, images_dir: Path, cwd: Path) -> str | None:
    """*text* as a path (from *cwd*) to a file inside *images_dir*: its name there; None if not a path."""
    candidate = Path(text) if Path(text).is_absolute() else cwd / text
    real_images = Path(os.path.realpath(images_dir))
    real = Path(os.path.realpath(candidate))
    if real.is_relative_to(real_images) and real != real_images:
        return real.relative_to(real_images).as_posix()
    # Written as a path to the images folder, but the file is not there (yet).
    lexical = Path(os.path.normpath(candidate))
    if lexical.is_relative_to(Path(os.path.normpath(images_dir))):
        return lexical.relative_to(Path(os.path.normpath(images_dir))).as_posix()
    if os.path.lexists(candidate) and "/" in text.strip("/"):
        raise NewPostError(
            _("image %(value)r is outside the images folder %(folder)s: copy it there first")
            % {"value": text, "folder": display_path(images_dir, cwd)}
        )
    return None


def fix_draft(draft: Draft, images_dir: Path | None, cwd: Path, prefix: str) -> list[str]:
    """Fix what can be fixed in *draft* (profile link, image path); the warnings to show now."""
    draft.profile, note = fix_profile(draft.profile)
    draft.image, warnings = resolve_image(draft.image, images_dir, cwd, prefix)
    return ([note] if note else []) + warnings
