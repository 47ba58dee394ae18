"""A page's CSS and JavaScript tags are rendered once per page depth (assettags.py), and the pages don't change."""

from __future__ import annotations

import pytest
import sphinx.builders.html
from sitetools import make_site, warnings_of
from sphinx_newsletter.speedups.assettags import HELPERS, page_depth


def _build(tmp_path, name: str, monkeypatch, *, reuse: bool, buildername: str = "html"):
    """The site's pages, and how many times Sphinx looked up an asset's checksum."""
    app = make_site(tmp_path / name, "site", buildername)
    lookups = []
    checksum = sphinx.builders.html._file_checksum

    def counted(outdir, filename):
        lookups.append(str(filename))
        return checksum(outdir, filename)

    # handle_page's helpers look the function up in their module as they run.
    monkeypatch.setattr(sphinx.builders.html, "_file_checksum", counted)
    if not reuse:  # give the page Sphinx's own helpers back, after assettags.py's handler

        def unwrap(_app, _pagename, _templatename, context, _doctree):
            for helper in HELPERS:
                context[helper] = getattr(context[helper], "__wrapped__", context[helper])

        app.connect("html-page-context", unwrap, priority=999)
    try:
        app.build()
        assert warnings_of(app) == []
        pages = {str(p.relative_to(app.outdir)): p.read_bytes() for p in sorted(app.outdir.rglob("*.html"))}
        return pages, lookups
    finally:
        monkeypatch.setattr(sphinx.builders.html, "_file_checksum", checksum)
        app.cleanup()


@pytest.mark.parametrize("buildername", ["html", "dirhtml"])
def test_every_page_is_the_same_with_its_asset_tags_reused(tmp_path, monkeypatch, buildername):
    reused, few = _build(tmp_path, "reused", monkeypatch, reuse=True, buildername=buildername)
    plain, every = _build(tmp_path, "plain", monkeypatch, reuse=False, buildername=buildername)
    assert reused.keys() == plain.keys()
    assert [name for name in reused if reused[name] != plain[name]] == []
    assert b"?v=" in reused["index.html"]  # the tags carry checksums, which is what costs
    # Sphinx's helpers ran once per asset and page depth (the 404 page draws its own).
    assets = len(set(every))
    depths = {name.count("/") for name in reused}
    assert len(few) <= assets * (len(depths) + 1)
    assert len(every) >= assets * len(reused) // 2 > len(few) * 2


#: (page URI, asset) -> the page depth the tag depends on; None: Sphinx's helper every time.
DEPTHS = {
    ("index.html", "_static/furo.css"): 1,
    ("arquivo/posts/a.html", "_static/furo.css"): 3,
    ("arquivo/posts/a/", "_static/styles/furo.css"): 4,
    ("arquivo/posts/a.html#x", "_static/furo.css"): 3,
    ("https://example.com/x.js", "_static/furo.css"): 4,
    # The path then depends on the folders too, or is the page's own.
    ("_static/page.html", "_static/furo.css"): None,
    ("_static/furo.css", "_static/furo.css"): None,
    ("index.html", "_static/"): None,
}


@pytest.mark.parametrize(("base", "asset"), DEPTHS)
def test_a_tag_is_reused_only_when_it_depends_on_the_page_depth_alone(base, asset):
    assert page_depth(base, asset) == DEPTHS[base, asset]
