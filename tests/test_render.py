"""Generated page text: escaping, heading shift, determinism."""

from __future__ import annotations

import pytest
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


BODIES = {
    "texto\n\n---\n\nassinatura\n": "texto\n\n---\n\nassinatura\n",  # a thematic break, not a heading
    "texto\n---\n\nmais\n": "texto\n---\n\nmais\n",  # a setext h2 (the text line right above ---): top already
    "  ## recuado\n\ntexto\n": "  ## recuado\n\ntexto\n",
    "#semespaço não é título\n": "#semespaço não é título\n",
    "- item\n- outro\n\n***\n": "- item\n- outro\n\n***\n",
    "> citação\n> # título citado\n": "> citação\n> # título citado\n",  # a quoted heading is left as it is
    "```\n# código\n```\n\nTítulo\n===\n": "```\n# código\n```\n\n## Título\n\n",
    "Texto com = e - e # no meio.\n": "Texto com = e - e # no meio.\n",
    "Título\n======\n\ntexto\n": "## Título\n\n\ntexto\n",  # setext only, no #
    # Code is code whatever its fence: none of these # lines is a heading.
    "~~~\n# a\n~~~\n\n    # b\n\n````\n```\n# c\n```\n````\n\n### d\n": (
        "~~~\n# a\n~~~\n\n    # b\n\n````\n```\n# c\n```\n````\n\n## d\n"
    ),
    "<div>\n# raw HTML is text on a post page\n</div>\n": "<div>\n## raw HTML is text on a post page\n</div>\n",
}


@pytest.mark.parametrize("body", list(BODIES))
def test_shift_headings_shifts_what_commonmark_reads_as_headings(body):
    assert shift_headings(body) == BODIES[body]
