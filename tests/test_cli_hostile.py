"""Hostile input for ``newsletter new`` and ``newsletter import``: a matrix per subcommand.

Every case asserts what a user sees and what is left on disk: the exit
status (2 for a bad argument, as argparse; 1 for input that is refused),
a message naming the argument or the file, no traceback, nothing printed
that could end a line or forge another (control characters shown escaped),
and the files written are exactly the expected ones: nothing outside the
posts and images folders, nothing read from outside the imported site.
Import cases run twice: the second run changes nothing.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.frontmatter import read_post
from sphinx_newsletter.core.settings import Settings
from sphinx_newsletter.core.text import printable
from test_cli import PNG, make_site, post

#: What must never reach a terminal raw: C0/C1 controls but the line end, bidi controls, separators.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SECRET = b"root:x:0:0:secret\n"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Run:
    out = io.StringIO()
    capsys.readouterr()
    code = main(argv, out=out)
    result = Run(code, out.getvalue(), capsys.readouterr().err)
    assert "Traceback" not in result.text
    assert not RAW_CONTROL.search(result.text), result.text
    return result


def snapshot(top: Path) -> dict[str, str | bytes]:
    """Every file, link and special file under *top* (links not followed): relative path -> content."""
    found: dict[str, str | bytes] = {}
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(root) / name
            key = path.relative_to(top).as_posix()
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_file():
                found[key] = path.read_bytes()
            elif not path.is_dir():
                found[key] = "special"
    return found


@pytest.fixture
def top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``site/`` (conf.py, posts/ with one post), ``outside/`` (a secret that must stay unread and unwritten)."""
    monkeypatch.chdir(tmp_path)
    make_site(tmp_path / "site", {"2024-01-07-a.md": post()})
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.png").write_bytes(SECRET)
    return tmp_path


# --- new -------------------------------------------------------------------------------------------

GOOD = ["--title", "Um artigo", "--url", "https://example.org/n", "--by", "Ana S."]


@dataclass(frozen=True)
class NewCase:
    args: list[str]
    code: int
    says: str  # in the message
    #: Files expected under posts/ afterwards (relative to site/); none for a refusal.
    writes: tuple[str, ...] = ()
    setup: Callable[[Path], None] | None = None


def _issue(text: bytes | str) -> Callable[[Path], None]:
    def write(top: Path) -> None:
        (top / "issue.md").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return write


def _unreadable(top: Path) -> None:
    (top / "issue.md").write_text("### Seu nome\n\nAna\n", encoding="utf-8")
    (top / "issue.md").chmod(0)


ISSUE_OK = "### Seu nome\n\n{by}\n\n### Título original do artigo\n\n{title}\n\n### URL do artigo\n\nhttps://x.org/a\n"

NEW_CASES = {
    "date-impossible": NewCase([*GOOD, "--date", "2024-13-01"], 2, "argument --date: '2024-13-01'"),
    "date-words": NewCase([*GOOD, "--date", "amanhã"], 2, "argument --date: 'amanhã' is not a date"),
    "date-compact": NewCase([*GOOD, "--date", "20240114"], 2, "argument --date"),
    "date-control": NewCase([*GOOD, "--date", "2024-01-14\x1b[2J"], 2, "argument --date: '2024-01-14\\x1b[2J'"),
    "today-bad": NewCase([*GOOD, "--today", "2024-02-30"], 2, "argument --today: '2024-02-30'"),
    "edition-zero": NewCase([*GOOD, "--edition", "0"], 2, "argument --edition"),
    "edition-negative": NewCase([*GOOD, "--edition", "-3"], 2, "argument --edition"),
    "edition-huge": NewCase([*GOOD, "--edition", "1" + "0" * 30], 2, "argument --edition"),
    "title-escape": NewCase([*GOOD, "--title", "a\x1b[31mb"], 2, "argument --title: 'a\\x1b[31mb' has the control"),
    "title-bidi": NewCase([*GOOD, "--title", "abc\u202edef"], 2, "argument --title: 'abc\\u202edef'"),
    "title-not-utf8": NewCase(
        [*GOOD, "--title", os.fsdecode(b"caf\xe9")], 2, "argument --title: 'caf\\udce9' is not valid UTF-8"
    ),
    "by-forges-a-line": NewCase([*GOOD, "--by", "Ana\nnewsletter: ok"], 2, "argument --by: 'Ana\\nnewsletter: ok'"),
    "comment-nul": NewCase([*GOOD, "--comment", "a\x00b"], 2, "argument --comment"),
    "slug-control": NewCase([*GOOD, "--slug", "a\rb"], 2, "argument --slug"),
    "issue-missing": NewCase(["--from-issue", "nope.md"], 2, "argument --from-issue: 'nope.md' does not exist"),
    "issue-folder": NewCase(["--from-issue", "outside"], 2, "argument --from-issue: 'outside' is not a regular file"),
    "issue-device": NewCase(["--from-issue", os.devnull], 2, f"argument --from-issue: '{os.devnull}' is not a regular"),
    "issue-not-utf8": NewCase(
        ["--from-issue", "issue.md"],
        2,
        "'issue.md' is not UTF-8 (byte 0xff on line 3)",
        setup=_issue(b"### Seu nome\n\nJos\xff\n"),
    ),
    "issue-huge": NewCase(
        ["--from-issue", "issue.md"],
        2,
        "'issue.md' is larger than 1000000 bytes",
        setup=_issue("### Seu comentário\n\n" + "a" * 1_000_000),
    ),
    "issue-control-in-title": NewCase(
        ["--from-issue", "issue.md"],
        2,
        "argument --from-issue: 'issue.md': title has the control or format character U+001B",
        setup=_issue(ISSUE_OK.format(by="Ana S.", title="x\x1b]8;;https://evil\x07y")),
    ),
    "issue-bidi-in-name": NewCase(
        ["--from-issue", "issue.md"],
        2,
        "by has the control or format character U+2067",
        setup=_issue(ISSUE_OK.format(by="Ana \u2067S.", title="ok")),
    ),
    "issue-name-escaped": NewCase(["--from-issue", "a\x1b[2Jb.md"], 2, "'a\\x1b[2Jb.md' does not exist"),
    "today-past-the-calendar": NewCase([*GOOD, "--today", "9999-12-31"], 1, "fits the calendar; pass --date"),
    "date-year-999": NewCase([*GOOD, "--date", "0999-01-01"], 1, "newsletter new: error:"),
    # Accepted: the slug is made a page name, so it can't climb out of posts/.
    "slug-climbs": NewCase([*GOOD, "--slug", "../../outside/x"], 0, "", writes=("2024-01-14-outside-x.md",)),
    # Refused before anything is written: a name that climbs out of the images
    # folder, and a path to a file that is not in it (nothing is read from it).
    "image-climbs": NewCase([*GOOD, "--image", "../../outside/secret.png"], 1, "image '../../outside/secret.png'"),
    "image-path-outside": NewCase(
        [*GOOD, "--image", "outside/secret.png"], 1, "is outside the images folder site/posts/images"
    ),
}


@pytest.mark.parametrize("case", NEW_CASES.values(), ids=NEW_CASES.keys())
def test_new_hostile_input(case: NewCase, top: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if case.setup:
        case.setup(top)
    before = snapshot(top)
    result = run(["--conf-dir", "site", "new", "--today", "2024-01-10", *case.args], capsys)
    assert result.code == case.code, result.text
    assert case.says in result.text
    after = snapshot(top)
    written = {name.removeprefix("site/posts/") for name in after.keys() - before.keys()}
    assert written == set(case.writes)
    assert {k: after[k] for k in before} == before  # nothing else changed


def test_new_unreadable_issue_file(top: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _unreadable(top)
    if os.access(top / "issue.md", os.R_OK):
        pytest.skip("running as root: permissions are not enforced")
    result = run(["--conf-dir", "site", "new", "--from-issue", "issue.md"], capsys)
    assert (result.code, result.err.strip()) == (
        2,
        "newsletter: error: argument --from-issue: cannot read 'issue.md': Permission denied",
    )


def test_new_from_a_non_utf8_stdin(
    top: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"### Seu nome\n\n\xc3\n")))
    result = run(["--conf-dir", "site", "new", "--from-issue", "-"], capsys)
    assert result.code == 2 and "argument --from-issue: standard input is not UTF-8 (byte 0xc3 on line 3)" in result.err


def test_new_bad_bytes_in_argv_through_the_real_command(top: Path) -> None:
    """The installed entry point: argv bytes that are not UTF-8, stderr that must still be printable."""
    done = subprocess.run(
        [sys.executable, "-m", "sphinx_newsletter", "--conf-dir", "site", "new", *GOOD, "--date", b"2024-01-1\xff"],
        capture_output=True,
        cwd=top,
        check=False,
    )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2 and "Traceback" not in err
    assert "argument --date: '2024-01-1\\udcff' is not a date written YYYY-MM-DD" in err


# --- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportCase:
    build: Callable[[Path], None]  # makes the hostile site (jek/) and destination (dest/) under top
    code: int
    says: tuple[str, ...]
    #: Files expected under dest/ afterwards.
    writes: frozenset[str] = field(default_factory=frozenset)
    #: File -> front-matter redirect_from and body the build's reader must find in it.
    reads: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)


def _jekyll(top: Path, posts: dict[str, str], images: dict[str, bytes] | None = None) -> Path:
    site = top / "jek"
    (site / "_posts").mkdir(parents=True)
    for name, text in posts.items():
        (site / "_posts" / name).write_text(text, encoding="utf-8")
    for name, data in (images or {}).items():
        (site / "images" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "images" / name).write_bytes(data)
    return site


def _with_image(path: str) -> str:
    return post(extra=f"image: /images/{path}\n")


def images_folder_is_a_link(top: Path) -> None:
    site = _jekyll(top, {"2024-01-07-a.md": _with_image("secret.png")})
    (site / "images").symlink_to(top / "outside")


def image_file_is_a_link(top: Path) -> None:
    site = _jekyll(top, {"2024-01-07-a.md": _with_image("secret.png")}, {"ok.png": PNG})
    (site / "images" / "secret.png").symlink_to(top / "outside" / "secret.png")


def image_subfolder_is_a_link(top: Path) -> None:
    site = _jekyll(top, {"2024-01-07-a.md": _with_image("sub/secret.png")}, {"ok.png": PNG})
    (site / "images" / "sub").symlink_to(top / "outside")


def posts_folder_is_a_link(top: Path) -> None:
    (top / "jek").mkdir()
    (top / "outside" / "2024-01-07-a.md").write_text(post(), encoding="utf-8")
    (top / "jek" / "_posts").symlink_to(top / "outside")


def posts_subfolder_is_a_link(top: Path) -> None:
    site = _jekyll(top, {"2024-01-07-a.md": post()})
    (top / "outside" / "2024-01-08-b.md").write_text(post(date="2024-01-08"), encoding="utf-8")
    (site / "_posts" / "sub").symlink_to(top / "outside")


def image_path_climbs(top: Path) -> None:
    _jekyll(
        top,
        {"2024-01-07-a.md": post(body="![x](/images/../../outside/secret.png) ![y](/images/sub/../ok.png)")},
        {"ok.png": PNG},
    )


def post_file_is_a_link(top: Path) -> None:
    site = _jekyll(top, {})
    (site / "_posts" / "2024-01-07-a.md").symlink_to(top / "outside" / "secret.png")


#: The old site's posts: Foo (first), then a collision whose front matter closes with the legacy
#: "--->", whose date has "--->" junk, and whose body has a "---" rule.
FENCED = post(date="2024-01-14 08:00:00 -0300 --->", extra="{extra}", body="antes\n\n---\n\ndepois\n...\n---")


def fenced(extra: str) -> str:
    text = FENCED.replace("{extra}", extra)
    assert "\n---\nantes" in text
    return text.replace("\n---\nantes", "\n--->\nantes")


def _collision(extra: str = "") -> Callable[[Path], None]:
    def build(top: Path) -> None:
        _jekyll(top, {"2024-01-07-Foo.md": post(), "2024-01-14-foo.md": fenced(extra)})

    return build


def control_char_file_name(top: Path) -> None:
    _jekyll(top, {"2024-01-07-a.md": post(), "2024-01-08-b\nimported  x -> y.md": post(date="2024-01-08")})


def non_utf8_file_name(top: Path) -> None:
    site = _jekyll(top, {"2024-01-07-a.md": post()})
    (site / "_posts" / os.fsdecode(b"2024-01-08-caf\xe9.md")).write_text(post(date="2024-01-08"), encoding="utf-8")


def non_utf8_content(top: Path) -> None:
    site = _jekyll(top, {})
    (site / "_posts" / "2024-01-07-a.md").write_bytes(post(title="Caf\udce9").encode("utf-8", "surrogateescape"))


def destination_images_is_a_link(top: Path) -> None:
    _jekyll(top, {"2024-01-07-a.md": _with_image("ok.png")}, {"ok.png": PNG})
    (top / "dest" / "posts").mkdir(parents=True)
    (top / "dest" / "posts" / "images").symlink_to(top / "outside")


def destination_image_subfolder_is_a_link(top: Path) -> None:
    _jekyll(top, {"2024-01-07-a.md": _with_image("sub/x.png")}, {"sub/x.png": PNG})
    (top / "dest" / "posts" / "images").mkdir(parents=True)
    (top / "dest" / "posts" / "images" / "sub").symlink_to(top / "outside")


def destination_post_is_a_link(top: Path) -> None:
    _jekyll(top, {"2024-01-07-a.md": post()})
    (top / "dest" / "posts").mkdir(parents=True)
    (top / "dest" / "posts" / "2024-01-07-a.md").symlink_to(top / "outside" / "planted.md")


def destination_post_is_a_pipe(top: Path) -> None:
    _jekyll(top, {"2024-01-07-a.md": post()})
    (top / "dest" / "posts").mkdir(parents=True)
    os.mkfifo(top / "dest" / "posts" / "2024-01-07-a.md")


POST_A = "posts/2024-01-07-a.md"
RENAMED = "posts/2024-01-14-foo-2.md"
IMPORTED_FOO = frozenset({"posts/2024-01-07-Foo.md", RENAMED})
BODY = "antes\n\n---\n\ndepois\n...\n---\n"  # the file ends with a line end

IMPORT_CASES = {
    "symlinked-images-folder": ImportCase(
        images_folder_is_a_link,
        0,
        (
            "image missing      secret.png (used by jek/_posts/2024-01-07-a.md): the site's "
            "images/ is a symbolic link out of the site; not read",
        ),
        frozenset({POST_A}),
    ),
    "symlinked-image-file": ImportCase(
        image_file_is_a_link,
        0,
        (
            "image missing      secret.png (used by jek/_posts/2024-01-07-a.md): is outside "
            "the site's images folder or behind a symbolic link",
        ),
        frozenset({POST_A}),
    ),
    "symlinked-image-subfolder": ImportCase(
        image_subfolder_is_a_link,
        0,
        (
            "image missing      sub/secret.png (used by jek/_posts/2024-01-07-a.md): is "
            "outside the site's images folder",
        ),
        frozenset({POST_A}),
    ),
    "symlinked-posts-folder": ImportCase(
        posts_folder_is_a_link, 1, ("skipped   jek: _posts/ is a symbolic link out of the site; not read",)
    ),
    "symlinked-posts-subfolder": ImportCase(posts_subfolder_is_a_link, 0, ("1 imported",), frozenset({POST_A})),
    "image-path-climbs": ImportCase(
        image_path_climbs, 0, ("image unreferenced jek/images/ok.png",), frozenset({POST_A})
    ),
    "symlinked-post-file": ImportCase(
        post_file_is_a_link, 1, ("skipped   jek/_posts/2024-01-07-a.md: refused: symbolic links",)
    ),
    "collision-legacy-fence-and-rule": ImportCase(
        _collision(),
        0,
        ("renamed   jek/_posts/2024-01-14-foo.md -> dest/posts/2024-01-14-foo-2.md (old URL /foo/",),
        IMPORTED_FOO,
        {RENAMED: (("foo/",), BODY)},
    ),
    "collision-redirect-string": ImportCase(
        _collision("redirect_from: /velho/\n"),
        0,
        ("(old URL /foo/ recorded in redirect_from)",),
        IMPORTED_FOO,
        {RENAMED: (("velho/", "foo/"), BODY)},
    ),
    "collision-redirect-block-list": ImportCase(
        _collision("redirect_from:\n- /um/\n  # comentário\n- dois\n\n# fim\n"),
        0,
        ("(old URL /foo/ recorded",),
        IMPORTED_FOO,
        {RENAMED: (("um/", "dois/", "foo/"), BODY)},
    ),
    "collision-redirect-already-there": ImportCase(
        _collision('redirect_from: ["/foo/"]\n'),
        0,
        ("(old URL /foo/ recorded",),
        IMPORTED_FOO,
        {RENAMED: (("foo/",), BODY)},
    ),
    "collision-redirect-mapping": ImportCase(
        _collision("redirect_from: {a: /b/}\n"),
        1,
        (
            "skipped   jek/_posts/2024-01-14-foo.md: its page name is taken and its 'redirect_from' (line 8) is not a "
            "string or a list of strings, so the old URL /foo/ cannot be recorded",
        ),
        frozenset({"posts/2024-01-07-Foo.md"}),
    ),
    "control-char-in-file-name": ImportCase(
        control_char_file_name,
        1,
        ("skipped   jek/_posts/2024-01-08-b\\x0aimported  x -> y.md: the file name has control or format characters",),
        frozenset({POST_A}),
    ),
    "non-utf8-file-name": ImportCase(
        non_utf8_file_name,
        1,
        ("skipped   jek/_posts/2024-01-08-caf\\xe9.md: the file name is not UTF-8",),
        frozenset({POST_A}),
    ),
    "non-utf8-content": ImportCase(
        non_utf8_content, 1, ("skipped   jek/_posts/2024-01-07-a.md: refused: the file is not UTF-8",)
    ),
    "destination-images-is-a-link": ImportCase(
        destination_images_is_a_link, 1, ("dest/posts/images is a symbolic link; nothing imported",)
    ),
    "destination-image-subfolder-is-a-link": ImportCase(
        destination_image_subfolder_is_a_link,
        1,
        (
            "image conflict     jek/images/sub/x.png -> dest/posts/images/sub/x.png: outside the images folder or "
            "behind a symbolic link; not written",
        ),
        frozenset({POST_A}),
    ),
    "destination-post-is-a-link": ImportCase(
        destination_post_is_a_link,
        1,
        (
            "skipped   jek/_posts/2024-01-07-a.md: dest/posts/2024-01-07-a.md is "
            "outside the posts folder or behind a symbolic link; not written",
        ),
    ),
    "destination-post-is-a-pipe": ImportCase(
        destination_post_is_a_pipe,
        1,
        (
            "skipped   jek/_posts/2024-01-07-a.md: dest/posts/2024-01-07-a.md is "
            "there and is not a regular file; not overwritten",
        ),
    ),
}

REPORT_LINE = re.compile(r"^(?:imported  |renamed   |unchanged |skipped   |image \w+ +|\d+ imported \()")


@pytest.mark.parametrize("case", IMPORT_CASES.values(), ids=IMPORT_CASES.keys())
def test_import_hostile_site(case: ImportCase, top: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case.build(top)
    before = snapshot(top)
    argv = ["--conf-dir", "site", "import", "jek", "--posts-dir", "dest/posts", "--images-dir", "dest/posts/images"]
    result = run(argv, capsys)
    assert result.code == case.code, result.text
    for said in case.says:
        assert said in result.out, result.out
    assert all(REPORT_LINE.match(line) for line in result.out.splitlines()), result.out  # no forged line
    after = snapshot(top)
    assert {k.removeprefix("dest/") for k in after.keys() - before.keys()} == case.writes
    assert {k: after[k] for k in before} == before  # the site, outside/ and what was in dest/ untouched
    for name, (redirects, body) in case.reads.items():
        found, problems = read_post(top / "dest" / name, name, Settings())
        assert found is not None, problems
        assert (found.redirect_from, found.body) == (redirects, body)
        assert not [p for p in problems if p.code in ("yaml-duplicate", "redirect-refused")]
    assert run(argv, capsys).code == case.code
    assert snapshot(top) == after  # a second run changes nothing


def test_import_site_argument_that_is_not_a_folder(top: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(["--conf-dir", "site", "import", "outside/secret.png"], capsys)
    assert (result.code, result.err.strip()) == (
        2,
        "newsletter: error: argument SITE_DIR: 'outside/secret.png' is not a folder",
    )


def test_import_file_names_through_the_real_command(top: Path) -> None:
    """Names that are not UTF-8 or hold an escape reach the real stdout escaped, and it stays UTF-8."""
    site = _jekyll(top, {"2024-01-07-a\x1b[2J.md": post()})
    (site / "_posts" / os.fsdecode(b"2024-01-08-\xff.md")).write_text(post(date="2024-01-08"), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx_newsletter",
            "--conf-dir",
            "site",
            "import",
            "jek",
            "--posts-dir",
            "dest",
            "--dry-run",
        ],
        capture_output=True,
        cwd=top,
        check=False,
    )
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1 and "Traceback" not in done.stderr.decode("utf-8")
    assert "skipped   jek/_posts/2024-01-07-a\\x1b[2J.md: the file name has control" in out
    assert "skipped   jek/_posts/2024-01-08-\\xff.md: the file name is not UTF-8" in out


# --- the shared rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain ação", "plain ação"),
        ("a\nb\r\tc", "a\\x0ab\\x0d\\x09c"),
        ("\x1b[2J\x7f\x85", "\\x1b[2J\\x7f\\x85"),
        ("abc\u202edef\u2028", "abc\\u202edef\\u2028"),
        (os.fsdecode(b"caf\xe9"), "caf\\xe9"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(shown) == shown  # escaping twice changes nothing


# --- the last resort and the configuration -----------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["new", *GOOD, "--posts-dir", "outside/secret.png/posts"],
        ["import", "jek", "--posts-dir", "outside/secret.png/posts"],
    ],
    ids=["new", "import"],
)
def test_a_folder_that_cannot_be_written_is_named(
    argv: list[str], top: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _jekyll(top, {"2024-01-07-a.md": post()})
    before = snapshot(top)
    result = run(["--conf-dir", "site", *argv], capsys)
    assert result.code == 1
    assert re.fullmatch(r"newsletter: error: '[^']*/outside/secret\.png/posts[^']*': Not a directory\n", result.err)
    assert snapshot(top) == before


def test_a_config_value_of_the_wrong_type_is_a_message(top: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (top / "site" / "conf.py").write_text('extensions = ["sphinx_newsletter"]\nnewsletter_posts_dir = 5\n')
    result = run(["--conf-dir", "site", "new", *GOOD], capsys)
    assert (result.code, result.err.strip()) == (
        2,
        f"newsletter: error: {top}/site/conf.py: newsletter_posts_dir must be str, not int",
    )
