"""The real archive (../shared/corpus/srebrasil) built once: every post, edition and author, known warnings only."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest
from sitetools import html, make_site, warnings_of
from sphinx_newsletter.core.loader import find_post_files


@pytest.fixture(scope="module")
def site(tmp_path_factory, corpus):
    app = make_site(
        tmp_path_factory.mktemp("corpus"),
        "corpus",
        confoverrides={
            "newsletter_posts_dir": str(corpus / "_posts"),
            "newsletter_images_dir": str(corpus / "images"),
        },
    )
    app.build()
    yield app
    app.cleanup()


def _codes(app) -> Counter:
    return Counter(re.search(r"\[newsletter\.([a-z-]+)\]$", w)[1] for w in warnings_of(app))


def test_only_the_known_data_problems_are_warned(site, corpus):
    lines = warnings_of(site)
    assert all(re.match(r"\S+\.markdown:\d+: WARNING: ", w) for w in lines), lines
    junk = sum("--->" in p.read_text(encoding="utf-8").split("\n---", 1)[0] for p in (corpus / "_posts").iterdir())
    # Two commentators spelled two ways for one profile (Ricardo Coelho [de Sousa],
    # Tito Garrido [Ogando]): real history an authors-registry entry settles.
    assert _codes(site) == {"date-junk": junk, "edition-order": 1, "author-spelling": 5}
    order = next(w for w in lines if "edition-order" in w)
    assert "edition #21 is dated 01.09.2022" in order


def test_every_post_has_its_page_card_and_author_box(site, corpus):
    files = find_post_files(corpus / "_posts")
    assert len(files) == 78
    posts = site.env.get_domain("nl").archive.posts
    assert len(posts) == 78
    for post in posts.values():
        page = html(site, f"arquivo/posts/{post.key}")
        card = unescape(page[page.index("nl-highlight") : page.index("nl-author-box")])
        assert f'href="{post.highlight_url}"' in card, post.key
        assert post.highlight_title in card, post.key
        assert "nl-author-box" in page and "linkedin.com" in page[page.index("nl-author-box") :]


def test_every_edition_lists_its_posts(site):
    archive = site.env.get_domain("nl").archive
    assert sorted(archive.editions) == list(range(1, 26))
    for edition in archive.editions.values():
        page = html(site, f"arquivo/edicoes/{edition.number}")
        for key in edition.posts:
            assert f'href="../posts/{key}.html"' in page
        assert site.env.toctree_includes[f"arquivo/edicoes/{edition.number}"] == [
            f"arquivo/posts/{key}" for key in edition.posts
        ]


def test_author_spellings_are_merged_by_profile(site):
    authors = site.env.get_domain("nl").archive.authors
    assert len(authors) == 4
    ricardo = authors["ricardo-coelho-de-sousa"]
    assert set(ricardo.variants) == {"Ricardo Coelho", "Ricardo Coelho de Sousa"}
    assert "Ricardo Coelho de Sousa" in html(site, "arquivo/autores/ricardo-coelho-de-sousa")
