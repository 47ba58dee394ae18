"""Furo's own labels follow the site's language (themelabels.py); English pages stay Furo's, byte for byte."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import furo
import pytest
import sphinx
import sphinx_newsletter
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract
from sitetools import ROOTS, html, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter import themelabels

CATALOG = Path(sphinx_newsletter.__file__).parent / "locale" / "pt_BR" / "LC_MESSAGES" / "sphinx"
FURO = Path(furo.__file__).parent / "theme" / "furo"
OVERRIDES = themelabels.TEMPLATES
SPHINX_PT = Path(sphinx.__file__).parent / "locale" / "pt_BR" / "LC_MESSAGES" / "sphinx.mo"
#: What a reader sees or hears from Furo's chrome on a post page, in each language.
PORTUGUESE = (
    ">Pular para o conteúdo<",
    "<span>Voltar ao topo</span>",
    "<span>Próxima</span>",
    "<span>Anterior</span>",
    "Nesta página",
    "Feito com",
    'aria-label="Mostrar ou ocultar a navegação do site"',
    'aria-label="Mostrar ou ocultar o sumário da página"',
    'aria-label="Alternar o tema: claro, escuro ou automático"',
    'aria-label="Mostrar ou ocultar a navegação de ',
    "<title>Modo claro</title>",
)
ENGLISH = (
    ">Skip to content<",
    "<span>Back to top</span>",
    "<span>Next</span>",
    "<span>Previous</span>",
    "On this page",
    "Made with",
    'aria-label="Toggle site navigation sidebar"',
    'aria-label="Toggle table of contents sidebar"',
    'aria-label="Toggle Light / Dark / Auto color theme"',
    'aria-label="Toggle navigation of ',
    "<title>Light mode</title>",
)


def _translations(catalog) -> dict[str, str]:
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.id and m.string and not m.fuzzy}


def _build(tmp: Path, name: str, **overrides) -> SphinxTestApp:
    src = tmp / name
    shutil.copytree(ROOTS / "test-site", src)
    # A page with sections, so that Furo draws its table of contents ("On this page").
    sections = "---\norphan: true\n---\n# Seções\n\n## Uma\n\nTexto.\n\n## Outra\n\nTexto.\n"
    (src / "secoes.md").write_text(sections, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src, confoverrides=overrides)
    app.build()
    return app


def _chrome(app: SphinxTestApp) -> str:
    """The post pages (between them, a previous and a next page) and a page with a table of contents."""
    posts = app.env.get_domain("nl").archive.posts
    return "".join(html(app, f"arquivo/posts/{key}") for key in sorted(posts)) + html(app, "secoes")


def test_furo_labels_are_translated_on_a_portuguese_site(tmp_path):
    app = _build(tmp_path, "pt")
    try:
        assert warnings_of(app) == []
        page = _chrome(app)
        for label in PORTUGUESE:
            assert label in page, label
        for label in ENGLISH:
            assert label not in page, label
    finally:
        app.cleanup()


def test_english_pages_are_furo_s_own(tmp_path, monkeypatch):
    """language = "en": the labels are English, and the overrides change no byte of any page."""
    app = _build(tmp_path, "en", language="en", html_search_language="en")
    try:
        assert warnings_of(app) == []
        page = _chrome(app)
        for label in ENGLISH:
            assert label in page, label
        ours = {p.relative_to(app.outdir): p.read_bytes() for p in app.outdir.rglob("*.html")}
    finally:
        app.cleanup()
    monkeypatch.setattr(themelabels, "TEMPLATES", tmp_path / "no-overrides")
    stock = _build(tmp_path, "en-stock", language="en", html_search_language="en")
    try:
        assert str(OVERRIDES) not in stock.config.templates_path
        theirs = {p.relative_to(stock.outdir): p.read_bytes() for p in stock.outdir.rglob("*.html")}
    finally:
        stock.cleanup()
    assert len(ours) > 10 and ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_every_furo_label_is_translated():
    """Each msgid of the installed Furo's templates, and each label the overrides translate, is in the catalogue.

    Fails after a Furo upgrade that adds a label: translate it in sphinx.po and run `make locale`.
    """
    used = set()
    for template in FURO.rglob("*.html"):
        with open(template, "rb") as handle:
            used |= {msg for _l, _f, msg, _c in babel_extract(handle, ("_", "gettext"), [], {}) if isinstance(msg, str)}
    for template in OVERRIDES.rglob("*.html"):
        used |= set(re.findall(r'_\("([^"]+)"\)', template.read_text(encoding="utf-8")))
    assert {"Next", "Back to top", "Skip to content", "Toggle site navigation sidebar"} <= used
    with open(f"{CATALOG}.po", "rb") as handle:
        translated = _translations(read_po(handle))
    # Sphinx's own pt_BR catalogue translates some (Search, Index, Contents...): ours is its fallback.
    with open(SPHINX_PT, "rb") as handle:
        sphinx_pt = _translations(read_mo(handle))
    copyright_lines = {m for m in used if "%(copyright)s" in m}  # the copyright line reads the same in pt_BR
    missing = sorted(m for m in used - copyright_lines if m not in translated and m not in sphinx_pt)
    assert missing == [], f"translate these in {CATALOG}.po and run `make locale`"
    with open(f"{CATALOG}.mo", "rb") as handle:
        assert _translations(read_mo(handle)) == translated, "run `make locale` and commit the .mo"


@pytest.mark.parametrize("path", ["page.html", "partials/icons.html", "sidebar/navigation.html"])
def test_each_override_wraps_a_template_furo_still_has(path):
    assert (FURO / path).is_file()
    assert (OVERRIDES / path).is_file()
