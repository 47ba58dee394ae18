"""The site's layout (core/layout.py) is the only place that knows where things are.

A site whose generated pages go to ``site/arq`` (not ``arquivo``) and whose
posts name images ``/assets/img/...`` (not ``/images/...``): its pages,
feeds, sitemap, redirects, search index, ``archive.json`` and meta tags all
point where that site's pages really are.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from defusedxml import ElementTree as SafeET
from sitetools import make_site, warnings_of
from sphinx_newsletter.core.layout import Layout

BASE = "https://example.org/news/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
POST = "site/arq/posts/erros-e-alertas"


# --- the layout alone ---------------------------------------------------------------


@pytest.mark.parametrize("output_dir", ["arquivo", "site/arq"])
def test_page_of_reads_back_every_page_name(output_dir):
    layout = Layout(output_dir=output_dir)
    pages = {
        layout.index: ("archive", ""),
        layout.post("erros-e-alertas"): ("post", "erros-e-alertas"),
        layout.edition(12): ("edition", "12"),
        layout.author("ana-souza"): ("author", "ana-souza"),
        layout.authors_index: ("authors", ""),
        layout.year(2024): ("year", "2024"),
        layout.month("2024-03"): ("month", "2024-03"),
        layout.category("sre"): ("category", "sre"),
        layout.categories_index: ("categories", ""),
        layout.loose: ("loose", ""),
    }
    for page, found in pages.items():
        assert layout.page_of(layout.docname(page)) == found, page
    assert layout.post_docname("x") == f"{output_dir}/posts/x" and layout.post_key(f"{output_dir}/posts/x") == "x"
    assert layout.edition_docname(3) == layout.docname(layout.edition(3))
    for other in (
        "index",
        "guide/index",
        f"{output_dir}x/posts/a",
        f"{output_dir}/edicoes/x",
        f"{output_dir}/posts/a/b",
        f"{output_dir}/imagens/a",
        f"{output_dir}/2024/x",
    ):
        assert layout.page_of(other) is None, other
    assert layout.post_key("arquivox/posts/a") is None


def test_mirrored_images_are_named_in_the_output_folder():
    layout = Layout(output_dir="site/arq")
    assert layout.image_uri("a/b.png") == "/site/arq/imagens/a/b.png"
    assert layout.mirrored_path("/site/arq/imagens/a/b.png") == "a/b.png"
    assert layout.mirrored_path("site/arq/imagens/a/b.png") == "a/b.png"
    assert layout.mirrored_path("/arquivo/imagens/a/b.png") is None
    assert "site" in layout.root_names() and "arquivo" not in layout.root_names()


# --- a site laid out elsewhere ---------------------------------------------------------


@pytest.fixture(scope="module", params=["html", "dirhtml"])
def built(request, tmp_path_factory):
    app = make_site(tmp_path_factory.mktemp("layout"), "layout", request.param)
    app.build()
    yield app
    app.cleanup()


def page_url(app, docname: str) -> str:
    return BASE + app.builder.get_target_uri(docname)


def page_file(app, docname: str) -> Path:
    uri = app.builder.get_target_uri(docname)
    return app.outdir / (uri + "index.html" if uri.endswith("/") or not uri else uri)


def test_the_build_is_clean_and_every_page_is_in_the_output_folder(built):
    assert warnings_of(built) == []
    generated = {doc for doc in built.env.all_docs if doc != "index"}
    assert generated and all(doc.startswith("site/arq/") for doc in generated)
    assert {
        POST,
        "site/arq/edicoes/1",
        "site/arq/autores/ana-souza",
        "site/arq/2024/02",
        "site/arq/categorias/observabilidade",
        "site/arq/index",
    } <= generated
    assert not (built.srcdir / "arquivo").exists() and not (built.outdir / "arquivo").exists()


_LINK = re.compile(r'(?:href|src)="([^"#]+)(?:#[^"]*)?"')


def test_every_link_and_image_of_every_page_is_there(built):
    """Cards, author avatars, body images, post links, sidebars, redirects: every local address resolves."""
    pages = [p for p in built.outdir.rglob("*.html") if "_static" not in p.parts]
    assert len(pages) > 15
    for page in pages:
        for address in _LINK.findall(page.read_text(encoding="utf-8")):
            address = unescape(address)
            if urlsplit(address).scheme or address.startswith("/"):
                continue
            target = (page.parent / unquote(address.split("?")[0])).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), (page.relative_to(built.outdir), address)
    post = page_file(built, POST).read_text(encoding="utf-8")
    # The card (decorative: its text names the article), the body's figure and the author's avatar.
    images = re.findall(r'<img alt="([^"]*)"[^>]*src="([^"]+)"', post)
    assert {alt for alt, _src in images} >= {"", "figura", "Ana Souza"}


def test_feeds_point_at_the_pages(built):
    root = SafeET.parse(built.outdir / "atom.xml").getroot()
    entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Erros e alertas")
    assert entry.findtext(f"{ATOM}id") == entry.find(f"{ATOM}link").get("href") == page_url(built, POST)
    assert entry.findtext(f"{ATOM}author/{ATOM}uri") == page_url(built, "site/arq/autores/ana-souza")
    content = entry.findtext(f"{ATOM}content")
    # The body's image, named under newsletter_image_url_prefix, and the card's.
    assert f'<img src="{BASE}_images/um.png" alt="figura"' in content
    assert f'<img src="{BASE}_images/um.png" alt="Alerting on SLOs"' in content
    edition = SafeET.parse(built.outdir / "feeds" / "edicoes" / "1.xml").getroot()
    assert edition.find(f"{ATOM}link[@rel='alternate']").get("href") == page_url(built, "site/arq/edicoes/1")
    author = SafeET.parse(built.outdir / "feeds" / "autores" / "ana-souza.xml").getroot()
    assert author.find(f"{ATOM}link[@rel='alternate']").get("href") == page_url(built, "site/arq/autores/ana-souza")


def test_sitemap_lists_the_pages_where_they_are(built):
    root = SafeET.parse(built.outdir / "sitemap.xml").getroot()
    dates = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}
    assert set(dates) == {page_url(built, doc) for doc in built.env.all_docs}
    assert dates[page_url(built, POST)] == "2024-02-05"


def test_old_urls_redirect_to_the_pages(built):
    for old, docname in [
        ("Erros-e-Alertas", POST),
        ("alertas-antigos", POST),
        ("edicao1", "site/arq/edicoes/1"),
        ("fevereiro2024", "site/arq/2024/02"),
        ("marco2024", "site/arq/2024/03"),
    ]:
        page = built.outdir / old / "index.html"
        (href,) = re.findall(r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text(encoding="utf-8"))
        target = (page.parent / unescape(href)).resolve()
        assert (target / "index.html" if href.endswith("/") else target) == page_file(built, docname).resolve()


def test_search_export_and_meta_tags_name_the_pages(built):
    index = (built.outdir / "searchindex.js").read_text(encoding="utf-8")
    assert f'"{POST}"' in index and '"arquivo/' not in index
    data = json.loads((built.outdir / "archive.json").read_text(encoding="utf-8"))
    record = next(r for r in data["posts"] if r["slug"] == "erros-e-alertas")
    assert record["url"] == page_url(built, POST) and record["path"] == built.builder.get_target_uri(POST)
    assert record["image"] == BASE + "_images/um.png"
    assert record["commentator"]["page"] == page_url(built, "site/arq/autores/ana-souza")
    post = page_file(built, POST).read_text(encoding="utf-8")
    assert f'<meta property="og:url" content="{page_url(built, POST)}" />' in post
    assert f'<meta property="og:image" content="{BASE}_images/um.png" />' in post
    edition = page_file(built, "site/arq/edicoes/1").read_text(encoding="utf-8")
    assert f'href="{BASE}feeds/edicoes/1.xml"' in edition
    author = page_file(built, "site/arq/autores/ana-souza").read_text(encoding="utf-8")
    assert f'href="{BASE}feeds/autores/ana-souza.xml"' in author
