"""The extension's reference (docs/reference/, its own Sphinx project) builds cleanly and its live examples render.

The examples render from the reference's own fixture archive
(docs/reference/_fixture/): what they show is asserted here, so the pages and
the directives they document can't drift apart.
"""

from __future__ import annotations

import re
import shutil
from html import unescape

import pytest
from sitetools import REPO, html, warnings_of
from sphinx.testing.util import SphinxTestApp

REFERENCE = REPO / "docs" / "reference"


@pytest.fixture(scope="module")
def ref(tmp_path_factory):
    src = tmp_path_factory.mktemp("reference") / "reference"
    shutil.copytree(REFERENCE, src, ignore=shutil.ignore_patterns("_build", "arquivo"))
    app = SphinxTestApp("html", srcdir=src)
    app.build()
    yield app
    app.cleanup()


def _examples(page: str) -> list[str]:
    """The rendered half of each ``nl:example`` on a page, as text without tags."""
    parts = page.split('class="nl-example-result')[1:]
    return [unescape(re.sub(r"<[^>]+>", " ", part.split('class="nl-example-source')[0])) for part in parts]


def test_reference_builds_without_warnings_over_its_fixture(ref):
    assert warnings_of(ref) == []
    archive = ref.env.get_domain("nl").archive
    assert sorted(archive.editions) == [1, 2]
    assert len(archive.posts) == 5
    assert set(archive.authors) == {"carla-nunes-ribeiro", "diego-alves-prado", "marina-costa-lopes"}
    assert all(name in ref.env.all_docs for name in ("posts", "configuration", "references", "outputs"))
    assert all(name in ref.env.all_docs for name in ("performance", "security", "faults"))


def test_roles_and_directives_examples_render(ref):
    page = html(ref, "references")
    assert page.count("nl-example-source") == page.count("nl-example-result") >= 6
    roles, card, box, latest, edition, year = _examples(page)[:6]
    assert 'href="arquivo/posts/orcamento-de-erros-na-pratica.html"' in page
    assert "o orçamento" in roles and "Carla Nunes Ribeiro" in roles
    assert 'href="https://sre.google/workbook/implementing-slos/"' in page
    assert "Implementing SLOs" in card and "Steven Thurgood, David Ferguson" in card
    assert "Marina Costa Lopes" in box
    for title in ("Gerenciar carga", "Um plantão que as pessoas aguentam", "Princípios da engenharia do caos"):
        assert title in latest and title in edition, title
    assert "Edition #1" in year and "Edition #2" in year  # English labels: language = "en"


def test_reference_tables_and_browsing_examples_render(ref):
    for name in ("newsletter_posts_dir", "newsletter_show_drafts", "newsletter_edition_pattern"):
        assert name in html(ref, "configuration")
    assert "comentado_por_linkedin" in html(ref, "posts")
    months, previous = _examples(html(ref, "outputs"))
    assert "2025" in months and ("junho" in months.lower() or "june" in months.lower())
    assert "Alertas que pedem ação, não atenção" in previous  # edition 1, before the latest


def test_the_cards_page_shows_a_card_this_build_drew(ref):
    """docs/reference/cards.md: the picture is a fixture post's card, drawn by the build (not a committed file)."""
    from sphinx_newsletter.core.cards import drawn_lines

    (source,) = re.findall(r'<img [^>]*class="nl-social-card"[^>]*src="([^"]+)"', html(ref, "cards"))
    png = (ref.outdir / source).resolve()
    assert png.parent == ref.outdir / "_cards"
    title = ref.env.get_domain("nl").archive.posts["plantao-sustentavel"].title
    assert title in " ".join(drawn_lines(png.read_bytes())["lines"])
