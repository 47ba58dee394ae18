"""Front-matter YAML hazards (issue 3): one test per hazard, with its message and file line.

Everything goes through :func:`frontmatter.parse_post`, the reader the build
and the CLI share, so the line is the post file's (front matter starts on
line 2) and the message is what a contributor sees.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import yaml
from sphinx_newsletter.core.frontmatter import parse_post
from sphinx_newsletter.core.settings import Settings
from sphinx_newsletter.core.yamlsafe import MAX_DEPTH, YamlProblem, load_mapping

SETTINGS = Settings()


def read(front: str, body: str = "Corpo.\n", stem: str = "2024-01-07-post"):
    return parse_post(f"---\n{front}---\n{body}", "posts/x.md", SETTINGS, stem=stem)


def only(problems, code: str):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


def test_aliases_are_refused_before_they_can_explode():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    post, problems = read('title: "t"\n' + bomb)
    problem = only(problems, "yaml")
    assert post is None and problem.severity == "error"
    assert (problem.line, problem.message) == (4, "invalid YAML: aliases (*name) are not allowed")


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['echo x']",
        "!!python/name:os.system",
        "!!binary aGk=",
        "!!int 12",
        "!!timestamp 2024-01-01",
        "!custom x",
    ],
)
def test_explicit_tags_are_refused(tag):
    post, problems = read(f"date: 2024-01-07\ntitle: {tag}\n")
    problem = only(problems, "yaml")
    assert post is None
    assert problem.line == 3
    assert problem.message.startswith("YAML tag ") and problem.message.endswith("is not allowed")


def test_deep_nesting_is_refused_with_a_line():
    post, problems = read("title: t\nx: " + "[" * 1000 + "]" * 1000 + "\n")
    problem = only(problems, "yaml")
    assert post is None
    assert (problem.line, problem.message) == (3, f"invalid YAML: nesting deeper than {MAX_DEPTH}")


def test_deep_nesting_costs_nothing():
    start = time.process_time()
    with pytest.raises(YamlProblem):
        load_mapping("x: " + "[" * 100_000)
    assert time.process_time() - start < 5  # a bound, not a timing: RecursionError would take far longer or crash


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("NO", "NO"),
        ("yes", "yes"),
        ("1.10", "1.10"),
        ("0x1F", "0x1F"),
        ("2022-11-06", "2022-11-06"),
        ("1e999999", "1e999999"),
        ("9" * 400, "9" * 400),
        (".inf", ".inf"),
        ("~", ""),
    ],
)
def test_text_stays_the_text_typed(typed, kept):
    post, _problems = read(f"title: t\nheadline: {typed}\n")
    assert post is not None
    assert post.headline == kept


def test_yaml_1_1_booleans_are_not_guessed():
    post, _ = read("title: NO\n")
    assert post.title == "NO"


def test_duplicate_keys_keep_the_first_and_say_so():
    post, problems = read('title: "first"\ndate: 2024-01-07\ntitle: "second"\n')
    problem = only(problems, "yaml-duplicate")
    assert post.title == "first"
    assert problem.line == 4
    assert problem.message == "duplicate key 'title' (first on line 2); the first value is used"


@pytest.mark.parametrize(
    ("typed", "published", "message"),
    [
        ("false", False, None),
        ("true", True, None),
        ('"false"', False, "'published' must be a plain true or false, not the text 'false'; read as false"),
        ("'no'", False, "'published' must be a plain true or false, not the text 'no'; read as false"),
        ("NO", False, "'published' must be a plain true or false, not the text 'NO'; read as false"),
        ("0", False, "'published' must be true or false; treating '0' as false"),
        ("[]", False, "'published' must be true or false; treating [] as false"),
    ],
)
def test_published_is_a_real_boolean(typed, published, message):
    post, problems = read(f"title: t\npublished: {typed}\n")
    assert post.published is published
    assert isinstance(post.published, bool)
    found = [p for p in problems if p.code == "published-type"]
    assert [p.message for p in found] == ([message] if message else [])
    assert all(p.line == 3 for p in found)


def test_value_errors_do_not_escape():
    """Under PyYAML's safe loader these raise ValueError (not YAMLError); here they are text."""
    for value in ("2022-02-30", "2022-13-01 25:61:00", "0o99", "1_000_000_000_000_000_000_000"):
        post, _problems = read(f"title: t\nheadline: {value}\n")
        assert post.headline == value
        yaml.safe_load  # noqa: B018 (the hazard, for the reader)


def test_impossible_dates_give_a_clear_error_with_line():
    post, problems = read("title: t\ndate: 2022-02-30 08:00\n", stem="sem-data")
    problem = only(problems, "date-invalid")
    assert post is None and problem.line == 3
    assert problem.message.startswith("'date' is not a real date")


def test_dates_are_timezone_aware_and_the_legacy_fence_is_read():
    post, problems = parse_post(
        '---\ntitle: "t"\ndate: 2022-11-06 08:00:00 -0300\n--->\nCorpo\n', "posts/x.md", SETTINGS, stem="2022-11-06-x"
    )
    assert post is not None, problems
    assert post.date.utcoffset() == dt.timedelta(hours=-3)
    assert post.body.strip() == "Corpo"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\n- a\n- b\n---\n", 2, "front matter must be a mapping of keys to values, not a list"),
        ("---\njust text\n---\n", 2, "front matter must be a mapping of keys to values, not a single value"),
        ("---\ntitle: [unclosed\n---\n", 2, "invalid YAML: "),
        ("---\n\ttitle: t\n---\n", 2, "invalid YAML: "),
        ("---\n? [a, b]\n: c\n---\n", 2, "keys must be plain words"),
        ("", 1, "the file is empty"),
        ("title: t\n", 1, "the post does not start with a '---' front-matter line"),
        ("---\ntitle: t\n", 1, "the front matter opened on line 1 is never closed with '---'"),
    ],
)
def test_broken_front_matter_is_one_clear_error(text, line, message):
    post, problems = parse_post(text, "posts/x.md", SETTINGS, stem="2024-01-07-x")
    errors = [p for p in problems if p.severity == "error"]
    assert post is None and len(errors) == 1, problems
    assert errors[0].line == line
    assert errors[0].message.startswith(message)


def test_giant_edition_numbers_are_not_read_as_editions():
    post, problems = read('title: t\ntag: "Edição #99999999999999999999 - 07.01.2024"\n')
    assert post.edition is None
    assert only(problems, "edition-tag").line == 3


def test_tabs_in_values_and_body_are_kept_as_text():
    post, _problems = read('title: "a\tb"\n', body="\tcódigo\n")
    assert post.title == "a b"
    assert post.body == "\tcódigo\n"


def test_libyaml_and_pure_python_readers_agree():
    """The fast (libyaml) reader gives the same values, lines and quoting as the pure-Python one."""
    import yaml as _yaml
    from sphinx_newsletter.core import yamlsafe

    if not _yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    samples = [
        "title: \"x\"\ndate: 2022-11-06 08:00:00 -0300 --->\npublished: true\ntag: 'Edição #1'\n",
        "a: NO\nb: 1.10\nc: ~\nd:\ne: [1, 'two', {f: g}]\nh: |\n  bloco\n  texto\n",
        "title: >-\n  dobrado\n  texto\nlist:\n  - a\n  - b: c\n",
    ]
    for text in samples:
        fast = yamlsafe._compose(yamlsafe._Composer, text)
        slow = yamlsafe._compose(yamlsafe._PyComposer, text)
        assert _shape(fast) == _shape(slow)


def _shape(node):
    """A node tree as plain data: kinds, tags, positions, quoting and values."""
    value = node.value
    if isinstance(value, list):
        value = [_shape(c) for item in value for c in (item if isinstance(item, tuple) else (item,))]
    return (
        type(node).__name__,
        node.tag,
        node.start_mark.line,
        node.start_mark.column,
        bool(getattr(node, "style", None)),
        value,
    )


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ('title: "a\\uD800b"\n', 2),
        ('title: "t"\ncategories: [a, "\\uDFFF"]\n', 3),
        ('title: "t"\n"\\uDC80": x\n', 3),
        ('title: "t"\nheadline: "\\uDE00\\uD83D"\n', 3),  # a pair in the wrong order is two lone halves
    ],
)
def test_a_lone_surrogate_escape_is_refused_at_its_line(front, line):
    """``"\\uD800"`` is no character: it can't be written as UTF-8 (the build and check crashed on it)."""
    post, problems = read(front)
    problem = only(problems, "yaml")
    assert post is None and problem.severity == "error" and problem.line == line
    assert "lone UTF-16 surrogate" in problem.message
    problem.message.encode("utf-8")


def test_a_surrogate_pair_escape_is_the_character_it_stands_for():
    fields, problems = load_mapping('t: "\\uD83D\\uDE00 ok"\nu: [\'x\', "\\uD83C\\uDF89"]\n')
    assert fields["t"].value == "😀 ok" and fields["u"].value == ["x", "🎉"] and problems == []
    assert fields["u"].items == (1, 1)


def test_a_duplicate_key_inside_a_nested_mapping_is_an_error_at_its_line():
    """The attack on issue 17: a second ``name:`` inside an authors-registry entry silently won."""
    from sphinx_newsletter.core.yamlsafe import YamlProblem, load_mapping

    text = 'ana:\n  name: "Ana Beatriz Lima"\n  name: "Outra Pessoa"\n'
    with pytest.raises(YamlProblem) as raised:
        load_mapping(text)
    assert raised.value.line == 2 and "duplicate key 'name'" in str(raised.value)
