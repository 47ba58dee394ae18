"""The garbage collector runs between documents, not inside them (see ``memory.py``)."""

from __future__ import annotations

import gc
import os
import shutil
import weakref

import pytest
from sitetools import ROOTS, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.speedups import memory


@pytest.fixture
def src(tmp_path):
    shutil.copytree(ROOTS / "test-basic", tmp_path / "src")
    # A long post: reading it allocates far more than the interpreter's 700-object threshold.
    post = tmp_path / "src" / "posts" / "2024-01-07-primeiro-post.md"
    paragraphs = "".join(f"\n\nParágrafo {i} com *ênfase* e um [link](https://example.com/{i})." for i in range(300))
    post.write_text(post.read_text(encoding="utf-8") + paragraphs, encoding="utf-8")
    return tmp_path / "src"


def collections_inside_posts(src, **confoverrides) -> tuple[int, int]:
    """Young collections that ran while a post page was being read, and in all."""
    app = SphinxTestApp("html", srcdir=src, confoverrides=confoverrides)
    current: list[str] = []
    counts = {"inside": 0, "all": 0}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] < 2:
            counts["all"] += 1
            counts["inside"] += bool(current)

    def started(_app, docname: str, _source) -> None:
        # After the extension's own handler: its collection is a boundary, not inside.
        current[:] = [docname] if docname.startswith("arquivo/posts/") else []

    app.connect("source-read", started, priority=900)
    app.connect("doctree-read", lambda _app, _doctree: current.clear())
    gc.callbacks.append(on_gc)
    try:
        app.build()
    finally:
        gc.callbacks.remove(on_gc)
        app.cleanup()
    assert warnings_of(app) == []
    return counts["inside"], counts["all"]


def test_no_collection_runs_while_a_post_is_read(src):
    inside, total = collections_inside_posts(src)
    assert total > 0  # the boundaries collect
    assert inside == 0


def test_turned_off_the_interpreter_collects_inside_documents(src):
    inside, _ = collections_inside_posts(src, newsletter_speedups=False)
    assert inside > 0


def test_the_interpreter_thresholds_are_restored(src):
    before = gc.get_threshold()
    reading: list[tuple[int, int, int]] = []
    writing: list[tuple[int, int, int]] = []
    app = SphinxTestApp("html", srcdir=src)
    app.connect("doctree-read", lambda _app, _doctree: reading.append(gc.get_threshold()))
    app.connect("html-page-context", lambda *_args: writing.append(gc.get_threshold()))
    app.build()
    app.cleanup()
    # Raised from the first document read to the last one written.
    assert reading and writing
    assert {t[0] for t in reading + writing} == {memory.YOUNG_THRESHOLD}
    assert gc.get_threshold() == before


@pytest.mark.parametrize("lean", [True, False])
def test_a_rebuild_loads_the_previous_environment_with_the_threshold_raised(src, lean):
    first = SphinxTestApp("html", srcdir=src)
    first.build()
    first.cleanup()
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    # builder-inited comes after Sphinx unpickled the environment the first build left.
    second = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_speedups": lean})
    assert second.env.all_docs  # loaded from disk, not a fresh environment
    second.connect("env-get-outdated", lambda *_args: seen.append(gc.get_threshold()) or [])
    second.build()
    second.cleanup()
    assert seen and seen[0][0] == (memory.YOUNG_THRESHOLD if lean else before[0])
    assert gc.get_threshold() == before


def test_a_failed_build_leaves_nothing_frozen(src):
    app = SphinxTestApp("html", srcdir=src)

    def fail(_app, _doctree, docname):
        raise RuntimeError(docname)

    app.connect("doctree-resolved", fail)
    with pytest.raises(Exception, match="doctree-resolved"):
        app.build()
    app.cleanup()
    assert gc.get_freeze_count() == 0


def test_turned_off_nothing_is_frozen_or_raised(src):
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []
    app = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_speedups": False})
    app.connect("doctree-read", lambda _app, _doctree: seen.append(gc.get_threshold()))
    app.build()
    app.cleanup()
    assert seen and set(seen) == {before}
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(("lean", "kept"), [(True, 2), (False, 2), (True, 10_000)])
def test_the_read_phase_keeps_a_bounded_number_of_doctrees_in_memory(src, monkeypatch, lean, kept):
    monkeypatch.setattr(memory, "DOCTREES_KEPT", kept)
    app = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_speedups": lean})
    held: list[list[str]] = []
    # Sphinx's own cache of read doctrees, private: this test tells when it changes.
    app.connect("env-updated", lambda _app, env: held.append(list(env._write_doc_doctree_cache)))
    app.build()
    app.cleanup()
    read = sorted(app.env.found_docs)
    assert len(read) > 3
    # The first ones read stay; the last one read is dropped only at a next boundary.
    expected = read if not lean or kept >= len(read) else [*read[:kept], read[-1]]
    assert held[0] == expected
    # Every page was still written, from memory or from the doctrees on disk.
    assert all((app.outdir / f"{doc}.html").is_file() for doc in app.env.found_docs)


def test_a_parallel_build_gives_the_collector_back_as_it_found_it(src):
    before = gc.get_threshold()
    app = SphinxTestApp("html", srcdir=src, parallel=2)
    frozen: list[int] = []
    app.connect("html-page-context", lambda *_args: frozen.append(gc.get_freeze_count()))
    app.build()
    app.cleanup()
    assert app.builder.parallel_ok
    assert max(frozen) > 0  # the parallel write ran with the build's objects frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_parallel_read_raises_the_threshold_in_the_readers_only(src):
    before = gc.get_threshold()
    app = SphinxTestApp("html", srcdir=src, parallel=2)
    merging: list[tuple[int, int, int]] = []
    # env-merge-info runs in the process that merges what the readers send back.
    app.connect("env-merge-info", lambda *_args: merging.append(gc.get_threshold()))
    app.build()
    app.cleanup()
    assert merging and set(merging) == {before}


@pytest.mark.parametrize(("parallel", "lean", "frozen"), [(2, True, True), (2, False, False), (1, True, False)])
def test_only_a_parallel_read_freezes_what_was_loaded_before_it(src, parallel, lean, frozen):
    app = SphinxTestApp("html", srcdir=src, parallel=parallel, confoverrides={"newsletter_speedups": lean})
    seen: list[int] = []
    # env-merge-info runs in the merging process; source-read where a serial read runs.
    event = "env-merge-info" if parallel > 1 else "source-read"
    app.connect(event, lambda *_args: seen.append(gc.get_freeze_count()))
    app.build()
    app.cleanup()
    assert seen and (min(seen) > 0) is frozen
    assert gc.get_freeze_count() == 0


@pytest.fixture
def many(src):
    """Forty more posts: a parallel read then has more chunks than readers."""
    first = (src / "posts" / "2024-01-07-primeiro-post.md").read_text(encoding="utf-8")
    for i in range(40):
        text = first.replace("Primeiro post", f"Post número {i}").replace("/article", f"/article-{i}")
        (src / "posts" / f"2024-01-07-post-{i}.md").write_text(text, encoding="utf-8")
    return src


def test_a_parallel_read_collects_each_readers_environment_at_the_next_fork(many, tmp_path):
    app = SphinxTestApp("html", srcdir=many, parallel=2)
    parent = os.getpid()
    sent: list[weakref.ref] = []
    at_merge: list[tuple[bool, int]] = []
    readers = tmp_path / "readers"
    readers.mkdir()

    def merged(_app, _env, _docnames, other) -> None:
        # Runs in the merging process: environments sent before the last fork are gone.
        at_merge.append((gc.isenabled(), sum(ref() is not None for ref in sent)))
        sent.append(weakref.ref(other))

    def reading(_app, _docname, _source) -> None:
        if os.getpid() != parent:
            (readers / str(os.getpid())).write_text(str(gc.isenabled()))

    app.connect("env-merge-info", merged)
    app.connect("source-read", reading)
    app.build()
    app.cleanup()
    assert len(at_merge) >= 4, "the read should fork more readers than it runs at once"
    # Each reader's environment is garbage once merged; until the last reader is
    # forked, the merging process collects it at the next fork, not automatically.
    before_last_fork = at_merge[: len(at_merge) - app.parallel]
    assert before_last_fork == [(False, 0)] * len(before_last_fork)
    assert {p.read_text() for p in readers.iterdir()} == {"True"}  # readers collect as usual
    assert gc.isenabled()


@pytest.mark.parametrize("lean", [True, False])
def test_a_doctree_read_back_for_writing_is_not_kept(src, lean):
    app = SphinxTestApp("html", srcdir=src, parallel=2, confoverrides={"newsletter_speedups": lean})
    app.build()  # a parallel read: the write phase reads every doctree back from disk
    kept = set(app.env._pickled_doctree_cache)
    app.cleanup()
    assert app.builder.parallel_ok
    if lean:
        assert kept == set()
    else:
        assert kept >= {d for d in app.env.found_docs if d.startswith("arquivo/posts/")}


@pytest.mark.parametrize(("lean", "frozen"), [(True, True), (False, False)])
def test_a_serial_write_runs_with_the_read_phase_frozen(src, lean, frozen):
    app = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_speedups": lean})
    seen: list[int] = []
    app.connect("html-page-context", lambda *_args: seen.append(gc.get_freeze_count()))
    app.build()
    app.cleanup()
    assert not app.builder.parallel_ok
    assert seen and (min(seen) > 0) is frozen
    assert gc.get_freeze_count() == 0
