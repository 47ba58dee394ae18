"""Post bodies: every address on the doctree against one policy, options per directive, caps, check = build.

``tests/roots/test-bodies`` holds a post whose every link and image tries to
read ``secret/passwd.txt`` (or run script) through an address Sphinx would
take for a local path (``http:/../../../secret``), through Markdown images,
``{image}``, ``{figure}``, a glob, an image's ``:target:`` and a
sphinx-design card's ``:img-*:`` and ``:link:``; CSS through ``{div}``'s
``:style:``, ``{container}``'s classes and ``:class:``; and a table over
the cells cap.
"""

from __future__ import annotations

import json
import re
import warnings
from io import StringIO
from pathlib import Path

import pytest
from sitetools import without_share_links
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp
from test_hostile import Built, build_root

POST = "2024-03-04-enderecos.md"
SECRET = b"TOPSECRET"
_WARNING = re.compile(r"(?P<path>\S+\.md):(?P<line>\d+): WARNING: (?P<message>.*) \[newsletter\.(?P<code>[a-z-]+)\]$")


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory):
    built = build_root("test-bodies", tmp_path_factory.mktemp("bodies"))
    yield built
    built.app.cleanup()


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _build_refusals(built: Built) -> set[tuple[str, int, str]]:
    found = set()
    for line in built.warnings:
        match = _WARNING.search(line)
        if match and match["code"].startswith("body-"):
            found.add((Path(match["path"]).name, int(match["line"]), match["code"]))
    return found


def test_no_file_outside_the_images_folder_reaches_the_output(bodies: Built) -> None:
    assert sorted(p.name for p in (bodies.out / "_images").iterdir() if p.is_file()) == ["ok.png"]
    assert not (bodies.out / "_downloads").exists()
    leaked = [p for p in bodies.out.rglob("*") if p.is_file() and SECRET in p.read_bytes()]
    assert leaked == []


def test_no_refused_address_or_css_in_the_page(bodies: Built) -> None:
    page = without_share_links(bodies.page("arquivo/posts/enderecos"))
    for bad in (
        'href="javascript:',
        'href="mailto:',
        'src="http:/.',
        'src="https:/.',
        'src="https:///',
        'href="http:/..',
        "_images/passwd",
        'style="position',
    ):
        assert bad not in page, bad
    classes = " ".join(re.findall(r'class="([^"]*)"', page)).split()
    assert "sd-position-fixed" not in classes and "sd-d-none" not in classes
    # The allowed ones are kept: a mirrored image, https links (a card's too).
    assert '<img alt="e" src="../../_images/ok.png"' in page
    assert 'href="https://example.org/ok"' in page
    assert 'href="https://example.org/bom"' in page
    assert "PWN site moved" in page  # the refused {div} is shown as text


@pytest.mark.parametrize(
    ("needle", "code", "message"),
    [
        ("![a](http:/", "body-image", "image 'http:/../../../secret/passwd.txt' removed: it has no valid host"),
        ("![a](http:/", "body-image", "image 'https:///etc/passwd' removed"),
        ("```{image} http:/", "body-image", "image 'http:/../../../secret/passwd.txt' removed"),
        ("```{figure} https:/", "body-image", "image 'https:/../../../secret/passwd.txt' removed"),
        ("passwd.*", "body-image", "image '/images/../../../secret/passwd.*' removed"),
        ("```{image} /images/ok.png", "body-link", "link 'http:/../../../secret/passwd.txt' removed"),
        ("````{card} Cartão", "body-image", "image '../../../secret/passwd.txt' removed"),
        ("````{card} Cartão", "body-link", "link \"javascript:alert('PWN')\" removed"),
        ("[w](mailto:", "body-link", "link 'mailto:pwn@example.org' removed"),
        ("```{div}", "body-option", "the option(s) 'style' of the directive 'div' are not allowed"),
        ("```{container} sd-position-fixed", "body-option", "'container' takes no arguments"),
        ("```{note}", "body-option", "the option(s) 'class' of the directive 'note'"),
    ],
)
def test_each_refusal_is_a_warning_at_the_post_line(bodies: Built, needle: str, code: str, message: str) -> None:
    line = _line(bodies.src / "posts" / POST, needle)
    assert any(
        f"{POST}:{line}: WARNING: " in w and message in w and f"[newsletter.{code}]" in w for w in bodies.warnings
    ), (line, message)


def test_check_reports_what_the_build_refuses(bodies: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    from sphinx_newsletter.cli.main import main

    out = StringIO()
    status = main(["--conf-dir", str(bodies.src), "check", "--format", "json", str(bodies.src / "posts")], out)
    assert status == 0  # warnings only
    checked = {
        (Path(p["path"]).name, p["line"], p["code"])
        for p in json.loads(out.getvalue())["problems"]
        if p["code"].startswith("body-")
    }
    built = _build_refusals(bodies)
    assert {r for r in built if r[0] == POST}  # the hostile post has refusals
    assert checked == built


def test_a_table_over_the_cap_is_text(bodies: Built) -> None:
    page = bodies.page("arquivo/posts/tabela")
    assert page.count("<table") == 1  # the small table (6 cells) is kept, the 40-cell one is not
    assert "c00" in page and "<pre>" in page
    path = bodies.src / "posts" / "2024-03-04-tabela.md"
    line = _line(path, "c00")
    refusals = [w for w in bodies.warnings if "tabela.md" in w and "body-table" in w]
    assert (
        len(refusals) == 1
        and f"tabela.md:{line}: WARNING: this table takes the post over 20 table cells" in refusals[0]
    )


def test_a_flood_of_warnings_is_capped_and_still_fails_W(tmp_path: Path) -> None:
    import shutil

    from test_hostile import ROOTS

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-bodies", src)
    for post in (src / "posts").glob("*.md"):
        post.unlink()
    line = " ".join(["{raw}`x`"] * 100)
    (src / "posts" / "2024-03-04-avisos.md").write_text(
        '---\ntitle: "Avisos"\ndate: 2024-03-04\ntag: "Edição #1 - 04.03.2024"\n---\n'
        + "\n\n".join([line] * 100)
        + "\n",
        encoding="utf-8",
    )
    app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=StringIO(), warningiserror=True)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*MystReferenceResolver\.app")
            app.build()
    except SphinxError:
        pass
    finally:
        app.cleanup()
    printed = [w for w in app.warning.getvalue().splitlines() if "avisos.md" in w]
    assert len(printed) == 51, len(printed)  # newsletter_max_warnings_per_post = 50, and the summary
    assert "9950 more warnings about" in printed[-1] and "suppressed" in printed[-1]
    assert app.statuscode == 1  # -W still fails


def test_the_collector_backstop_alone_keeps_files_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the reading-time transform and the final pass off, the ``doctree-read`` backstop still drops them."""
    from sphinx_newsletter import bodyguard

    monkeypatch.setattr(bodyguard.PostUriPolicy, "apply", lambda self, **kwargs: None)
    monkeypatch.setattr(bodyguard, "doctree_resolved", lambda app, doctree, docname: None)
    built = build_root("test-bodies", tmp_path)
    try:
        images = built.out / "_images"
        assert not images.exists() or "passwd.txt" not in {p.name for p in images.iterdir()}
        assert [p for p in built.out.rglob("*") if p.is_file() and SECRET in p.read_bytes()] == []
        assert any(f"{POST}:" in w and "not inside the images folder" in w for w in built.warnings)
    finally:
        built.app.cleanup()


def test_a_body_over_the_size_cap_is_left_out_and_check_says_so(tmp_path: Path) -> None:
    from sphinx_newsletter.cli.main import main

    def cap(src: Path) -> None:
        with open(src / "conf.py", "a", encoding="utf-8") as conf:
            conf.write("newsletter_max_body_tokens = 30\n")

    built = build_root("test-bodies", tmp_path, cap)
    try:
        line = _line(built.src / "posts" / POST, "![a](http:/")  # the body's first line
        assert (POST, line, "body-too-large") in _build_refusals(built)
        assert "Texto do cartão" not in built.page("arquivo/posts/enderecos")
        out = StringIO()
        main(["--conf-dir", str(built.src), "check", "--format", "json", str(built.src / "posts")], out)
        checked = {
            (Path(p["path"]).name, p["line"], p["code"])
            for p in json.loads(out.getvalue())["problems"]
            if p["code"].startswith("body-")
        }
        assert checked == _build_refusals(built)
    finally:
        built.app.cleanup()
