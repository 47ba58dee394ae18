"""Atomic writes: every file is written whole or not at all (core/files.py), by the build and the CLI.

A killed ``newsletter import`` (a real process, ``SIGKILL`` just before one
of its files gets its name) leaves each post untouched or complete; run
again, it finishes the job, and the folders equal those of an import that
was never interrupted. A full disk is a message naming the file.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core import files
from sphinx_newsletter.core.files import PARTIAL_SUFFIX, remove_partials, write_atomic
from test_cli import PNG, make_site, post


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the helper ------------------------------------------------------------------------------------


def test_write_atomic_replaces_whole_with_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    target.write_bytes(b"old")
    old_umask = os.umask(0o022)
    try:
        write_atomic(target, b"new")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o644  # not a temporary file's 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.xml"]


def test_write_atomic_replaces_a_link_and_never_writes_through_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep")
    link = tmp_path / "out" / "page.html"
    link.parent.mkdir()
    link.symlink_to(outside)
    write_atomic(link, b"page")
    assert outside.read_bytes() == b"keep" and not link.is_symlink() and link.read_bytes() == b"page"


def test_write_atomic_exclusive_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "post.md"
    write_atomic(target, b"one", exclusive=True)
    with pytest.raises(FileExistsError) as raised:
        write_atomic(target, b"two", exclusive=True)
    assert raised.value.filename == str(target)
    assert target.read_bytes() == b"one" and sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]


def test_an_error_names_the_target_and_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    _disk_full(monkeypatch)
    with pytest.raises(OSError) as raised:
        write_atomic(tmp_path / "sitemap.xml", b"x")
    assert raised.value.filename == str(tmp_path / "sitemap.xml") and raised.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_remove_partials_removes_only_temporary_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    keep = [tmp_path / "a" / "x.md", tmp_path / ".hidden", tmp_path / "y.nl-partial"]
    for path in keep:
        path.write_bytes(b"")
    (tmp_path / "a" / f".x.md.1234abcd{PARTIAL_SUFFIX}").write_bytes(b"half")
    assert remove_partials(tmp_path) == 1
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(keep)


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    class Full(io.BytesIO):
        def write(self, data):  # type: ignore[override]
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "open", lambda *args, **kwargs: Full(), raising=False)


# --- the CLI ---------------------------------------------------------------------------------------


def test_a_full_disk_is_a_message_naming_the_post(tmp_path: Path, monkeypatch, capsys) -> None:
    root = make_site(tmp_path / "site", {})
    monkeypatch.chdir(tmp_path)
    _disk_full(monkeypatch)
    code = main(
        [
            "--conf-dir",
            str(root),
            "new",
            "--today",
            "2024-01-10",
            "--title",
            "Um título",
            "--url",
            "https://example.org/x",
            "--by",
            "Ana Souza",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert (
        err.startswith("newsletter: error: '")
        and "site/posts/" in err
        and err.rstrip().endswith(".md': No space left on device")
    )
    assert PARTIAL_SUFFIX not in err
    assert not [p for p in (root / "posts").iterdir() if p.name.endswith((".md", PARTIAL_SUFFIX))]


def jekyll_site(folder: Path, count: int = 4) -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "images").mkdir()
    for n in range(1, count + 1):
        text = post(title=f"Post {n}", url=f"https://example.org/{n}", body=f"Corpo {n}. ![i](/images/p{n}.png)")
        (folder / "_posts" / f"2024-01-07-post-{n}.md").write_text(text, encoding="utf-8")
        (folder / "images" / f"p{n}.png").write_bytes(PNG)
    return folder


def import_args(root: Path, site: Path, dest: Path) -> list[str]:
    return [
        "--conf-dir",
        str(root),
        "import",
        str(site),
        "--posts-dir",
        str(dest / "posts"),
        "--images-dir",
        str(dest / "posts" / "images"),
    ]


#: Runs ``newsletter import`` and kills itself at the Nth file about to get its name.
KILL_AT_LINK = """\
import os, signal, sys
from sphinx_newsletter.cli.main import main
n, calls, link = int(sys.argv[1]), [0], os.link
def killing_link(*args, **kwargs):
    calls[0] += 1
    if calls[0] >= n:
        os.kill(os.getpid(), signal.SIGKILL)
    return link(*args, **kwargs)
os.link = killing_link
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("kill_at", [1, 3, 6])  # the first post, a later post, an image
def test_a_killed_import_leaves_complete_posts_and_a_second_run_finishes(
    kill_at: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(tmp_path / "root", {})
    site = jekyll_site(tmp_path / "jekyll")
    monkeypatch.chdir(tmp_path)
    assert main(import_args(root, site, tmp_path / "clean"), out=io.StringIO()) == 0
    clean = tree(tmp_path / "clean")
    dest = tmp_path / "dest"
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_LINK, str(kill_at), *import_args(root, site, dest)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    partial = tree(dest)
    visible = {name: data for name, data in partial.items() if not Path(name).name.startswith(".")}
    assert len(visible) == kill_at - 1
    assert all(clean[name] == data for name, data in visible.items())  # untouched or complete
    assert any(name.endswith(PARTIAL_SUFFIX) for name in partial)  # killed with one file half-done
    assert main(import_args(root, site, dest), out=io.StringIO()) == 0
    assert tree(dest) == clean


# --- the build -------------------------------------------------------------------------------------


def test_build_outputs_are_replaced_not_rewritten_in_place(tmp_path: Path) -> None:
    """A reader holding the old file (here: a hard link to it) keeps the old bytes whole.

    Writing in place would change the linked copy too, and a reader (an
    upload, a web server) could see half of the new file.
    """
    import sitetools

    app = sitetools.make_site(tmp_path, "site")
    app.build()
    src, out = Path(app.srcdir), Path(app.outdir)
    watched = [
        out / "feed.xml",
        out / "atom.xml",
        out / "sitemap.xml",
        out / "archive.json",
        out / "segundo-post" / "index.html",
        src / "arquivo" / "posts" / "segundo-post.md",
    ]
    held = {}
    for n, path in enumerate(watched):
        held[path] = tmp_path / f"held-{n}"
        os.link(path, held[path])
    before = {path: path.read_bytes() for path in watched}
    post_file = src / "posts" / "2024-02-05-segundo-post.md"
    post_file.write_text(
        post_file.read_text(encoding="utf-8").replace("Segundo post", "Segundo post, revisto"), encoding="utf-8"
    )
    from test_faults import NEW_POST

    (src / "posts" / "2024-03-05-quarto-post.md").write_text(NEW_POST, encoding="utf-8")  # a new sitemap entry
    app.cleanup()
    again = sitetools.make_site(tmp_path, "site")
    try:
        again.build()
    finally:
        again.cleanup()  # docutils' directive registry is process-wide: leave it as found
    for path in watched:
        assert path.read_bytes() != before[path], path  # rewritten...
        assert held[path].read_bytes() == before[path], path  # ...as a new file
    assert not [p for p in out.rglob(f"*{PARTIAL_SUFFIX}")]
