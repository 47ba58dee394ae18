"""Reader comments (issue 22): the setting, each post's thread (old URL kept), the page, rebuilds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sitetools import ROOTS, html, make_site, warnings_of
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.comments import (
    Comments,
    CommentsError,
    default_lang,
    read_comments,
    thread_for,
    thread_link,
    thread_paths,
)
from sphinx_newsletter.core.frontmatter import parse_post
from sphinx_newsletter.core.loader import load_archive
from sphinx_newsletter.core.settings import Settings

DISQUS = {"provider": "disqus", "shortname": "srebrasil"}
GISCUS = {
    "provider": "giscus",
    "repo": "srebrasil/destaque",
    "repo_id": "R_kgDOabc123",
    "category": "Comentários",
    "category_id": "DIC_kwDOabc123",
}
BASE = "https://example.org/"


# --- the setting ---------------------------------------------------------------------------


def test_off_by_default_and_when_empty() -> None:
    assert read_comments(None) is None
    assert read_comments({}) is None


def test_disqus_and_giscus_are_read() -> None:
    assert read_comments(DISQUS) == Comments(provider="disqus", shortname="srebrasil")
    giscus = read_comments(GISCUS)
    assert giscus is not None and giscus.repo == "srebrasil/destaque" and giscus.category == "Comentários"
    assert giscus.script == "https://giscus.app/client.js"
    assert read_comments(DISQUS).script == "https://srebrasil.disqus.com/embed.js"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("srebrasil", "must be a dict such as"),
        ({"shortname": "srebrasil"}, "'provider' must be one of ['disqus', 'giscus'], not None"),
        ({"provider": "facebook"}, "not 'facebook'"),
        ({"provider": "disqus"}, "disqus needs ['shortname']"),
        ({"provider": "giscus", "repo": "a/b"}, "giscus needs ['category', 'category_id', 'repo_id']"),
        ({**DISQUS, "short_name": "x"}, "unknown keys ['short_name'] for disqus; known: ['lang', 'shortname']"),
        ({"provider": "disqus", "shortname": "evil.com/x"}, "'shortname' is not a valid disqus value"),
        ({"provider": "disqus", "shortname": 3}, "'shortname' is not a valid disqus value: 3"),
        ({**GISCUS, "repo": "no-slash"}, "'repo' is not a valid giscus value"),
        ({**GISCUS, "theme": "https://evil.example/x.css"}, "'theme' is not a valid giscus value"),
        ({**GISCUS, "repo_id": 'R_"><script>'}, "'repo_id' is not a valid giscus value"),
    ],
)
def test_a_bad_setting_says_what_is_wrong(value: object, message: str) -> None:
    with pytest.raises(CommentsError, match=re.escape(message)):
        read_comments(value)


def test_the_widget_speaks_the_site_language() -> None:
    assert default_lang(Comments(provider="disqus", shortname="x"), "pt_BR") == "pt_BR"
    assert default_lang(read_comments(GISCUS), "pt_BR") == "pt"  # type: ignore[arg-type]
    assert default_lang(read_comments({**GISCUS, "lang": "pt-BR"}), "pt_BR") == "pt-BR"  # type: ignore[arg-type]
    assert default_lang(Comments(provider="disqus", shortname="x"), None) == ""


def test_a_bad_setting_stops_the_build_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"newsletter_comments: disqus needs \['shortname'\]"):
        make_site(tmp_path, confoverrides={"newsletter_comments": {"provider": "disqus"}, "html_baseurl": BASE})


def test_comments_need_a_base_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"newsletter_comments needs html_baseurl"):
        make_site(tmp_path, confoverrides={"newsletter_comments": DISQUS})


def test_newsletter_check_refuses_a_bad_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conf.py").write_text('newsletter_comments = {"provider": "disqus", "shortname": ""}\n')
    assert main(["--conf-dir", str(tmp_path), "check"]) == 2
    assert "newsletter_comments: disqus needs ['shortname']" in capsys.readouterr().err


# --- comments: false in front matter -------------------------------------------------------

POST = """---
title: "Um post"
date: 2024-01-07 08:00:00 -0300
comentado_por: "Maria Souza"
{extra}---
Texto.
"""


def _post(extra: str):
    return parse_post(POST.format(extra=extra), "posts/2024-01-07-um-post.md", Settings(), stem="2024-01-07-um-post")


def test_comments_false_switches_them_off_and_anything_unclear_too() -> None:
    assert _post("")[0].comments is True  # type: ignore[union-attr]
    post, problems = _post("comments: false\n")
    assert post.comments is False and problems == []  # type: ignore[union-attr]
    post, problems = _post('comments: "talvez"\n')
    assert post.comments is False  # type: ignore[union-attr]
    assert [(p.line, p.code) for p in problems] == [(5, "comments-type")]
    assert "'comments' must be true or false; treating 'talvez' as false" in problems[0].message


def test_newsletter_check_reports_a_bad_comments_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "2024-01-07-um-post.md").write_text(POST.format(extra="comments: nao\n"), encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text('newsletter_posts_dir = "../posts"\n')
    main(["--conf-dir", str(tmp_path / "docs"), "check"])
    out = capsys.readouterr().out
    assert re.search(
        r"2024-01-07-um-post\.md:5:\d+: warning: 'comments' must be true or false.*\[comments-type\]", out
    ), out


# --- which thread each post opens ----------------------------------------------------------


def test_every_real_post_keeps_its_old_url_case_kept(corpus: Path) -> None:
    """The old site embedded Disqus without an identifier: each thread is keyed by /<file slug>/."""
    settings = Settings(timezone="America/Sao_Paulo")
    archive = load_archive(corpus / "_posts", None, settings).archive
    paths = thread_paths(archive)
    assert len(archive.posts) == 78 and len(paths) == 78
    for post in archive.posts.values():
        assert paths[post.source] == post.slug + "/"
    report = next(p for p in archive.posts.values() if p.slug == "2021-SRE-Report")
    thread = thread_for(report, paths[report.source], base="https://destaque.srebrasil.com/", canonical="x")
    assert thread.url == thread.identifier == "https://destaque.srebrasil.com/2021-SRE-Report/"
    assert thread.term == "/2021-SRE-Report/" and thread.old


def _jekyll_collision(tmp_path: Path, root: Path) -> Path:
    """Two old posts whose page names collide, imported: the later one is renamed foo-bar-2."""
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True)
    for name in ("2024-01-07-foo.bar.md", "2024-01-14-foo-bar.md", "2024-01-21-Baz.md", "2024-01-28-baz.md"):
        (site / "_posts" / name).write_text(POST.format(extra=""), encoding="utf-8")
    dest = tmp_path / "dest" / "posts"
    assert main(["--conf-dir", str(root), "import", str(site), "--posts-dir", str(dest)]) == 0
    return dest


def test_a_renamed_post_keeps_the_thread_of_its_old_url(tmp_path: Path) -> None:
    """`newsletter import` renames foo-bar to foo-bar-2 and records /foo-bar/: its thread stays there.

    /Baz/ and /baz/ are one URL to a case-insensitive host: the first post owns it,
    the renamed one keeps its own new URL (two posts never share a thread).
    """
    dest = _jekyll_collision(tmp_path, ROOTS / "test-basic")
    assert sorted(p.name for p in dest.glob("*.md")) == [
        "2024-01-07-foo.bar.md",
        "2024-01-14-foo-bar-2.md",
        "2024-01-21-Baz.md",
        "2024-01-28-baz-2.md",
    ]
    settings = Settings()
    archive = load_archive(dest, None, settings).archive
    paths = {archive.posts[k].slug: v for k, v in _by_key(archive, settings).items()}
    assert paths == {"foo.bar": "foo.bar/", "foo-bar-2": "foo-bar/", "Baz": "Baz/", "baz-2": "baz-2/"}
    thread = thread_for(archive.posts["foo-bar-2"], paths["foo-bar-2"], base=BASE, canonical="")
    assert thread.url == thread.identifier == BASE + "foo-bar/"


def test_a_post_without_an_old_url_uses_its_canonical_url(tmp_path: Path) -> None:
    """/busca/ is the old site's search page: a post named busca has no old URL of its own."""
    (tmp_path / "2024-01-07-busca.md").write_text(POST.format(extra=""), encoding="utf-8")
    settings = Settings()
    archive = load_archive(tmp_path, None, settings).archive
    post = archive.posts["busca"]
    assert thread_paths(archive) == {}
    thread = thread_for(post, None, base=BASE, canonical=BASE + "arquivo/posts/busca.html")
    assert thread.url == thread.identifier == BASE + "arquivo/posts/busca.html" and not thread.old


def test_a_published_post_never_opens_a_drafts_old_thread(tmp_path: Path) -> None:
    """The draft 2024-01-07-segredo keeps /segredo/ (and its old thread): the later post of that name
    gets neither the thread nor a redirect, as the loader's error says (one plan: Archive.old_urls)."""
    from sphinx_newsletter.outputs.redirects import legacy_redirects

    (tmp_path / "2024-01-07-segredo.md").write_text(POST.format(extra="published: false\n"), encoding="utf-8")
    (tmp_path / "2024-01-14-segredo.md").write_text(POST.format(extra=""), encoding="utf-8")
    result = load_archive(tmp_path, None, Settings())
    assert any("segredo" in p.message for p in result.problems)
    assert thread_paths(result.archive) == {}
    assert "segredo/" not in legacy_redirects(result.archive)


def _by_key(archive, settings) -> dict[str, str]:
    by_source = thread_paths(archive)
    return {post.key: by_source[post.source] for post in archive.posts.values() if post.source in by_source}


def test_the_noscript_links_lead_to_the_thread() -> None:
    post = _post("")[0]
    thread = thread_for(post, "Um-Post/", base=BASE, canonical="")  # type: ignore[arg-type]
    disqus = thread_link(read_comments(DISQUS), thread)  # type: ignore[arg-type]
    assert disqus == (
        "https://disqus.com/embed/comments/?base=default&f=srebrasil"
        "&t_i=https%3A%2F%2Fexample.org%2FUm-Post%2F&t_u=https%3A%2F%2Fexample.org%2FUm-Post%2F"
    )
    giscus = thread_link(read_comments(GISCUS), thread)  # type: ignore[arg-type]
    assert giscus == "https://github.com/srebrasil/destaque/discussions?discussions_q=in%3Atitle+%22%2FUm-Post%2F%22"


# --- the page ------------------------------------------------------------------------------

SECTION = re.compile(r'<section class="nl-comments".*?</section>', re.S)


def _section(app, docname: str) -> str | None:
    found = SECTION.search(html(app, docname))
    return found[0] if found else None


@pytest.fixture(scope="module")
def disqus_site(tmp_path_factory):
    app = make_site(
        tmp_path_factory.mktemp("comments"),
        confoverrides={"newsletter_comments": DISQUS, "html_baseurl": BASE},
    )
    app.build()
    yield app
    app.cleanup()


def test_a_post_page_offers_to_load_comments_and_loads_nothing(disqus_site) -> None:
    assert warnings_of(disqus_site) == []
    page = html(disqus_site, "arquivo/posts/primeiro-post")
    section = _section(disqus_site, "arquivo/posts/primeiro-post")
    assert section is not None
    assert 'data-nl-provider="disqus"' in section and 'data-nl-shortname="srebrasil"' in section
    assert 'data-nl-url="https://example.org/primeiro-post/"' in section
    assert 'data-nl-identifier="https://example.org/primeiro-post/"' in section
    assert 'data-nl-lang="pt_BR"' in section
    assert '<button type="button" class="nl-comments-load" hidden>Carregar comentários (Disqus)</button>' in section
    assert 'href="https://disqus.com/privacy-policy/"' in section and "Política de privacidade do Disqus" in section
    assert '<noscript><p><a class="reference external" href="https://disqus.com/embed/comments/?' in section
    assert re.search(
        r'<script src="\.\./\.\./_static/newsletter-comments\.js\?v=[0-9a-f]{10}" defer></script>', section
    )
    # Nothing of the provider is loaded with the page: its hosts appear only in the two links.
    assert "embed.js" not in page and "<iframe" not in page
    assert not re.search(r'src="[^"]*disqus', page)
    assert len(re.findall(r'href="https://disqus\.com/', page)) == 2
    assert (disqus_site.outdir / "_static" / "newsletter-comments.js").is_file()


def test_the_share_links_come_before_the_comments(disqus_site) -> None:
    page = html(disqus_site, "arquivo/posts/primeiro-post")
    assert -1 < page.index('<nav class="nl-share') < page.index('<section class="nl-comments"')


def test_no_comments_outside_post_pages(disqus_site) -> None:
    for docname in (
        "index",
        "arquivo/index",
        "arquivo/edicoes/1",
        "arquivo/autores/maria-souza",
        "arquivo/2024",
        "arquivo/2024/01",
        "arquivo/autores/index",
    ):
        assert "nl-comments" not in html(disqus_site, docname), docname
        assert "newsletter-comments.js" not in html(disqus_site, docname), docname


def test_never_on_drafts_and_not_where_a_post_says_no(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    second = src / "posts" / "2024-01-07-segundo-post.md"
    second.write_text(second.read_text(encoding="utf-8").replace("---\n", "---\ncomments: false\n", 1))
    app = SphinxTestApp(
        "html",
        srcdir=src,
        confoverrides={"newsletter_comments": DISQUS, "html_baseurl": BASE, "newsletter_show_drafts": True},
    )
    app.build()
    app.cleanup()
    assert _section(app, "arquivo/posts/primeiro-post") is not None
    assert "nl-comments" not in html(app, "arquivo/posts/segundo-post")
    assert "Rascunho secreto" in html(app, "arquivo/posts/rascunho")  # shown (newsletter_show_drafts)...
    assert "nl-comments" not in html(app, "arquivo/posts/rascunho")  # ...but never with comments


def test_every_value_is_escaped_in_the_page(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    first = src / "posts" / "2024-01-07-primeiro-post.md"
    first.write_text(first.read_text(encoding="utf-8").replace('"Primeiro post"', "'\"><script>x()</script>'"))
    app = SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_comments": GISCUS, "html_baseurl": BASE})
    app.build()
    app.cleanup()
    section = _section(app, "arquivo/posts/primeiro-post")
    assert section is not None
    assert 'data-nl-title="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"' in section
    assert "<script>x()" not in section
    assert 'data-nl-category="Comentários"' in section and 'data-nl-term="/primeiro-post/"' in section
    assert 'data-nl-lang="pt"' in section and "Carregar comentários (giscus)" in section


def test_dirhtml_points_at_the_same_thread(tmp_path: Path) -> None:
    app = make_site(tmp_path, "basic", "dirhtml", confoverrides={"newsletter_comments": DISQUS, "html_baseurl": BASE})
    app.build()
    app.cleanup()
    section = _section(app, "arquivo/posts/primeiro-post")
    assert section is not None and 'data-nl-identifier="https://example.org/primeiro-post/"' in section
    assert 'src="../../../_static/newsletter-comments.js?v=' in section


# --- incremental and parallel builds -------------------------------------------------------

POSTS = ("primeiro-post", "segundo-post", "terceiro-post")


def _build(src: Path, parallel: int = 0, **overrides) -> tuple[SphinxTestApp, list[str], list[str]]:
    """One build over the pickled environment: the app, the pages read and the pages written."""
    app = SphinxTestApp("html", srcdir=src, parallel=parallel, confoverrides={"html_baseurl": BASE, **overrides})
    read: list[str] = []
    written: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
    app.connect("html-page-context", lambda _app, pagename, *_args: written.append(pagename))
    app.build()
    app.cleanup()
    return app, sorted(read), written


@pytest.mark.parametrize("parallel", [0, 2])
def test_changing_the_setting_rewrites_every_post_page(tmp_path: Path, parallel: int) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    app, _, _ = _build(src, parallel=parallel)
    assert all(_section(app, f"arquivo/posts/{key}") is None for key in POSTS)

    app, read, written = _build(src, parallel=parallel, newsletter_comments=DISQUS)
    assert read == []  # nothing is read again: an "html" value
    if not parallel:  # (forked writers run html-page-context out of this process's sight)
        assert {f"arquivo/posts/{key}" for key in POSTS} <= set(written)
    assert all('data-nl-provider="disqus"' in (_section(app, f"arquivo/posts/{key}") or "") for key in POSTS)
    assert warnings_of(app) == []

    app, read, _ = _build(src, parallel=parallel, newsletter_comments=GISCUS)
    assert read == []
    assert all('data-nl-provider="giscus"' in (_section(app, f"arquivo/posts/{key}") or "") for key in POSTS)

    app, _, _ = _build(src, parallel=parallel)
    assert all(_section(app, f"arquivo/posts/{key}") is None for key in POSTS)


def test_switching_one_post_off_rewrites_it(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    _build(src, newsletter_comments=DISQUS)
    second = src / "posts" / "2024-01-07-segundo-post.md"
    second.write_text(second.read_text(encoding="utf-8").replace("---\n", "---\ncomments: false\n", 1))
    app, read, _ = _build(src, newsletter_comments=DISQUS)
    assert "arquivo/posts/segundo-post" in read
    assert _section(app, "arquivo/posts/segundo-post") is None
    assert _section(app, "arquivo/posts/primeiro-post") is not None
