"""Incremental and parallel builds: what is re-read, and nothing lost under -j."""

from __future__ import annotations

import re
import shutil

import pytest
from sitetools import ROOTS, html, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors


@pytest.fixture
def src(tmp_path):
    shutil.copytree(ROOTS / "test-basic", tmp_path / "src")
    return tmp_path / "src"


def build(src, **kwargs) -> tuple[SphinxTestApp, list[str]]:
    """Build over the pickled environment; return the app and the docnames read."""
    app = SphinxTestApp("html", srcdir=src, **kwargs)
    read: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
    app.build()
    app.cleanup()
    return app, sorted(read)


def edit(src, name: str, old: str, new: str) -> None:
    path = src / "posts" / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_second_build_with_nothing_changed_reads_nothing(src):
    build(src)
    _, read = build(src)
    assert read == []


def test_a_build_started_from_another_folder_reads_nothing(src, monkeypatch):
    """Messages name post files relative to the working folder; the pages don't depend on it."""
    monkeypatch.chdir(src)
    build(src)
    monkeypatch.chdir(src / "posts")
    _, read = build(src)
    assert read == []


def test_editing_a_post_body_rereads_only_that_post(src):
    build(src)
    edit(src, "2024-01-07-primeiro-post.md", "Mais texto.", "Mais texto, agora editado.")
    app, read = build(src)
    assert read == ["arquivo/posts/primeiro-post"]
    assert "agora editado" in html(app, "arquivo/posts/primeiro-post")


def test_editing_a_title_rereads_the_pages_that_show_it(src):
    build(src)
    edit(src, "2024-01-14-terceiro-post.md", '"Terceiro post"', '"Terceiro post, renomeado"')
    app, read = build(src)
    # the post, its edition's cards, its year and month, the author page, the home page's latest
    # edition, the list of every post and the older post, whose "newer post" link names it
    assert read == [
        "arquivo/2024",
        "arquivo/2024/01",
        "arquivo/autores/maria-souza",
        "arquivo/edicoes/2",
        "arquivo/posts/index",
        "arquivo/posts/segundo-post",
        "arquivo/posts/terceiro-post",
        "index",
    ]
    assert "Terceiro post, renomeado" in html(app, "arquivo/edicoes/2")


def test_a_removed_post_disappears_everywhere(src):
    build(src)
    (src / "posts" / "2024-01-07-segundo-post.md").unlink()
    app, _read = build(src)
    assert not (src / "arquivo/posts/segundo-post.md").exists()
    assert "Segundo post" not in html(app, "arquivo/edicoes/1")
    assert "post:segundo-post" not in app.env.get_domain("nl").data["objects"]
    # the home page still names it: a dangling reference is a warning, not a silent gap
    assert [w.split("WARNING: ")[1] for w in warnings_of(app)] == [
        "nl:post reference target not found: segundo-post [ref.post]"
    ]


def test_parallel_build_has_every_post(src):
    app, _ = build(src, parallel=2)
    status = strip_colors(app.status.getvalue())
    assert re.search(r"reading sources\.\.\. \[ *\d+%\] \S+ \.\. ", status)  # read in parallel chunks
    domain = app.env.get_domain("nl")
    posts = sorted(name for name, _d, typ, *_ in domain.get_objects() if typ == "post")
    assert posts == ["primeiro-post", "segundo-post", "terceiro-post"]
    assert {f"arquivo/posts/{key}" for key in posts} <= set(domain.data["deps"])
    for key in posts:
        page = html(app, f"arquivo/posts/{key}")
        assert "nl-highlight" in page and "nl-author-box" in page
    assert warnings_of(app) == []


def toctree_state(app) -> dict:
    env = app.env
    return {
        "files_to_rebuild": {k: sorted(v) for k, v in sorted(env.files_to_rebuild.items())},
        "toctree_includes": {k: sorted(v) for k, v in sorted(env.toctree_includes.items())},
    }


def test_toctree_entries_are_those_of_a_parallel_read(src, tmp_path):
    """The serial read sets toctree entries aside while reading (toctrees.py); none is lost."""
    serial, _ = build(src)
    parallel_src = tmp_path / "parallel"
    shutil.copytree(ROOTS / "test-basic", parallel_src)
    parallel, _ = build(parallel_src, parallel=2)
    assert toctree_state(serial) == toctree_state(parallel)
    assert "arquivo/posts/primeiro-post" in serial.env.files_to_rebuild


def test_toctree_entries_follow_an_edit(src):
    """A post moved to another edition: its old edition no longer includes it."""
    build(src)
    edit(src, "2024-01-07-segundo-post.md", "Edição #1 - 08.01.2024", "Edição #2 - 15.01.2024")
    app, _ = build(src)
    including = app.env.files_to_rebuild["arquivo/posts/segundo-post"]
    assert including == {"arquivo/edicoes/2"}
