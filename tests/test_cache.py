"""Posts read by an earlier build are reused only while their file is unchanged."""

from __future__ import annotations

import os
import pickle

from sphinx_newsletter.core.loader import PostCache, load_archive
from sphinx_newsletter.core.settings import Settings

POST = """---
title: "{title}"
date: 2024-01-07 08:00:00 -0300 --->
tag: "Edição #1 - 08.01.2024"
---
Texto.
"""


def write(folder, title: str) -> None:
    (folder / "2024-01-07-post.md").write_text(POST.format(title=title), encoding="utf-8")


def test_unchanged_posts_come_from_the_cache_with_their_warnings(tmp_path, monkeypatch):
    write(tmp_path, "Um")
    cache = PostCache(settings_key="k")
    first = load_archive(tmp_path, None, Settings(), cache=cache)
    cache = pickle.loads(pickle.dumps(cache.pruned()))  # as the next build finds it

    import sphinx_newsletter.core.loader as loader

    monkeypatch.setattr(loader, "read_post", lambda *a: (_ for _ in ()).throw(AssertionError("re-read")))
    second = load_archive(tmp_path, None, Settings(), cache=cache)
    assert second.archive.posts == first.archive.posts
    assert [p.code for p in second.problems] == [p.code for p in first.problems] == ["date-junk"]


def test_an_edited_post_is_read_again(tmp_path):
    write(tmp_path, "Um")
    cache = PostCache(settings_key="k")
    load_archive(tmp_path, None, Settings(), cache=cache)
    write(tmp_path, "Dois, mais longo")
    again = load_archive(tmp_path, None, Settings(), cache=cache)
    assert [p.title for p in again.archive.posts.values()] == ["Dois, mais longo"]


def test_same_size_edit_with_the_old_mtime_is_still_seen_by_inode_or_mtime(tmp_path):
    write(tmp_path, "Um")
    path = tmp_path / "2024-01-07-post.md"
    cache = PostCache(settings_key="k")
    load_archive(tmp_path, None, Settings(), cache=cache)
    old = path.stat()
    write(tmp_path, "Ua")  # same size
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns + 1))
    assert [p.title for p in load_archive(tmp_path, None, Settings(), cache=cache).archive.posts.values()] == ["Ua"]


def test_deleted_posts_leave_the_cache(tmp_path):
    write(tmp_path, "Um")
    cache = PostCache(settings_key="k")
    load_archive(tmp_path, None, Settings(), cache=cache)
    (tmp_path / "2024-01-07-post.md").unlink()
    cache.used.clear()
    load_archive(tmp_path, None, Settings(), cache=cache)
    assert cache.pruned().entries == {}
