"""The baseline of known problems: one split for ``newsletter check`` and the build; the file is untrusted input."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from sitetools import ROOTS
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.baseline import (
    Baseline,
    Entry,
    entries_of,
    format_baseline,
    load_baseline,
    split_known,
    unmatched,
)
from sphinx_newsletter.core.model import Problem
from test_cli import make_site, post

CONF_EXTRA = 'newsletter_baseline_file = "posts/baseline.yml"\nlanguage = "pt_BR"\n'
INDEX = "# Início\n\n```{toctree}\n:hidden:\n\narquivo/index\narquivo/autores/index\n```\n"
#: Dated 31 days before its edition (edition-date-far), with raw HTML and an ftp link in the body.
OLD = post(tag="Edição #1 - 07.02.2024", body="Um <b>comentário</b> e um [link](ftp://example.org/x).")
LOCATED = (
    r"^(?P<path>posts/[^:]+):(?P<line>\d+)(?::\d+)?: (?:warning|WARNING|error|ERROR): "
    r".*\[(?:newsletter\.)?(?P<code>[a-z-]+)\]$"
)


def problem(path: str, code: str, line: int = 1, severity: str = "warning") -> Problem:
    return Problem(path=path, line=line, code=code, message=f"{code} here", severity=severity)  # type: ignore[arg-type]


def baseline(*entries: tuple[str, str, int]) -> Baseline:
    return Baseline(entries=tuple(Entry(file=f, code=c, count=n) for f, c, n in entries), folder=Path.cwd())


# --- the split (pure) --------------------------------------------------------------------------


def test_a_known_pair_is_known_and_one_more_of_it_is_new() -> None:
    problems = [
        problem("a.md", "edition-date-far", 3),
        problem("a.md", "edition-date-far", 9),
        problem("a.md", "raw-html", 5),
        problem("b.md", "edition-date-far", 3),
    ]
    split = split_known(problems, baseline(("a.md", "edition-date-far", 1), ("a.md", "raw-html", 1)))
    assert [(p.path, p.line, p.code) for p in split.known] == [("a.md", 3, "edition-date-far"), ("a.md", 5, "raw-html")]
    # The second of a code in the same file, and the same code in another file, are new.
    assert [(p.path, p.line) for p in split.new] == [("a.md", 9), ("b.md", 3)]


def test_errors_are_never_known() -> None:
    split = split_known([problem("a.md", "slug-collision", severity="error")], baseline(("a.md", "slug-collision", 1)))
    assert split.known == [] and len(split.new) == 1


def test_an_entry_that_matches_nothing_is_stale() -> None:
    base = baseline(("a.md", "raw-html", 1), ("gone.md", "edition-date-far", 1), ("b.md", "url-scheme", 3))
    split = split_known([problem("a.md", "raw-html"), problem("b.md", "url-scheme")], base)
    assert [(e.file, unused) for e, unused in unmatched(base, split.matched)] == [("gone.md", 1), ("b.md", 2)]


def test_the_key_is_relative_to_the_baseline_folder_wherever_the_command_runs(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    base = Baseline(entries=(Entry(file="x.md", code="raw-html"),), folder=folder)
    assert base.key(str(folder / "x.md")) == "x.md"
    with contextlib.chdir(tmp_path / ".."):
        assert base.key(f"{tmp_path.name}/posts/x.md") == "x.md"


def test_written_then_read_is_the_same_and_stable(tmp_path: Path) -> None:
    hostile = 'x": 1\n  - file: "evil.md'  # quotes and a line end in a message can't add an entry
    problems = [
        problem("posts/b.md", "raw-html", 2),
        problem("posts/a.md", "url-scheme", 4),
        problem("posts/a.md", "url-scheme", 7),
        problem("posts/a.md", "yaml", severity="error"),
        Problem(path="posts/c.md", line=1, code="edition-tag", message=hostile),
    ]
    base = Baseline(folder=tmp_path / "posts")
    with contextlib.chdir(tmp_path):
        entries = entries_of(problems, base)
    text = format_baseline(entries)
    (tmp_path / "b.yml").write_text(text, encoding="utf-8")
    read, found = load_baseline(tmp_path / "b.yml", "b.yml")
    assert found == []
    assert [(e.file, e.code, e.count) for e in read.entries] == [
        ("a.md", "url-scheme", 2),
        ("b.md", "raw-html", 1),
        ("c.md", "edition-tag", 1),
    ]
    assert read.entries[2].message == f"line 1: {hostile}"
    assert format_baseline(read.entries) == text


BAD_ENTRIES = {
    "- just text\n": "an entry must be a mapping",
    "- {file: a.md, code: raw-html, count: two}\n": "'count' must be a whole number",
    "- {file: a.md, code: Raw HTML}\n": "'code' must be a problem code",
    "- {code: raw-html}\n": "'file' must be a path",
    "- {file: a.md, code: raw-html, hide: all}\n": "unknown keys ['hide']",
    "- {file: a.md, code: slug-collision}\n": "errors are never baselined",
}


@pytest.mark.parametrize("entry", sorted(BAD_ENTRIES))
def test_a_bad_entry_is_a_located_warning_and_left_out(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "baseline.yml"
    path.write_text("version: 1\nknown:\n  - {file: ok.md, code: raw-html}\n  " + entry, encoding="utf-8")
    read, found = load_baseline(path, "posts/baseline.yml", error_codes={"slug-collision"})
    assert [(e.file, e.code) for e in read.entries] == [("ok.md", "raw-html")]
    assert [(p.line, p.code, p.severity) for p in found] == [(4, "baseline-entry", "warning")]
    assert BAD_ENTRIES[entry] in found[0].message


@pytest.mark.parametrize(
    "text", ["known: [\n", "known: !!python/object:os.system x\n", "version: 2\nknown: []\n", "known: &a [*a]\n"]
)
def test_an_unreadable_baseline_is_an_error_and_hides_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "baseline.yml"
    path.write_text(text, encoding="utf-8")
    read, found = load_baseline(path, "posts/baseline.yml")
    assert read.entries == () and [(p.code, p.severity) for p in found] == [("baseline-yaml", "error")]


def test_a_linked_or_huge_baseline_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real.yml").write_text("known:\n  - {file: a.md, code: raw-html}\n", encoding="utf-8")
    (tmp_path / "link.yml").symlink_to(tmp_path / "real.yml")
    (tmp_path / "huge.yml").write_text("#" * 2_000_001, encoding="utf-8")
    for name in ("link.yml", "huge.yml"):
        read, found = load_baseline(tmp_path / name, name)
        assert read.entries == () and "regular file" in found[0].message


# --- newsletter check ----------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)

    def build(posts: dict[str, str]) -> Path:
        root = make_site(tmp_path, posts)
        (root / "conf.py").write_text((root / "conf.py").read_text(encoding="utf-8") + CONF_EXTRA, encoding="utf-8")
        (root / "index.md").write_text(INDEX, encoding="utf-8")
        return root

    return build


def check(root: Path, *args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = main(["--conf-dir", str(root), "check", *args], out=out)
    return status, out.getvalue().splitlines()


def located(lines: list[str]) -> set[tuple[str, int, str]]:
    return {(m["path"], int(m["line"]), m["code"]) for m in map(re.compile(LOCATED).match, lines) if m}


def test_update_writes_exactly_the_current_problems_then_check_is_clean(site) -> None:
    root = site({"2024-01-07-a.md": OLD})
    status, before = check(root, "--strict")
    assert status == 1 and {c for _, _, c in located(before)} == {"edition-date-far", "raw-html", "body-link"}
    status, lines = check(root, "--update-baseline", "--strict")
    assert status == 0 and lines[0] == "posts/baseline.yml: written: 3 entries, 3 known problems", lines
    text = (root / "posts" / "baseline.yml").read_text(encoding="utf-8")
    assert re.findall(r'file: "(.+)"\n    code: "(.+)"\n    count: (\d+)', text) == [
        ("2024-01-07-a.md", "body-link", "1"),
        ("2024-01-07-a.md", "edition-date-far", "1"),
        ("2024-01-07-a.md", "raw-html", "1"),
    ]
    assert located(lines) == set()
    assert lines[-2:] == [
        "3 known problems from the baseline (posts/baseline.yml: 3 entries, up to 3 problems)",
        "1 post checked: 0 errors, 0 warnings",
    ]
    status, again = check(root, "--update-baseline")
    assert (
        again[0].startswith("posts/baseline.yml: unchanged")
        and (root / "posts" / "baseline.yml").read_text(encoding="utf-8") == text
    )
    _, shown = check(root, "--show-known")
    assert sum(": known: " in line for line in shown) == 3


def test_a_new_post_and_a_new_code_in_an_old_post_still_fail(site) -> None:
    root = site({"2024-01-07-a.md": OLD})
    check(root, "--update-baseline")
    site(
        {
            "2024-01-07-a.md": OLD.replace("Um <b>", "Um `x` `<b>` <i>"),  # raw-html again: still one, known
            "2024-01-07-b.md": post(
                title="Outro",
                url="https://example.org/b",
                tag="Edição #1 - 07.02.2024",
                date="2024-01-07 08:00:00 -0300 --->",
            ),
        }
    )
    status, lines = check(root, "--strict")
    assert status == 1
    assert located(lines) == {
        ("posts/2024-01-07-b.md", 3, "edition-date-far"),
        ("posts/2024-01-07-b.md", 3, "date-junk"),
    }
    site({"2024-01-07-a.md": OLD.replace('title: "Um post"', 'title: "Um post"\ncomentado_po: x')})
    (root / "posts" / "2024-01-07-b.md").unlink()
    status, lines = check(root, "--strict")
    assert status == 1 and located(lines) == {("posts/2024-01-07-a.md", 3, "unknown-field")}


def test_a_stale_entry_is_reported_as_info_and_never_fails(site) -> None:
    root = site({"2024-01-07-a.md": OLD})
    check(root, "--update-baseline")
    site({"2024-01-07-a.md": OLD.replace("<b>", "").replace("</b>", "")})
    status, lines = check(root, "--strict")
    assert status == 0, lines
    assert [line for line in lines if "[baseline-stale]" in line] == [
        "posts/baseline.yml:17:1: info: baseline entry ('2024-01-07-a.md', 'raw-html') matches nothing any more "
        "(fixed, or the post is gone); prune it with `newsletter check --update-baseline` [baseline-stale]"
    ]


def test_update_baseline_refuses_a_partial_check(site) -> None:
    root = site({"2024-01-07-a.md": OLD})
    assert main(["--conf-dir", str(root), "check", "--update-baseline", "posts/2024-01-07-a.md"]) == 2
    assert not (root / "posts" / "baseline.yml").exists()


# --- the build agrees ----------------------------------------------------------------------------


def build(root: Path, *options: str) -> tuple[int, list[str]]:
    from sphinx.cmd.build import build_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = build_main(["-b", "html", "-W", "--keep-going", "-N", *options, ".", "_build/html"])
    return status, out.getvalue().splitlines() + err.getvalue().splitlines()


def test_check_and_build_agree(site) -> None:
    root = site({"2024-01-07-a.md": OLD})
    check(root, "--update-baseline")
    site(
        {
            "2024-01-07-a.md": OLD,
            "2024-01-07-b.md": post(
                title="Outro",
                url="https://example.org/b",
                tag="Edição #1 - 07.02.2024",
                body="Outro [link](ftp://example.org/y).",
            ),
        }
    )
    _, checked = check(root)
    built_status, built = build(root)
    assert built_status == 1
    assert (
        located(built)
        == located(checked)
        == {("posts/2024-01-07-b.md", 3, "edition-date-far"), ("posts/2024-01-07-b.md", 9, "body-link")}
    )
    assert "newsletter: baseline posts/baseline.yml: 3 entries, up to 3 known problems" in built
    assert "newsletter: 3 known problems from the baseline (posts/baseline.yml: 3 entries), not warned about" in built
    (root / "posts" / "2024-01-07-b.md").unlink()
    assert build(root)[0] == 0


def test_the_build_reports_a_stale_entry_and_rereads_posts_when_the_baseline_changes(site) -> None:
    root = site({"2024-01-07-a.md": OLD})
    check(root, "--update-baseline")
    assert build(root)[0] == 0
    path = root / "posts" / "baseline.yml"
    text = path.read_text(encoding="utf-8")
    # One more body-link allowed: the post's page is read again and the entry counted once.
    path.write_text(text.replace('"body-link"\n    count: 1', '"body-link"\n    count: 2'), encoding="utf-8")
    status, lines = build(root)
    assert (
        status == 0
        and "newsletter: 3 known problems from the baseline (posts/baseline.yml: 3 entries), not warned about" in lines
    )
    assert any(
        line.startswith("posts/baseline.yml:9: baseline entry ('2024-01-07-a.md', 'body-link') counts 2 but matches 1")
        for line in lines
    ), lines
    # The entry removed: the body problem warns again, though the post did not change.
    path.write_text(
        re.sub(r'  - file: "2024-01-07-a.md"\n    code: "body-link"\n(?:    .*\n)+?(?=  - )', "", text),
        encoding="utf-8",
    )
    status, lines = build(root)
    assert status == 1 and located(lines) == {("posts/2024-01-07-a.md", 9, "body-link")}, lines


# --- the acceptance path, on the real corpus -----------------------------------------------------


def test_a_real_archive_goes_green_and_the_next_mistake_still_fails(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(ROOTS / "test-corpus", root)
    conf = root / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + 'newsletter_images_dir = "posts/images"\n'
        'newsletter_baseline_file = "posts/baseline.yml"\n',
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main(["--conf-dir", str(root), "import", str(corpus)], out=out) == 0, out.getvalue()
    assert main(["--conf-dir", str(root), "check", "--update-baseline"], out=io.StringIO()) == 0
    status, lines = build(root, "-q")
    assert status == 0, lines
    late = root / "posts" / "2022-11-14-um-post-novo.md"
    edition = max(
        int(m)
        for m in re.findall(
            r"Edição #(\d+)", "\n".join(p.read_text(encoding="utf-8") for p in (root / "posts").glob("*.markdown"))
        )
    )
    late.write_text(
        post(
            title="Um post novo",
            url="https://example.org/novo",
            date="2022-11-14 08:00:00 -0300",
            tag=f"Edição #{edition + 1} - 14.12.2022",
            profile="https://www.linkedin.com/in/x",
        ),
        encoding="utf-8",
    )
    status, lines = build(root, "-q")
    assert status == 1
    assert located(lines) == {("posts/2022-11-14-um-post-novo.md", 3, "edition-date-far")}, lines
    assert os.path.exists(root / "_build" / "html" / "index.html")
