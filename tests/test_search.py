"""The reader's search index: one entry per page, accent-insensitive Portuguese terms, pages left out.

What readers see of it (results, excerpts, the search and 404 pages) is in
``tests/browser/test_browser_finding.py``; here, the index itself and the
stemmer's two halves (Python for the index, JavaScript for the query).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import snowballstemmer
from sitetools import ROOTS, make_site, warnings_of
from sphinx_newsletter.core.searchfold import PORTUGUESE_ENDINGS, fold, folding_stem
from sphinx_newsletter.search import FOLD_OPTION, folding_language

stem = snowballstemmer.stemmer("portuguese").stemWord
term = folding_stem(stem, PORTUGUESE_ENDINGS)

ACCENTED_POST = """---
title: "Plantão sem sustos"
date: 2024-01-14 09:00:00 -0300
tag: "Edição #2 - 15.01.2024"
headline: "Operações tranquilas"
highlight_title: "On call"
highlight_url: "https://example.org/on-call"
comentado_por: "Maria Souza"
comentado_por_linkedin: "https://www.linkedin.com/in/maria-souza"
---
As operações do plantão ficaram mais calmas com a experiência do time.
"""
REFERENCE_PAGE = "# Maintainers' reference\n\nThe zygomorphic configuration.\n"


# -- the folding, in Python -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("operacoes", "operações"),
        ("plantao", "plantão"),
        ("OPERAÇÕES", "operações"),
        ("experiencia", "experiência"),
        ("confiavel", "confiável"),
        ("veiculo", "veículo"),
    ],
)
def test_a_word_typed_without_accents_gives_the_same_term(typed: str, written: str) -> None:
    assert term(typed) == term(written)
    assert term(written).isascii()


@pytest.mark.parametrize(
    "forms",
    [
        ("operação", "operações", "operacao", "operacoes"),
        ("satisfação", "satisfações"),
        ("experiência", "experiências"),
        ("veículo", "veículos"),
        ("revisitar", "revisita"),
    ],
)
def test_portuguese_stemming_is_kept(forms: tuple[str, ...]) -> None:
    """Forms Snowball joins (with their accents) are still one term, typed with or without them."""
    assert len({term(form) for form in forms}) == 1


def test_folding_keeps_what_snowball_joins_in_the_corpus(corpus) -> None:
    """Over the real archive's words: what Snowball makes one term stays one term.

    Folding first and stemming after would lose Snowball's accented suffixes
    ("-ações", "-ência"); restoring them keeps (nearly) every pair Snowball joins.
    """
    words = {
        w
        for p in (corpus / "_posts").glob("*.markdown")
        for w in re.findall(r"[^\W\d_]+", p.read_text("utf-8").lower())
    }
    groups: dict[str, set[str]] = {}
    for word in words:
        groups.setdefault(stem(word), set()).add(word)
    pairs = [(a, b) for group in groups.values() for a in group for b in group if a < b]
    kept = sum(term(a) == term(b) for a, b in pairs)
    assert len(pairs) > 1000
    assert kept / len(pairs) > 0.97, f"{kept} of {len(pairs)} pairs Snowball joins are still joined"
    # And every word is found typed without its accents.
    assert all(term(fold(word)) == term(word) for word in words)


def test_the_javascript_stemmer_gives_the_index_terms(corpus) -> None:
    """The query side (language_data.js's Stemmer) stems every corpus word as the index does."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node to run the JavaScript stemmer (the browser tests run it too)")
    language = folding_language(_sphinx_portuguese(), PORTUGUESE_ENDINGS)({FOLD_OPTION: True})
    words = sorted(
        {w for p in (corpus / "_posts").glob("*.markdown") for w in re.findall(r"[^\W\d_]+", p.read_text("utf-8"))}
    )
    words += ["OPERACOES", "Plantao", "satisfacoes"]
    script = (
        "globalThis.window = globalThis;\n"
        + language.js_stemmer_code
        + "\nconst s = new Stemmer();\n"
        + f"process.stdout.write(JSON.stringify({json.dumps(words)}.map((w) => s.stemWord(w.toLowerCase()))));"
    )
    done = subprocess.run([node, "-"], input=script, capture_output=True, text=True, check=True)
    from_js = json.loads(done.stdout)
    expected = [language.stem(word).lower() for word in words]
    assert [(w, j) for w, j, p in zip(words, from_js, expected, strict=True) if j != p] == []


def _sphinx_portuguese():
    from sphinx.search.pt import SearchPortuguese

    return SearchPortuguese


def test_without_the_option_the_language_is_sphinxs() -> None:
    plain, folding = _sphinx_portuguese()({}), folding_language(_sphinx_portuguese(), PORTUGUESE_ENDINGS)({})
    assert folding.stem("operações") == plain.stem("operações") == "oper"
    assert folding.stem("operacoes") == plain.stem("operacoes") != "oper"
    assert folding.js_stemmer_rawcode == plain.js_stemmer_rawcode


# -- the index a build writes -------------------------------------------------------


def _index(app) -> dict:
    text = (app.outdir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[len("Search.setIndex(") : -1])


def _docs_with(index: dict, word: str) -> set[str]:
    found: set[str] = set()
    for terms in (index["terms"], index["titleterms"]):
        ids = terms.get(word, [])
        found |= {index["docnames"][i] for i in ([ids] if isinstance(ids, int) else ids)}
    return found


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    src = tmp / "basic-html"
    shutil.copytree(ROOTS / "test-basic", src)
    (src / "posts" / "2024-01-14-plantao.md").write_text(ACCENTED_POST, encoding="utf-8")
    (src / "reference.md").write_text(REFERENCE_PAGE, encoding="utf-8")
    index_md = (src / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(index_md.replace("arquivo/autores/index\n", "arquivo/autores/index\nreference\n"))
    app = make_site(tmp, confoverrides={"newsletter_search_exclude": ["refer*"]})
    app.build()
    yield app
    app.cleanup()


def test_accented_words_are_indexed_folded(searched) -> None:
    assert warnings_of(searched) == []
    index = _index(searched)
    assert [t for t in (*index["terms"], *index["titleterms"]) if not t.isascii()] == []
    post = "arquivo/posts/plantao"
    assert post in _docs_with(index, term("operacoes")) and post in _docs_with(index, term("plantao"))
    assert term("plantao") in index["titleterms"]


def test_no_page_is_also_a_search_object(searched) -> None:
    """Posts, editions and authors are pages: no second "(post, em ...)" result for each."""
    index = _index(searched)
    assert index["objects"] == {}
    assert "plantao nl:post -1 arquivo/posts/plantao.html" in _inventory(searched)


def _inventory(app) -> str:
    import zlib

    data = (app.outdir / "objects.inv").read_bytes()
    return zlib.decompress(data.split(b"\n", 4)[4]).decode()


def test_boxes_and_listings_repeated_on_other_pages_are_not_indexed(searched) -> None:
    """The commentator is found on their page, not on every post (author box, cards, listings)."""
    index = _index(searched)
    souza = _docs_with(index, term("souza"))
    assert "arquivo/autores/maria-souza" in souza
    assert not {d for d in souza if d.startswith(("arquivo/posts/", "arquivo/edicoes/"))}, souza
    # The post's own text and card are: "On call" is the commented article's title.
    assert "arquivo/posts/plantao" in _docs_with(index, term("call"))
    # The reading-time line of every post is not.
    assert _docs_with(index, term("leitura")) == set()


def test_excluded_pages_are_not_searched(searched) -> None:
    index = _index(searched)
    assert _docs_with(index, term("zygomorphic")) == set()
    assert "reference" not in {title for title in index["alltitles"]}
    assert "Maintainers' reference" not in index["alltitles"]


def test_english_sites_are_not_folded(tmp_path) -> None:
    app = make_site(tmp_path, confoverrides={"language": "en", "html_search_language": "en"})
    app.build()
    assert app.config.html_search_options[FOLD_OPTION] is False
    index = _index(app)
    assert [t for t in (*index["terms"], *index["titleterms"]) if not t.isascii()]  # as written: Sphinx's index
    assert "normalize(" not in (app.outdir / "_static" / "language_data.js").read_text(encoding="utf-8")
