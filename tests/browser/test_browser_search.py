"""Sphinx's search, in Portuguese, typed into the sidebar's search box."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .conftest import Reader, Site

# (typed, post that has it only in another form, the form that post uses)
# Each typed form appears in no post of the corpus or the samples: only the
# Portuguese stemmer can connect it to the post.
STEM_PAIRS = [
    (
        "satisfações",
        "positive-business-outcomes-of-great-incident-management",
        "satisfação",
    ),
    ("veículo", "spike-detection-in-alert-correlation", "veículos"),
    ("revisitar", "give-me-back-my-monolith", "revisita"),
]
NOWHERE = "zumbificação"
SEARCH_DONE = (
    "() => document.querySelector('#search-results h2')?.innerText === Documentation.gettext('Search Results')"
)


def search(reader: Reader, words: str, start: str = "index.html") -> Page:
    """Type ``words`` into the sidebar's search box and wait for the results."""
    page = reader.open(start)
    box = page.locator("input.sidebar-search")
    box.fill(words)
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    page.wait_for_function(SEARCH_DONE)
    return page


def found(page: Page) -> list[str]:
    return [a.get_attribute("href") or "" for a in page.locator("#search-results ul.search li > a").all()]


def words_of(site: Site) -> set[str]:
    return {w for p in site.posts_dir.iterdir() for w in re.findall(r"\w+", p.read_text(encoding="utf-8").lower())}


@pytest.mark.parametrize(("typed", "key", "used"), STEM_PAIRS, ids=["satisfacoes", "veiculo", "revisitar"])
def test_search_finds_other_forms_of_a_word(reader: Reader, site: Site, typed: str, key: str, used: str) -> None:
    assert typed not in words_of(site), f"{typed!r} appears literally: the pair would not test stemming"
    [post] = [p for p in site.posts_dir.iterdir() if p.stem.endswith(key)]
    assert used in re.findall(r"\w+", post.read_text(encoding="utf-8").lower())
    page = search(reader, typed)
    assert f"arquivo/posts/{key}.html" in found(page)
    assert reader.problems == []


def test_search_from_a_post_page_and_its_summary_is_portuguese(reader: Reader, site: Site) -> None:
    page = search(reader, "observabilidade", start=f"arquivo/edicoes/{site.latest_edition}.html")
    results = found(page)
    assert sum(r.startswith("arquivo/posts/") for r in results) >= 10
    assert page.locator("#search-results .search-summary").inner_text().startswith("Pesquisa")
    # The term is highlighted in the excerpts (fetched after the list is drawn).
    page.locator("#search-results .highlighted").first.wait_for()
    assert reader.problems == []


def test_a_word_found_nowhere_says_so(reader: Reader, site: Site) -> None:
    assert NOWHERE not in words_of(site)
    page = search(reader, NOWHERE)
    assert found(page) == []
    summary = page.locator("#search-results .search-summary").inner_text()
    assert summary == page.evaluate(
        '() => Documentation.gettext("Your search did not match any documents. Please make sure that all'
        " words are spelled correctly and that you've selected enough categories.\")"
    )
    assert summary.startswith("Sua busca não encontrou nenhum documento")
    assert reader.problems == []
