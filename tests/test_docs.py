"""The archive site (docs/ over our sample posts) builds cleanly, and leaves the reference out.

The same site over an empty posts folder and over the real corpus:
tests/test_docs_any_posts.py. The extension's reference, with its live
examples, is a project of its own: tests/test_reference.py.
"""

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
            "newsletter_authors_file": str(REPO / "posts" / "authors.yml"),
            "newsletter_baseline_file": str(REPO / "posts" / "baseline.yml"),
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


def test_the_reference_is_not_part_of_the_archive_site(site):
    assert "reference/index" not in site.env.all_docs
    assert not any(name.startswith("reference/") for name in site.env.all_docs)
    assert "contribuir.html" in html(site, "guide/index")  # Sobre keeps the contributors' guide
