"""Nasty post files through both readers: ``newsletter check`` and a real ``sphinx-build -W --keep-going``.

Each file carries one attack on the post reader (issue 17: a lone surrogate, a
file name that is not UTF-8 or forges log lines, invisible and control
characters, 5,000 categories, a year-1 date, IP hosts, quoted links, an
unreadable edition date, a look-alike commentator). Both commands must report
every one at its file and line, agree with each other, and never print a
traceback; what is published carries none of the removed characters.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from sphinx_newsletter.cli.main import main

CONF = """\
extensions = ["sphinx_newsletter"]
html_theme = "furo"
html_baseurl = "https://example.org/"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
newsletter_authors_file = ""
"""

POST = """\
---
title: "{title}"
date: {date}
tag: "{tag}"
highlight_url: "{url}"
comentado_por: "{name}"
comentado_por_linkedin: "{profile}"
{extra}---
{body}
"""


def post(
    *,
    title="Um post",
    date="2024-01-07 08:00:00 -0300",
    tag="Edição #1 - 07.01.2024",
    url="https://example.org/a",
    name="Ana Lima",
    profile="https://www.linkedin.com/in/ana-lima",
    extra="",
    body="Um comentário.",
) -> str:
    return POST.format(title=title, date=date, tag=tag, url=url, name=name, profile=profile, extra=extra, body=body)


#: file name (bytes: any name a pull request can carry) -> (text, [(line, code)] expected, as shown)
NASTY: dict[bytes, tuple[str, list[tuple[int, str]], str]] = {
    b"2024-01-07-surrogate.md": (post(title="a\\uD800b"), [(2, "yaml")], "2024-01-07-surrogate.md"),
    b"2024-01-07-caf\xe9.md": (post(url="https://example.org/b"), [(1, "file-name")], "2024-01-07-caf\\xe9.md"),
    b"2024-01-07-x\x1b[2K\rWARNING: forged\n.md": (
        post(url="https://example.org/c"),
        [(1, "file-name")],
        "2024-01-07-x\\x1b[2K\\x0dWARNING: forged\\x0a.md",
    ),
    b"2024-01-07-bidi.md": (
        post(title="Sobre \u202eanúncios\u202c hoje", name="Ana\u200b Lima", url="https://example.org/d"),
        [(2, "invisible-chars"), (6, "invisible-chars")],
        "2024-01-07-bidi.md",
    ),
    b"2024-01-07-categorias.md": (
        post(
            url="https://example.org/e",
            extra="categories:\n" + "".join(f"  - c{i}\n" for i in range(5000)) + "tags:\n  a: 1\n",
        ),
        [(19, "category-refused"), (5010, "field-type")],
        "2024-01-07-categorias.md",
    ),
    b"2024-01-07-ano-um.md": (
        post(date="0001-01-01 00:00:00", url="https://example.org/f"),
        [(3, "date-invalid")],
        "2024-01-07-ano-um.md",
    ),
    b"0001-01-01-velho.md": (post(url="https://example.org/g"), [(1, "date-invalid")], "0001-01-01-velho.md"),
    b"2024-01-07-ip.md": (post(url="http://2130706433/"), [(5, "url-refused")], "2024-01-07-ip.md"),
    b"2024-01-07-local.md": (
        post(url="http://0x7f.1/admin", profile="http://localhost:8080/in/x"),
        [(5, "url-refused"), (7, "url-refused")],
        "2024-01-07-local.md",
    ),
    b"2024-01-07-aspas.md": (
        post(url="https://example.org/h", profile="“https://www.linkedin.com/in/ana-lima”"),
        [(7, "url-quoted")],
        "2024-01-07-aspas.md",
    ),
    b"2024-01-07-edicao.md": (
        post(url="https://example.org/i", tag="Edição #1 - 01/13/2024"),
        [(4, "edition-tag")],
        "2024-01-07-edicao.md",
    ),
    b"2024-01-07-c1.md": (
        post(url="https://example.org/j", title="T\\x9bitle\\x7f", body="Corpo\x85 com\x9b C1\x7f."),
        [(2, "control-chars")],
        "2024-01-07-c1.md",
    ),
    b"2024-01-07-trojan.md": (
        post(url="https://example.org/l", body="Texto.\n\n```python\nif admin:\u202e\u2066 # fim\u2069\u2066\n```\n"),
        [(12, "invisible-chars")],
        "2024-01-07-trojan.md",
    ),
    b"2024-01-14-sosia.md": (
        post(
            url="https://example.org/k",
            name="\u0410na Lima",
            date="2024-01-14 08:00:00 -0300",
            tag="Edição #2 - 14.01.2024",
        ),
        [(6, "author-spelling")],
        "2024-01-14-sosia.md",
    ),
}

REMOVED = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ud800-\udfff]")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("nasty")
    posts = root / "posts"
    (posts / "images").mkdir(parents=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text("# Início\n", encoding="utf-8")
    for name, (text, _, _) in NASTY.items():
        with open(os.path.join(os.fsencode(posts), name), "wb") as handle:
            handle.write(text.encode("utf-8"))
    return root


def located(lines: list[str], pattern: str) -> set[tuple[str, int, str]]:
    found = set()
    for line in lines:
        match = re.match(pattern, line)
        if match:
            found.add((match["path"].removeprefix("posts/"), int(match["line"]), match["code"]))
    return found


def expected() -> set[tuple[str, int, str]]:
    return {(shown, line, code) for _, problems, shown in NASTY.values() for line, code in problems}


@pytest.fixture(scope="module")
def checked(site: Path) -> tuple[int, list[str]]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(site)
    try:
        with contextlib.redirect_stderr(err):
            status = main(["check"], out=out)
    finally:
        os.chdir(cwd)
    return status, out.getvalue().splitlines() + err.getvalue().splitlines()


@pytest.fixture(scope="module")
def built(site: Path) -> tuple[int, list[str], Path]:
    import contextlib
    import io

    from sphinx.cmd.build import build_main

    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(site)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = build_main(["-b", "html", "-W", "--keep-going", "-N", "-q", ".", "_build/html"])
    finally:
        os.chdir(cwd)
    return status, out.getvalue().splitlines() + err.getvalue().splitlines(), site / "_build" / "html"


def test_check_reports_every_attack_at_its_file_and_line(checked) -> None:
    status, lines = checked
    assert not any("Traceback" in line for line in lines), lines
    assert status == 1  # errors: the refused posts
    found = located(lines, r"^(?P<path>posts/.+?):(?P<line>\d+):\d+: (?:error|warning): .* \[(?P<code>[a-z-]+)\]$")
    assert expected() <= found, sorted(expected() - found)
    assert all(line.isprintable() for line in lines)


def test_the_build_reports_the_same_and_fails_cleanly(built, checked) -> None:
    status, lines, _ = built
    assert not any(word in line for line in lines for word in ("Traceback", "Exception occurred", "Extension error"))
    assert status == 1, lines
    found = located(
        lines, r"^(?P<path>posts/.+?):(?P<line>\d+): (?:ERROR|WARNING): .* \[newsletter\.(?P<code>[a-z-]+)\]$"
    )
    assert expected() <= found, sorted(expected() - found)
    in_check = located(
        checked[1], r"^(?P<path>posts/.+?):(?P<line>\d+):\d+: (?:error|warning): .* \[(?P<code>[a-z-]+)\]$"
    )
    assert found == in_check  # one reader: the same problems at the same places
    assert all(line.isprintable() for line in lines), [line for line in lines if not line.isprintable()]


def test_what_is_published_carries_no_removed_character_and_feeds_parse(built) -> None:
    _, _, out = built
    pages = list(out.rglob("*.html"))
    assert any("arquivo/posts/bidi" in p.as_posix() for p in pages)
    for path in pages + list(out.rglob("*.xml")) + list(out.rglob("*.json")) + list(out.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert not REMOVED.search(text), (path, REMOVED.search(text))
        assert "\u202e" not in text and "&#8238;" not in text and "\\u202e" not in text.lower()
    for path in out.rglob("*.xml"):
        SafeET.fromstring(path.read_bytes())
    categories = out / "arquivo" / "categorias"
    if categories.is_dir():
        assert len(list(categories.rglob("*.html"))) <= 12
    assert "Ana Lima" in (out / "arquivo" / "autores" / "ana-lima.html").read_text(encoding="utf-8")
