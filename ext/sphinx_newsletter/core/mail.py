"""An edition as an email message: settings, recipients, the ``.eml`` (no Sphinx import).

:class:`EmailSettings` is ``newsletter_email`` from ``conf.py``, validated
once by :func:`email_settings` (the Sphinx glue turns its ``ValueError`` into
a ``ConfigError``). :func:`build_message` makes the ``multipart/alternative``
message (plain text first, then HTML, both UTF-8) that ``newsletter email``
writes as ``.eml`` and sends. Every header value is one line: the subject
comes from post text, so it goes through :func:`one_line` (no CR, LF or other
control character can start a header of its own), and the addresses and
``List-Unsubscribe`` URLs are checked here, before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any

from .text import clean_text, shorten
from .urls import clean_url

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from .model import Problem

#: The keys of ``newsletter_email`` and their types.
KEYS: dict[str, tuple[type, ...]] = {
    "from": (str,),
    "reply_to": (str,),
    "list_unsubscribe": (str, list, tuple),
    "subject": (str,),
    "smtp_host": (str,),
    "smtp_port": (int,),
    "smtp_security": (str,),
    "smtp_user": (str,),
    "password_env": (str,),
    "preview": (bool,),
}
SECURITY = ("starttls", "ssl", "none")
#: What a subject template may name: see :func:`subject_fields`.
SUBJECT_FIELDS = frozenset({"site", "edition", "number", "date", "title"})
DEFAULT_SUBJECT = "{site} · {edition}: {title}"
#: Longest subject, in characters (the rest is cut at a word, with an ellipsis).
MAX_SUBJECT = 200
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailSettings:
    """``newsletter_email``: who the edition's email comes from and how it leaves."""

    #: ``Name <address>``; required by ``newsletter email``.
    sender: str = ""
    reply_to: str = ""
    #: ``mailto:`` and ``https:`` URLs, for the ``List-Unsubscribe`` header and the footer's link.
    unsubscribe: tuple[str, ...] = ()
    subject: str = DEFAULT_SUBJECT
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str = ""
    #: The environment variable that holds the SMTP password (never conf.py).
    password_env: str = "NEWSLETTER_SMTP_PASSWORD"
    #: Whether the HTML build writes the latest edition's email into the site (``email/latest.html``).
    preview: bool = False


def email_settings(raw: Mapping[str, Any]) -> EmailSettings:
    """Validate ``newsletter_email``; a bad value raises ``ValueError`` saying which and why."""
    if "password" in raw or "smtp_password" in raw:
        raise ValueError(
            "newsletter_email takes no password: conf.py is committed; set the environment "
            "variable that 'password_env' names (NEWSLETTER_SMTP_PASSWORD by default)"
        )
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise ValueError(f"newsletter_email: unknown keys {unknown}; known: {sorted(KEYS)}")
    for key, value in raw.items():
        if not isinstance(value, KEYS[key]) or (isinstance(value, bool) and bool not in KEYS[key]):
            names = " or ".join(t.__name__ for t in KEYS[key])
            raise ValueError(f"newsletter_email[{key!r}] must be {names}, not {type(value).__name__}")
    settings = EmailSettings(
        sender=_address(raw, "from"),
        reply_to=_address(raw, "reply_to"),
        unsubscribe=_unsubscribe(raw.get("list_unsubscribe", ())),
        subject=_subject(raw.get("subject", DEFAULT_SUBJECT)),
        smtp_host=_line(raw, "smtp_host"),
        smtp_port=raw.get("smtp_port", 587),
        smtp_security=raw.get("smtp_security", "starttls"),
        smtp_user=_line(raw, "smtp_user"),
        password_env=raw.get("password_env", "NEWSLETTER_SMTP_PASSWORD"),
        preview=raw.get("preview", False),
    )
    if not 1 <= settings.smtp_port <= 65535:
        raise ValueError(f"newsletter_email['smtp_port'] must be 1 to 65535, not {settings.smtp_port}")
    if settings.smtp_security not in SECURITY:
        raise ValueError(f"newsletter_email['smtp_security'] must be one of {list(SECURITY)}")
    if not _ENV_NAME.fullmatch(settings.password_env):
        raise ValueError("newsletter_email['password_env'] must name an environment variable")
    return settings


def _line(raw: Mapping[str, Any], key: str) -> str:
    value = str(raw.get(key, "")).strip()
    if _CONTROL.search(value):
        raise ValueError(f"newsletter_email[{key!r}] has a control character or line break")
    return value


def _address(raw: Mapping[str, Any], key: str) -> str:
    value = _line(raw, key)
    if value and check_address(value):
        raise ValueError(f"newsletter_email[{key!r}]: {value!r} {check_address(value)}")
    return value


def check_address(value: str) -> str:
    """Why *value* is not one email address (``a@b.org`` or ``Name <a@b.org>``), or ''."""
    if _CONTROL.search(value):
        return "has a control character or line break"
    name, address = parseaddr(value)
    local, _at, domain = address.rpartition("@")
    if not local or "." not in domain or any(c in address for c in " <>,;\"'()[]\\"):
        return "is not an email address (name@example.org or Name <name@example.org>)"
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError) as exc:
        return f"is not an email address ({exc})"
    return ""


def _unsubscribe(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    urls = (value,) if isinstance(value, str) else tuple(value)
    result = []
    for url in urls:
        if not isinstance(url, str) or not url.strip():
            raise ValueError("newsletter_email['list_unsubscribe'] must hold mailto: or https: URLs")
        url = url.strip()
        if url.lower().startswith("mailto:"):
            problem = check_address(url[7:].split("?", 1)[0])
            if problem or _CONTROL.search(url) or any(c in url for c in " <>"):
                raise ValueError(f"newsletter_email['list_unsubscribe']: {url!r} is not a mailto: address")
        elif clean_url(url).url != url or not url.startswith("https://"):
            raise ValueError(f"newsletter_email['list_unsubscribe']: {url!r} is not a clean https: URL")
        result.append(url)
    return tuple(result)


def _subject(template: str) -> str:
    subject_fields(template)
    if _CONTROL.search(template):
        raise ValueError("newsletter_email['subject'] has a control character or line break")
    return template


def subject_fields(template: str) -> set[str]:
    """The fields *template* names; only plain ``{name}`` of :data:`SUBJECT_FIELDS` (else ``ValueError``)."""
    import string

    names = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"newsletter_email['subject'] is not a valid template: {exc}") from None
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in SUBJECT_FIELDS or spec or conversion:
            raise ValueError(
                f"newsletter_email['subject']: {{{name}}} is not one of "
                + ", ".join(f"{{{n}}}" for n in sorted(SUBJECT_FIELDS))
            )
        names.add(name)
    return names


def one_line(text: str, limit: int = MAX_SUBJECT) -> str:
    """*text* as one header line: no control character or line break, white space folded, at most *limit*."""
    text = _CONTROL.sub(" ", clean_text(text))
    text = re.sub(r"\s+", " ", text).strip()
    return shorten(text, limit)


def render_subject(template: str, **values: str) -> str:
    """The subject: *template* with each value made :func:`one_line` first."""
    return one_line(template.format_map({k: one_line(v) for k, v in values.items()}))


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    settings: EmailSettings,
    to: str = "",
    date: dt.datetime | None = None,
) -> EmailMessage:
    """The ``multipart/alternative`` message: plain text, then HTML (UTF-8), with our headers."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = one_line(subject)
    message["From"] = settings.sender
    if to:
        message["To"] = to
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    if settings.unsubscribe:
        message["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in settings.unsubscribe)
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["MIME-Version"] = "1.0"
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def read_recipients(path: Path, shown: str) -> tuple[list[str], list[Problem]]:
    """The addresses of a list file: one a line, ``#`` comments and blank lines skipped, duplicates once.

    A line that is not one address is a problem at its line: the caller sends nothing then.
    """
    from .model import Problem

    problems: list[Problem] = []
    found: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(path=shown, line=1, code="email-list", severity="error", message="is not UTF-8")]
    for number, line in enumerate(text.splitlines(), 1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        why = check_address(value)
        if why:
            problems.append(
                Problem(path=shown, line=number, code="email-list", severity="error", message=f"{value!r} {why}")
            )
            continue
        found.setdefault(parseaddr(value)[1].lower(), value)
    return list(found.values()), problems
