"""Feeds are safe for what feed readers do with them (issue 17).

Readers render every feed text field as HTML (RSS says nothing of its
titles' type; most readers render ``<description>`` and titles as HTML), so
the property here is: generate hostile text for every field of a post built
directly (not through the front-matter reader: the writer must hold whatever
the model holds), render every feed of a real site, parse each with
defusedxml, render each field as a reader does (parse it as HTML and take
its text), and find exactly the text, cleaned of what no output carries, and
no element; in the entry's HTML, only the elements and attributes the writer
makes, and only URLs the URL policy accepts or pages of the site.

The reference for "cleaned" is :func:`shown_as`, written here from Unicode
categories, not from the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import html.parser
import json
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from defusedxml import ElementTree as SafeET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitetools import ROOTS, make_site, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.core.model import EditionTag, Post, build_archive
from sphinx_newsletter.core.urls import clean_url
from sphinx_newsletter.outputs import feeds
from sphinx_newsletter.outputs.export import archive_json
from sphinx_newsletter.outputs.site import site_for
from sphinx_newsletter.outputs.sitemap import sitemap_xml

BASE = "https://example.org/news/"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"

# --- what a reader shows -----------------------------------------------------------------

#: Invisible characters that reorder or hide text (Trojan Source): no output carries them.
INVISIBLE = frozenset(
    "\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


def shown_as(text: str) -> str:
    """What a reader must show of *text*: without control characters (but tab and line breaks),
    noncharacters XML forbids, and :data:`INVISIBLE` characters."""
    return "".join(
        ch
        for ch in text
        if ch in "\t\n\r" or (unicodedata.category(ch) != "Cc" and ch not in INVISIBLE and ch not in "\ufffe\uffff")
    )


class Rendered(html.parser.HTMLParser):
    """A feed reader's view of an HTML field: its text, its elements with their attributes, its paragraphs."""

    def __init__(self, value: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.paragraphs: list[str] = []
        self._paragraph: list[str] | None = None
        self.feed(value)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "p":
            self._paragraph = []

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "p" and self._paragraph is not None:
            self.paragraphs.append("".join(self._paragraph))
            self._paragraph = None

    def handle_data(self, data):
        self.text.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)

    def handle_comment(self, data):
        self.elements.append(("!--", {}))

    def handle_decl(self, decl):
        self.elements.append(("!", {}))

    def handle_pi(self, data):
        self.elements.append(("?", {}))

    def unknown_decl(self, data):
        self.elements.append(("![", {}))


def shown(value: str | None) -> str:
    """The text a reader shows for a field it renders as HTML; fails if the field holds any markup."""
    rendered = Rendered(value or "")
    assert rendered.elements == [], f"markup in a text field: {value!r}"
    return "".join(rendered.text)


# --- hostile text ------------------------------------------------------------------------

SNIPPETS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<b>",
    "</p>",
    "&amp;",
    "&lt;",
    "&#x3C;",
    "&#60;",
    "&para",
    "&",
    "<",
    ">",
    "]]>",
    "<![CDATA[",
    "<!--",
    "-->",
    "<?xml?>",
    "<!DOCTYPE x>",
    "'",
    '"',
    "javascript:alert(1)",
    "\x00",
    "\x07",
    "\x0b",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9b",
    "\x9f",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u2028",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200b",
    "\u200d",
    "\u200e",
    "\ufeff",
    "\u061c",
    "\u2060",
    "\ufffe",
    "\uffff",
    "\ud7ff",
    "\ue000",
    "\ufffd",
    "\U0001f600",
    "\U0010ffff",
    "é",
    "e\u0301",
    " ",
    "  ",
]
#: Any text Python can encode (no lone surrogates), weighted towards what breaks writers.
TEXT = st.lists(
    st.sampled_from(SNIPPETS) | st.text(st.characters(exclude_categories=("Cs",)), max_size=6), max_size=6
).map("".join)
SHOWN = TEXT.filter(lambda t: shown_as(t) != "")

URLS = [
    "https://x.org/a?b=1&c=2",
    'http://x.org/"onmouseover=alert(1)',
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:/../../etc/passwd",
    "//evil.org/x",
    "x.org/a<b>",
    "https://x.org/\u202e",
    "https://u:p@x.org/",
    "https://x.org/&para=1",
    "mailto:a@b.c",
    "",
]
BODY = [
    "[a](javascript:alert(1))",
    "[b](//evil.org/x)",
    "[c](../outro/)",
    "[d](/raiz)",
    "[e](#frag)",
    '[f](https://x.org/"onclick=x)',
    "![g](http:/../../etc/passwd)",
    "![h](data:image/png;base64,AA)",
    "![i](/images/nao-existe.png)",
    "<https://x.org/a>",
    "<mailto:a@b.c>",
    "<img src=x onerror=alert(1)>",
    "<a href=javascript:x>y</a>",
    "[j](\\\\evil.org)",
    "[k](JaVaScRiPt:x)",
    "[l](data:x)",
    "[m]: vbscript:x",
    "[m]",
    "*x*",
    "`<b>`",
    "\n\n",
    "\n```\n<b>\n```\n",
    "> q",
    "- item",
    "1. um",
    "# h",
    "\x85",
    "\u202e",
]
BODIES = st.lists(st.sampled_from(BODY) | TEXT, max_size=8).map(" ".join)


def hostile_post(n: int, data: st.DataObject, date: dt.datetime | None = None) -> Post:
    """Post *n*, every text field drawn from hostile text, built directly (the writer's own defence)."""
    return Post(
        source=f"posts/2024-01-0{n}-p{n}.md",
        slug=f"p{n}",
        key=f"p{n}",
        title=data.draw(SHOWN),
        date=date or dt.datetime(2024, 1, n, 8, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
        edition=EditionTag(number=1, date=None),
        headline=data.draw(TEXT),
        highlight_title=data.draw(TEXT),
        highlight_url=data.draw(st.sampled_from(URLS)) or None,
        highlight_author=data.draw(TEXT),
        author_name=data.draw(TEXT),
        categories=tuple(data.draw(st.lists(TEXT, max_size=3))),
        excerpt=data.draw(TEXT),
        body=data.draw(BODIES),
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A real site (builder, environment, URLs) to put archives of hostile posts in."""
    app = make_site(tmp_path_factory.mktemp("feeds"), "site")
    app.build()
    yield app
    app.cleanup()


@pytest.fixture(scope="module")
def site(built):
    return site_for(built)


def rendered_feeds(site, posts: list[Post], project: str) -> dict[str, ET.Element]:
    """Every feed of a site holding *posts*, parsed by defusedxml (no DTD, no entity)."""
    archive, _problems = build_archive(posts)
    site = dataclasses.replace(site, archive=archive)
    specs = feeds.feed_specs(site, project=project, home=BASE + "index.html", length=20)
    return {spec.path: SafeET.fromstring(feeds.render_feed(site, spec, "pt_BR", {})) for spec in specs}


# --- the property ------------------------------------------------------------------------


def check_rss(root: ET.Element, posts: dict[str, Post], project: str) -> None:
    channel = root.find("channel")
    assert shown(channel.findtext("title")) == shown(channel.findtext("description")) == shown_as(project)
    for item in channel.iter("item"):
        post = posts[item.findtext("link")]
        assert shown(item.findtext("title")) == shown_as(post.title)
        assert shown(item.findtext("description")) == summary_of(post)
        assert [shown(c.text) for c in item.iter("category")] == categories_of(post)
        assert [shown(c.text) for c in item.iter(f"{DC}creator")] == [shown_as(post.author_name)][
            : bool(shown_as(post.author_name))
        ]
        check_content(item.findtext(f"{CONTENT}encoded"), post)


def check_atom(root: ET.Element, posts: dict[str, Post], title: str) -> None:
    for element in (root.find(f"{ATOM}title"), root.find(f"{ATOM}subtitle")):
        assert element.get("type") == "html"
        assert shown(element.text) == shown_as(title)
    for entry in root.iter(f"{ATOM}entry"):
        post = posts[entry.findtext(f"{ATOM}id")]
        assert entry.find(f"{ATOM}title").get("type") == entry.find(f"{ATOM}summary").get("type") == "html"
        assert shown(entry.findtext(f"{ATOM}title")) == shown_as(post.title)
        assert shown(entry.findtext(f"{ATOM}summary")) == summary_of(post)
        name = shown_as(post.author_name)
        assert [shown(a.findtext(f"{ATOM}name")) for a in entry.iter(f"{ATOM}author")] == [name][: bool(name)]
        assert [shown(c.text) for c in entry.iter(f"{DC}creator")] == [name][: bool(name)]
        assert [shown(c.get("term")) for c in entry.iter(f"{ATOM}category")] == categories_of(post)
        related = [link for link in entry.iter(f"{ATOM}link") if link.get("rel") == "related"]
        url = policy_url(post.highlight_url)
        assert [(link.get("href"), shown(link.get("title"))) for link in related] == (
            [(url, shown_as(post.highlight_title) or url)] if url else []
        )
        assert entry.find(f"{ATOM}content").get("type") == "html"
        check_content(entry.findtext(f"{ATOM}content"), post)


def policy_url(url: str | None) -> str | None:
    """The URL policy's answer, unless the URL carries an invisible character (then no link at all)."""
    cleaned = clean_url(url or "").url
    return cleaned if cleaned and shown_as(cleaned) == cleaned else None


def summary_of(post: Post) -> str:
    summary = post.headline if post.headline and post.headline != post.title else post.excerpt
    return shown_as(summary) or shown_as(post.title)


def categories_of(post: Post) -> list[str]:
    return [shown_as(c) for c in post.categories if shown_as(c)]


#: What the entry's HTML may hold: the writer's own paragraphs, and CommonMark's elements for the body.
ELEMENTS = {
    "p": set(),
    "strong": set(),
    "em": set(),
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "pre": set(),
    "blockquote": set(),
    "ul": set(),
    "ol": {"start"},
    "li": set(),
    "h1": set(),
    "h2": set(),
    "h3": set(),
    "h4": set(),
    "h5": set(),
    "h6": set(),
    "hr": set(),
    "br": set(),
}


def check_content(value: str | None, post: Post) -> None:
    """The entry's HTML: the writer's paragraphs show the fields exactly; nothing active anywhere."""
    rendered = Rendered(value or "")
    for tag, attrs in rendered.elements:
        assert tag in ELEMENTS and set(attrs) <= ELEMENTS[tag], (tag, attrs)
        for name in ("href", "src"):
            if name in attrs:
                url = attrs[name] or ""
                assert url.startswith(BASE) or policy_url(url) == url, (name, url)
                assert not re.search(r"[\x00-\x20\x7f-\x9f]", url), url
        if tag == "code":
            assert re.fullmatch(r"language-\S+", attrs.get("class") or "language-x"), attrs
    url = policy_url(post.highlight_url)
    article = shown_as(post.highlight_title) or url
    expected = []
    if article:
        by = shown_as(post.highlight_author)
        expected.append("Artigo comentado: " + article + (" de " + by if by else ""))
    if shown_as(post.author_name):
        expected.append("Comentado por " + shown_as(post.author_name))
    assert rendered.paragraphs[: len(expected)] == expected
    if url:  # the commented article's link is the first
        assert next(attrs for tag, attrs in rendered.elements if tag == "a") == {"href": url}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_every_feed_field_is_shown_exactly_as_text(site, data) -> None:
    posts = [hostile_post(n, data) for n in (1, 2)]
    project = data.draw(SHOWN)
    by_url = {site.post_url(post): post for post in posts}
    for path, root in rendered_feeds(site, posts, project).items():
        if path == site.layout.rss:
            check_rss(root, by_url, project)
        elif path == site.layout.atom:
            check_atom(root, by_url, project)
        elif path.startswith("feeds/edicoes/"):
            check_atom(root, by_url, f"{project} · Edição #1")
        else:  # an author's feed: the project and the commentator's name
            authors = {site.layout.author_feed(a.key): a.name for a in build_archive(posts)[0].authors.values()}
            check_atom(root, by_url, f"{project} · {authors[path]}")
        assert len(list(root.iter("item"))) + len(list(root.iter(f"{ATOM}entry"))) >= 1


def test_a_hostile_headline_is_text_in_every_reader(site) -> None:
    """The issue's example, by name: ``<img onerror>`` in a headline reaches no reader as an element."""
    attack = '<img src=x onerror=alert(1)> & "x"\x7f\x85\u202e'
    post = Post(
        source="posts/2024-01-01-p.md",
        slug="p",
        key="p",
        title=attack,
        headline=attack + "!",
        date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        author_name=attack,
        categories=(attack,),
    )
    found = rendered_feeds(site, [post], "Site")
    item = found[site.layout.rss].find("channel/item")
    entry = found[site.layout.atom].find(f"{ATOM}entry")
    texts = [
        item.findtext("title"),
        item.findtext("description"),
        item.findtext("category"),
        item.findtext(f"{DC}creator"),
        entry.findtext(f"{ATOM}title"),
        entry.findtext(f"{ATOM}summary"),
        entry.findtext(f"{ATOM}author/{ATOM}name"),
        entry.find(f"{ATOM}category").get("term"),
    ]
    assert [shown(text).rstrip("!") for text in texts] == ['<img src=x onerror=alert(1)> & "x"'] * 8


# --- dates -------------------------------------------------------------------------------

RFC822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(19|[2-9]\d)\d\d \d\d:\d\d:\d\d [+-]\d{4}"
)
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
#: Fixed offsets (one of them not whole minutes, as local mean times are), zones, and naive times.
ZONES = [
    dt.UTC,
    dt.timezone(dt.timedelta(hours=-3)),
    dt.timezone(dt.timedelta(hours=14)),
    dt.timezone(dt.timedelta(hours=-23, minutes=-59)),
    dt.timezone(dt.timedelta(seconds=-11188)),
    ZoneInfo("America/Sao_Paulo"),
    ZoneInfo("Asia/Kolkata"),
    None,
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.sampled_from(ZONES))
)
def test_feed_dates_are_valid_or_the_entry_is_left_out(site, date) -> None:
    post = Post(source="posts/p.md", slug="p", key="p", title="T", date=date, edition=EditionTag(number=1, date=None))
    instant = (date if date.tzinfo else date.replace(tzinfo=dt.UTC)).replace(microsecond=0)
    for path, root in rendered_feeds(site, [post], "Site").items():
        stamps = [e.text for e in root.iter() if e.tag in ("pubDate", f"{ATOM}published", f"{ATOM}updated")]
        entries = list(root.iter("item")) + list(root.iter(f"{ATOM}entry"))
        if 1901 <= date.year <= 9998:
            assert len(entries) == 1, path
        elif not 1899 <= date.year <= 10000:
            assert entries == [], path
        for stamp in stamps:
            if root.tag == "rss":
                assert RFC822.fullmatch(stamp), stamp
                parsed = email.utils.parsedate_to_datetime(stamp)
            else:
                assert RFC3339.fullmatch(stamp), stamp
                parsed = dt.datetime.fromisoformat(stamp)
            # Compared in UTC: an aware time in a zone's repeated hour never equals another zone's (PEP 495).
            assert entries == [] or parsed.astimezone(dt.UTC) == instant.astimezone(dt.UTC), (stamp, date)


def test_a_year_1_post_gives_a_message_at_its_line_and_no_invalid_feed_date(tmp_path) -> None:
    """A post dated year 1, through the whole build: never an invalid date, and a message at its line.

    The reader may refuse such a date itself (then the post is in no output);
    if it lets it through, the feeds leave the post out with a warning.
    """
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-site", src)
    post = next((src / "posts").glob("*segundo-post.md"))
    text = post.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("date:"))
    post.write_text(re.sub(r"(?m)^date: .*$", "date: 0001-02-06 08:00:00 -0300", text), encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src)  # posts are read as the app starts
    app.build()
    where = f"posts/{post.name}:{line}: "
    messages = [w.split(where, 1)[1] for w in warnings_of(app) if where in w]
    app.cleanup()
    # The reader refuses the year at its line and takes the file name's date
    # (``date-invalid``); the feeds' own year rule is tested above on the model.
    assert [m for m in messages if m.endswith("[newsletter.date-invalid]")], messages
    for name in ("feed.xml", "atom.xml", "feeds/edicoes/1.xml"):
        data = (app.outdir / name).read_bytes()
        assert b"0001-" not in data and b" 0001 " not in data, name
        SafeET.fromstring(data)
    assert "<lastmod>0001" not in (app.outdir / "sitemap.xml").read_text(encoding="utf-8")


def test_undated_posts_are_reported_at_their_date_line(site, monkeypatch) -> None:
    post = Post(
        source="posts/p.md", slug="p", key="p", title="T", date=dt.datetime(1, 1, 1, tzinfo=dt.UTC), lines={"date": 4}
    )
    late = dt.datetime(9999, 12, 31, 23, 59, 50, tzinfo=dt.timezone(dt.timedelta(seconds=-30)))  # 10000 in UTC
    posts = [
        post,
        dataclasses.replace(post, key="r", source="posts/r.md", date=late),
        dataclasses.replace(post, key="q", source="posts/q.md", date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
    ]
    archive, _problems = build_archive(posts)
    found = []
    monkeypatch.setattr(
        feeds.logger,
        "warning",
        lambda message, *args, **kwargs: found.append(
            (message % args, kwargs["location"], kwargs["type"], kwargs["subtype"])
        ),
    )
    feeds.warn_undated(dataclasses.replace(site, archive=archive))
    assert [where for _m, *where in found] == [
        ["posts/p.md:4", "newsletter", "feed-date"],
        ["posts/r.md:4", "newsletter", "feed-date"],
    ]
    assert found[0][0] == (
        "post date 0001-01-01 00:00:00+00:00 can't be written in RSS or Atom "
        "(years 1900 to 9999): post left out of the feeds"
    )


# --- sitemap and archive.json, with the same hostile text -----------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_sitemap_and_archive_json_parse_and_carry_the_exact_text(site, data) -> None:
    posts = [hostile_post(n, data) for n in (1, 2)]
    archive, _problems = build_archive(posts)
    hostile = dataclasses.replace(site, archive=archive)
    root = SafeET.fromstring(sitemap_xml(hostile))
    for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        assert loc.text.startswith(BASE) and clean_url(loc.text).url == loc.text
    records = {r["slug"]: r for r in json.loads(archive_json(hostile))["posts"]}
    for post in posts:
        record = records[post.key]
        assert record["title"] == shown_as(post.title)
        assert record["headline"] == shown_as(post.headline)
        assert record["excerpt"] == shown_as(post.excerpt)
        assert record["article"] == {
            "title": shown_as(post.highlight_title),
            "url": policy_url(post.highlight_url),
            "author": shown_as(post.highlight_author),
        }
        assert record["commentator"]["name"] == shown_as(post.author_name)
        assert record["categories"] == categories_of(post)
