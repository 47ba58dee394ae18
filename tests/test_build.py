"""A small archive built end to end: pages, card, author box, toctrees, xrefs, inventory."""

from __future__ import annotations

import re
import zlib

import pytest
from sitetools import html, make_site, warnings_of


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = make_site(tmp_path_factory.mktemp("build"))
    app.build()
    yield app
    app.cleanup()


def test_clean_build_has_zero_warnings(built):
    assert warnings_of(built) == []


def test_every_published_post_has_a_page_with_card_and_author_box(built):
    page = html(built, "arquivo/posts/primeiro-post")
    assert "<title>Primeiro post" in page
    card = page[page.index("nl-highlight") :]
    assert 'href="https://example.org/article"' in card
    assert 'target="_blank"' in card and 'rel="noopener noreferrer"' in card
    assert "An article" in card and "Jane Doe" in card
    assert "um.png" in card
    box = page[page.index("nl-author-box") :]
    assert "Maria Souza" in box and 'href="https://www.linkedin.com/in/maria-souza"' in box
    assert 'href="../autores/maria-souza.html"' in box
    assert page.index("nl-highlight") < page.index("Um comentário") < page.index("nl-author-box")


def test_card_images_are_located_at_the_posts_image_line(built):
    """Sphinx's messages about a card's image name the post file (and it skips patching one in)."""
    from docutils import nodes

    for docname in ("arquivo/posts/primeiro-post", "arquivo/edicoes/1"):
        images = [i for i in built.env.get_doctree(docname).findall(nodes.image) if "um.png" in i["uri"]]
        assert images, docname
        for image in images:
            assert image.source.endswith("posts/2024-01-07-primeiro-post.md"), (docname, image.source)
            assert image.line == 10


def test_post_headings_are_shifted_under_the_title(built):
    page = html(built, "arquivo/posts/primeiro-post")
    assert re.search(r"<h2>Um detalhe", page)


def test_edition_page_has_a_toctree_and_cards_in_order(built):
    page = html(built, "arquivo/edicoes/1")
    assert "Edição #1 · 8 de janeiro de 2024" in page
    assert page.index("Primeiro post") < page.index("Segundo post")
    assert "arquivo/edicoes/1" in built.env.toctree_includes
    assert built.env.toctree_includes["arquivo/edicoes/1"] == [
        "arquivo/posts/primeiro-post",
        "arquivo/posts/segundo-post",
    ]
    assert 'href="2.html"' in page  # next edition


def test_archive_groups_editions_by_year(built):
    assert built.env.toctree_includes["arquivo/index"] == ["arquivo/2024"]
    assert built.env.toctree_includes["arquivo/2024"] == ["arquivo/edicoes/2", "arquivo/edicoes/1"]


def test_author_page_lists_posts_newest_first(built):
    page = html(built, "arquivo/autores/maria-souza")
    assert page.index("Terceiro post") < page.index("Primeiro post")
    assert "Segundo post" not in page


def test_home_shows_the_latest_edition_and_resolves_roles(built):
    page = html(built, "index")
    assert "Terceiro post" in page and "Confiabilidade é uma escolha" in page
    assert 'href="arquivo/posts/segundo-post.html"' in page
    assert 'href="arquivo/edicoes/2.html"' in page
    assert 'href="arquivo/autores/maria-souza.html"' in page


def test_drafts_are_left_out_and_said_so(built):
    assert not (built.srcdir / "arquivo/posts/rascunho.md").exists()
    assert not (built.outdir / "arquivo/posts/rascunho.html").exists()
    assert "Rascunho secreto" not in (built.outdir / "searchindex.js").read_text()
    # The root's language is pt_BR, so the message comes from the pt_BR catalog.
    assert "posts/2024-01-14-rascunho.md: deixado fora do arquivo: not published" in built.status.getvalue()


def test_objects_are_in_the_inventory(built):
    data = (built.outdir / "objects.inv").read_bytes()
    body = zlib.decompress(data.split(b"\n", 4)[4]).decode()
    assert "primeiro-post nl:post -1 arquivo/posts/primeiro-post.html" in body
    assert "1 nl:edition -1 arquivo/edicoes/1.html" in body
    assert "maria-souza nl:author -1 arquivo/autores/maria-souza.html" in body


def test_sidebar_is_bounded_to_the_current_branch(built):
    page = html(built, "arquivo/posts/terceiro-post")
    nav = page[page.index('class="sidebar-tree"') :]
    nav = nav[: nav.index("</div>")]
    assert "Terceiro post" in nav and 'href="../edicoes/2.html"' in nav
    assert 'href="../edicoes/1.html"' in nav  # the year's other editions are drawn
    assert "Primeiro post" not in nav  # but not their posts


def test_search_is_portuguese(built):
    index = (built.outdir / "searchindex.js").read_text()
    assert '"confiabil"' in index  # the Portuguese stem of "confiabilidade"


@pytest.mark.sphinx("html", testroot="basic", confoverrides={"language": "en"})
def test_labels_follow_the_language(app):
    app.build()
    page = html(app, "arquivo/edicoes/1")
    assert "January 8, 2024" in page


def test_a_refused_post_fails_the_build_after_everything_else_is_built(tmp_path):
    import shutil

    from sitetools import ROOTS
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    (src / "posts" / "2024-01-20-quebrado.md").write_text("---\ntitle: [sem fim\n---\ntexto\n", encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src)
    app.build()
    app.cleanup()
    lines = warnings_of(app)
    assert lines[0].endswith(
        "posts/2024-01-20-quebrado.md:2: ERROR: invalid YAML: "
        "expected ',' or ']', but got '<stream end>' [newsletter.yaml]"
    )
    assert "posts/2024-01-20-quebrado.md [newsletter.refused]" in lines[-1]
    assert app.statuscode == 1
    assert (app.outdir / "arquivo/posts/primeiro-post.html").exists()  # the rest was built


def test_another_project_links_to_a_post_through_intersphinx(built, tmp_path):
    """Through MyST's ``inv:`` links, which need no ``nl`` domain in the other project."""
    from sphinx.testing.util import SphinxTestApp

    other = tmp_path / "other"
    other.mkdir()
    (other / "conf.py").write_text(
        "extensions = ['sphinx.ext.intersphinx', 'myst_parser']\n"
        f"intersphinx_mapping = {{'news': ('https://news.example.org/', {str(built.outdir / 'objects.inv')!r})}}\n",
        encoding="utf-8",
    )
    (other / "index.md").write_text(
        "# Outro\n\nLeia <inv:news:nl:post#primeiro-post> e a <inv:news:nl:edition#2>.\n",
        encoding="utf-8",
    )
    app = SphinxTestApp("html", srcdir=other)
    app.build()
    app.cleanup()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert 'href="https://news.example.org/arquivo/posts/primeiro-post.html"' in page
    assert 'href="https://news.example.org/arquivo/edicoes/2.html"' in page
    assert ">Primeiro post</a>" in page
    assert warnings_of(app) == []


def test_file_names_with_accents_get_ascii_page_names(tmp_path):
    import shutil

    from sitetools import ROOTS
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    text = (src / "posts" / "2024-01-07-segundo-post.md").read_text(encoding="utf-8")
    (src / "posts" / "2024-01-07-segundo-post.md").unlink()
    (src / "posts" / "2024-01-07-Ação-Rápida.md").write_text(text, encoding="utf-8")
    (src / "index.md").write_text(
        "# Início\n\n```{toctree}\n:hidden:\n\narquivo/index\narquivo/autores/index\n```\n", encoding="utf-8"
    )
    app = SphinxTestApp("html", srcdir=src)
    app.build()
    app.cleanup()
    assert warnings_of(app) == []
    assert "Segundo post" in html(app, "arquivo/posts/acao-rapida")
