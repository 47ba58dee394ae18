"""``newsletter email [N] --out DIR [--send (--to ADDRESS | --list FILE)]``: an edition as an email.

The posts are read by the same reader as the build and ``newsletter check``
(:func:`.core.loader.load_archive`, with the authors registry), with the
settings of the site's ``conf.py``. Where the archive's pages and images are
comes from the built site: its ``archive.json`` (written by every HTML build)
gives each post's page and image URL under ``html_baseurl``, so the email
links to exactly what the site serves, under ``html`` or ``dirhtml``.

Three files are written into ``--out``: ``edicao-N.html``, ``edicao-N.txt``
and ``edicao-N.eml`` (``multipart/alternative``). Before anything is
written the HTML passes :func:`.core.mailbody.email_problems`. Nothing leaves
the machine without ``--send``; with it, one message per recipient (each sees
only its own address) goes through the SMTP server ``newsletter_email``
names, the password read from the environment variable it names.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..core.text import printable

if TYPE_CHECKING:
    import argparse
    from email.message import EmailMessage

    from ..config import NewsletterConfig
    from ..core.mail import EmailSettings
    from ..core.model import Archive, Edition

#: Seconds an SMTP server may take to answer.
SMTP_TIMEOUT = 30
#: Largest ``archive.json`` read (a 10,000-post archive's is about 10 MB).
MAX_EXPORT_BYTES = 100_000_000


PROG = "newsletter"


class UsageError(Exception):
    """Bad arguments or configuration (``main`` reports it, exit status 2)."""


def run_email(
    args: argparse.Namespace, out: TextIO, *, config: NewsletterConfig, confdir: Path, raw: dict[str, Any]
) -> int:
    """*raw*: conf.py's own values, as ``main`` read them with *config*."""
    from ..core.loader import load_archive
    from ..core.mail import build_message
    from ..core.mailbody import email_problems, render_edition
    from ..core.registry import load_configured

    raw = _site_values(raw, config)
    base = _base_url(str(raw.get("html_baseurl") or ""))
    if not base:
        raise UsageError("html_baseurl is not an http(s) URL in conf.py: every link and image of an email is absolute")
    settings = config.email
    if not settings.sender:
        raise UsageError("newsletter_email['from'] is empty in conf.py: an email needs a sender")
    if args.send and not (args.to or args.list):
        raise UsageError("--send needs --to ADDRESS or --list FILE")
    recipients = _recipients(args) if args.send else []
    registry, _ = load_configured(config.authors_file, config.images_dir, config.settings)
    posts_dir = config.posts_dir
    if posts_dir is None:
        raise UsageError("newsletter_posts_dir is empty in conf.py: this command needs that folder")
    archive = load_archive(posts_dir, config.images_dir, config.settings, registry=registry).archive
    edition = _edition(archive, args.edition)
    site_dir = Path(args.site).resolve() if args.site else confdir / "_build" / "html"
    links = _links(site_dir, base, archive, edition, config, raw)
    mail = render_edition(archive, edition, links, settings.subject)
    problems = email_problems(mail.html, base)
    if problems:
        for problem in problems:
            print(printable(f"{PROG} email: error: edition #{edition.number}: {problem}"), file=sys.stderr)
        return 1
    for note in mail.notes:
        print(printable(f"{PROG} email: warning: {note}"), file=sys.stderr)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"edicao-{edition.number}"
    message = build_message(subject=mail.subject, text=mail.text, html=mail.html, settings=settings, to=args.to or "")
    files = {".html": mail.html.encode("utf-8"), ".txt": mail.text.encode("utf-8"), ".eml": message.as_bytes()}
    for suffix, data in files.items():
        (folder / (stem + suffix)).write_bytes(data)
    size = len(files[".html"])
    print(printable(f"{folder / stem}.eml: {mail.subject} ({size} bytes of HTML)"), file=out)
    if not args.send:
        return 0
    return _send(message, recipients, settings, out)


def _site_values(raw: dict[str, Any], config: NewsletterConfig) -> dict[str, Any]:
    """conf.py's own values (``language``, ``html_baseurl``, ``project``), with the site file's
    title and address where conf.py sets none (as the build fills them)."""
    from ..core.sitefile import filled, load_site_file

    site, _problems = load_site_file(config.site_file, "")  # the build reports the file's problems
    return {**raw, **filled(site, raw)}


def _base_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        return ""
    return value if value.endswith("/") else value + "/"


def _edition(archive: Archive, number: int | None) -> Edition:
    if number is None:
        latest = archive.latest_edition()
        if latest is None:
            raise UsageError("the archive has no edition")
        return latest
    edition = archive.editions.get(number)
    if edition is None:
        known = sorted(archive.editions)
        span = f"#{known[0]} to #{known[-1]}" if known else "none"
        raise UsageError(f"there is no edition #{number} (editions: {span})")
    return edition


def _links(
    site_dir: Path, base: str, archive: Archive, edition: Edition, config: NewsletterConfig, raw: dict[str, Any]
) -> Any:
    """Each post's page and image URL from the built site's ``archive.json``."""
    from ..core.mailbody import EmailLinks

    layout = config.layout
    export = site_dir / layout.export
    if not export.is_file():
        raise UsageError(
            f"{export}: no such file; build the site first (make html) or name it with --site: "
            "the email links to the site's pages and images"
        )
    if export.stat().st_size > MAX_EXPORT_BYTES:
        raise UsageError(f"{export}: larger than {MAX_EXPORT_BYTES} bytes")
    try:
        records = json.loads(export.read_text(encoding="utf-8"))["posts"]
        by_slug = {str(r["slug"]): r for r in records}
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{export}: not the archive.json of a build ({exc})") from None
    posts: dict[str, str] = {}
    images: dict[str, str] = {}
    for key in edition.posts:
        record = by_slug.get(key)
        if record is None or not isinstance(record.get("url"), str):
            raise UsageError(
                f"{export}: post {archive.posts[key].source} is not in the built site; build it again (make html)"
            )
        posts[key] = record["url"]
        if isinstance(record.get("image"), str):
            images[key] = record["image"]
    first = by_slug[edition.posts[0]]
    suffix = "/" if str(first.get("path", "")).endswith("/") else ".html"
    edition_url = base + layout.edition_docname(edition.number) + suffix
    return EmailLinks(
        base=base,
        site_name=str(raw.get("project") or ""),
        language=str(raw.get("language") or "en"),
        posts=posts,
        images=images,
        edition=edition_url,
        unsubscribe=next(iter(config.email.unsubscribe), ""),
    )


def _recipients(args: argparse.Namespace) -> list[str]:
    from ..core.mail import check_address, read_recipients

    if args.to:
        why = check_address(args.to)
        if why:
            raise UsageError(f"argument --to: {args.to!r} {why}")
        return [args.to]
    path = Path(args.list)
    if not path.is_file():
        raise UsageError(f"argument --list: {args.list!r} is not a file")
    found, problems = read_recipients(path, args.list)
    if problems:
        lines = [printable(f"{p.path}:{p.line}: {p.message}") for p in problems]
        raise UsageError("argument --list: nothing sent:\n" + "\n".join(lines))
    if not found:
        raise UsageError(f"argument --list: {args.list!r} has no address")
    return found


def _send(message: EmailMessage, recipients: list[str], settings: EmailSettings, out: TextIO) -> int:
    """One message per recipient, over one SMTP connection; the count sent is printed either way."""

    if not settings.smtp_host:
        raise UsageError("newsletter_email['smtp_host'] is empty in conf.py: --send needs an SMTP server")
    password = os.environ.get(settings.password_env, "")
    if settings.smtp_user and not password:
        raise UsageError(f"--send: the SMTP password is read from ${settings.password_env}, which is not set")
    if settings.smtp_user and settings.smtp_security == "none":
        raise UsageError("newsletter_email: 'smtp_user' with smtp_security 'none' would send the password in clear")
    sent = 0
    try:
        with _connect(settings) as smtp:
            if settings.smtp_user:
                smtp.login(settings.smtp_user, password)
            for address in recipients:
                del message["To"]
                message["To"] = address
                smtp.send_message(message)
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        print(
            printable(f"{PROG} email: error: sent {sent} of {len(recipients)}: {settings.smtp_host}: {exc}"),
            file=sys.stderr,
        )
        return 1
    print(f"sent to {sent} recipient{'s' if sent != 1 else ''} through {settings.smtp_host}", file=out)
    return 0


def _connect(settings: EmailSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT, context=context)
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    if settings.smtp_security == "starttls":
        try:
            smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
    return smtp
