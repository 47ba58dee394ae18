"""Finding things (issue 23): each post once, accents optional, a search page and a 404 page that help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .test_browser_search import SEARCH_DONE, found, search

if TYPE_CHECKING:
    from .conftest import Reader, Site


def summaries(reader: Reader) -> dict[str, str]:
    """Each result's link -> its excerpt, once every excerpt is drawn."""
    page = reader.page
    items = page.locator("#search-results ul.search li")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#search-results ul.search li')]"
        ".every((li) => li.querySelector('p.context'))"
    )
    return {
        (item.locator("a").first.get_attribute("href") or ""): item.locator("p.context").inner_text()
        for item in items.all()
    }


def test_each_post_is_listed_once_with_an_excerpt_of_its_text(reader: Reader, site: Site) -> None:
    # A sample post's title: the post, its edition and its author's page all show it.
    page = search(reader, "Abraçar o risco")
    results = found(page)
    assert results.count("arquivo/posts/abracar-o-risco.html") == 1, results
    assert len(results) == len(set(results))
    assert page.locator("#search-results li.kind-object").count() == 0  # no "(post, em ...)" twin
    excerpt = summaries(reader)["arquivo/posts/abracar-o-risco.html"]
    # Around a match in the post's own text: not its title, date line, card or author box.
    text = reader.open("arquivo/posts/abracar-o-risco.html").evaluate(
        "() => { const m = document.querySelector('[role=main]').cloneNode(true);"
        " m.querySelectorAll('.headerlink').forEach((e) => e.remove()); return m.textContent; }"
    )
    assert " ".join(excerpt.strip(".").split()) in " ".join(text.split()), excerpt
    for elsewhere in ("Abraçar o risco:", "min de leitura", "Orçamentos de erro como", "Todos os posts de", "Perfil"):
        assert elsewhere not in excerpt, (elsewhere, excerpt)
    assert reader.problems == []


def test_accents_are_optional_both_ways(reader: Reader, site: Site) -> None:
    for accented, plain in (("operações", "operacoes"), ("plantão", "plantao")):
        with_accents = sorted(found(search(reader, accented)))
        without = sorted(found(search(reader, plain)))
        assert len(with_accents) >= 3, accented
        assert without == with_accents, (accented, plain)
    assert reader.problems == []


def test_the_maintainers_reference_is_not_in_readers_results(reader: Reader) -> None:
    # "Sphinx" is all over the reference pages, and in the "Sobre" page readers may search.
    results = found(search(reader, "sphinx"))
    # The reference is a Sphinx project of its own (docs/reference/, excluded from the archive's build).
    assert results and not [r for r in results if r.startswith("reference/")]
    assert reader.problems == []


def test_the_search_page_without_a_query_has_a_heading_and_a_box(reader: Reader) -> None:
    page = reader.open("busca/")  # the old site's search URL redirects here
    page.wait_for_url("**/search.html")
    assert page.locator("article h1").inner_text().startswith("Busca")  # Sphinx's "Search": "Buscar"
    box = page.get_by_role("searchbox", name=page.locator("article h1").inner_text())
    assert box.is_visible()
    box.fill("plantao")
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    page.wait_for_function(SEARCH_DONE)
    assert found(page) and page.locator("article input[name=q]").input_value() == "plantao"
    assert reader.problems == []


def test_the_404_page_links_to_the_search_and_the_archive(reader: Reader) -> None:
    page = reader.open("404.html")
    main = page.locator("article[role=main]")
    assert main.locator("h1").inner_text() == "Página não encontrada"
    with page.expect_navigation(wait_until="load"):
        main.get_by_role("link", name="o arquivo").click()
    assert page.url.endswith("/arquivo/index.html")
    page = reader.open("404.html")
    with page.expect_navigation(wait_until="load"):
        page.locator("article[role=main]").get_by_role("link", name="a busca").click()
    assert page.url.endswith("/search.html")
    page = reader.open("404.html")
    box = page.locator("article[role=main]").get_by_role("searchbox", name="Buscar no arquivo")
    box.fill("operacoes")
    with page.expect_navigation(wait_until="load"):
        box.press("Enter")
    page.wait_for_function(SEARCH_DONE)
    assert any(r.startswith("arquivo/posts/") for r in found(page))
    assert reader.problems == []
