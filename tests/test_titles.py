"""Page titles are rendered once per build (titles.py), and the pages don't change."""

from __future__ import annotations

import pytest
from sitetools import make_site, warnings_of
from sphinx_newsletter.speedups.titles import TitleCache


def _pages(app) -> dict[str, bytes]:
    return {str(p.relative_to(app.outdir)): p.read_bytes() for p in sorted(app.outdir.rglob("*.html"))}


def _build(tmp_path, name: str, *, cache: bool, buildername: str = "html"):
    app = make_site(tmp_path / name, "site", buildername)
    if not cache:  # undo the wrapping, after titles.py's handler
        app.connect("write-started", lambda app, builder: builder.__dict__.pop("render_partial", None), priority=900)
    try:
        app.build()
        assert warnings_of(app) == []
        return _pages(app), getattr(app.builder, "render_partial", None)
    finally:
        app.cleanup()


@pytest.mark.parametrize("buildername", ["html", "dirhtml"])
def test_every_page_is_the_same_with_the_titles_rendered_once(tmp_path, buildername):
    cached, cache = _build(tmp_path, "cached", cache=True, buildername=buildername)
    plain, _ = _build(tmp_path, "plain", cache=False, buildername=buildername)
    assert isinstance(cache, TitleCache)
    # Post pages show their edition, year, archive and home titles, and their neighbours'.
    assert cache.reused > cache.rendered > 0
    assert cache.rendered <= len(cache.titles)
    assert cached.keys() == plain.keys()
    assert [name for name in cached if cached[name] != plain[name]] == []


def test_a_title_with_an_image_is_rendered_for_each_page(tmp_path):
    """An image's path is relative to the page being written: such a title is never reused."""
    from docutils import nodes

    calls = []

    def render(node):
        calls.append(node)
        return {"title": "x", "fragment": ""}

    class Env:
        titles = {"a": nodes.title("", "", nodes.image(uri="i.png"))}
        longtitles = {}

    cache = TitleCache(render, Env())
    title = Env.titles["a"]
    cache(title), cache(title)
    other = nodes.title("", "plain")
    cache(other), cache(other)  # not a title of the environment
    assert calls == [title, title, other, other]
    assert cache.rendered == cache.reused == 0
