"""Home sections, month and category pages, reading time, post and edition navigation."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from sitetools import html, make_site, warnings_of
from sphinx_newsletter.core.browse import (
    categories,
    months,
    reading_minutes,
    word_count,
)
from sphinx_newsletter.core.model import Archive, Post, build_archive


def text(page: str) -> str:
    """The page's main content as plain text."""
    main = page.split('id="furo-main-content"', 1)[-1]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def _post(key: str, date: str, categories=(), body="") -> Post:
    return Post(
        source=f"{key}.md",
        slug=key,
        key=key,
        title=key.title(),
        body=body,
        categories=categories,
        date=dt.datetime.fromisoformat(date),
    )


def _archive(*posts: Post) -> Archive:
    return build_archive(posts)[0]


def test_months_and_categories_of_published_posts():
    archive = _archive(
        _post("a", "2022-03-31T23:00:00-03:00", ("SRE", "Cultura")),
        _post("b", "2022-04-01T08:00:00-03:00", ("sre",)),
        _post("c", "2022-04-02T08:00:00-03:00", ("Index",)),
    )
    assert [(m.key, m.posts) for m in months(archive).values()] == [("2022-04", ("c", "b")), ("2022-03", ("a",))]
    found = categories(archive)
    assert found["sre"].posts == ("b", "a")  # spellings of one slug are one category
    assert found["index-2"].name == "Index"  # never the folder's own index page


def test_reading_time_counts_prose_not_code():
    assert word_count("um dois três\n\n```\nnão conta isso\n```\nquatro") == 4
    assert reading_minutes(_post("a", "2022-01-01T00:00:00+00:00", body="palavra " * 500)) == 2
    assert reading_minutes(_post("a", "2022-01-01T00:00:00+00:00", body="")) == 1


@pytest.mark.sphinx("html", testroot="site")
def test_home_month_category_and_post_pages(app):
    app.build()
    assert warnings_of(app) == []
    home = text(html(app, "index"))
    # The latest edition as cards, then the previous editions, then the months.
    latest = home.index("Terceiro post")
    previous = home.index("Edições anteriores")
    assert latest < previous < home.index("Edição #1 · 5 de fevereiro de 2024") < home.index("Por mês:")
    assert "Fevereiro de 2024 (2) · Março de 2024 (1)" not in home  # newest month first
    assert "Março de 2024 (1) · Fevereiro de 2024 (2)" in home
    month = html(app, "arquivo/2024/02")
    assert "<h1>Fevereiro de 2024" in month
    assert "Edição #1 · 5 de fevereiro de 2024" in text(month)  # the month's edition, with its two posts
    assert "Erros &amp; &lt;alertas&gt;" in month and "Segundo post" in month
    year = text(html(app, "arquivo/2024"))
    assert "Por mês: Março de 2024 (1) · Fevereiro de 2024 (2)" in year
    category = html(app, "arquivo/categorias/observabilidade")
    assert "Terceiro post" in category and "Erros &amp;" in category
    index = text(html(app, "arquivo/categorias/index"))
    assert "Cultura (1 post)" in index and "Observabilidade (2 posts)" in index
    post = html(app, "arquivo/posts/terceiro-post")
    meta = text(post.split('class="nl-post-meta no-search"', 1)[1].split("</p>", 1)[0])
    assert "Edição #2" in meta and "1 min de leitura" in meta
    assert 'href="../categorias/observabilidade.html"' in post and 'href="../categorias/cultura.html"' in post
    # Previous/next post and edition links already exist (nodes.post_nav / edition_nav).
    assert 'class="nl-older-newer nl-post-nav no-search"' in html(app, "arquivo/posts/segundo-post")
    assert 'class="nl-older-newer nl-edition-nav no-search"' in html(app, "arquivo/edicoes/2")


def test_month_pages_follow_the_posts_on_incremental_builds(tmp_path):
    app = make_site(tmp_path, "site")
    app.build()
    app.cleanup()
    (tmp_path / "site-html" / "posts" / "2024-04-01-quarto-post.md").write_text(
        '---\ntitle: "Quarto post"\ndate: 2024-04-01 08:00:00 -0300\ntag: "Edição #3 - 01.04.2024"\n'
        'comentado_por: "João Lima"\n---\nTexto.\n',
        encoding="utf-8",
    )
    again = make_site(tmp_path, "site")
    again.build()
    assert warnings_of(again) == []
    home = text(html(again, "index"))
    assert "Abril de 2024 (1) · Março de 2024 (1) · Fevereiro de 2024 (2)" in home
    assert "Quarto post" in text(html(again, "arquivo/2024/04"))
    assert "Edição #2 · 4 de março de 2024" in home  # now a previous edition
    again.cleanup()


def test_a_listing_is_one_node_however_many_posts_it_lists(tmp_path):
    """Listings stay data until written: every transform, the pickler and the resolver walk one node."""
    app = make_site(tmp_path, "site")
    try:
        app.build()
        sizes = {
            docname: len(list(app.env.get_doctree(docname).findall()))
            for docname in ("arquivo/2024/02", "arquivo/2024/03")
        }  # two posts, one post
        assert sizes["arquivo/2024/02"] == sizes["arquivo/2024/03"], sizes
        month = text(html(app, "arquivo/2024/02"))
        assert "Erros & <alertas>" in month and "Segundo post" in month
    finally:
        app.cleanup()


@pytest.mark.parametrize(
    ("buildername", "page", "expected"),
    [
        (
            "dirhtml",
            "arquivo/2024/02/index.html",
            'href="../../posts/segundo-post/" title="Segundo post"><span>Segundo post</span></a>',
        ),
        (
            "singlehtml",
            "index.html",
            'href="#document-arquivo/posts/segundo-post" title="Segundo post"><span>Segundo post</span></a>',
        ),
        (
            "text",
            "arquivo/2024/02.txt",
            '* Edição #1 · 5 de fevereiro de 2024\n\n  * Erros & <alertas> "reais"\n\n  * Segundo post',
        ),
        ("text", "arquivo/2024.txt", '* Edição #1 · 5 de fevereiro de 2024\n\n  * Erros & <alertas> "reais"'),
    ],
)
def test_listings_under_other_builders(tmp_path, buildername, page, expected):
    app = make_site(tmp_path, "site", buildername)
    try:
        app.build()
        assert warnings_of(app) == []
        assert expected in (app.outdir / page).read_text(encoding="utf-8")
    finally:
        app.cleanup()


def test_a_listed_page_left_out_of_the_build_is_a_warning_at_the_listing(tmp_path):
    app = make_site(tmp_path, "site", confoverrides={"exclude_patterns": ["arquivo/edicoes/1.md"]})
    try:
        app.build()
        year = str(app.srcdir / "arquivo" / "2024.md")
        assert f"{year}:7: WARNING: nl:edition reference target not found: 1 [ref.edition]" in warnings_of(app)
        page = html(app, "arquivo/2024")
        assert "<li><p>Edição #1 · 5 de fevereiro de 2024</p>" in page  # kept, without a link
        assert 'href="edicoes/2.html"' in page and 'href="posts/segundo-post.html"' in page
    finally:
        app.cleanup()
