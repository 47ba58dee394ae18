"""The archive site (docs/) stands on whatever posts it has.

No page of docs/ may depend on a particular post, author, edition or year: the
site is built over an empty posts folder and over the real corpus (with the
baseline a maintainer records when adopting it), laid out as in the repository
(docs/ beside posts/), and each build has zero warnings. (A module of its own:
two Sphinx apps alive at once in one module would see each other's nodes.)
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from sitetools import REPO, html, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.cli.main import main


def _site_copy(root: Path) -> Path:
    """docs/ copied into ROOT/docs, as the repository has it (without outputs or the reference)."""
    docs = root / "docs"
    shutil.copytree(REPO / "docs", docs, ignore=shutil.ignore_patterns("_build", "arquivo", "reference"))
    return docs


def _build(docs: Path) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=docs)
    app.build()
    return app


def test_site_over_an_empty_posts_folder_builds_without_warnings(tmp_path):
    docs = _site_copy(tmp_path)
    (tmp_path / "posts").mkdir()
    app = _build(docs)
    try:
        assert warnings_of(app) == []
        assert app.env.get_domain("nl").archive.posts == {}
        for page in ("index", "guide/index", "guide/contribuir", "arquivo/index"):
            assert "<article" in html(app, page), page
    finally:
        app.cleanup()


def test_site_over_the_real_corpus_with_its_baseline_builds_without_warnings(tmp_path, corpus):
    """The adoption path: the corpus's posts and images, the baseline recorded once, then a clean build."""
    docs = _site_copy(tmp_path)
    shutil.copytree(corpus / "_posts", tmp_path / "posts")
    shutil.copytree(corpus / "images", tmp_path / "posts" / "images")
    out = io.StringIO()
    assert main(["--conf-dir", str(docs), "check", "--update-baseline"], out=out) == 0, out.getvalue()
    assert (tmp_path / "posts" / "baseline.yml").is_file()
    app = _build(docs)
    try:
        assert warnings_of(app) == []
        posts = app.env.get_domain("nl").archive.posts
        assert len(posts) == 78
        assert all(f"arquivo/posts/{key}" in app.env.all_docs for key in posts)
    finally:
        app.cleanup()
