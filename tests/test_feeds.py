"""Feeds: /feed.xml (RSS), /atom.xml, per-edition and per-author Atom feeds."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import feedparser
import pytest
from defusedxml import ElementTree as SafeET
from sitetools import html, warnings_of
from sphinx_newsletter.core.model import Post
from sphinx_newsletter.outputs.feeds import body_html, entry_html
from test_feeds_safety import shown

BASE = "https://example.org/news/"
DC = "{http://purl.org/dc/elements/1.1/}"
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(path):
    """Strict XML parse (no DTDs, no entities) and feedparser, which must not flag it."""
    data = path.read_bytes()
    root = SafeET.fromstring(data)
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return root, parsed


@pytest.mark.sphinx("html", testroot="site")
def test_site_feeds(app):
    app.build()
    assert warnings_of(app) == []
    rss, parsed = parse(app.outdir / "feed.xml")
    assert parsed.version == "rss20"
    channel = rss.find("channel")
    assert channel.findtext("link") == BASE + "index.html"
    # newsletter_feed_length = 2: the two newest posts, newest first.
    assert [e.title for e in parsed.entries] == ["Terceiro post", "Segundo post"]
    item = channel.find("item")
    assert item.findtext("link") == BASE + "arquivo/posts/terceiro-post.html"
    assert item.findtext(f"{DC}creator") == "Maria Souza"
    assert item.findtext("pubDate") == "Mon, 04 Mar 2024 08:00:00 -0300"
    atom, parsed = parse(app.outdir / "atom.xml")
    assert parsed.version == "atom10"
    assert atom.findtext(f"{ATOM}title") == "Site de Teste"
    assert [e.link for e in parsed.entries] == [
        BASE + "arquivo/posts/terceiro-post.html",
        BASE + "arquivo/posts/segundo-post.html",
    ]
    assert parsed.entries[0].author == "Maria Souza"


@pytest.mark.sphinx("html", testroot="site")
def test_edition_feed_entry_has_everything(app):
    app.build()
    root, parsed = parse(app.outdir / "feeds" / "edicoes" / "1.xml")
    # Titles are HTML-escaped text (type="html"): a reader shows them exactly.
    assert [e.title_detail.type for e in parsed.entries] == ["text/html"] * 2
    assert [shown(e.title) for e in parsed.entries] == ["Segundo post", 'Erros & <alertas> "reais"']
    # Each entry has one alternate link (no rel); the others keep rel, type and length.
    links = [link.attrib for entry in root.iter(f"{ATOM}entry") for link in entry.iter(f"{ATOM}link")]
    assert [link.get("rel") for link in links] == [None, "related", None, "related", "enclosure"]
    size = (app.srcdir / "posts" / "images" / "um.png").stat().st_size
    assert links[-1] == {"rel": "enclosure", "href": BASE + "_images/um.png", "type": "image/png", "length": str(size)}
    entry = parsed.entries[1]
    assert entry.link == BASE + "arquivo/posts/erros-e-alertas.html"
    assert entry.published_parsed[:3] == (2024, 2, 5)
    assert entry.author == "Maria Souza"
    content = entry.content[0].value
    assert "Artigo comentado:" in content
    assert '<a href="https://example.org/slo?a=1&amp;b=2">Alerting &lt;on&gt; SLOs</a>' in content
    assert "Comentado por Maria Souza" in content
    assert f'src="{BASE}_images/um.png"' in content
    assert '<a href="https://example.org/x">externo</a>' in content
    assert "\x0b" not in content  # XML 1.0 forbids it: stripped
    enclosure = [link for link in entry.links if link.rel == "enclosure"]
    assert enclosure and enclosure[0].href == BASE + "_images/um.png"
    assert enclosure[0].type == "image/png"
    related = [link for link in entry.links if link.rel == "related"]
    assert related[0].href == "https://example.org/slo?a=1&b=2"


@pytest.mark.sphinx("html", testroot="site")
def test_author_feed_and_links_from_pages(app):
    app.build()
    _root, parsed = parse(app.outdir / "feeds" / "autores" / "maria-souza.xml")
    assert [shown(e.title) for e in parsed.entries] == ["Terceiro post", 'Erros & <alertas> "reais"']
    author_page = html(app, "arquivo/autores/maria-souza")
    assert (
        f'type="application/atom+xml" title="Site de Teste · Maria Souza" href="{BASE}feeds/autores/maria-souza.xml"'
        in author_page
    )
    edition_page = html(app, "arquivo/edicoes/1")
    assert f'href="{BASE}feeds/edicoes/1.xml"' in edition_page
    home = html(app, "index")
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Site de Teste (RSS)" href="{BASE}feed.xml" />' in home
    )


@pytest.mark.sphinx("html", testroot="layout")
def test_body_images_are_found_under_the_configured_prefix(app):
    """``newsletter_image_url_prefix = "/assets/img/"``: a feed's body shows its images, as the page does."""
    app.build()
    _root, parsed = parse(app.outdir / "feed.xml")
    entry = next(e for e in parsed.entries if e.title == "Erros e alertas")
    assert entry.link == BASE + "site/arq/posts/erros-e-alertas.html"
    # feedparser sanitizes the HTML: alt comes first.
    assert f'<img alt="figura" src="{BASE}_images/um.png" />' in entry.content[0].value
    page = html(app, "site/arq/posts/erros-e-alertas")
    assert '<img alt="figura" src="../../../_images/um.png" />' in page
    assert warnings_of(app) == []


@pytest.mark.sphinx("text", testroot="site")
def test_no_feeds_outside_html(app):
    app.build()
    assert not (app.outdir / "feed.xml").exists()
    assert not (app.outdir / "sitemap.xml").exists()


def _site():
    return SimpleNamespace(
        post_url=lambda post: BASE + "arquivo/posts/x.html",
        image_url=lambda relative: BASE + "_images/" + relative if relative else None,
        image_url_prefix="/images/",
    )


def _post(body: str, **fields) -> Post:
    return Post(
        source="x.md", slug="x", key="x", title="X", body=body, date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), **fields
    )


def test_body_html_escapes_markup_and_fixes_urls():
    body = (
        "<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](../outro/) "
        "![i](/images/um.png) ![r](/images/../../etc/passwd.png)"
    )
    out = body_html(_post(body), _site())
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert 'href="javascript' not in out
    assert f'href="{BASE}arquivo/outro/"' in out
    assert f'src="{BASE}_images/um.png"' in out
    assert "passwd" not in out and 'src=""' not in out


def test_entry_html_escapes_front_matter_and_strips_control_characters():
    post = _post(
        "ok", highlight_title='<b>"x"</b>', highlight_url="https://e.org/?a=1&b=2", author_name="A\x0c<i>B</i>"
    )
    out = entry_html(post, _site())
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert "<i>" not in out and "\x0c" not in out
    assert 'href="https://e.org/?a=1&amp;b=2"' in out


def test_feeds_are_kept_on_a_no_op_rebuild_and_redone_when_a_post_changes(tmp_path, monkeypatch):
    import shutil

    from sitetools import ROOTS
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-site", src)

    def build():
        app = SphinxTestApp("html", srcdir=src)
        app.build()
        app.cleanup()
        return app.outdir / "feed.xml"

    import sphinx_newsletter.outputs.feeds as feeds

    build()
    real = feeds.render_feed
    monkeypatch.setattr(feeds, "render_feed", lambda *a, **k: pytest.fail("feeds rendered on a no-op build"))
    build()
    monkeypatch.setattr(feeds, "render_feed", real)
    post = next(p for p in (src / "posts").glob("*segundo-post.md"))
    post.write_text(post.read_text(encoding="utf-8").replace("Texto", "Texto novo, editado", 1), encoding="utf-8")
    assert "Texto novo, editado" in build().read_text(encoding="utf-8")
    (src / "_build" / "html" / "atom.xml").unlink()  # a missing file is written again
    assert (build().parent / "atom.xml").is_file()


def test_an_edit_renders_only_the_feeds_of_the_edited_post(tmp_path, monkeypatch):
    """After an edit, the post's edition and commentator feeds are rendered again, and no other.

    The feeds kept from the previous build are the bytes a fresh build writes.
    """
    import shutil

    import sphinx_newsletter.outputs.feeds as feeds
    from sitetools import ROOTS
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-site", src)

    def build(srcdir, outdir=None):
        app = SphinxTestApp("html", srcdir=srcdir, builddir=outdir)
        app.build()
        app.cleanup()
        return app.outdir

    build(src)
    rendered: list[str] = []
    real = feeds.render_feed

    def spy(site, spec, language, bodies):
        rendered.append(spec.path)
        return real(site, spec, language, bodies)

    monkeypatch.setattr(feeds, "render_feed", spy)
    # Edition 1, by Maria Souza; not among the two latest posts of feed.xml and atom.xml.
    post = next((src / "posts").glob("*Erros-e-Alertas.md"))
    post.write_text(
        post.read_text(encoding="utf-8").replace("Um comentário", "Um comentário editado", 1), encoding="utf-8"
    )
    out = build(src)
    authors = [p.relative_to(out).as_posix() for p in (out / "feeds" / "autores").glob("*maria*.xml")]
    assert len(authors) == 1
    assert sorted(rendered) == sorted(["feeds/edicoes/1.xml", *authors])
    assert "Um comentário editado" in (out / "feeds" / "edicoes" / "1.xml").read_text(encoding="utf-8")

    fresh = tmp_path / "fresh"
    shutil.copytree(src, fresh, ignore=shutil.ignore_patterns("_build"))
    fresh_out = build(fresh)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xml") if "feeds" in p.parts or p.parent == out)
    assert written == sorted(
        p.relative_to(fresh_out).as_posix()
        for p in fresh_out.rglob("*.xml")
        if "feeds" in p.parts or p.parent == fresh_out
    )
    for name in written:
        assert (out / name).read_bytes() == (fresh_out / name).read_bytes(), name


def _feed_files(outdir) -> dict[str, bytes]:
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()
        for p in [outdir / "feed.xml", outdir / "atom.xml", *sorted((outdir / "feeds").rglob("*.xml"))]
    }


@pytest.mark.parametrize("child", ["works", "dies"])
def test_feeds_written_by_a_child_are_the_feeds_written_inline(tmp_path, monkeypatch, child):
    """A first build of many feeds renders them in a forked child; the files are the same, and the
    stamps are recorded, so a no-op rebuild renders none; a child that dies leaves them to the build."""
    import os
    import shutil

    import sphinx_newsletter.outputs.feeds as feeds
    from sitetools import ROOTS
    from sphinx.testing.util import SphinxTestApp
    from sphinx_newsletter.core import background

    def build(name: str):
        src = tmp_path / name
        if not src.exists():
            shutil.copytree(ROOTS / "test-site", src)
        app = SphinxTestApp("html", srcdir=src)
        app.build()
        app.cleanup()
        assert warnings_of(app) == []
        return app

    inline = _feed_files(build("inline").outdir)
    monkeypatch.setattr(feeds, "FORK_AT_LEAST", 1)
    started: list[object] = []
    real_start, parent = background.Background.start, os.getpid()

    def start(work):
        def in_child():
            if child == "dies" and os.getpid() != parent:
                os._exit(5)
            return work()

        started.append(real_start(in_child))
        return started[-1]

    monkeypatch.setattr(background.Background, "start", start)
    app = build("beside")
    assert len(started) == 1 and started[0] is not None
    assert _feed_files(app.outdir) == inline
    monkeypatch.setattr(feeds, "render_feed", lambda *a, **k: pytest.fail("feeds rendered on a no-op build"))
    build("beside")
