"""Dates as posts write them: ``2022-11-06 08:00:00 -0300`` (no Sphinx import)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

#: Years a post, a file name or an edition tag may give: RSS, Atom and time zone
#: arithmetic break on year 1 or 9999 (and nothing of a newsletter is that old).
FIRST_YEAR, LAST_YEAR = 1970, 9998


DATE_PATTERN = re.compile(
    r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?(?P<rest>.*)$",
    re.S,
)


def parse_date(value: str, tz: dt.tzinfo) -> dt.datetime | str:
    """A timezone-aware datetime, or the reason *value* is not one."""
    match = DATE_PATTERN.match(value)
    if not match:
        return f"is not a date like 2022-11-06 08:00:00 -0300: {value.strip()[:40]!r}"
    try:
        parts = [int(match[g] or 0) for g in ("y", "m", "d", "H", "M", "S")]
        zone = _offset(match["tz"]) or tz
        date = dt.datetime(*parts, tzinfo=zone)  # type: ignore[arg-type,misc]
    except (ValueError, OverflowError) as exc:
        return f"is not a real date ({exc})"
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        # Feeds, sitemaps and time zone arithmetic break on year 1 or 9999.
        return f"is out of range: years {FIRST_YEAR} to {LAST_YEAR} only ({value.strip()[:40]!r})"
    return date


def _offset(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text in ("Z", "UTC"):
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    if minutes >= 24 * 60:
        raise ValueError("offset out of range")
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def zone(name: str) -> dt.tzinfo:
    """The timezone called *name* (an IANA name or ``UTC``); UTC when unknown."""
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@functools.lru_cache(maxsize=4096)
def long_date(value: dt.date, language: str | None) -> str:
    """A long, localised date: ``7 de novembro de 2022`` / ``November 7, 2022`` (Babel).

    Cached: a build asks for each date about four times (post, edition, listings),
    and Babel takes longer to format one than a doctree takes to hold it.
    """
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return str(format_date(value, format="long", locale=language or "en"))
    except (UnknownLocaleError, ValueError):
        return str(format_date(value, format="long", locale="en"))
