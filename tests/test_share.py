"""Identity and reach: share links, the home page's intro, meta tags per page type, the highlight card."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sitetools import ROOTS, html, warnings_of
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.core.share import share_links

BASE = "https://example.org/news/"
#: A title that tries every way out: a parameter, a fragment, markup, quotes, percent and plus signs.
HOSTILE = "Fim\" & url=https://evil.example/?x=<script>alert(1)</script> #frag 100%25 a+b 'q'"
HOSTILE_POST = f"""---
title: {json.dumps(HOSTILE)}
date: 2024-03-05 08:00:00 -0300
tag: "Edição #2 - 04.03.2024"
headline: {json.dumps(HOSTILE)}
highlight_title: "Article"
highlight_url: "https://www.Blog.Example.com/a?b=1"
comentado_por: "Maria Souza"
comentado_por_linkedin: "https://www.linkedin.com/in/maria-souza"
---
Texto.
"""
INTRO_INDEX = """# Início

```{nl:site-intro}
:suggest-doc: contribuir
```

```{nl:latest}
```

```{toctree}
:hidden:

arquivo/index
arquivo/autores/index
contribuir
```
"""
SITE_FILE = 'description: "Uma newsletter & <seus> artigos."\n'


def site(tmp_path, name: str = "share", buildername: str = "html", **overrides) -> SphinxTestApp:
    src = tmp_path / name
    shutil.copytree(ROOTS / "test-site", src)
    (src / "posts" / "2024-03-05-hostil.md").write_text(HOSTILE_POST, encoding="utf-8")
    (src / "posts" / "site.yml").write_text(SITE_FILE, encoding="utf-8")
    (src / "index.md").write_text(INTRO_INDEX, encoding="utf-8")
    (src / "contribuir.md").write_text("# Contribuir\n\nComo sugerir.\n", encoding="utf-8")
    conf = {"newsletter_site_file": "posts/site.yml", **overrides}
    return SphinxTestApp(buildername, srcdir=src, confoverrides=conf)


@pytest.fixture
def make(tmp_path):
    """``make(**overrides)``: a site over a fresh copy, cleaned up after the test."""
    apps: list[SphinxTestApp] = []

    def make(buildername: str = "html", **overrides) -> SphinxTestApp:
        app = site(tmp_path, f"share-{len(apps)}", buildername, **overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.cleanup()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = site(tmp_path_factory.mktemp("share"))
    app.build()
    yield app
    app.cleanup()


class Links(HTMLParser):
    """Every ``<a>`` inside ``<nav class="nl-share">``: (class, href)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav" and "nl-share" in (values.get("class") or "").split():
            self.inside = True
        elif tag == "a" and self.inside:
            self.links.append((values.get("class") or "", values.get("href") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.inside = False


def share_hrefs(page: str) -> dict[str, str]:
    parser = Links()
    parser.feed(page)
    found = {}
    for classes, href in parser.links:
        kind = next(c for c in classes.split() if c.startswith("nl-share-") and c != "nl-share-link")
        found[kind.removeprefix("nl-share-")] = href
    return found


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True, strict_parsing=True)


def test_share_links_carry_a_hostile_title_as_data(built):
    assert warnings_of(built) == []
    page = html(built, "arquivo/posts/hostil")
    url = BASE + "arquivo/posts/hostil.html"
    links = share_hrefs(page)
    assert set(links) == {"linkedin", "x", "whatsapp", "telegram", "email", "copy"}
    # Each network's query decodes to exactly one url and the title, whatever the title holds.
    assert query(links["linkedin"]) == {"url": [url]}
    assert urlsplit(links["linkedin"]).netloc == "www.linkedin.com"
    assert query(links["x"]) == {"text": [HOSTILE], "url": [url]}
    assert query(links["telegram"]) == {"url": [url], "text": [HOSTILE]}
    assert query(links["whatsapp"]) == {"text": [f"{HOSTILE} {url}"]}
    assert links["email"].startswith("mailto:?")
    assert query(links["email"].removeprefix("mailto:")) == {"subject": [HOSTILE], "body": [url]}
    assert links["copy"] == url
    for href in links.values():
        assert urlsplit(href).fragment == ""
        assert not re.search(r"[\s<>\"'#]", href.removeprefix(url) if href == url else href)
    nav = page[page.index('<nav class="nl-share') : page.index("</nav>", page.index('<nav class="nl-share'))]
    assert "<script>" not in nav and "evil.example/?x=<" not in nav
    # Plain links: no third-party script, our own copy script only.
    assert re.findall(r'<script src="([^"]+)"', nav) == [
        re.search(r'<script src="(\.\./\.\./_static/newsletter-share\.js\?v=\w+)"', nav)[1]
    ]
    assert "Compartilhar" in nav and "Copiar link" in nav and 'data-nl-copied="Link copiado"' in nav


def test_share_links_on_edition_pages_only_besides_posts(built):
    edition = share_hrefs(html(built, "arquivo/edicoes/2"))
    assert query(edition["x"])["url"] == [BASE + "arquivo/edicoes/2.html"]
    assert query(edition["x"])["text"] == ["Edição #2 · 4 de março de 2024"]
    for docname in ("index", "arquivo/index", "arquivo/autores/maria-souza", "arquivo/autores/index", "contribuir"):
        assert 'class="nl-share' not in html(built, docname), docname
    # Not in the search index: readers search posts, not "WhatsApp".
    assert "whatsapp" not in (built.outdir / "searchindex.js").read_text(encoding="utf-8").lower()


def test_no_share_links_without_a_canonical_url(make):
    app = make(html_baseurl="")
    app.build()
    assert 'class="nl-share' not in html(app, "arquivo/posts/hostil")


def test_share_links_under_dirhtml(make):
    app = make("dirhtml")
    app.build()
    links = share_hrefs(html(app, "arquivo/posts/hostil"))
    assert links["copy"] == BASE + "arquivo/posts/hostil/"
    assert "_static/newsletter-share.js" in html(app, "arquivo/posts/hostil")
    assert '<script src="../../../_static/newsletter-share.js' in html(app, "arquivo/posts/hostil")


def test_home_page_says_what_the_site_is_how_to_follow_and_suggest(built):
    page = html(built, "index")
    intro = page[
        page.index('<div class="nl-site-intro') : page.index("</div>", page.index('<div class="nl-site-intro'))
    ]
    assert '<p class="nl-site-description">Uma newsletter &amp; &lt;seus&gt; artigos.</p>' in intro
    assert '<a class="nl-follow-rss reference external" href="feed.xml">RSS</a>' in intro
    assert '<a class="nl-follow-atom reference external" href="atom.xml">Atom</a>' in intro
    assert "Acompanhe:" in intro
    # No issue form configured: the contributor page.
    assert 'href="contribuir.html">Sugira um post</a>' in intro
    assert (built.outdir / "feed.xml").is_file() and (built.outdir / "atom.xml").is_file()


def test_configured_follow_and_suggest_links(make):
    form = "https://github.com/exemplo/news/issues/new?template=sugerir-post.yml"
    app = make(
        newsletter_suggest_url=form,
        newsletter_subscribe_url="https://lista.example.org/assinar",
        newsletter_email={"from": "news@example.org", "preview": True},
    )
    app.build()
    assert warnings_of(app) == []
    page = html(app, "index")
    assert f'href="{form.replace("&", "&amp;")}">Sugira um post</a>' in page
    assert 'href="https://lista.example.org/assinar">Assine por e-mail</a>' in page
    assert 'href="email/latest.html">A última edição por e-mail</a>' in page
    assert (app.outdir / "email" / "latest.html").is_file()


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "http://example.org/form", "https://localhost/x", "mailto:<x>@y.org"]
)
def test_a_suggest_link_must_be_https_or_mailto(make, value):
    with pytest.raises(ConfigError, match="newsletter_suggest_url"):
        make(newsletter_suggest_url=value)


def test_a_missing_suggest_page_is_a_located_warning(make):
    app = make()
    (app.srcdir / "contribuir.md").unlink()
    (app.srcdir / "index.md").write_text(INTRO_INDEX.replace("contribuir\n```", "```"), encoding="utf-8")
    app.build()
    (line,) = [w for w in warnings_of(app) if "suggest-doc" in w]
    assert "index.md:3" in line and "[newsletter.intro]" in line


def meta(page: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)" />', page)
    return unescape(found[1]) if found else None


def test_meta_tags_per_page_type(make):
    built = make(newsletter_cards=False)  # the page's own image (with cards, it comes second: test_cards)
    built.build()
    image = BASE + "_images/um.png"
    post = html(built, "arquivo/posts/erros-e-alertas")
    assert meta(post, "og:image") == image
    assert (meta(post, "og:image:width"), meta(post, "og:image:height")) == ("80", "42")
    edition = html(built, "arquivo/edicoes/1")
    assert meta(edition, "og:description") == 'Erros & <alertas> "reais"; Segundo post'
    assert meta(edition, "og:image") == image and meta(edition, "og:image:width") == "80"
    assert meta(edition, "og:image:alt") == 'Erros & <alertas> "reais"'
    author = html(built, "arquivo/autores/maria-souza")
    assert meta(author, "description") == "3 artigos comentados por Maria Souza"
    assert meta(author, "og:image") == image
    for docname in ("index", "arquivo/index", "arquivo/edicoes/index", "arquivo/2024/03"):
        page = html(built, docname)
        assert meta(page, "og:description") == "Uma newsletter & <seus> artigos.", docname
        assert meta(page, "og:image") == image and meta(page, "og:image:height") == "42", docname
        assert meta(page, "twitter:card") == "summary_large_image", docname
    # A page without a post image has no image tags (the hostile post has none).
    hostile = html(built, "arquivo/posts/hostil")
    assert meta(hostile, "og:image") is None and meta(hostile, "og:image:width") is None


def test_the_card_skips_a_repeated_headline_and_names_the_site(built):
    page = html(built, "arquivo/posts/hostil")
    card = page[page.index("nl-highlight") : page.index("nl-author-box")]
    assert "nl-card-title" not in card and "sd-card-title" not in card  # headline == title
    assert '<span class="nl-article-site">(blog.example.com)</span>' in card
    other = html(built, "arquivo/posts/erros-e-alertas")
    card = other[other.index("nl-highlight") : other.index("nl-author-box")]
    assert "Quando alertar &amp; quando não" in card  # a different headline stays
    assert '<span class="nl-article-site">(example.org)</span>' in card
    assert '<img alt="" class="nl-card-img"' in card  # decorative: the card's text names the article


def test_share_links_unit():
    links = {link.kind: link.href for link in share_links("https://x.org/a b", "a&b=c d")}
    assert links["x"] == "https://x.com/intent/tweet?text=a%26b%3Dc%20d&url=https%3A%2F%2Fx.org%2Fa%20b"
    assert links["copy"] == "https://x.org/a b"
