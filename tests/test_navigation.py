"""The sidebar stays the same size however many editions the archive has."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from sitetools import ROOTS, html
from sphinx.testing.util import SphinxTestApp

POST = """---
title: "Post {n}"
date: {date} 08:00:00 -0300
tag: "Edição #{n} - {tag}"
highlight_title: "Artigo {n}"
highlight_url: "https://example.org/{n}"
comentado_por: "Ana"
---
Texto {n}.
"""


def archive_with(tmp_path, editions: int) -> SphinxTestApp:
    src = tmp_path / f"site-{editions}"
    shutil.copytree(ROOTS / "test-basic", src, ignore=shutil.ignore_patterns("posts"))
    posts = src / "posts"
    posts.mkdir()
    start = dt.date(2010, 1, 3)
    for n in range(1, editions + 1):
        day = start + dt.timedelta(weeks=6 * n)  # a year holds ~9 editions
        tag = (day + dt.timedelta(days=1)).strftime("%d.%m.%Y")
        (posts / f"{day.isoformat()}-post-{n}.md").write_text(POST.format(n=n, date=day, tag=tag), encoding="utf-8")
    (src / "index.md").write_text("# Início\n\n```{toctree}\n:hidden:\n\narquivo/index\n```\n", encoding="utf-8")
    # a window of 2 (5 entries a level) keeps the archives small enough for a test
    app = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_navigation_window": 2})
    app.build()
    app.cleanup()
    return app


def sidebar(app, docname: str) -> str:
    page = html(app, docname)
    nav = page[page.index('class="sidebar-tree"') :]
    return nav[: nav.index("</div>")]


@pytest.fixture(scope="module")
def small_and_large(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nav")
    return archive_with(tmp, 54), archive_with(tmp, 108)


@pytest.mark.parametrize(
    "docs",
    [
        ("arquivo/posts/post-30", "arquivo/posts/post-30"),  # the same post, twice the archive
        ("arquivo/edicoes/30", "arquivo/edicoes/30"),
        ("arquivo/index", "arquivo/index"),
    ],
)
def test_sidebar_entries_do_not_grow_with_editions(small_and_large, docs):
    counts = [sidebar(app, doc).count("<li") for app, doc in zip(small_and_large, docs, strict=False)]
    assert counts[0] == counts[1], counts


def test_sidebar_is_bounded_on_every_page(small_and_large):
    # top level (1) + three levels of at most 2 * window + 1 entries and a "more" link
    bound = 1 + 3 * (2 * 2 + 2)
    for app in small_and_large:
        for doc in app.env.found_docs:
            assert sidebar(app, doc).count("<li") <= bound, doc


def test_sidebar_shows_where_the_reader_is_and_links_to_the_rest(small_and_large):
    _, large = small_and_large
    nav = sidebar(large, "arquivo/posts/post-60")
    assert (
        '<li class="toctree-l4 current current-page"><a class="current reference internal" href="#">Post 60</a>' in nav
    )
    assert 'href="../edicoes/60.html">Edição #60' in nav and 'href="../edicoes/58.html"' in nav
    assert 'href="../edicoes/40.html"' not in nav  # far editions are behind "Mais…"
    assert nav.count("nl-more") == 2  # one for the years, one for the year's editions


def test_our_furo_markup_is_what_furo_makes_of_the_tree(small_and_large):
    """We write Furo's sidebar markup directly (no BeautifulSoup pass): it must be Furo's own, byte for byte."""
    from furo.navigation import get_navigation_tree
    from sphinx_newsletter.navigation import bounded_toctree
    from sphinx_newsletter.speedups.furonav import furo_tree

    _, large = small_and_large
    for doc in ["index", "arquivo/index", "arquivo/posts/post-60", "arquivo/edicoes/60", "genindex"]:
        ours = furo_tree(large.builder, doc, 2)
        assert ours == get_navigation_tree(bounded_toctree(large.builder, doc, 2)), doc
        assert "toctree-checkbox" in ours or doc in ("index", "genindex")  # pages outside the archive tree


@pytest.mark.parametrize("title", ['Erros & <alertas> "reais"', "Um 'só'", """Os dois: "x" e 'y'""", "Ação — nº 1"])
def test_our_furo_markup_quotes_titles_as_furo_does(title):
    from furo.navigation import get_navigation_tree
    from sphinx_newsletter.navigation import Entry, render_sphinx
    from sphinx_newsletter.speedups.furonav import render_furo

    leaf = Entry(title=title, href='p"q.html', depth=2, current=True, page=True)
    entries = [
        Entry(title=title, href="a'b.html", depth=1, current=True, children=[leaf]),
        Entry(title=title, href="c.html", depth=1),
    ]
    assert render_furo(entries) == get_navigation_tree(render_sphinx(entries))


def test_a_second_build_of_the_same_application_shows_the_new_titles(tmp_path):
    """The sidebar's titles and parents are computed once per build, not once per application."""
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    (src / "index.md").write_text("# Início\n\n```{toctree}\n:hidden:\n\nsobre\narquivo/index\n```\n", encoding="utf-8")
    page = src / "sobre.md"
    page.write_text("# Sobre a newsletter\n\nTexto.\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
        assert "Sobre a newsletter" in sidebar(app, "sobre")
        page.write_text("# Quem somos\n\nTexto.\n", encoding="utf-8")
        later = page.stat().st_mtime + 10
        os.utime(page, (later, later))
        app.build()
        tree = sidebar(app, "sobre")
        assert "Quem somos" in tree
        assert "Sobre a newsletter" not in tree
    finally:
        app.cleanup()
