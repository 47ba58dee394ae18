"""Canonical URL, OpenGraph/Twitter tags, JSON-LD, sitemap.xml and the 404 page."""

from __future__ import annotations

import json
import re

import pytest
from defusedxml import ElementTree as SafeET
from sitetools import html, make_site, warnings_of

BASE = "https://example.org/news/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(page: str) -> dict:
    (text,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(text)


@pytest.mark.sphinx("html", testroot="site")
def test_opengraph_and_json_ld_on_a_post_page(app):
    app.build()
    assert warnings_of(app) == []
    page = html(app, "arquivo/posts/erros-e-alertas")
    url = BASE + "arquivo/posts/erros-e-alertas.html"
    assert f'<link rel="canonical" href="{url}"' in page
    assert f'<meta property="og:url" content="{url}" />' in page
    assert '<meta property="og:type" content="article" />' in page
    # The title is escaped once, whatever it holds.
    assert '<meta property="og:title" content="Erros &amp; &lt;alertas&gt; &quot;reais&quot;" />' in page
    assert '<meta property="og:description" content="Quando alertar &amp; quando não" />' in page
    assert f'<meta property="og:image" content="{BASE}_images/um.png" />' in page
    # The social card is the image previews show (tests/test_cards.py); the article's stays as a second og:image.
    assert re.search(rf'<meta name="twitter:image" content="{BASE}_cards/[0-9a-f]{{20}}\.png" />', page)
    assert '<meta name="twitter:card" content="summary_large_image" />' in page
    data = json_ld(page)
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == 'Erros & <alertas> "reais"'
    assert data["citation"] == {
        "@type": "CreativeWork",
        "name": "Alerting <on> SLOs",
        "url": "https://example.org/slo?a=1&b=2",
        "author": {"@type": "Thing", "name": "Jane Doe"},
    }
    assert data["author"]["name"] == "Maria Souza"
    assert data["image"] == BASE + "_images/um.png"
    assert data["datePublished"] == "2024-02-05T08:00:00-03:00"
    # Nothing in the JSON can close the script element.
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and "&" not in script


@pytest.mark.sphinx("dirhtml", testroot="site")
def test_pretty_urls_under_dirhtml(app):
    app.build()
    assert warnings_of(app) == []
    page = html(app, "arquivo/posts/erros-e-alertas")
    url = BASE + "arquivo/posts/erros-e-alertas/"
    assert f'<meta property="og:url" content="{url}" />' in page
    assert json_ld(page)["url"] == url
    locs = _sitemap(app)
    assert url in locs and BASE in locs and BASE + "arquivo/2024/02/" in locs


def _sitemap(app) -> list[str]:
    root = SafeET.fromstring((app.outdir / "sitemap.xml").read_bytes())
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


EXPECTED = {
    "index",
    "arquivo/index",
    "arquivo/2024",
    "arquivo/2024/02",
    "arquivo/2024/03",
    "arquivo/edicoes/1",
    "arquivo/edicoes/2",
    "arquivo/edicoes/index",
    "arquivo/posts/index",
    "arquivo/autores/index",
    "arquivo/autores/maria-souza",
    "arquivo/autores/joao-lima",
    "arquivo/posts/erros-e-alertas",
    "arquivo/posts/segundo-post",
    "arquivo/posts/terceiro-post",
    "arquivo/categorias/index",
    "arquivo/categorias/observabilidade",
    "arquivo/categorias/cultura",
}


def test_sitemap_stays_complete_after_an_incremental_build(tmp_path):
    app = make_site(tmp_path, "site")
    app.build()
    assert sorted(_sitemap(app)) == sorted(BASE + d + ".html" for d in EXPECTED)
    app.cleanup()
    post = tmp_path / "site-html" / "posts" / "2024-03-04-terceiro-post.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("Texto do terceiro", "Texto novo do terceiro"), encoding="utf-8"
    )
    again = make_site(tmp_path, "site")
    again.build()
    written = again.status.getvalue()
    assert "arquivo/posts/terceiro-post" in written and "arquivo/posts/segundo-post" not in written
    assert sorted(_sitemap(again)) == sorted(BASE + d + ".html" for d in EXPECTED)
    lastmod = SafeET.fromstring((again.outdir / "sitemap.xml").read_bytes()).iter(f"{SITEMAP}lastmod")
    assert "2024-03-04" in [e.text for e in lastmod]
    again.cleanup()


@pytest.mark.sphinx("html", testroot="site")
def test_404_page_is_translated_with_absolute_links(app):
    app.build()
    page = (app.outdir / "404.html").read_text(encoding="utf-8")
    assert "Página não encontrada" in page
    assert 'href="/news/arquivo/index.html"' in page  # the sidebar, from html_baseurl's path
    assert "Terceiro post" not in page  # a bounded sidebar, not every post
