"""Reading one post file into a :class:`~sphinx_newsletter.core.model.Post` (no Sphinx import).

Every problem comes back as a :class:`~sphinx_newsletter.core.model.Problem` with
the file's line, never as an exception: a post with an error is refused (the
caller names it in the log), a post with warnings is published as cleaned.
The Sphinx build and the ``newsletter check`` command share this reader, so
they never disagree about a post.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .body import excerpt
from .dates import DATE_PATTERN, FIRST_YEAR, LAST_YEAR, parse_date, zone
from .images import image_path
from .model import EditionTag, Post, Problem, slugify, split_file_name
from .oldurls import read_old_urls
from .settings import IGNORED_KEYS, Settings
from .text import clean_text, code_points, hidden_in_name, printable
from .urls import clean_url, host_matches
from .yamlsafe import Field, YamlProblem, load_mapping

_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(?:--->?|\.\.\.)[ \t]*$")  # "--->": a legacy typo, read as "---"
#: In a body: controls (removed quietly: they show as nothing, and feeds can't carry
#: them) and the bidi embeddings, overrides and isolates (removed with a warning:
#: they change how text, and code, reads). Zero-width spaces and soft hyphens are
#: typography in prose and stay.
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BODY_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_STEM_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(slots=True)
class _Reader:
    """Collects problems for one file while its fields are read."""

    path: str
    settings: Settings
    offset: int = 1  # file line of the first front-matter line
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, code: str, message: str, *, column: int = 1, error: bool = False) -> None:
        self.problems.append(
            Problem(
                path=self.path,
                line=line,
                column=column,
                code=code,
                message=message,
                severity="error" if error else "warning",
            )
        )

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def read_post(path: Path, display: str, settings: Settings) -> tuple[Post | None, list[Problem]]:
    """Read the post at *path*; *display* is the name messages use for it."""
    reader = _Reader(printable(display), settings)
    why = hidden_in_name(path.name)
    if why:
        reader.problem(1, "file-name", f"the file name {why}; rename the file", error=True)
        return None, reader.problems
    text = _read_text(path, reader)
    if text is None:
        return None, reader.problems
    return parse_post(text, display, settings, stem=path.stem, reader=reader)


def parse_post(
    text: str,
    display: str,
    settings: Settings,
    *,
    stem: str,
    reader: _Reader | None = None,
) -> tuple[Post | None, list[Problem]]:
    """Parse a post's text; *stem* is its file name without the extension."""
    reader = reader or _Reader(printable(display), settings)
    split = _split(text, reader)
    if split is None:
        return None, reader.problems
    front, body, body_line = split
    body = clean_body(body, body_line, reader)
    try:
        fields, warnings = load_mapping(front, reader.offset)
    except YamlProblem as exc:
        reader.problem(reader.offset + exc.line, "yaml", exc.message, column=exc.column + 1, error=True)
        return None, reader.problems
    for warning in warnings:
        reader.problem(reader.offset + warning.line, "yaml-duplicate", warning.message, column=warning.column + 1)
    post = _build_post(fields, body, body_line, stem, reader)
    return (None if reader.failed else post), reader.problems


def _read_text(path: Path, reader: _Reader) -> str | None:
    try:
        info = os.lstat(path)
    except OSError as exc:
        reader.problem(1, "unreadable", f"cannot read the post: {exc.strerror}", error=True)
        return None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        reader.problem(1, "not-a-file", "symbolic links and special files are not read as posts", error=True)
        return None
    if info.st_size > reader.settings.max_post_bytes:
        reader.problem(
            1,
            "too-large",
            f"the post has {info.st_size} bytes, over the limit of {reader.settings.max_post_bytes}",
            error=True,
        )
        return None
    with open(path, "rb") as handle:
        data = handle.read(reader.settings.max_post_bytes + 1)
    return decode(data, reader)


def decode(data: bytes, reader: _Reader) -> str | None:
    """UTF-8 text with the BOM dropped and line ends made ``\\n``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reader.problem(line, "encoding", f"the file is not UTF-8 (byte 0x{data[exc.start]:02x})", error=True)
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str, reader: _Reader) -> tuple[str, str, int] | None:
    lines = text.split("\n")
    if not text.strip():
        reader.problem(1, "empty", "the file is empty", error=True)
        return None
    if not _FENCE.match(lines[0]):
        reader.problem(1, "no-front-matter", "the post does not start with a '---' front-matter line", error=True)
        return None
    for i in range(1, len(lines)):
        if _FENCE_END.match(lines[i]):
            reader.offset = 2
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    reader.problem(1, "no-front-matter", "the front matter opened on line 1 is never closed with '---'", error=True)
    return None


# --- fields -----------------------------------------------------------------------


def _build_post(fields: dict[str, Field], body: str, body_line: int, stem: str, reader: _Reader) -> Post:
    settings = reader.settings
    file_date, slug = split_file_name(stem)
    if file_date is None and _STEM_DATE.match(stem):
        reader.problem(
            1,
            "date-invalid",
            f"the file name starts with {stem[:10]!r}, not a real date between "
            f"{FIRST_YEAR} and {LAST_YEAR}; it is read as part of the page name",
        )
    _check_unknown(fields, reader)
    title = _text(fields, "title", reader, required=True)
    date = _date(fields, file_date, reader)
    author_url = _url(fields, "author_url", reader)
    if author_url and settings.profile_host and not host_matches(author_url, settings.profile_host):
        reader.problem(
            _line(fields, "author_url", reader),
            "profile-host",
            f"the profile link is not on {settings.profile_host}: {author_url}",
        )
    post = Post(
        source=reader.path,
        slug=slug,
        key=slugify(slug),
        title=title,
        date=date,
        published=_flag(fields, "published", reader),
        edition=_edition(fields, reader),
        headline=_text(fields, "headline", reader),
        highlight_title=_text(fields, "highlight_title", reader),
        highlight_url=_url(fields, "highlight_url", reader),
        highlight_author=_text(fields, "highlight_author", reader),
        image=_image(fields, reader),
        author_name=_text(fields, "author", reader),
        author_url=author_url,
        categories=_categories(fields, reader),
        redirect_from=_old_urls(fields, reader),
        comments=_flag(fields, "comments", reader),
        excerpt=excerpt(body),
        body=body,
        body_line=body_line,
        lines={name: reader.offset + f.line for name, f in _by_name(fields, settings).items()},
    )
    return post


def _by_name(fields: dict[str, Field], settings: Settings) -> dict[str, Field]:
    return {name: fields[key] for name, key in settings.fields.items() if key in fields}


def _line(fields: dict[str, Field], name: str, reader: _Reader) -> int:
    found = fields.get(reader.settings.key(name))
    return reader.offset + found.line if found else 1


def _column(fields: dict[str, Field], name: str, reader: _Reader) -> int:
    found = fields.get(reader.settings.key(name))
    return found.column + 1 if found else 1


def _check_unknown(fields: dict[str, Field], reader: _Reader) -> None:
    known = set(reader.settings.fields.values())
    for key, found in fields.items():
        if key in known or key in IGNORED_KEYS:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        reader.problem(reader.offset + found.line, "unknown-field", f"unknown front-matter key {key!r}{hint}")


def _text(fields: dict[str, Field], name: str, reader: _Reader, *, required: bool = False) -> str:
    key = reader.settings.key(name)
    found = fields.get(key)
    value = found.value if found else None
    if value is None or value == "":
        if required:
            reader.problem(
                _line(fields, name, reader),
                "missing-field",
                f"the required field {key!r} is missing or empty",
                error=True,
            )
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    if not isinstance(value, str):
        reader.problem(
            _line(fields, name, reader), "field-type", f"{key!r} must be text, not a list or mapping", error=required
        )
        return ""
    return clean_text(value, _reporter(_line(fields, name, reader), key, reader))


def _reporter(line: int, key: str, reader: _Reader) -> Callable[[str, str], None]:
    """What :func:`clean_text` calls when it removes characters from field *key*."""
    what = {"control-chars": "control characters", "invisible-chars": "invisible or text-direction characters"}

    def report(code: str, chars: str) -> None:
        reader.problem(line, code, f"{what[code]} removed from {key!r} ({chars})")

    return report


def clean_body(body: str, first_line: int, reader: _Reader) -> str:
    """The body without controls and bidi overrides; one warning at the first line with an override."""
    body = _BODY_CONTROL.sub("", body)
    found = _BODY_BIDI.search(body)
    if not found:
        return body
    line = first_line + body.count("\n", 0, found.start())
    chars = code_points(_BODY_BIDI.findall(body))
    reader.problem(line, "invisible-chars", f"text-direction characters ({chars}) removed from the body")
    return _BODY_BIDI.sub("", body)


def _date(fields: dict[str, Field], file_date: dt.date | None, reader: _Reader) -> dt.datetime:
    tz = zone(reader.settings.timezone)
    key = reader.settings.key("date")
    raw = fields.get(key)
    line, column = _line(fields, "date", reader), _column(fields, "date", reader)
    if raw is not None and isinstance(raw.value, str):
        parsed = parse_date(raw.value, tz)
        if isinstance(parsed, dt.datetime):
            rest = DATE_PATTERN.match(raw.value)["rest"].strip()  # type: ignore[index]
            if rest:
                reader.problem(
                    line, "date-junk", f"date has trailing text {rest!r}", column=column + raw.value.index(rest)
                )
            return parsed
        reader.problem(line, "date-invalid", f"{key!r} {parsed}", column=column, error=file_date is None)
    elif raw is not None and raw.value is not None:
        reader.problem(
            line, "date-invalid", f"{key!r} must be a date like 2022-11-06 08:00:00 -0300", error=file_date is None
        )
    elif file_date is None:
        reader.problem(line, "missing-field", f"no {key!r} field and no date in the file name", error=True)
    if file_date is not None:
        return dt.datetime.combine(file_date, dt.time(), tzinfo=tz)
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _flag(fields: dict[str, Field], name: str, reader: _Reader) -> bool:
    """A true/false field that is true when absent (``published``, ``comments``); anything unclear is false."""
    key = reader.settings.key(name)
    found = fields.get(key)
    if found is None or found.value is None:
        return True
    if isinstance(found.value, bool):
        return found.value
    word = str(found.value).strip().lower()
    meaning = {"false": False, "no": False, "true": True, "yes": True}.get(word)
    line = reader.offset + found.line
    if meaning is None:
        reader.problem(line, f"{name}-type", f"{key!r} must be true or false; treating {found.value!r} as false")
        return False
    reader.problem(
        line,
        f"{name}-type",
        f"{key!r} must be a plain true or false, not the text {found.value!r}; read as {str(meaning).lower()}",
    )
    return meaning


def _edition(fields: dict[str, Field], reader: _Reader) -> EditionTag | None:
    text = _text(fields, "edition", reader)
    if not text:
        return None
    match = reader.settings.edition_pattern.search(text)
    line = _line(fields, "edition", reader)
    if not match:
        reader.problem(
            line, "edition-tag", f"edition tag {text!r} not understood; the post is listed without an edition"
        )
        return None
    number = int(match.group("number"))
    date_text = match.groupdict().get("date")
    date = _edition_date(date_text, reader.settings.edition_date_dayfirst) if date_text else None
    if date_text and date is None:
        order = "day.month.year" if reader.settings.edition_date_dayfirst else "month.day.year"
        reader.problem(
            line,
            "edition-tag",
            f"edition tag {text!r} has a date that can't be read as "
            f"{order} between {FIRST_YEAR} and {LAST_YEAR}; the edition's date comes from its other posts",
        )
    return EditionTag(number=number, date=date)


def _edition_date(text: str, dayfirst: bool) -> dt.date | None:
    parts = [int(p) for p in re.split(r"[./-]", text)]
    if len(parts) != 3:
        return None
    day, month, year = parts if dayfirst else (parts[1], parts[0], parts[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _url(fields: dict[str, Field], name: str, reader: _Reader) -> str | None:
    text = _text(fields, name, reader)
    if not text:
        return None
    result = clean_url(text)
    if result.code:
        reader.problem(_line(fields, name, reader), result.code, result.message, column=_column(fields, name, reader))
    return result.url


def _words(fields: dict[str, Field], name: str, reader: _Reader) -> tuple[str, ...]:
    return tuple(word for word, _ in _items(fields, name, reader))


def _items(fields: dict[str, Field], name: str, reader: _Reader) -> list[tuple[str, int]]:
    """A list field's words and the file line of each: a YAML list, or words separated by spaces.

    Items that are not text (a mapping, a nested list) are left out with a
    warning at their line; so is a mapping in place of the list.
    """
    key = reader.settings.key(name)
    found = fields.get(key)
    if found is None or found.value is None:
        return []
    line = reader.offset + found.line
    if isinstance(found.value, dict):
        reader.problem(line, "field-type", f"{key!r} must be a list of words, not a mapping; left out")
        return []
    if not isinstance(found.value, list):
        return [(w, line) for w in _item_text(found.value, line, key, reader).split()]
    lines = [reader.offset + n for n in found.items] or [line] * len(found.value)
    words = []
    for value, at in zip(found.value, lines, strict=False):
        if isinstance(value, (dict, list)):
            reader.problem(at, "field-type", f"an item of {key!r} is a list or mapping, not a word; left out")
        elif value is not None:
            words.append((_item_text(value, at, key, reader), at))
    return [(w, at) for w, at in words if w]


def _item_text(value: str | bool, line: int, key: str, reader: _Reader) -> str:
    text = ("true" if value else "false") if isinstance(value, bool) else value
    return clean_text(text, _reporter(line, key, reader))


def _categories(fields: dict[str, Field], reader: _Reader) -> tuple[str, ...]:
    """Categories, then tags: each at most ``max_category_chars`` long, at most ``max_categories_per_post``.

    Every category is a page and a listing entry: the caps bound what one post
    can make the build write. Spellings of one category (same page name) count once.
    """
    settings = reader.settings
    kept: dict[str, str] = {}
    dropped: list[tuple[str, int]] = []
    for name in ("categories", "tags"):
        for word, line in _items(fields, name, reader):
            if len(word) > settings.max_category_chars:
                reader.problem(
                    line,
                    "category-refused",
                    f"category {word[:40]!r}... is longer than {settings.max_category_chars} characters; left out",
                )
                continue
            key = slugify(word)
            if not key:
                reader.problem(
                    line,
                    "category-refused",
                    f"category {word!r} has no letter or digit a page "
                    "name can use (a-z, 0-9, accents folded); left out",
                )
                continue
            if key in kept:
                continue
            if len(kept) < settings.max_categories_per_post:
                kept[key] = word
            else:
                dropped.append((word, line))
    if dropped:
        first = ", ".join(repr(w) for w, _ in dropped[:3]) + (", ..." if len(dropped) > 3 else "")
        reader.problem(
            dropped[0][1],
            "category-refused",
            f"more than {settings.max_categories_per_post} "
            f"categories and tags; the other {len(dropped)} are left out ({first})",
        )
    return tuple(kept.values())


def _old_urls(fields: dict[str, Field], reader: _Reader) -> tuple[str, ...]:
    """``redirect_from``: old one-segment URL paths (``/Old-Slug/``) -> ``Old-Slug/``."""
    urls, problems = read_old_urls(_words(fields, "redirect_from", reader), reader.settings.max_redirects_per_post)
    for code, message in problems:
        reader.problem(_line(fields, "redirect_from", reader), code, message)
    return urls


def _image(fields: dict[str, Field], reader: _Reader) -> str | None:
    text = _text(fields, "image", reader)
    if not text:
        return None
    path, why = image_path(text, reader.settings.image_url_prefix)
    if path is None:
        reader.problem(_line(fields, "image", reader), "image-refused", f"image {text!r} {why}; no image shown")
    return path
