"""Generated page text: escaping, heading shift, determinism."""

from __future__ import annotations

from markdown_it import MarkdownIt
from sphinx_newsletter.core.render import md_escape, shift_headings


def render_inline(text: str) -> str:
    return MarkdownIt("commonmark").renderInline(text)


def test_md_escape_keeps_the_text_and_opens_no_markup():
    hostile = "*a* `b` [c](d) <b>x</b> {{ env }} $x$ (l)= % {role}`t` \\ &amp; # ~~"
    escaped = md_escape(hostile)
    assert "\n" not in escaped
    rendered = render_inline(escaped)
    assert "<" not in rendered.replace("&lt;", "")
    from html import unescape

    assert unescape(rendered) == hostile


def test_md_escape_folds_lines_and_drops_control_characters():
    assert md_escape("a\nb\x00c\x1bd") == "a bcd"


def test_shift_headings_starts_at_level_two_and_keeps_structure():
    body = "### A\n\ntexto\n\n#### B\n\n```\n# não é título\n```\n"
    assert shift_headings(body) == "## A\n\ntexto\n\n### B\n\n```\n# não é título\n```\n"


def test_shift_headings_promotes_setext_and_demotes_h1():
    # The underline becomes a blank line: body lines keep their numbers (messages name them).
    assert shift_headings("Título\n======\n\n# Outro\n") == "## Título\n\n\n## Outro\n"


def test_shift_headings_leaves_bodies_without_headings_alone():
    assert shift_headings("só texto - com traço\n") == "só texto - com traço\n"


BODIES = [
    "texto\n\n---\n\nassinatura\n",  # a thematic break, not a heading: no parse needed
    "texto\n---\n\nmais\n",  # a setext heading (the text line right above ---)
    "  ## recuado\n\ntexto\n",
    "#semespaço não é título\n",
    "- item\n- outro\n\n***\n",
    "> citação\n> # título citado\n",
    "```\n# código\n```\n\nTítulo\n===\n",
    "Texto com = e - e # no meio.\n",
    "Título\n======\n\ntexto\n",  # setext only, no #
]


def test_shift_headings_without_a_parse_gives_what_the_parse_gives(monkeypatch):
    import re

    import sphinx_newsletter.core.render as render

    quick = [shift_headings(body, top) for body in BODIES for top in (2, 3)]
    monkeypatch.setattr(render, "_HEADING_LINE", re.compile(r"(?s)."))  # parse every body
    assert quick == [shift_headings(body, top) for body in BODIES for top in (2, 3)]
    quick = quick[::2]  # top=2
    assert quick[0] == BODIES[0]
    assert quick[-1] == "## Título\n\n\ntexto\n"
