"""The project's own site (docs/ over posts/) builds cleanly, and the guide's examples render."""

from __future__ import annotations

import shutil

import pytest
from sitetools import REPO, html, warnings_of
from sphinx.testing.util import SphinxTestApp


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    src = tmp_path_factory.mktemp("site") / "docs"
    shutil.copytree(REPO / "docs", src, ignore=shutil.ignore_patterns("_build", "arquivo"))
    app = SphinxTestApp(
        "html",
        srcdir=src,
        confoverrides={
            "newsletter_posts_dir": str(REPO / "posts"),
            "newsletter_images_dir": str(REPO / "posts" / "images"),
        },
    )
    app.build()
    yield app
    app.cleanup()


def test_site_builds_without_warnings(site):
    assert warnings_of(site) == []


def test_sample_posts_make_at_least_two_editions_of_three(site):
    archive = site.env.get_domain("nl").archive
    assert len(archive.editions) >= 2
    assert all(len(e.posts) >= 3 for e in archive.editions.values())
    for key in archive.posts:
        assert "nl-highlight" in html(site, f"arquivo/posts/{key}")


def test_guide_examples_show_source_and_result(site):
    page = html(site, "guide/references")
    assert page.count("nl-example-source") == page.count("nl-example-result") >= 6
    assert "Monitoring Distributed Systems" in page  # the highlight-card example rendered
    for name in ("newsletter_posts_dir", "newsletter_show_drafts", "newsletter_edition_pattern"):
        assert name in html(site, "guide/configuration")
    assert "comentado_por_linkedin" in html(site, "guide/posts")


def test_the_cards_guide_shows_a_card_this_build_drew(site):
    """docs/guide/cards.md: the picture is the sample post's card, drawn by the build (not a committed file)."""
    import re

    from sphinx_newsletter.core.cards import drawn_lines

    (source,) = re.findall(r'<img [^>]*class="nl-social-card"[^>]*src="([^"]+)"', html(site, "guide/cards"))
    png = (site.outdir / "guide" / source).resolve()
    assert png.parent == site.outdir / "_cards"
    title = site.env.get_domain("nl").archive.posts["quatro-sinais-de-ouro"].title
    assert " ".join(drawn_lines(png.read_bytes())["lines"][2:4]) == title
