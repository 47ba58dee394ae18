"""Every old URL of the Jekyll site lands on its new page, under html and dirhtml."""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path

import pytest
from sitetools import make_site, warnings_of
from sphinx_newsletter.core.loader import find_post_files, load_archive
from sphinx_newsletter.core.model import split_file_name
from sphinx_newsletter.core.settings import Settings
from sphinx_newsletter.domain import get_domain
from sphinx_newsletter.outputs.redirects import MARKER, legacy_redirects

BASE = "https://destaque.srebrasil.com/"
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def follow(outdir: Path, old: str) -> tuple[Path, str]:
    """The file an old URL path (``/x/``) redirects to, and the redirect page's text."""
    page = outdir / old.strip("/") / "index.html"
    text = page.read_text(encoding="utf-8")
    (href,) = _REFRESH.findall(text)
    target = (page.parent / unescape(href)).resolve()
    return (target / "index.html" if href.endswith("/") else target), text


def test_the_mapping_is_computed_from_the_posts(corpus):
    result = load_archive(corpus / "_posts", corpus / "images", Settings(timezone="America/Sao_Paulo"))
    mapping = legacy_redirects(result.archive)
    for path in find_post_files(corpus / "_posts"):
        old = split_file_name(path.stem)[1]
        post = next(p for p in result.archive.posts.values() if p.slug == old)
        assert mapping[f"{old}/"] == f"arquivo/posts/{post.key}"
    assert "2021-SRE-Report/" in mapping  # case kept, as Jekyll's /:title/
    assert [f"edicao{n}/" in mapping for n in range(1, 26)] == [True] * 25
    assert mapping["marco2022/"] == "arquivo/2022/03"
    assert mapping["busca/"] == "search"


def test_every_old_url_of_the_corpus_lands_on_its_page(tmp_path, corpus):
    """One dirhtml build of the real corpus (Read the Docs' pretty URLs), every old URL followed."""
    app = make_site(
        tmp_path,
        "corpus",
        "dirhtml",
        confoverrides={
            "newsletter_posts_dir": str(corpus / "_posts"),
            "newsletter_images_dir": str(corpus / "images"),
            "html_baseurl": BASE,
        },
    )
    try:
        app.build()
        _check_posts(app, corpus)
        _check_editions_months_search(app.outdir)
    finally:
        app.cleanup()


def _check_posts(app, corpus) -> None:
    archive = get_domain(app.env).archive
    files = find_post_files(corpus / "_posts")
    assert len(files) == 78
    for path in files:
        old = split_file_name(path.stem)[1]
        post = next(p for p in archive.posts.values() if p.slug == old)
        target, page = follow(app.outdir, f"/{old}/")
        assert target == (app.outdir / "arquivo" / "posts" / post.key / "index.html").resolve(), old
        assert f"<h1>{escape(post.title, quote=False)}" in target.read_text(encoding="utf-8"), old
        assert f'<link rel="canonical" href="{BASE}arquivo/posts/{post.key}/">' in page
        assert "<script" not in page


def _check_editions_months_search(out: Path) -> None:
    for number in range(1, 26):
        target, _page = follow(out, f"/edicao{number}/")
        assert target == (out / "arquivo" / "edicoes" / str(number) / "index.html").resolve()
        assert target.is_file()
    for old, month in [("marco2022", "03"), ("abril2022", "04"), ("agosto2022", "08")]:
        target, _page = follow(out, f"/{old}/")
        assert target == (out / "arquivo" / "2022" / month / "index.html").resolve()
        assert target.is_file()
    # Edition #21 is dated 01.09.2022 (its posts in August): filed under September, as the old site did.
    assert follow(out, "/setembro2022/")[0] == (out / "arquivo" / "2022" / "09" / "index.html").resolve()
    assert "Edição #21" in (out / "arquivo" / "2022" / "09" / "index.html").read_text(encoding="utf-8")
    # The old home page's pagination: 78 posts, six a page, pages 2 to 13.
    assert [(out / f"page{n}" / "index.html").is_file() for n in (2, 13, 14)] == [True, True, False]
    target, _page = follow(out, "/page13/")
    # The six oldest posts: edition #1's four and two of #2, the newest first.
    assert target == (out / "arquivo" / "edicoes" / "2" / "index.html").resolve()
    for old in ("/about/", "/contact/"):
        assert follow(out, old)[0] == (out / "index.html").resolve()
    target, _page = follow(out, "/busca/")
    assert target == (out / "search" / "index.html").resolve() and target.is_file()
    assert (out / "404.html").is_file()  # hosts look for /404.html, even under dirhtml


@pytest.mark.sphinx("html", testroot="site")
def test_redirects_under_the_html_builder(app):
    app.build()
    assert warnings_of(app) == []
    target, page = follow(app.outdir, "/Erros-e-Alertas/")
    assert target == app.outdir / "arquivo" / "posts" / "erros-e-alertas.html"
    assert target.is_file()
    # Front-matter text is escaped, and no script carries it.
    assert "<title>Erros &amp; &lt;alertas&gt; &quot;reais&quot;</title>" in page
    assert "<script" not in page and '<meta name="robots" content="noindex">' in page
    assert '<link rel="canonical" href="https://example.org/news/arquivo/posts/erros-e-alertas.html">' in page
    assert follow(app.outdir, "/fevereiro2024/")[0] == app.outdir / "arquivo" / "2024" / "02.html"
    assert follow(app.outdir, "/busca/")[0] == app.outdir / "search.html"
    assert not (app.outdir / "zzdraftzz").exists()


def test_redirects_follow_the_posts_on_incremental_builds(tmp_path):
    app = make_site(tmp_path, "site")
    app.build()
    assert (app.outdir / "segundo-post" / "index.html").is_file()
    (app.srcdir / "posts" / "2024-02-05-segundo-post.md").unlink()
    app.cleanup()
    again = make_site(tmp_path, "site")
    again.build()
    assert not (again.outdir / "segundo-post").exists()
    assert (again.outdir / "Erros-e-Alertas" / "index.html").is_file()
    again.cleanup()


def test_a_rebuild_rewrites_only_the_redirects_that_changed(tmp_path):
    app = make_site(tmp_path, "site")
    app.build()
    redirects = [path for path in app.outdir.glob("*/index.html") if MARKER in path.read_text(encoding="utf-8")]
    pages = {path: path.stat().st_mtime_ns for path in redirects}
    assert len(pages) > 3
    app.cleanup()
    again = make_site(tmp_path, "site")
    again.build()
    again.cleanup()
    assert {path: path.stat().st_mtime_ns for path in pages} == pages


def test_a_real_page_is_never_overwritten(tmp_path):
    app = make_site(tmp_path, "site")
    (app.srcdir / "Erros-e-Alertas").mkdir()
    (app.srcdir / "Erros-e-Alertas" / "index.md").write_text("# Página de verdade\n", encoding="utf-8")
    (app.srcdir / "index.md").write_text(
        (app.srcdir / "index.md")
        .read_text(encoding="utf-8")
        .replace("arquivo/autores/index\n", "arquivo/autores/index\nErros-e-Alertas/index\n"),
        encoding="utf-8",
    )
    app.build()
    assert "Página de verdade" in (app.outdir / "Erros-e-Alertas" / "index.html").read_text(encoding="utf-8")
    assert any("redirect-collision" in line for line in warnings_of(app))
    app.cleanup()


def test_a_post_declares_its_old_urls_with_redirect_from(tmp_path):
    """``newsletter import`` renames a colliding post and records its old URL: it must redirect."""
    import shutil

    from sitetools import ROOTS

    shutil.copytree(ROOTS / "test-site", tmp_path / "site-html")  # make_site reuses this copy
    post = tmp_path / "site-html" / "posts" / "2024-03-04-terceiro-post.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("---\n", "---\nredirect_from: [/Antigo-Terceiro/, '/../x/']\n", 1), encoding="utf-8")
    app = make_site(tmp_path, "site", confoverrides={"html_baseurl": BASE})
    try:
        app.build()
        target, _page = follow(app.outdir, "/Antigo-Terceiro/")
        assert target == (app.outdir / "arquivo/posts/terceiro-post.html").resolve()
        assert [w for w in warnings_of(app) if "redirect-refused" in w] == [
            w for w in warnings_of(app) if "'/../x/' is not a one-segment path" in w
        ]
        assert not (app.outdir.parent / "x").exists()
    finally:
        app.cleanup()


# --- old URLs belong to one page ---------------------------------------------------------------

#: A post of a pull request that tries to take every kind of old URL, and to crash the writer.
THIEF = """---
title: "Ladrão"
date: 2024-03-05 08:00:00 -0300
published: true
tag: "Edição #2 - 04.03.2024"
highlight_title: "Roubo"
highlight_url: "https://example.org/roubo"
comentado_por: "Ladrão"
redirect_from:
  - /Erros-e-Alertas/
  - /antigo-terceiro/
  - /edicao1/
  - /busca/
  - /fevereiro2024/
  - /arquivo/
  - /arquivo/posts/segundo-post/
  - /_static/
  - /feed.xml
  - /search.html
  - /index.html/
  - "."
  - ".."
  - "//"
  - https://evil.example/x/
  - /x?y=1
  - /%2e%2e/
  - /XLONG/
  - /ação/
  - /Livre/
---
Texto.
""".replace("XLONG", "x" * 300)
THIEF_FILE = "posts/2024-03-05-ladrao.md"
#: What the thief may keep: an old URL nobody has (percent-encoding and all).
THIEF_KEEPS = {"ação", "Livre", "ladrao"}


def _thief_site(tmp_path, monkeypatch) -> Path:
    import shutil

    from sitetools import ROOTS

    src = tmp_path / "site-html"
    shutil.copytree(ROOTS / "test-site", src)
    victim = src / "posts" / "2024-03-04-terceiro-post.md"
    victim.write_text(
        victim.read_text(encoding="utf-8").replace("---\n", "---\nredirect_from: /Antigo-Terceiro/\n", 1),
        encoding="utf-8",
    )
    (src / THIEF_FILE).write_text(THIEF, encoding="utf-8")
    monkeypatch.chdir(src)  # messages name posts/... as in a checkout
    return src


def _located(lines: list[str]) -> set[tuple[str, str]]:
    """(file:line, code) of every redirect message, from the build's log or ``newsletter check``."""
    found = set()
    for line in lines:
        match = re.match(r"^(?:.*/)?(posts/[^:]+:\d+)(?::\d+)?: .*\[(?:newsletter\.)?(redirect-[a-z]+)\]$", line)
        if match:
            found.add(match.groups())
    return found


def test_a_post_cannot_take_an_old_url_that_is_not_its_own(tmp_path, monkeypatch):
    _thief_site(tmp_path, monkeypatch)
    app = make_site(tmp_path, "site", confoverrides={"html_baseurl": BASE})
    try:
        app.build()
    finally:
        app.cleanup()
    lines = warnings_of(app)
    out = app.outdir
    line = 10  # redirect_from's value, where every message about a front-matter value points
    taken = [
        f"{THIEF_FILE}:{line}: ERROR: old URL /{old} (redirect_from) already belongs to {owner}; "
        "no redirect from it to this post [newsletter.redirect-taken]"
        for old, owner in [
            ("Erros-e-Alertas/", "posts/2024-02-05-Erros-e-Alertas.md:1 (/Erros-e-Alertas/)"),
            ("antigo-terceiro/", "posts/2024-03-04-terceiro-post.md:2 (/Antigo-Terceiro/)"),
            ("edicao1/", "edition 1 (/edicao1/)"),
            ("busca/", "the search page (/busca/)"),
            ("fevereiro2024/", "the month 2024-02 (/fevereiro2024/)"),
        ]
    ]
    reserved = [
        f"{THIEF_FILE}:{line}: ERROR: old URL /{old}/ (redirect_from) is {name!r}, a page or folder this "
        "site serves itself; no redirect [newsletter.redirect-reserved]"
        for old, name in [("arquivo", "arquivo"), ("feed.xml", "feed.xml"), ("search.html", "search")]
    ]
    for expected in taken + reserved:
        assert expected in lines
    refused = [w for w in lines if "[newsletter.redirect-refused]" in w]
    assert len(refused) == 10 and all(w.startswith(f"{THIEF_FILE}:{line}: WARNING: old URL ") for w in refused)
    assert app.statuscode == 1  # errors fail the build, after everything was written
    # Every victim's old URL still leads to the victim; the thief is published, with what nobody had.
    assert follow(out, "/Erros-e-Alertas/")[0] == out / "arquivo/posts/erros-e-alertas.html"
    assert follow(out, "/Antigo-Terceiro/")[0] == out / "arquivo/posts/terceiro-post.html"
    assert follow(out, "/edicao1/")[0] == out / "arquivo/edicoes/1.html"
    assert follow(out, "/busca/")[0] == out / "search.html"
    assert follow(out, "/fevereiro2024/")[0] == out / "arquivo/2024/02.html"
    assert (out / "arquivo/posts/ladrao.html").is_file() and (out / "feed.xml").is_file()
    for old in THIEF_KEEPS:
        assert follow(out, f"/{old}/")[0] == out / "arquivo/posts/ladrao.html"
    redirects = {p.parent.name for p in out.glob("*/index.html") if MARKER in p.read_text(encoding="utf-8")}
    assert redirects == THIEF_KEEPS | {
        "Erros-e-Alertas",
        "segundo-post",
        "terceiro-post",
        "Antigo-Terceiro",
        "edicao1",
        "edicao2",
        "fevereiro2024",
        "marco2024",
        "busca",
        "about",  # the old theme's pages land on the home page (no sobre.md here)
        "contact",
    }
    assert not (out / "_static/index.html").exists() and not (out / "antigo-terceiro").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site-html"]  # nothing written beside the site


def test_check_reports_what_the_build_reports(tmp_path, monkeypatch, capsys):
    from sphinx_newsletter.cli.main import main

    src = _thief_site(tmp_path, monkeypatch)
    assert main(["--conf-dir", str(src), "check"]) == 1
    cli = _located(capsys.readouterr().out.splitlines())
    app = make_site(tmp_path, "site")
    try:
        app.build()
    finally:
        app.cleanup()
    build = _located(warnings_of(app))
    assert cli == build
    assert (f"{THIEF_FILE}:10", "redirect-taken") in cli and (f"{THIEF_FILE}:10", "redirect-reserved") in cli


def _sphinx_build(src: Path, out: Path, *flags: str) -> int:
    from sphinx.cmd.build import build_main

    return build_main([*flags, "-q", "-b", "html", "-d", str(out.parent / "doctrees"), str(src), str(out)])


def test_refused_and_capped_old_urls_fail_a_W_build(tmp_path, monkeypatch):
    import shutil

    from sitetools import ROOTS

    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-site", src)
    monkeypatch.chdir(src)
    post = src / "posts" / "2024-03-04-terceiro-post.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("---\n", "---\nredirect_from: [/a/, /b/, /c/, /d/]\n", 1), encoding="utf-8")
    conf = src / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "newsletter_max_redirects_per_post = 2\n", encoding="utf-8")
    assert _sphinx_build(src, tmp_path / "plain") == 0  # a warning only: published, and said
    assert {p.name for p in (tmp_path / "plain").glob("[a-d]")} == {"a", "b"}
    assert _sphinx_build(src, tmp_path / "strict", "-W", "--keep-going") == 1


def test_every_name_the_build_writes_at_the_root_is_the_sites(tmp_path):
    """The served set of :mod:`oldurls` is checked against what a build really writes."""
    from sphinx_newsletter.core.oldurls import site_names, url_key

    for builder in ("html", "dirhtml"):
        app = make_site(tmp_path, "site", builder)
        try:
            app.build()
            settings = get_domain(app.env).nl_config.settings
        finally:
            app.cleanup()
        served = site_names(settings)
        for entry in app.outdir.iterdir():
            page = entry / "index.html"
            if page.is_file() and MARKER in page.read_text(encoding="utf-8"):
                continue
            assert url_key(entry.name) in served, (builder, entry.name)


def test_redirect_pages_are_written_inside_the_output_folder_only(tmp_path):
    """A folder of the output that is a link out of it is not followed: nothing is written there."""
    outside = tmp_path / "outside"
    outside.mkdir()
    app = make_site(tmp_path, "site")
    app.outdir.mkdir(parents=True, exist_ok=True)
    (app.outdir / "segundo-post").symlink_to(outside, target_is_directory=True)
    try:
        app.build()
    finally:
        app.cleanup()
    assert list(outside.iterdir()) == []
    (collision,) = [w for w in warnings_of(app) if "redirect-collision" in w]
    assert collision.endswith(
        "/posts/2024-02-05-segundo-post.md:1: WARNING: a URL antiga /segundo-post/ é uma página deste site; "
        "nenhum redirecionamento escrito para arquivo/posts/segundo-post [newsletter.redirect-collision]"
    )
    assert follow(app.outdir, "/Erros-e-Alertas/")[0] == app.outdir / "arquivo/posts/erros-e-alertas.html"
