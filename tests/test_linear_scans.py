"""Text scans of post bodies take time in proportion to the text (no pattern that backtracks).

Each case below is a post body an attacker (or a broken export) can send in a
pull request: one long line that made an earlier pattern try every split of
it. Those patterns took from seconds (a line of 1,000 backticks) to hours
(a 1 MB paragraph of ``[``) on these inputs; now each scan reads the text
once. The alarm turns such a regression into a failing test instead of a CI
job that hangs. Most scans take milliseconds; the body's one markdown-it parse
(:mod:`sphinx_newsletter.core.body`) is linear but takes about 3 s for 200 KB of
``![`` (two parses per case: 7 s), so the limit is 30 s, not the hours a
quadratic scan takes. The limit counts this process's CPU time (``ITIMER_VIRTUAL``),
not the wall clock, so a busy machine doesn't fail it: only a scan that does more
work does.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sphinx_newsletter.cli.importer import referenced_images
from sphinx_newsletter.core.checks import blank_code_spans, raw_html
from sphinx_newsletter.core.frontmatter import excerpt, parse_post
from sphinx_newsletter.core.render import shift_headings
from sphinx_newsletter.core.settings import Settings

SIZE = 200_000  # characters: under the default 1 MB post limit

HOSTILE_LINES = {
    "words": "palavra " * (SIZE // 8),
    "backticks": "`" * SIZE + "x",
    "backtick pairs": "`a" * (SIZE // 2),
    "opening brackets": "[" * SIZE,
    "image openings": "![" * (SIZE // 2),
    "link openings": "[a](" * (SIZE // 4),
    "tag and spaces": "<a" + " " * SIZE,
    "open tags": "<a " * (SIZE // 3),
    "image link and spaces": "](" + " " * SIZE,
}


@contextmanager
def deadline(seconds: int = 30):
    def expired(_signum, _frame):
        raise AssertionError(f"still scanning after {seconds} s of CPU time: the scan is not linear")

    previous = signal.signal(signal.SIGVTALRM, expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def post_with(body: str):
    text = "---\ntitle: Um post\ndate: 2024-01-08 08:00:00 -0300\ntag: 'Edição #1 - 08.01.2024'\n---\n" + body
    post, problems = parse_post(text, "posts/2024-01-08-um-post.md", Settings(), stem="2024-01-08-um-post")
    assert post is not None, problems
    return post


@pytest.mark.parametrize("name", list(HOSTILE_LINES))
def test_every_scan_of_a_body_is_linear(name: str) -> None:
    line = HOSTILE_LINES[name]
    with deadline():
        post = post_with("Primeiro parágrafo.\n\n" + line + "\n")  # the excerpt reads the first one
        excerpt(line)
        assert shift_headings(line) == line
        raw_html(post)
        referenced_images(post)
        assert len(blank_code_spans(line)) == len(line)


def test_a_long_first_paragraph_gives_a_short_excerpt() -> None:
    long = "Um [link](https://example.org/a) " + "palavra " * 10_000
    text = excerpt(long)
    assert text.startswith("Um link palavra") and text.endswith("…") and len(text) <= 241


def test_a_paragraph_of_markup_is_cut_with_an_ellipsis() -> None:
    text = excerpt("[a](https://example.org/x) " * 2_000)
    assert text.endswith("…") and "https" not in text


@pytest.mark.parametrize(
    ("line", "blanked"),
    [
        ("a `b` c", "a     c"),
        ("``a`b`` <x>", "        <x>"),  # a run closes only at a run of its own length
        ("``a` <b>", "``a` <b>"),  # no closing run: text
        ("`a` `b` <i>", "        <i>"),
        ("x ``` y ` z ``` w", "x               w"),
        ("sem crases", "sem crases"),
    ],
)
def test_code_spans_are_read_as_commonmark_reads_them(line: str, blanked: str) -> None:
    assert blank_code_spans(line) == blanked


def test_raw_html_outside_code_spans_is_still_found() -> None:
    post = post_with("Texto com `<b>` em código e <span>fora</span>.\n")
    [problem] = raw_html(post)
    assert problem.code == "raw-html" and "<span>" in problem.message
    assert not raw_html(replace(post, body="Só `<b>` em código.\n"))


def test_images_after_spaces_are_still_found() -> None:
    post = post_with("![x](  /images/a.png) e ![y](< /images/b.png>) e <img src=' /images/c.png'>\n")
    assert referenced_images(post) == ["a.png", "b.png", "c.png"]
