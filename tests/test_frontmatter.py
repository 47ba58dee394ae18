"""The post reader on small made-up posts: fields, types, dates, messages with lines."""

from __future__ import annotations

import datetime as dt

import pytest

from sphinx_newsletter.frontmatter import excerpt, image_path, parse_date, parse_post
from sphinx_newsletter.settings import Settings

SETTINGS = Settings(timezone="America/Sao_Paulo")

GOOD = """---
layout: post
title:  "Como os engenheiros resolvem problemas"
date:   2022-11-06 08:00:00 -0300
published: true
tag: "Edição #35 - 07.11.2022"
headline: "Uma linha"
highlight_title: "How engineers solve it"
highlight_url: "https://example.org/a"
highlight_autor: "Jane Doe"
image: /images/x.png
comentado_por: "Ana Lima"
comentado_por_linkedin: "https://www.linkedin.com/in/ana"
categories: [sre, cultura]
---
Corpo do post.
"""


def parse(text: str, stem: str = "2022-11-06-um-post"):
    return parse_post(text, "posts/x.md", SETTINGS, stem=stem)


def codes(problems) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in problems]


def test_good_post_reads_every_field():
    post, problems = parse(GOOD)
    assert problems == []
    assert post.title == "Como os engenheiros resolvem problemas"
    assert post.date == dt.datetime(2022, 11, 6, 8, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    assert post.edition.number == 35 and post.edition.date == dt.date(2022, 11, 7)
    assert (post.highlight_url, post.highlight_author) == ("https://example.org/a", "Jane Doe")
    assert post.image == "x.png"
    assert post.author_name == "Ana Lima" and post.author_url == "https://www.linkedin.com/in/ana"
    assert post.categories == ("sre", "cultura")
    assert (post.slug, post.key) == ("um-post", "um-post")
    assert post.body.strip() == "Corpo do post." and post.body_line == 16


def test_date_junk_is_parsed_and_warned_with_line_and_column():
    post, problems = parse(GOOD.replace("-0300\n", "-0300 --->\n", 1))
    assert post.date.hour == 8
    assert codes(problems) == [(4, "date-junk")]
    assert problems[0].column == 35 and "'--->'" in problems[0].message


def test_date_without_offset_takes_the_configured_timezone():
    post, _ = parse(GOOD.replace("08:00:00 -0300", "08:00"))
    assert post.date.utcoffset() == dt.timedelta(hours=-3)


def test_missing_date_falls_back_to_the_file_name():
    post, problems = parse(GOOD.replace("date:   2022-11-06 08:00:00 -0300\n", ""), stem="2021-05-04-x")
    assert post.date.date() == dt.date(2021, 5, 4) and problems == []


def test_impossible_date_is_an_error_without_a_file_date():
    post, problems = parse(GOOD.replace("2022-11-06 08", "2022-13-45 08"), stem="sem-data")
    assert post is None
    assert codes(problems) == [(4, "date-invalid")] and problems[0].severity == "error"


def test_impossible_date_falls_back_to_the_file_date_with_a_warning():
    post, problems = parse(GOOD.replace("2022-11-06 08", "2022-02-30 08"))
    assert post.date.date() == dt.date(2022, 11, 6)
    assert codes(problems) == [(4, "date-invalid")] and problems[0].severity == "warning"


def test_profile_link_without_scheme_is_normalised_with_a_warning():
    post, problems = parse(GOOD.replace('"https://www.linkedin.com/in/ana"', "linkedin.com/in/ana/"))
    assert post.author_url == "https://linkedin.com/in/ana/"
    assert codes(problems) == [(13, "url-scheme")]


def test_published_is_a_real_boolean():
    post, problems = parse(GOOD.replace("published: true", "published: false"))
    assert post.published is False and problems == []
    post, problems = parse(GOOD.replace("published: true", 'published: "false"'))
    assert post.published is False and codes(problems) == [(5, "published-type")]


def test_text_stays_the_text_typed():
    post, _ = parse(GOOD.replace('"Ana Lima"', "NO").replace('"Uma linha"', "1.10"))
    assert post.author_name == "NO" and post.headline == "1.10"


def test_unknown_key_suggests_the_known_one():
    post, problems = parse(GOOD.replace("comentado_por:", "comentado_po:"))
    assert (12, "unknown-field") in codes(problems)
    assert "did you mean 'comentado_por'?" in next(p.message for p in problems if p.code == "unknown-field")


def test_edition_tag_not_understood_leaves_the_post_without_edition():
    post, problems = parse(GOOD.replace("Edição #35 - 07.11.2022", "Número 35"))
    assert post.edition is None and codes(problems) == [(6, "edition-tag")]


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "empty", 1),
        ("title: x\n---\nbody", "no-front-matter", 1),
        ("---\ntitle: x\nbody without end", "no-front-matter", 1),
        ("---\n- a\n- b\n---\n", "yaml", 2),
        ("---\ntitle: [unclosed\n---\n", "yaml", 2),
        ("---\ndate: 2022-01-01\n---\n", "missing-field", 1),
    ],
)
def test_unreadable_posts_are_errors_with_a_line(text, code, line):
    post, problems = parse(text, stem="no-date")
    assert post is None
    assert (line, code) in codes(problems)


def test_crlf_and_bom_are_read():
    from sphinx_newsletter.frontmatter import _Reader, decode

    text = decode(("\ufeff" + GOOD.replace("\n", "\r\n")).encode(), _Reader("x", SETTINGS))
    post, problems = parse(text)
    assert post.title.startswith("Como") and problems == []


def test_parse_date_reports_why():
    assert "not a date" in parse_date("ontem", dt.timezone.utc)
    assert parse_date("2022-06-12 08:00:00 -0300 --->", dt.timezone.utc).hour == 8


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/images/a.png", "a.png"),
        ("images/sub/a.jpg", "sub/a.jpg"),
        ("a.webp", "a.webp"),
        ("a.svg", None),
        ("/images/../x.png", None),
        ("/etc/passwd.png", None),
        ("/images/a%2e.png", None),
        ("/images/a\\b.png", None),
        ("/images/a.html", None),
        ("https://x.org/a.png", None),
    ],
)
def test_image_path_policy(value, expected):
    assert image_path(value)[0] == expected


def test_excerpt_is_plain_text_of_the_first_paragraph():
    assert excerpt("### Título\n\nUm **texto** com [link](https://x.org).\n\nOutro.") == "Um texto com link."
