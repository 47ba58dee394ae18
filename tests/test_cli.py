"""``newsletter check``: every rule fails on one post and passes on its fix; output formats; exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.checks import RULES

#: A real 1x1 PNG: images are verified by decoding them.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x01\x00\x00\x00\x007n\xf9$"
    b"\x00\x00\x00\nIDATx\xdac`\x00\x00\x00\x02\x00\x01\xe5'\xde\xfc\x00\x00\x00\x00IEND\xaeB`\x82"
)
CONF = """\
extensions = ["sphinx_newsletter"]
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
newsletter_authors_file = "posts/authors.yml"
newsletter_timezone = "America/Sao_Paulo"
"""

AUTHORS = """\
ana-souza:
  name: "Ana Souza"
  variants: ["Ana S."]
  links: ["https://www.linkedin.com/in/ana-souza"]
"""

# Line numbers below refer to this layout: 1 ---, 2 title, 3 date, 4 tag,
# 5 highlight_url, 6 comentado_por, 7 comentado_por_linkedin, 8 ---, 9 body.
POST = """\
---
title: "{title}"
date: {date}
tag: "{tag}"
highlight_url: "{url}"
comentado_por: "Ana Souza"
comentado_por_linkedin: "{profile}"
{extra}---
{body}
"""


def post(
    *,
    title="Um post",
    date="2024-01-07 08:00:00 -0300",
    tag="Edição #1 - 07.01.2024",
    url="https://example.org/a",
    profile="https://www.linkedin.com/in/ana-souza",
    extra="",
    body="Um comentário.",
) -> str:
    return POST.format(title=title, date=date, tag=tag, url=url, profile=profile, extra=extra, body=body)


def make_site(root: Path, posts: dict[str, str], authors: str = AUTHORS) -> Path:
    (root / "posts" / "images").mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "posts" / "authors.yml").write_text(authors, encoding="utf-8")
    (root / "posts" / "images" / "ok.png").write_bytes(PNG)
    for name, text in posts.items():
        (root / "posts" / name).write_text(text, encoding="utf-8")
    return root


def run(root: Path, *args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(["--conf-dir", str(root), "check", *args], out=out)
    return code, out.getvalue().splitlines()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def build(posts: dict[str, str], authors: str = AUTHORS) -> Path:
        return make_site(tmp_path, posts, authors)

    return build


def problems(lines: list[str]) -> list[str]:
    return [line for line in lines if ": error: " in line or ": warning: " in line]


A = "posts/2024-01-07-a.md"
B = "posts/2024-01-07-b.md"
C = "posts/2024-01-21-c.md"


def weekly(third: str) -> dict[str, str]:
    """Five weekly editions; the third's tag is *third*."""
    days = ["07", "14", "21", "28"]
    found = {
        f"posts/2024-01-{d}-{n}.md": post(
            url=f"https://example.org/{n}", date=f"2024-01-{d} 08:00:00 -0300", tag=f"Edição #{i + 1} - {d}.01.2024"
        )
        for i, (d, n) in enumerate(zip(days, "abcd", strict=True))
    }
    found["posts/2024-02-04-e.md"] = post(
        url="https://example.org/e", date="2024-02-04 08:00:00 -0300", tag="Edição #5 - 04.02.2024"
    )
    found[C] = found[C].replace("Edição #3 - 21.01.2024", third)
    return found


#: code -> (failing posts, the expected "path:line:col: severity" and message part, passing posts)
CASES: dict[str, tuple[dict[str, str], str, str, dict[str, str]]] = {
    "missing-field": ({A: post(title="")}, f"{A}:2:1: error", "'title' is missing", {A: post()}),
    "date-invalid": ({A: post(date="ontem")}, f"{A}:3:7: warning", "'date' is not a date", {A: post()}),
    "date-junk": (
        {A: post(date="2024-01-07 08:00:00 -0300 --->")},
        f"{A}:3:33: warning",
        "date has trailing text '--->'",
        {A: post()},
    ),
    "edition-tag": ({A: post(tag="Edicao X")}, f"{A}:4:1: warning", "'Edicao X' not understood", {A: post()}),
    "url-scheme": ({A: post(url="example.org/a")}, f"{A}:5:16: warning", "has no scheme", {A: post()}),
    "url-refused": ({A: post(url="javascript:alert(1)")}, f"{A}:5:16: warning", "scheme 'javascript:'", {A: post()}),
    "profile-host": (
        {A: post(profile="https://twitter.com/ana")},
        f"{A}:7:1: warning",
        "not on linkedin.com",
        {A: post()},
    ),
    "image-missing": (
        {A: post(extra="image: /images/nao-existe.png\n")},
        f"{A}:8:1: warning",
        "'nao-existe.png' does not exist",
        {A: post(extra="image: /images/ok.png\n")},
    ),
    "image-refused": (
        {A: post(extra="image: ../../etc/x.png\n")},
        f"{A}:8:1: warning",
        "is not inside the images folder",
        {A: post(extra="image: /images/ok.png\n")},
    ),
    "unknown-field": (
        {A: post(extra='comentado_po: "Ana"\n')},
        f"{A}:8:1: warning",
        "did you mean 'comentado_por'?",
        {A: post()},
    ),
    "yaml": ({A: post(extra="headline: [\n")}, f"{A}:8:12: error", "invalid YAML", {A: post()}),
    "yaml-duplicate": ({A: post(extra='title: "Outro"\n')}, f"{A}:8:1: warning", "duplicate key 'title'", {A: post()}),
    "raw-html": (
        {A: post(body="Veja <b>isto</b>.")},
        f"{A}:9:6: warning",
        "raw HTML '<b>'",
        {A: post(body="Veja `<b>` em código.")},
    ),
    "edition-date-mismatch": (
        {
            A: post(),
            "posts/2024-01-07-a2.md": post(url="https://example.org/a2"),
            B: post(url="https://example.org/b", tag="Edição #1 - 08.01.2024"),
        },
        f"{B}:4:1: warning",
        "dated 08.01.2024 here but 07.01.2024",
        {A: post(), B: post(url="https://example.org/b")},
    ),
    "edition-order": (
        weekly(third="Edição #3 - 21.02.2024"),
        f"{C}:4:1: warning",
        "edition #3 is dated 21.02.2024, out of order with #2 (14.01.2024) and #4 (28.01.2024)",
        weekly(third="Edição #3 - 21.01.2024"),
    ),
    "edition-date-far": (
        {A: post(date="2024-02-20 08:00:00 -0300")},
        f"{A}:3:1: warning",
        "44 days from its edition #1",
        {A: post()},
    ),
    "slug-collision": (
        {A: post(), "posts/2024-01-14-A.md": post(url="https://example.org/b")},
        f"{A}:1:1: error",
        f"posts {A}, posts/2024-01-14-A.md all have",
        {A: post(), "posts/2024-01-14-b.md": post(url="https://example.org/b")},
    ),
    "duplicate-article": (
        {
            A: post(),
            C: post(
                url="http://www.example.org/a/?utm_source=x",
                date="2024-01-14 08:00:00 -0300",
                tag="Edição #2 - 14.01.2024",
            ),
        },
        f"{C}:5:1: warning",
        f"already commented in {A}:5",
        {
            A: post(),
            C: post(url="https://example.org/c", date="2024-01-14 08:00:00 -0300", tag="Edição #2 - 14.01.2024"),
        },
    ),
    # the post reader's hygiene and caps (issue 17)
    "file-name": (
        {"posts/2024-01-07-a\x1b[2K.md": post()},
        "posts/2024-01-07-a\\x1b[2K.md:1:1: error",
        "control or invisible characters (U+001B)",
        {A: post()},
    ),
    "invisible-chars": (
        {A: post(title="Um\u202e post")},
        f"{A}:2:1: warning",
        "removed from 'title' (U+202E)",
        {A: post()},
    ),
    "category-refused": (
        {A: post(extra="categories: [" + ", ".join(f"c{i}" for i in range(12)) + "]\n")},
        f"{A}:8:1: warning",
        "more than 10 categories and tags; the other 2",
        {A: post(extra="categories: [c1, c2]\n")},
    ),
    "url-quoted": (
        {A: post(profile="“https://www.linkedin.com/in/ana-souza”")},
        f"{A}:7:25: warning",
        "wrapped in quotes",
        {A: post()},
    ),
    "author-spelling": (
        {
            A: post().replace('"Ana Souza"', '"Rui Costa"').replace("ana-souza", "rui"),
            C: post(url="https://example.org/c", date="2024-01-21 08:00:00 -0300", tag="Edição #2 - 21.01.2024")
            .replace('"Ana Souza"', '"Ruі Costa"')
            .replace("ana-souza", "rui"),
        },
        f"{C}:6:1: warning",
        "'Ruі Costa' (it looks the same",
        {
            A: post().replace('"Ana Souza"', '"Rui Costa"').replace("ana-souza", "rui"),
            C: post(url="https://example.org/c", date="2024-01-21 08:00:00 -0300", tag="Edição #2 - 21.01.2024")
            .replace('"Ana Souza"', '"Rui Costa"')
            .replace("ana-souza", "rui"),
        },
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_then_passes(site, code: str) -> None:
    failing, where, message, passing = CASES[code]
    root = site({k.removeprefix("posts/"): v for k, v in failing.items()})
    status, lines = run(root)
    found = [line for line in problems(lines) if line.endswith(f"[{code}]")]
    assert found, lines
    assert found[0].startswith(where + ": "), found
    assert message in found[0]
    assert status == (1 if where.endswith("error") else 0)
    for path in (root / "posts").glob("*.md"):
        path.unlink()
    root = site({k.removeprefix("posts/"): v for k, v in passing.items()})
    status, lines = run(root, "--strict")
    assert problems(lines) == [], lines
    assert status == 0


REGISTRY_CASES = {
    "registry-yaml": ("ana: [\n", "posts/authors.yml:2:1: error"),
    "registry-entry": ("Ana Souza:\n  name: Ana\n", "posts/authors.yml:2:1: warning"),
    "registry-conflict": (
        AUTHORS + 'outra:\n  name: Outra\n  variants: ["ana souza"]\n',
        "posts/authors.yml:6:1: warning",
    ),
    "registry-duplicate": (AUTHORS + "ana-souza:\n  name: De novo\n", "posts/authors.yml:5:1: warning"),
}


@pytest.mark.parametrize("code", sorted(REGISTRY_CASES))
def test_registry_rule_fails_then_passes(site, code: str) -> None:
    authors, where = REGISTRY_CASES[code]
    root = site({"2024-01-07-a.md": post()}, authors)
    _, lines = run(root)
    found = [line for line in problems(lines) if line.endswith(f"[{code}]")]
    assert found and found[0].startswith(where + ": "), lines
    site({}, AUTHORS)
    status, lines = run(root, "--strict")
    assert problems(lines) == [] and status == 0, lines


def test_every_rule_is_documented_and_tested() -> None:
    tested = set(CASES) | set(REGISTRY_CASES)
    untested = {
        "unreadable",
        "not-a-file",
        "too-large",
        "encoding",
        "empty",
        "no-front-matter",
        "field-type",
        "control-chars",
        "published-type",
        # Tested in tests/test_comments.py (check prints it at the line).
        "comments-type",
        "slug-reserved",
        "url-encoded",
        "no-posts-dir",
        # The body scan's, tested against the build in tests/test_bodies.py.
        "body-directive",
        "body-option",
        "body-role",
        "body-link",
        "body-image",
        "body-table",
        "body-too-large",
        # Tested in tests/test_model.py (a registered name with another profile link).
        "author-link",
        # The baseline file's own, tested in tests/test_baseline.py.
        "baseline-yaml",
        "baseline-entry",
    }
    # Those are the reader's own, tested in tests/test_frontmatter.py and tests/test_model.py.
    assert tested | untested == set(RULES)
    guide = (Path(__file__).parents[1] / "docs" / "guide" / "contribuir.md").read_text(encoding="utf-8")
    assert all(f"`{code}`" in guide for code in RULES), [c for c in RULES if f"`{c}`" not in guide]


def test_summary_strict_and_exit_codes(site) -> None:
    root = site({"2024-01-07-a.md": post(date="2024-01-07 08:00:00 -0300 --->")})
    status, lines = run(root)
    assert status == 0
    assert lines[-1] == "1 post checked: 0 errors, 1 warning"
    assert run(root, "--strict")[0] == 1
    assert main(["--conf-dir", str(root), "check", "posts/nao-existe.md"]) == 2


def test_the_site_file_is_checked_as_the_build_reads_it(site) -> None:
    """posts/site.yml comes through pull requests too: check says what the build will warn about."""
    root = site({"2024-01-07-a.md": post()})
    with open(root / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('newsletter_site_file = "posts/site.yml"\n')
    (root / "posts" / "site.yml").write_text('title: "Destaques <b>da</b> Newsletter"\n', encoding="utf-8")
    status, lines = run(root, "--strict")
    assert status == 1
    assert any(line.startswith("posts/site.yml:1:1: warning: ") and "'title'" in line for line in lines), lines


def test_paths_limit_the_check(site) -> None:
    root = site({"2024-01-07-a.md": post(date="ontem"), "2024-01-07-b.md": post(url="https://example.org/b")})
    _, lines = run(root, "posts/2024-01-07-b.md")
    assert problems(lines) == [] and lines[-1].startswith("1 post checked")


def test_posts_sharing_an_image_are_each_checked(site) -> None:
    """Each image is looked up once per check; every post that uses a missing one is named."""
    missing, found = "image: /images/nao-existe.png\n", "image: /images/ok.png\n"
    root = site(
        {
            "2024-01-07-a.md": post(extra=missing),
            "2024-01-07-b.md": post(url="https://example.org/b", extra=missing),
            "2024-01-07-c.md": post(url="https://example.org/c", extra=found),
            "2024-01-07-d.md": post(url="https://example.org/d", extra=found),
        }
    )
    _, lines = run(root)
    assert [line.split(": ", 1)[0] for line in problems(lines)] == [
        "posts/2024-01-07-a.md:8:1",
        "posts/2024-01-07-b.md:8:1",
    ]


def test_github_format(site) -> None:
    root = site({"2024-01-07-a.md": post(date="2024-01-07 08:00:00 -0300 --->", title="a, b: 100%")})
    _, lines = run(root, "--format", "github")
    assert lines[0] == (
        "::warning file=posts/2024-01-07-a.md,line=3,col=33,title=date-junk::date has trailing text '--->'"
    )


def test_json_format(site) -> None:
    root = site({"2024-01-07-a.md": post(url="example.org/a")})
    _, lines = run(root, "--format", "json")
    data = json.loads("\n".join(lines))
    assert data["summary"] == {"files": 1, "errors": 0, "warnings": 1, "notes": 0, "known": 0}
    assert data["problems"][0] | {"message": ""} == {
        "path": "posts/2024-01-07-a.md",
        "line": 5,
        "column": 16,
        "severity": "warning",
        "code": "url-scheme",
        "message": "",
    }


def test_unknown_author_gets_a_registry_suggestion(site) -> None:
    root = site({"2024-01-07-a.md": post().replace("Ana Souza", "Bruno Lima").replace("ana-souza", "blima")})
    status, lines = run(root)
    assert status == 0 and problems(lines) == []
    note = lines.index(
        "posts/2024-01-07-a.md:6:1: note: 'Bruno Lima' (1 post) is not in the authors "
        "registry; add an entry like this [author-unregistered]"
    )
    assert lines[note + 1 : note + 4] == [
        "    bruno-lima:",
        '      name: "Bruno Lima"',
        '      links: ["https://www.linkedin.com/in/blima"]',
    ]


def test_variants_and_link_spellings_are_one_registered_author(site) -> None:
    root = site(
        {
            "2024-01-07-a.md": post().replace('"Ana Souza"', '"Ana S."'),
            "2024-01-07-b.md": post(url="https://example.org/b", profile="http://linkedin.com/in/Ana-Souza/"),
        }
    )
    _, lines = run(root)
    assert not any("note:" in line for line in lines), lines


def test_corpus_reports_exactly_its_real_problems(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(corpus)
    make_site(tmp_path, {})
    status, lines = run(tmp_path, ".")
    found = problems(lines)
    junk = [line for line in found if line.endswith("[date-junk]")]
    assert len(junk) == 36 and all("date has trailing text '--->'" in line for line in junk)
    spellings = [line for line in found if line.endswith("[author-spelling]")]
    assert sorted(line.split(": warning: this post names the commentator ")[1].split(",")[0] for line in spellings) == [
        "'Ricardo Coelho'"
    ] * 4 + ["'Tito Garrido Ogando'"]
    rest = [line for line in found if line not in junk and line not in spellings]
    assert rest == [
        "_posts/2022-07-31-3-mistakes-ive-made-at-the-beginning-of-an-incident-and-how-not-to-make-them"
        ".markdown:6:1: warning: edition #21 is dated 01.09.2022, out of order with #20 (25.07.2022) "
        "and #22 (08.08.2022) [edition-order]"
    ]
    assert status == 0
    assert lines[-1] == "78 posts checked: 0 errors, 42 warnings, 4 notes"


def test_subprocess_end_to_end(site) -> None:
    root = site({"2024-01-07-a.md": post(extra='comentado_po: "x"\n')})
    done = subprocess.run(
        [sys.executable, "-m", "sphinx_newsletter", "--conf-dir", str(root), "check", "--strict"],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
    )
    assert done.returncode == 1
    assert (
        "posts/2024-01-07-a.md:8:1: warning: unknown front-matter key 'comentado_po'; did you mean "
        "'comentado_por'? [unknown-field]" in done.stdout
    )
