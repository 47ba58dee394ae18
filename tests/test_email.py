"""``newsletter email``: the files it writes, what a real SMTP server receives, the rules, hostile posts.

Each site is built for real (``python -m sphinx``) and the command reads it
like a maintainer's run would. The SMTP server is aiosmtpd on 127.0.0.1,
started here; what arrived is parsed with the standard library.
"""

from __future__ import annotations

import email
import io
import re
import socket
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from emailsite import EmailSite, make_site, post, ten_posts
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.mailbody import MAX_HTML_BYTES, email_problems

BASE = "https://example.org/news/"


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def settings(port: int, **extra: object) -> str:
    values = {
        "from": "Destaques <news@example.org>",
        "reply_to": "editor@example.org",
        "list_unsubscribe": ["mailto:news@example.org?subject=sair", "https://example.org/sair"],
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        **extra,
    }
    return repr(values)


@pytest.fixture(scope="module")
def site(tmp_path_factory, smtp) -> EmailSite:
    controller, _inbox = smtp
    return make_site(tmp_path_factory.mktemp("email"), ten_posts(), base=BASE, email=settings(controller.port))


def run(site: EmailSite, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        code = main(["--conf-dir", str(site.confdir), "email", *args], out=out)
    return code, out.getvalue(), err.getvalue()


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    # On the wire every line ends in CRLF (and the last one too): compare the text.
    return tuple(part.get_content().replace("\r\n", "\n").rstrip("\n") for part in (text, html))  # type: ignore[return-value]


def page_file(site: EmailSite, url: str) -> Path:
    """The built file a URL under the base names."""
    assert url.startswith(site.base), url
    return site.outdir / urlsplit(url).path[len(urlsplit(site.base).path) :]


# --- the files --------------------------------------------------------------------------------------


def test_writes_html_text_and_a_multipart_eml(site: EmailSite, tmp_path: Path, smtp) -> None:
    _controller, inbox = smtp
    before = len(inbox.envelopes)
    code, out, err = run(site, "-o", str(tmp_path))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edicao-1.eml", "edicao-1.html", "edicao-1.txt"]
    message = email.message_from_bytes((tmp_path / "edicao-1.eml").read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
    assert message["Subject"] == "Destaques de Teste · Edição #1: Título do post número 1 sobre confiabilidade"
    assert message["From"] == "Destaques <news@example.org>"
    assert message["Reply-To"] == "editor@example.org"
    assert message["List-Unsubscribe"].strip() == "<mailto:news@example.org?subject=sair>, <https://example.org/sair>"
    text, html = parts(message)
    assert html == (tmp_path / "edicao-1.html").read_text(encoding="utf-8").rstrip("\n")
    assert text == (tmp_path / "edicao-1.txt").read_text(encoding="utf-8").rstrip("\n")
    # Nothing left the machine without --send.
    assert len(inbox.envelopes) == before
    assert "edicao-1.eml" in out


def test_html_links_to_the_built_pages_and_articles_in_portuguese(site: EmailSite, tmp_path: Path) -> None:
    assert run(site, "1", "-o", str(tmp_path))[0] == 0
    html = (tmp_path / "edicao-1.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    pages = {h for h in hrefs if h.startswith(BASE)}
    assert len(pages) == 11  # ten posts and the edition
    assert all(page_file(site, h).is_file() for h in pages)
    assert {f"https://example.org/artigo-{n}" for n in range(1, 11)} <= hrefs
    assert "5 de fevereiro de 2024" in html
    assert "Comentado por Comentarista Número 7" in html
    assert "Leia o comentário completo" in html
    assert "Cancelar inscrição" in html
    text = (tmp_path / "edicao-1.txt").read_text(encoding="utf-8")
    assert "Leia o comentário completo: https://example.org/news/arquivo/posts/post-3.html" in text


def test_html_keeps_the_email_rules(site: EmailSite, tmp_path: Path) -> None:
    """Checked here without the command's own checker: script, styles, images, size."""
    assert run(site, "-o", str(tmp_path))[0] == 0
    html = (tmp_path / "edicao-1.html").read_text(encoding="utf-8")
    assert len(html.encode()) < MAX_HTML_BYTES
    lowered = html.lower()
    for banned in ("<script", "<link", "<style", "@import", "@font-face", "javascript:", "<iframe"):
        assert banned not in lowered, banned
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == 10
    for tag in images:
        src = re.search(r'src="([^"]+)"', tag)
        alt = re.search(r'alt="([^"]+)"', tag)
        assert src and src.group(1).startswith(BASE + "_images/") and page_file(site, src.group(1)).is_file()
        assert alt and alt.group(1).strip()
    assert 'style="' in html  # the stylesheet went into the elements
    assert re.search(r'<table[^>]*style="[^"]*max-width: ?600px', html)


def test_the_rule_check_catches_what_breaks_an_email() -> None:
    bad = (
        '<script>x()</script><link rel="stylesheet" href="https://cdn.example.org/a.css">'
        '<img src="https://elsewhere.example.com/t.png" alt="t"><img src="https://example.org/news/a.png">'
        '<a href="javascript:alert(1)">x</a><p onclick="x()">y</p>'
    )
    problems = email_problems(bad + "x" * MAX_HTML_BYTES, BASE)
    assert len(problems) == 7, problems
    assert email_problems('<img src="https://example.org/news/a.png" alt="a">', BASE) == []


# --- sending ----------------------------------------------------------------------------------------


def test_send_delivers_one_message_per_recipient(site: EmailSite, tmp_path: Path, smtp) -> None:
    _controller, inbox = smtp
    recipients = tmp_path / "lista.txt"
    recipients.write_text("# assinantes\nana@example.net\n\nBruno <bruno@example.com>\nANA@example.net\n")
    before = len(inbox.envelopes)
    code, out, err = run(site, "-o", str(tmp_path / "out"), "--send", "--list", str(recipients))
    assert (code, err) == (0, "")
    assert "sent to 2 recipients" in out
    arrived = inbox.envelopes[before:]
    assert [e.rcpt_tos for e in arrived] == [["ana@example.net"], ["bruno@example.com"]]
    written = (tmp_path / "out" / "edicao-1.html").read_text(encoding="utf-8").rstrip("\n")
    for envelope, to in zip(arrived, ["ana@example.net", "Bruno <bruno@example.com>"], strict=True):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        assert message["To"] == to
        assert message["Subject"].startswith("Destaques de Teste · Edição #1")
        assert parts(message)[1] == written


def test_send_to_one_address(site: EmailSite, tmp_path: Path, smtp) -> None:
    _controller, inbox = smtp
    before = len(inbox.envelopes)
    assert run(site, "1", "-o", str(tmp_path), "--send", "--to", "leitora@example.net")[0] == 0
    assert [e.rcpt_tos for e in inbox.envelopes[before:]] == [["leitora@example.net"]]


def test_a_bad_list_sends_nothing(site: EmailSite, tmp_path: Path, smtp) -> None:
    _controller, inbox = smtp
    recipients = tmp_path / "lista.txt"
    recipients.write_text("ana@example.net\nnot an address\n")
    before = len(inbox.envelopes)
    code, _out, err = run(site, "-o", str(tmp_path), "--send", "--list", str(recipients))
    assert code == 2
    assert f"{recipients}:2: 'not an address' is not an email address" in err
    assert len(inbox.envelopes) == before
    assert run(site, "-o", str(tmp_path), "--send")[0] == 2  # no recipient named


def test_an_unknown_edition_is_a_usage_error(site: EmailSite, tmp_path: Path) -> None:
    code, _out, err = run(site, "7", "-o", str(tmp_path))
    assert code == 2 and "there is no edition #7 (editions: #1 to #1)" in err


# --- configuration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"password": "hunter2"}, "takes no password"),
        ({"form": "x@example.org"}, "unknown keys ['form']"),
        ({"from": "a@example.org\r\nBcc: evil@example.com"}, "control character or line break"),
        ({"list_unsubscribe": "javascript:alert(1)"}, "is not a clean https: URL"),
        ({"smtp_port": 0}, "must be 1 to 65535"),
        ({"subject": "{title.__class__}"}, "is not one of"),
        ({"smtp_security": "tls"}, "must be one of"),
    ],
)
def test_bad_email_settings_are_usage_errors(site: EmailSite, tmp_path: Path, extra, message) -> None:
    conf = site.confdir / "conf.py"
    original = conf.read_text(encoding="utf-8")
    try:
        conf.write_text(original + f"newsletter_email = {{**newsletter_email, **{extra!r}}}\n", encoding="utf-8")
        code, _out, err = run(site, "-o", str(tmp_path))
    finally:
        conf.write_text(original, encoding="utf-8")
    assert code == 2
    assert message in err


def test_the_password_comes_only_from_the_environment(site: EmailSite, tmp_path: Path, monkeypatch) -> None:
    conf = site.confdir / "conf.py"
    original = conf.read_text(encoding="utf-8")
    monkeypatch.delenv("NEWSLETTER_SMTP_PASSWORD", raising=False)
    try:
        conf.write_text(original + "newsletter_email['smtp_user'] = 'news'\n", encoding="utf-8")
        code, _out, err = run(site, "-o", str(tmp_path), "--send", "--to", "a@example.net")
        assert code == 2 and "$NEWSLETTER_SMTP_PASSWORD, which is not set" in err
        monkeypatch.setenv("NEWSLETTER_SMTP_PASSWORD", "s3cret")
        code, _out, err = run(site, "-o", str(tmp_path), "--send", "--to", "a@example.net")
        assert code == 2 and "would send the password in clear" in err
    finally:
        conf.write_text(original, encoding="utf-8")


# --- hostile posts and other languages ------------------------------------------------------------


def test_hostile_post_text_is_neutralised(tmp_path: Path) -> None:
    hostile = post(
        1,
        title=r"Oi<script>alert(1)</script>\r\nBcc: evil@example.com\r\n\r\n<b>corpo</b>",
        url="javascript:alert(document.cookie)",
        extra='comentado_por_linkedin: "javascript:alert(2)"\n',
        body='<img src=x onerror="alert(3)"> <script>alert(4)</script> e [clique](javascript:alert(5))',
    )
    posts = {"2024-02-05-hostil.md": hostile, "2024-02-05-outro.md": post(2)}
    site = make_site(tmp_path / "s", posts, base=BASE)
    code, _out, _err = run(site, "-o", str(tmp_path / "out"))
    assert code == 0
    raw = (tmp_path / "out" / "edicao-1.eml").read_bytes()
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"(?im)^bcc:", headers)
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert "Bcc: evil@example.com" in message["Subject"]  # shown as text, on the one line
    html = parts(message)[1]
    assert "<script" not in html.lower() and "javascript:" not in html.lower() and "onerror=" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html


def test_english_site_gets_english_labels_and_dates(tmp_path: Path) -> None:
    site = make_site(tmp_path / "s", {"2024-02-05-a.md": post(1)}, base=BASE, language="en")
    assert run(site, "-o", str(tmp_path / "out"))[0] == 0
    html = (tmp_path / "out" / "edicao-1.html").read_text(encoding="utf-8")
    assert "February 5, 2024" in html and "Commented by Comentarista Número 1" in html
    assert "Read the whole comment" in html and 'lang="en"' in html


def test_without_a_built_site_it_says_to_build(site: EmailSite, tmp_path: Path) -> None:
    code, _out, err = run(site, "-o", str(tmp_path), "--site", str(tmp_path / "nowhere"))
    assert code == 2 and "build the site first" in err


def test_the_build_preview_is_the_email_the_command_writes(tmp_path: Path) -> None:
    """``newsletter_email['preview']``: the build's email/latest.html, byte for byte the command's HTML."""
    email_settings = '{"from": "Destaques <news@example.org>", "preview": True}'
    posts = {
        **ten_posts(),
        "2024-03-05-b.md": post(11, edition=2, date="2024-03-05").replace("05.02.2024", "05.03.2024"),
    }
    site = make_site(tmp_path / "s", posts, base=BASE, email=email_settings)
    assert run(site, "-o", str(tmp_path / "out"))[0] == 0
    preview = site.outdir / "email" / "latest.html"
    assert preview.read_bytes() == (tmp_path / "out" / "edicao-2.html").read_bytes()
    assert "Edição #2" in preview.read_text(encoding="utf-8")


def test_the_site_file_names_the_site_and_its_address_as_in_the_build(tmp_path: Path) -> None:
    """conf.py without ``project``/``html_baseurl`` (as the archive's after an adoption): posts/site.yml gives both."""
    site_yml = f'title: "Boletim do Arquivo"\nurl: "{BASE}"\n'
    site = make_site(tmp_path / "s", {"2024-02-05-a.md": post(1)}, base=BASE, site_yml=site_yml)
    code, _out, err = run(site, "-o", str(tmp_path / "out"))
    assert code == 0, err
    message = email.message_from_bytes((tmp_path / "out" / "edicao-1.eml").read_bytes(), policy=policy.default)
    assert str(message["Subject"]).startswith("Boletim do Arquivo · Edição #1")
    html = (tmp_path / "out" / "edicao-1.html").read_text(encoding="utf-8")
    assert f'href="{BASE}arquivo/posts/a.html"' in html
