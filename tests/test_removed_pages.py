"""Incremental builds (``make serve``'s preview, a local ``make html``) drop the pages of deleted posts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitetools import ROOTS, warnings_of
from sphinx.testing.util import SphinxTestApp

#: What one post alone makes exist: its page, its category's, its commentator's, its source copy.
ONLY_SEGUNDO = (
    "arquivo/posts/segundo-post.html",
    "arquivo/categorias/resiliencia.html",
    "arquivo/autores/joao-lima.html",
    "_sources/arquivo/posts/segundo-post.md.txt",
)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    shutil.copytree(ROOTS / "test-basic", tmp_path / "src")
    post = tmp_path / "src" / "posts" / "2024-01-07-segundo-post.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("published: true\n", "published: true\ncategories: [Resiliência]\n"),
        encoding="utf-8",
    )
    index = tmp_path / "src" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("{post}`segundo-post`, ", ""), encoding="utf-8")
    return tmp_path / "src"


def build(src: Path, buildername: str = "html") -> SphinxTestApp:
    app = SphinxTestApp(buildername, srcdir=src)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def test_a_deleted_post_and_its_category_leave_the_output(src: Path) -> None:
    app = build(src)
    assert warnings_of(app) == []
    out = Path(app.outdir)
    for name in ONLY_SEGUNDO:
        assert (out / name).is_file(), name

    (src / "posts" / "2024-01-07-segundo-post.md").unlink()
    app = build(src)
    assert warnings_of(app) == []
    for name in ONLY_SEGUNDO:
        assert not (out / name).exists(), name
    # The rest of the site is still there.
    assert (out / "arquivo/posts/primeiro-post.html").is_file()
    assert (out / "_sources/arquivo/posts/primeiro-post.md.txt").is_file()
    assert "segundo-post" not in (out / "arquivo/posts/primeiro-post.html").read_text(encoding="utf-8")


def test_dirhtml_drops_the_page_and_its_folder(src: Path) -> None:
    app = build(src, "dirhtml")
    out = Path(app.outdir)
    assert (out / "arquivo/posts/segundo-post/index.html").is_file()
    (src / "posts" / "2024-01-07-segundo-post.md").unlink()
    build(src, "dirhtml")
    assert not (out / "arquivo/posts/segundo-post").exists()
    assert (out / "arquivo/posts/primeiro-post/index.html").is_file()


def test_a_link_out_of_the_output_folder_is_left_alone(src: Path, tmp_path: Path) -> None:
    app = build(src)
    out = Path(app.outdir)
    keep = tmp_path / "keep.html"
    keep.write_text("not ours", encoding="utf-8")
    page = out / "arquivo/posts/segundo-post.html"
    page.unlink()
    page.symlink_to(keep)
    (src / "posts" / "2024-01-07-segundo-post.md").unlink()
    build(src)
    assert keep.read_text(encoding="utf-8") == "not ours"
