"""The post reader on small made-up posts: fields, types, dates, messages with lines."""

from __future__ import annotations

import datetime as dt

import pytest
from sphinx_newsletter.core.dates import parse_date
from sphinx_newsletter.core.frontmatter import excerpt, parse_post
from sphinx_newsletter.core.images import image_path
from sphinx_newsletter.core.settings import Settings

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
    _post, problems = parse(GOOD.replace("comentado_por:", "comentado_po:"))
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
    from sphinx_newsletter.core.frontmatter import _Reader, decode

    text = decode(("\ufeff" + GOOD.replace("\n", "\r\n")).encode(), _Reader("x", SETTINGS))
    post, problems = parse(text)
    assert post.title.startswith("Como") and problems == []


def test_parse_date_reports_why():
    assert "not a date" in parse_date("ontem", dt.UTC)
    assert parse_date("2022-06-12 08:00:00 -0300 --->", dt.UTC).hour == 8


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


# --- text hygiene, caps and ranges (issue 17) -------------------------------------------


def test_every_unicode_format_character_is_removed_from_fields():
    """Cf is the class (bidi controls, zero-width, BOM, tags): a new Unicode version can't slip one in."""
    import sys
    import unicodedata

    from sphinx_newsletter.core.text import clean_text

    format_chars = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(format_chars) > 150
    removed: list[tuple[str, str]] = []
    assert clean_text("a" + "".join(format_chars) + "b", lambda code, chars: removed.append((code, chars))) == "ab"
    assert [code for code, _ in removed] == ["invisible-chars"]


@pytest.mark.parametrize(
    ("field", "typed", "shown"),
    [
        ("title", "Como os \\u202eseõçarepo\\u202c engenheiros", "Como os seõçarepo engenheiros"),
        ("title", "Como\\u2066 os\\u2069 engenheiros\\u200f", "Como os engenheiros"),
        ("comentado_por", "Ana\\u200b Lima", "Ana Lima"),
        ("comentado_por", "\\ufeffAna\\u2060 Lima\\u00ad", "Ana Lima"),
        ("headline", "Uma\\U000e0041\\U000e0042 linha\\u061c", "Uma linha"),
        ("highlight_autor", "Jane\\u3164 Doe", "Jane Doe"),
    ],
)
def test_invisible_and_direction_characters_are_removed_with_a_warning_at_the_line(field, typed, shown):
    line = GOOD.split("\n").index(next(x for x in GOOD.split("\n") if x.startswith(field + ":"))) + 1
    text = "\n".join(f'{field}: "{typed}"' if x.startswith(field + ":") else x for x in GOOD.split("\n"))
    post, problems = parse(text)
    name = {"comentado_por": "author_name", "highlight_autor": "highlight_author"}.get(field, field)
    assert getattr(post, name) == shown
    assert codes(problems) == [(line, "invisible-chars")]
    assert "U+" in problems[0].message and repr(field) in problems[0].message


def test_a_joiner_inside_an_emoji_sequence_stays():
    post, problems = parse(GOOD.replace('"Uma linha"', '"Time 👩\\u200d💻 e 🏳️\\u200d🌈, não a\\u200db"'))
    assert post.headline == "Time 👩\u200d💻 e 🏳️\u200d🌈, não ab"
    assert codes(problems) == [(7, "invisible-chars")] and "U+200D" in problems[0].message


def test_del_and_c1_controls_are_removed_from_fields_with_a_warning_and_from_the_body():
    text = GOOD.replace('"Uma linha"', '"Uma\\x7f li\\x85nha\\x9b"').replace(
        "Corpo do post.", "Corpo\x85 do\x9b post\x7f."
    )
    post, problems = parse(text)
    assert post.headline == "Uma linha"
    assert post.body.strip() == "Corpo do post."
    assert codes(problems) == [(7, "control-chars")]


def test_bidi_overrides_are_removed_from_the_body_at_their_line():
    post, problems = parse(GOOD.replace("Corpo do post.\n", "Corpo.\n\n```\nif ok:\u202e } \u2066x\n```\n"))
    assert "\u202e" not in post.body and "\u2066" not in post.body and "if ok: } x" in post.body
    assert codes(problems) == [(19, "invisible-chars")]


def test_a_lone_surrogate_is_an_error_at_its_line_and_a_pair_is_its_character():
    post, problems = parse(GOOD.replace('"Jane Doe"', '"Jane \\uD800 Doe"'))
    assert post is None and codes(problems) == [(10, "yaml")] and problems[0].severity == "error"
    assert "\\uD800" in problems[0].message
    problems[0].message.encode("utf-8")  # printable anywhere
    post, problems = parse(GOOD.replace('"Jane Doe"', '"Jane \\uD83D\\uDE00 Doe"'))
    assert post.highlight_author == "Jane 😀 Doe" and problems == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (b"2024-01-07-caf\xe9.md", "is not UTF-8"),
        (b"2024-01-07-a\x1b[31mWARNING: forged\n.md", "U+000A, U+001B"),
        ("2024-01-07-a\u202egnp.md".encode(), "U+202E"),
        ("2024-01-07-a\u200bb.md".encode(), "U+200B"),
    ],
)
def test_a_file_name_that_is_not_clean_text_is_refused_and_printed_escaped(tmp_path, name, why):
    import os

    from sphinx_newsletter.core.frontmatter import read_post
    from sphinx_newsletter.core.paths import display_path

    path = os.path.join(os.fsencode(tmp_path), name)
    with open(path, "wb") as handle:
        handle.write(GOOD.encode())
    path = tmp_path / os.fsdecode(name)
    shown = display_path(path, tmp_path)
    assert shown.isprintable() and shown.isascii() and "\n" not in shown
    post, problems = read_post(path, shown, SETTINGS)
    assert post is None and codes(problems) == [(1, "file-name")] and problems[0].severity == "error"
    assert why in problems[0].message and problems[0].path == shown


def test_categories_are_capped_with_one_warning_at_the_first_left_out():
    many = "".join(f"  - c{i}\n" for i in range(5000))
    post, problems = parse(GOOD.replace("categories: [sre, cultura]\n", "categories:\n" + many))
    assert post.categories == tuple(f"c{i}" for i in range(10))
    assert codes(problems) == [(25, "category-refused")]
    assert "the other 4990 are left out" in problems[0].message


def test_categories_and_tags_share_the_cap_and_spellings_of_one_count_once():
    text = GOOD.replace("categories: [sre, cultura]", "categories: [SRE, sre, Sré, a, b, c]\ntags: [d, e, f, g, h, i]")
    post, problems = parse(text, stem="2022-11-06-x")
    assert post.categories == ("SRE", "a", "b", "c", "d", "e", "f", "g", "h", "i")
    assert codes(problems) == []
    settings = Settings(timezone="UTC", max_categories_per_post=3)
    post, problems = parse_post(text, "posts/x.md", settings, stem="2022-11-06-x")
    assert post.categories == ("SRE", "a", "b")
    assert codes(problems) == [(14, "category-refused")] and "the other 7" in problems[0].message


def test_a_long_category_name_is_left_out_at_its_line():
    long = "x" * 51
    post, problems = parse(GOOD.replace("categories: [sre, cultura]", f"categories:\n  - sre\n  - {long}"))
    assert post.categories == ("sre",)
    assert codes(problems) == [(16, "category-refused")] and "longer than 50" in problems[0].message


@pytest.mark.parametrize(
    ("value", "line", "left"),
    [
        ("categories:\n  a: 1\n  b: 2", 15, ()),
        ("categories:\n  - sre\n  - {a: 1}\n  - [x, y]\n  - cultura", 16, ("sre", "cultura")),
        ("categories: [sre, {a: 1}]", 14, ("sre",)),
    ],
)
def test_categories_that_are_not_words_are_left_out_with_a_warning(value, line, left):
    post, problems = parse(GOOD.replace("categories: [sre, cultura]", value))
    assert post.categories == left
    assert (line, "field-type") in codes(problems)
    assert all(p.code == "field-type" for p in problems)


@pytest.mark.parametrize("date", ["0001-01-01 00:00:00", "1969-12-31 23:59:59 -0300", "9999-12-31 23:59:59 +1400"])
def test_a_date_out_of_range_is_refused_at_its_line(date):
    post, problems = parse(GOOD.replace("2022-11-06 08:00:00 -0300", date), stem="sem-data")
    assert post is None and codes(problems) == [(4, "date-invalid")] and "1970 to 9998" in problems[0].message
    post, problems = parse(GOOD.replace("2022-11-06 08:00:00 -0300", date))
    assert post.date.date() == dt.date(2022, 11, 6) and codes(problems) == [(4, "date-invalid")]


def test_a_file_name_date_out_of_range_is_not_a_date():
    post, problems = parse(GOOD, stem="0001-01-01-x")
    assert post.slug == "0001-01-01-x" and codes(problems) == [(1, "date-invalid")]


@pytest.mark.parametrize(
    "tag", ["Edição #35 - 31.02.2022", "Edição #35 - 07/13/2022", "Edição #35 - 07.11.0001", "Edição #35 - 07.11.9999"]
)
def test_an_edition_tag_whose_date_cannot_be_read_is_warned_at_its_line(tag):
    post, problems = parse(GOOD.replace("Edição #35 - 07.11.2022", tag))
    assert post.edition.number == 35 and post.edition.date is None
    assert codes(problems) == [(6, "edition-tag")] and "day.month.year" in problems[0].message


def test_a_quoted_profile_link_is_unquoted_with_a_warning():
    post, problems = parse(GOOD.replace('"https://www.linkedin.com/in/ana"', "“https://www.linkedin.com/in/ana”"))
    assert post.author_url == "https://www.linkedin.com/in/ana"
    assert codes(problems) == [(13, "url-quoted")]


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://[::1]/",
        "http://localhost/",
        "http://x.localhost/",
        "http://127.0.0.1:8080/a",
    ],
)
def test_ip_and_local_hosts_are_left_out_of_the_highlight(url):
    post, problems = parse(GOOD.replace("https://example.org/a", url))
    assert post.highlight_url is None and codes(problems) == [(9, "url-refused")]


def test_a_category_that_makes_no_page_name_is_left_out_at_its_line():
    post, problems = parse(GOOD.replace("categories: [sre, cultura]", "categories:\n  - sre\n  - '!!!'\n  - 日本"))
    assert post.categories == ("sre",)
    assert codes(problems) == [(16, "category-refused"), (17, "category-refused")]
