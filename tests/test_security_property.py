"""Property: any string in any text field is shown exactly as typed, as text (issue 3).

Two levels: the generated MyST title (every MyST extension on, so it holds
under ``newsletter_trust_bodies`` too), many examples, no build; and the built
page, a few examples, each a real Sphinx build of one post whose text fields
are all drawn by Hypothesis.
"""

from __future__ import annotations

import html
import html.parser
import json
import re
import warnings
from io import StringIO
from pathlib import Path

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.core.render import md_escape
from sphinx_newsletter.core.text import clean_text
from sphinx_newsletter.nodes import same_text

SNIPPETS = [
    "<script>alert(1)</script>",
    "<b>",
    "&amp;",
    "(label)=",
    "% c",
    "<!--",
    "-->",
    "$x$",
    "$$",
    "{{ env }}",
    "{raw}`x`",
    "```",
    ":::",
    "[x](javascript:y)",
    "*",
    "_",
    "\\",
    "#",
    "|a|",
    "---",
    '"',
    "'",
    "--",
    "...",
    "(c)",
    "www.x.org",
    "https://x.org",
    ":smile:",
    "\t",
    "\x07",
    "\u2028",
    "é",
    "e\u0301",
    "\U0001f600",
    "\ufeff",
    "&#x27;",
    "]]>",
    "<![CDATA[",
    "{#id}",
    "^[n]",
]
TEXT = st.lists(st.sampled_from(SNIPPETS) | st.text(min_size=1, max_size=8), min_size=1, max_size=8).map("".join)
EVERYTHING = [
    "amsmath",
    "attrs_block",
    "attrs_inline",
    "colon_fence",
    "deflist",
    "dollarmath",
    "fieldlist",
    "html_admonition",
    "html_image",
    "linkify",
    "replacements",
    "smartquotes",
    "strikethrough",
    "substitution",
    "tasklist",
]
MD = create_md_parser(MdParserConfig(enable_extensions=set(EVERYTHING)), RendererHTML)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_an_escaped_title_is_one_heading_of_plain_text(text: str) -> None:
    tokens = MD.parse("# " + md_escape(text) + "\n", {"substitutions": {"env": "X"}})
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    children = tokens[1].children or []
    assert {c.type for c in children} <= {"text", "text_special"}, children
    assert "".join(c.content for c in children) == clean_text(text)


# --- the built page ------------------------------------------------------------------

FIELDS = {
    "title": "title",
    "headline": "headline",
    "highlight_title": "highlight_title",
    "highlight_autor": "highlight_author",
    "comentado_por": "author",
}


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar for *text*, whatever it holds."""
    return '"' + "".join(ch if " " <= ch <= "~" and ch not in '"\\' else f"\\U{ord(ch):08x}" for ch in text) + '"'


class _Tree(html.parser.HTMLParser):
    """Elements with a class, their text and the (tag, attribute names) of their descendants."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[list] = []
        self.found: dict[str, tuple[str, list]] = {}

    def handle_starttag(self, tag, attrs):
        names = tuple(sorted(a for a, _v in attrs))
        for item in self.open:
            item[2].append((tag, names))
        classes = dict(attrs).get("class") or ""
        self.open.append([tag, [], [], classes])

    def handle_endtag(self, tag):
        while self.open:
            item = self.open.pop()
            for name in item[3].split():
                self.found.setdefault(name, ("".join(item[1]), item[2]))
            if self.open:
                self.open[-1][1].extend(item[1])
            if item[0] == tag:
                break

    def handle_data(self, data):
        if self.open:
            self.open[-1][1].append(data)


def _build(tmp: Path, values: dict[str, str]) -> str:
    (tmp / "posts").mkdir(parents=True)
    (tmp / "conf.py").write_text(
        'extensions = ["sphinx_newsletter"]\nhtml_theme = "furo"\nlanguage = "pt_BR"\n'
        'html_baseurl = "https://x.org/"\n'  # for the page's JSON-LD
        'newsletter_posts_dir = "posts"\nnewsletter_images_dir = "posts/images"\n'
    )
    (tmp / "index.md").write_text("# I\n\n```{toctree}\n:hidden:\n\narquivo/index\n```\n")
    front = "".join(f"{key}: {_yaml(values[key])}\n" for key in FIELDS)
    (tmp / "posts" / "2024-01-07-p.md").write_text(
        f'---\n{front}date: 2024-01-07\nhighlight_url: "https://x.org/a"\n---\nCorpo.\n', encoding="utf-8"
    )
    app = SphinxTestApp("html", srcdir=tmp, status=StringIO(), warning=StringIO())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            app.build()
        return (Path(app.outdir) / "arquivo/posts/p.html").read_text(encoding="utf-8")
    finally:
        app.cleanup()


VALUES = st.fixed_dictionaries({key: TEXT.filter(lambda t: clean_text(t) != "") for key in FIELDS})


# A build takes about a second: a few examples per run, no shrinking (a failure prints its input).
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(VALUES)
@example(dict.fromkeys(FIELDS, "</script><script>alert(1)</script>"))
def test_the_built_page_shows_every_field_exactly_and_adds_no_element(tmp_path_factory, values) -> None:
    page = _build(tmp_path_factory.mktemp("prop"), values)
    tree = _Tree()
    tree.feed(page)
    want = {key: clean_text(value) for key, value in values.items()}
    names = ("sd-card-title", "nl-article", "nl-article-author", "nl-author-name")
    shown = {name: tree.found[name] for name in names if name in tree.found}
    title = page.split("<h1>", 1)[1].split('<a class="headerlink"', 1)[0]
    assert html.unescape(title) == want["title"]
    assert "<" not in title
    if same_text(want["headline"], want["title"]):  # the card doesn't repeat the page's heading
        assert "sd-card-title" not in shown
    else:
        assert (shown["sd-card-title"][0].strip(), shown["sd-card-title"][1]) == (want["headline"], [])
    # After the link, the article's site in parentheses (when it has a link).
    article = (
        re.sub(r" \([^()]*\)$", "", shown["nl-article"][0])
        if len(shown["nl-article"][1]) > 2
        else shown["nl-article"][0]
    )
    assert article.endswith(" " + want["highlight_title"])
    assert (
        shown["nl-article"][1]
        == [("strong", ()), ("a", ("class", "href", "rel", "target")), ("span", ("class",))][
            : len(shown["nl-article"][1])
        ]
    )
    assert shown["nl-article-author"][0].endswith(" " + want["highlight_autor"])
    assert shown["nl-article-author"][1] == []
    assert shown["nl-author-name"][0] == want["comentado_por"]
    assert [tag for tag, _a in shown["nl-author-name"][1]] == ["strong", "a", "span"]
    # In the JSON-LD too the title is data: nothing in it ends the script element.
    scripts = page.split('<script type="application/ld+json">')
    assert len(scripts) == 2
    assert json.loads(scripts[1].split("</script>", 1)[0])["headline"] == want["title"]
