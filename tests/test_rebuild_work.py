"""A rebuild does work in proportion to what changed, and still reports every problem.

The per-post results of ``newsletter check``'s rules and the images' decoding
verdicts are kept with the post cache between builds; what a build reports
must not depend on whether they came from the cache (``-W`` must fail a no-op
rebuild of a site with problems, as it fails the first build).
"""

from __future__ import annotations

import re
import shutil

import pytest
import sphinx_newsletter.core.checks as checks
import sphinx_newsletter.core.images as images
from sitetools import ROOTS, warnings_of
from test_incremental import build

#: A post with a raw HTML tag and an article the third post already comments.
PROBLEMS = """---
title: "Quarto post"
date: 2024-01-14 09:00:00 -0300
tag: "Edição #2 - 15.01.2024"
highlight_title: "Third article, again"
highlight_url: "https://www.example.org/third/?utm_source=news"
comentado_por: "Maria Souza"
image: /images/um.png
---
Texto com <b>HTML</b>.
"""


@pytest.fixture
def src(tmp_path):
    shutil.copytree(ROOTS / "test-basic", tmp_path / "src")
    (tmp_path / "src" / "posts" / "2024-01-14-quarto-post.md").write_text(PROBLEMS, encoding="utf-8")
    return tmp_path / "src"


def newsletter_warnings(app) -> list[str]:
    """The newsletter warnings, without the path of the temporary folder."""
    return sorted(re.sub(r"^.*?/posts/", "posts/", w) for w in warnings_of(app) if "[newsletter." in w)


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """How often each rule computes a post's result and how often an image is decoded."""
    counts = {"raw_html": 0, "article_key": 0, "decode": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(checks, "raw_html", counting("raw_html", checks.raw_html))
    monkeypatch.setattr(checks, "article_key", counting("article_key", checks.article_key))
    monkeypatch.setattr(images, "decode_problem", counting("decode", images.decode_problem))
    return counts


def test_a_noop_rebuild_reports_every_cached_problem_and_fails_under_W(src):
    first, _ = build(src, warningiserror=True)
    expected = newsletter_warnings(first)
    assert any("[newsletter.raw-html]" in w for w in expected)
    assert any("[newsletter.duplicate-article]" in w for w in expected)
    assert first.statuscode == 1
    again, read = build(src, warningiserror=True)
    assert read == []
    assert newsletter_warnings(again) == expected
    assert again.statuscode == 1


def test_a_noop_rebuild_recomputes_nothing_per_post(src, calls):
    build(src)
    assert calls["raw_html"] == 4 and calls["decode"] == 1
    calls.update(raw_html=0, article_key=0, decode=0)
    build(src)
    assert calls == {"raw_html": 0, "article_key": 0, "decode": 0}


def test_an_edit_recomputes_only_that_post(src, calls):
    build(src)
    path = src / "posts" / "2024-01-14-quarto-post.md"
    path.write_text(PROBLEMS.replace("<b>HTML</b>", "<i>HTML</i>, editado"), encoding="utf-8")
    calls.update(raw_html=0, article_key=0, decode=0)
    app, read = build(src)
    assert [d for d in read if d.startswith("arquivo/posts/")] == ["arquivo/posts/quarto-post"]
    assert calls == {"raw_html": 1, "article_key": 1, "decode": 0}
    assert any("raw HTML '<i>'" in w for w in newsletter_warnings(app))


def test_a_changed_image_is_decoded_again_and_its_verdict_reported(src, calls):
    build(src)
    image = src / "posts" / "images" / "um.png"
    image.write_bytes(b"not a PNG at all")
    calls.update(decode=0)
    app, _ = build(src)
    assert calls["decode"] == 1
    found = newsletter_warnings(app)
    assert any("[newsletter.image-missing]" in w and "is not a valid PNG image" in w for w in found)


def test_a_post_page_is_parsed_once_for_the_scan_and_the_page(src, monkeypatch):
    """The body scan walks the tokens MyST renders: the page's Markdown is parsed once, not twice."""
    from markdown_it import MarkdownIt

    seen: list[str] = []
    parse = MarkdownIt.parse

    def counting(self, text, env=None):
        if "myst_config" in self.options and "Confiabilidade é uma escolha." in text:
            seen.append(text)
        return parse(self, text, env)

    monkeypatch.setattr(MarkdownIt, "parse", counting)
    app, _ = build(src)
    assert len(seen) == 1, seen
    assert "Confiabilidade é uma escolha." in (app.outdir / "arquivo/posts/terceiro-post.html").read_text("utf-8")
