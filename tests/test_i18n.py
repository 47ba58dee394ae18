"""UI labels through gettext: the pt_BR catalog is complete and compiled, both languages render."""

from __future__ import annotations

from pathlib import Path

import pytest
import sphinx_newsletter
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sitetools import html, warnings_of

PACKAGE = Path(sphinx_newsletter.__file__).parent
CATALOG = PACKAGE / "locale" / "pt_BR" / "LC_MESSAGES" / "sphinx_newsletter"


def _po():
    with open(f"{CATALOG}.po", "rb") as handle:
        return read_po(handle)


def _messages(catalog) -> dict[object, object]:
    """msgid -> msgstr; a plural message (the CLI's counts) is a tuple of forms on both sides."""

    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {key(m.id): key(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def test_every_msgid_in_the_code_is_translated():
    used = {
        (message if isinstance(message, str) else message[0])
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None}
        )
    }
    assert len(used) > 20
    translated = _messages(_po())
    missing = sorted(used - set(translated))
    assert not missing, f"run `make locale` and translate these in {CATALOG}.po: {missing}"


def test_committed_mo_matches_the_po():
    with open(f"{CATALOG}.mo", "rb") as handle:
        compiled = _messages(read_mo(handle))
    assert compiled == _messages(_po()), "run `make locale` and commit the .mo"


def test_translations_keep_their_placeholders():
    import re

    for message in _po():
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                assert sorted(re.findall(r"%\(?\w*\)?[sdr]", ids[-1])) == sorted(
                    re.findall(r"%\(?\w*\)?[sdr]", string)
                ), message.id


@pytest.mark.sphinx("html", testroot="site")
def test_labels_and_dates_in_portuguese(app):
    app.build()
    assert warnings_of(app) == []
    post = html(app, "arquivo/posts/erros-e-alertas")
    assert "Artigo comentado:" in post and "Comentado por" in post and "min de leitura" in post
    assert "5 de fevereiro de 2024" in post and "Edição #1" in post
    assert "<h1>Fevereiro de 2024" in html(app, "arquivo/2024/02")
    assert "Por mês:" in html(app, "index")


@pytest.mark.sphinx("html", testroot="site", confoverrides={"language": "en", "html_search_language": "en"})
def test_labels_and_dates_in_english(app):
    app.build()
    assert warnings_of(app) == []
    post = html(app, "arquivo/posts/erros-e-alertas")
    assert "Commented article:" in post and "Commented by" in post and "1 min read" in post
    assert "February 5, 2024" in post and "Edition #1" in post
    assert "Artigo comentado" not in post
    assert "<h1>February 2024" in html(app, "arquivo/2024/02")
    assert "By month:" in html(app, "index")
    assert "Page not found" in (app.outdir / "404.html").read_text(encoding="utf-8")
