"""``newsletter import SITE --replace`` (issue 18): a copy of this project adopts a Jekyll site and builds green.

The acceptance test runs the README's path on a copy of the project in
tmp_path: import the real corpus laid out as a Jekyll site (with a
``_config.yml`` of ours), record its history with ``check --update-baseline``,
build with ``-W --keep-going`` (exit 0: every post, no sample, the imported
title), then add a post whose edition date is a month off: the same build
fails and names it. The other tests pin the pieces on small made-up sites.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitetools import REPO
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.registry import load_registry
from sphinx_newsletter.core.samples import digest, load_manifest
from test_cli import post

CONFIG_YML = """\
title: "SRE Brasil: Destaques"
description: "O melhor da newsletter SRE Brasil, comentado."
url: "https://destaques.example.org"
baseurl: "/arquivo-sre"
lang: pt-BR
theme: minima
disqus-shortname: srebrasil-teste
"""


def project_copy(tmp_path: Path) -> Path:
    """This project's site (docs/ and posts/, samples included) in *tmp_path*/project."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "docs", project / "docs", ignore=shutil.ignore_patterns("_build", "arquivo"))
    shutil.copytree(REPO / "posts", project / "posts")
    return project


def jekyll_site(tmp_path: Path, corpus: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(corpus / "_posts", site / "_posts")
    shutil.copytree(corpus / "images", site / "images")
    (site / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
    (site / "_layouts").mkdir()
    (site / "_layouts" / "post.html").write_text("{{ content }}", encoding="utf-8")
    return site


def newsletter(project: Path, *args: str) -> tuple[int, list[str]]:
    return newsletter_at(project / "docs", *args)


def build(project: Path) -> subprocess.CompletedProcess[str]:
    """What Read the Docs runs: ``make html SPHINXOPTS="-W --keep-going"``."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-d", str(project / "_build" / "doctrees")]
    command += [str(project / "docs"), str(project / "_build" / "html"), "-W", "--keep-going"]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return subprocess.run(command, capture_output=True, text=True, cwd=project, env=env, timeout=300, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_adopt_the_real_site_then_build_green_then_a_new_mistake_fails(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, site = project_copy(tmp_path), jekyll_site(tmp_path, corpus)
    monkeypatch.chdir(project)
    samples = load_manifest(project / "posts" / "samples.yml")[0]

    code, plan = newsletter(project, "import", str(site), "--replace", "--dry-run")
    assert code == 0
    assert snapshot(project / "posts") == snapshot(REPO / "posts")  # the dry run wrote nothing
    code, lines = newsletter(project, "import", str(site), "--replace")
    assert code == 0
    assert lines[: len(plan) - 1] == plan[:-1]  # the plan is what was done
    assert "78 imported" in lines[-2] and "19 samples removed" in lines[-2]
    assert any(
        line.startswith("not imported ") and "site/_layouts/post.html: the old site's theme" in line for line in lines
    )

    posts = project / "posts"
    assert not any((posts / name).exists() for name in samples.posts)
    assert not (posts / "samples.yml").exists()
    registry, problems = load_registry(posts / "authors.yml", "authors.yml")
    assert problems == []
    assert not set(registry.authors) & set(samples.authors)
    assert registry.match("Ricardo Coelho").key == registry.match("Ricardo Coelho de Sousa").key  # type: ignore[union-attr]
    assert "# review: 'Ricardo Coelho' (4 posts) kept as a spelling" in (posts / "authors.yml").read_text()
    site_yml = (posts / "site.yml").read_text(encoding="utf-8")
    assert 'url: "https://destaques.example.org/arquivo-sre/"' in site_yml
    # The old comments' forum: named with the conf.py line that keeps its threads, not written by the import.
    assert any(
        "'disqus-shortname' not carried" in line
        and 'newsletter_comments = {"provider": "disqus", "shortname": "srebrasil-teste"}' in line
        for line in lines
    )
    assert "disqus" not in site_yml

    before = snapshot(project)  # running it twice changes nothing
    code, again = newsletter(project, "import", str(site), "--replace")
    assert code == 0 and snapshot(project) == before
    assert again[-2].startswith("0 samples removed, 0 kept; 0 imported (0 fixed, 0 renamed), 78 unchanged")
    assert "0 registry changes, 0 to review" in again[-2]

    code, lines = newsletter(project, "check", "--update-baseline")
    assert code == 0, lines
    result = build(project)
    assert result.returncode == 0, result.stderr
    out = project / "_build" / "html"
    pages = {p.stem for p in (out / "arquivo" / "posts").glob("*.html")} - {"index"}  # index: the list of posts
    assert len(pages) == 78
    assert not {Path(name).stem.split("-", 3)[3] for name in samples.posts} & pages
    authors = {p.stem for p in (out / "arquivo" / "autores").glob("*.html")}
    assert authors and not authors & set(samples.authors)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>SRE Brasil: Destaques</title>" in home and "<h1>SRE Brasil: Destaques" in home
    assert "Copyright &#169; 2022, SRE Brasil: Destaques" in home
    assert '<link rel="canonical" href="https://destaques.example.org/arquivo-sre/index.html"' in home

    # A new post in the latest edition (#25, 29.08.2022) whose edition tag is a month off.
    late = post(
        title="Um post novo",
        tag="Edição #25 - 29.09.2022",
        date="2022-08-28 08:00:00 -0300",
        url="https://example.org/novo",
    )
    (posts / "2022-08-28-um-post-novo.md").write_text(late, encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    assert "2022-08-28-um-post-novo.md" in result.stderr
    assert "edition-date-mismatch" in result.stderr or "edition-date-far" in result.stderr


def test_the_manifest_lists_the_shipped_samples() -> None:
    """``posts/samples.yml`` must match the samples as shipped: edit one, update its hash here."""
    manifest, why = load_manifest(REPO / "posts" / "samples.yml")
    assert why == ""
    assert manifest.posts == {p.name: digest(p.read_bytes()) for p in (REPO / "posts").glob("*.md")}
    images = REPO / "posts" / "images"
    assert manifest.images == {p.name: digest(p.read_bytes()) for p in images.iterdir() if p.is_file()}
    registry, _ = load_registry(REPO / "posts" / "authors.yml", "authors.yml")
    assert manifest.authors == {k: a.name for k, a in registry.authors.items()}
    assert manifest.site == {"site.yml": digest((REPO / "posts" / "site.yml").read_bytes())}


def test_the_package_ships_the_samples_of_posts() -> None:
    """The package's own list (core/shipped.py) is the one ``make samples`` makes from posts/: run it after an edit."""
    from sphinx_newsletter.core import shipped
    from sphinx_newsletter.core.samples import format_shipped, shipped_from

    manifest, entries = shipped_from(REPO / "posts", REPO / "posts" / "images")
    assert Path(shipped.__file__).read_text(encoding="utf-8") == format_shipped(manifest, entries)
    assert load_manifest(REPO / "posts" / "samples.yml")[0] == manifest
    assert (manifest.posts, manifest.images, entries) == (shipped.POSTS, shipped.IMAGES, shipped.AUTHORS)
    assert set(shipped.AUTHORS) == set(manifest.authors) and len(shipped.POSTS) == 9


MANUAL = post(title="Escrito à mão", url="https://example.org/manual", date="2025-04-01 08:00:00 -0300")
MAINTAINER = 'maria-mantenedora:\n  name: "Maria Mantenedora"\n  links: ["https://www.linkedin.com/in/maria-m"]\n'


def forged_project(tmp_path: Path) -> Path:
    """This project with a maintainer's post and registry entry, and a samples.yml that lists both, hashes right."""
    project = project_copy(tmp_path)
    posts = project / "posts"
    (posts / "2025-04-01-manual.md").write_text(MANUAL, encoding="utf-8")
    with open(posts / "authors.yml", "a", encoding="utf-8") as registry:
        registry.write("\n" + MAINTAINER)
    manifest = load_manifest(posts / "samples.yml")[0]
    manifest.posts["2025-04-01-manual.md"] = digest(MANUAL.encode())
    manifest.posts["authors.yml"] = digest((posts / "authors.yml").read_bytes())
    manifest.images["../authors.yml"] = digest((posts / "authors.yml").read_bytes())
    manifest.authors["maria-mantenedora"] = "Maria Mantenedora"
    with open(posts / "site.yml", "a", encoding="utf-8") as site:
        site.write('copyright: "2026, Maria Mantenedora"\n')
    manifest.site["site.yml"] = digest((posts / "site.yml").read_bytes())
    from sphinx_newsletter.core.samples import format_manifest

    (posts / "samples.yml").write_text(format_manifest(manifest), encoding="utf-8")
    return project


def test_a_forged_manifest_removes_only_what_the_package_ships(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Attack 3 #1 and #2: samples.yml lists a hand-written post and authors.yml with their true hashes."""
    project = forged_project(tmp_path)
    posts = project / "posts"
    monkeypatch.chdir(project)
    code, lines = newsletter(project, "import", str(small_site(tmp_path, 'title: "Novo"\n')), "--replace")
    assert code == 0, lines
    assert (posts / "2025-04-01-manual.md").read_text(encoding="utf-8") == MANUAL
    registry = (posts / "authors.yml").read_text(encoding="utf-8")
    assert registry.startswith("# Registro de autores") and MAINTAINER in registry
    assert "ana-beatriz-lima" not in registry  # the shipped entries still go
    assert not list(posts.glob("2025-03-*.md")) and (posts / "samples.yml").exists()
    site = (posts / "site.yml").read_text(encoding="utf-8")
    assert 'title: "Novo"' in site and "2026, Maria Mantenedora" in site  # the maintainer's values stay
    keep = [line for line in lines if line.startswith("keep ")]
    assert keep == [
        "keep      posts/2025-04-01-manual.md: listed as a sample post but not one this package ships; kept",
        "keep      posts/authors.yml: listed as a sample post but not a .md post directly in the posts folder; kept",
        "keep      posts/images/../authors.yml: the manifest names a file outside posts/images; ignored",
        "keep      posts/authors.yml 'maria-mantenedora': listed as a sample author but not an entry this package "
        "ships; kept",
    ]


def test_a_sample_image_or_author_a_maintainers_post_uses_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack 5 #2: the maintainer's own post uses a sample's image and commentator; the import keeps both."""
    project = project_copy(tmp_path)
    posts = project / "posts"
    mine = post(
        title="Meu post",
        date="2025-04-01 08:00:00 -0300",
        tag="Edição #4 - 01.04.2025",
        profile="https://www.linkedin.com/in/julianafariasrocha",
        extra="image: /images/abracar-o-risco.png\n",
    ).replace("Ana Souza", "Juliana Farias Rocha")
    (posts / "2025-04-01-meu-post.md").write_text(mine, encoding="utf-8")
    monkeypatch.chdir(project)
    code, lines = newsletter(project, "import", str(small_site(tmp_path, 'title: "Novo"\n')), "--replace")
    assert code == 0, lines
    assert (posts / "images" / "abracar-o-risco.png").is_file()
    assert 'name: "Juliana Farias Rocha"' in (posts / "authors.yml").read_text(encoding="utf-8")
    assert (
        "keep      posts/images/abracar-o-risco.png: a sample image, but 2025-04-01-meu-post.md uses it; kept" in lines
    )
    assert (
        "keep      posts/authors.yml 'juliana-farias-rocha': a sample author, "
        "but 2025-04-01-meu-post.md is theirs; kept" in lines
    )
    assert not (posts / "2025-03-16-abracar-o-risco.md").exists()  # the sample post itself still goes


# --- the pieces, on small made-up sites ------------------------------------------------------------------


def shipped_entry(key: str) -> str:
    """The registry entry *key* as this project ships it (posts/authors.yml), from its key line to the blank line."""
    text = (REPO / "posts" / "authors.yml").read_text(encoding="utf-8")
    return text[text.index(f"{key}:\n") :].split("\n\n")[0] + "\n"


def small_project(tmp_path: Path) -> Path:
    """A project with two of the shipped samples (one edited since), a post of the maintainer's, a sample author."""
    from sphinx_newsletter.core.samples import Manifest, format_manifest
    from test_cli import make_site

    authors = 'ana-souza:\n  name: "Ana Souza"\n\n' + shipped_entry("rafael-monteiro-tavares")
    sample, edited = "2025-03-02-quatro-sinais-de-ouro.md", "2025-03-09-postmortems-sem-culpados.md"
    mine = post(title="Meu post", url="https://example.org/meu", date="2024-01-09 08:00:00 -0300")
    shipped = {name: (REPO / "posts" / name).read_text(encoding="utf-8") for name in (sample, edited)}
    root = make_site(
        tmp_path / "project",
        {sample: shipped[sample], edited: shipped[edited] + "mudou\n", "2024-01-09-meu.md": mine},
        authors,
    )
    image = REPO / "posts" / "images" / "quatro-sinais-de-ouro.png"
    shutil.copyfile(image, root / "posts" / "images" / image.name)
    with open(root / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('newsletter_site_file = "posts/site.yml"\n')
    (tmp_path / "outside.md").write_text("do not delete", encoding="utf-8")
    manifest = Manifest(
        posts={
            sample: digest(shipped[sample].encode()),
            edited: digest(shipped[edited].encode()),
            "../../outside.md": digest(b"do not delete"),
        },
        images={image.name: digest(image.read_bytes())},
        authors={"rafael-monteiro-tavares": "Rafael Monteiro Tavares"},
    )
    (root / "posts" / "samples.yml").write_text(format_manifest(manifest), encoding="utf-8")
    return root


def small_site(tmp_path: Path, config_yml: str) -> Path:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    posts = {
        # One person under two spellings and two link spellings; one with no link; a look-alike name.
        "2023-05-01-a.md": post(
            title="A",
            date="2023-05-01 08:00:00 -0300",
            tag="Edição #1 - 01.05.2023",
            url="https://example.org/1",
            profile="https://linkedin.com/in/bruno-lima/",
        ),
        "2023-05-01-b.md": post(
            title="B",
            date="2023-05-01 09:00:00 -0300",
            tag="Edição #1 - 01.05.2023",
            url="https://example.org/2",
            profile="http://www.linkedin.com/in/bruno-lima",
        ),
        "2023-05-08-c.md": post(
            title="C",
            date="2023-05-08 08:00:00 -0300",
            tag="Edição #2 - 08.05.2023",
            url="https://example.org/3",
            profile="",
        ),
    }
    names = {"2023-05-01-a.md": "Bruno Lima", "2023-05-01-b.md": "Bruno Lima Impostor", "2023-05-08-c.md": "Bruno Lima"}
    for name, text in posts.items():
        (site / "_posts" / name).write_text(text.replace("Ana Souza", names[name]), encoding="utf-8")
    (site / "_config.yml").write_text(config_yml, encoding="utf-8")
    (site / "CNAME").write_text("destaques.example.org\n", encoding="utf-8")
    return site


def test_replace_removes_only_unchanged_samples_and_never_leaves_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_project(tmp_path)
    site = small_site(tmp_path, 'title: "Novo"\n')
    monkeypatch.chdir(root)
    code, lines = newsletter_at(root, "import", str(site), "--replace")
    assert code == 0, lines
    posts = root / "posts"
    assert not (posts / "2025-03-02-quatro-sinais-de-ouro.md").exists()
    assert not (posts / "images" / "quatro-sinais-de-ouro.png").exists()
    assert (posts / "2025-03-09-postmortems-sem-culpados.md").exists() and (posts / "2024-01-09-meu.md").exists()
    assert (tmp_path / "outside.md").read_text() == "do not delete"
    assert (
        "keep      posts/2025-03-09-postmortems-sem-culpados.md: listed as a sample post but changed since "
        "(or not a regular file); kept" in lines
    )
    assert any(
        line.startswith("keep      ") and "outside.md: the manifest names a file outside" in line for line in lines
    )
    assert (posts / "samples.yml").exists()  # something it lists was kept: the maintainer decides
    text = (posts / "authors.yml").read_text(encoding="utf-8")
    assert "rafael-monteiro-tavares" not in text and text.startswith('ana-souza:\n  name: "Ana Souza"\n')
    assert any(line.startswith("not imported ") and "CNAME: the old domain" in line for line in lines)


def test_commentators_merged_as_the_build_groups_them_with_a_review_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_project(tmp_path)
    site = small_site(tmp_path, 'title: "Novo"\n')
    monkeypatch.chdir(root)
    code, lines = newsletter_at(root, "import", str(site), "--replace")
    assert code == 0
    registry, problems = load_registry(root / "posts" / "authors.yml", "authors.yml")
    assert problems == []
    entry = registry.authors["bruno-lima"]
    assert entry.variants == ("Bruno Lima Impostor",)
    assert entry.links == ("https://linkedin.com/in/bruno-lima/",)  # one spelling per profile
    review = [line for line in lines if line.startswith("review ")]
    assert len(review) == 2
    assert "merged because they share a spelling" in review[0]
    assert "'Bruno Lima Impostor' (1 post) kept as a spelling of 'Bruno Lima': the same person?" in review[1]
    # The registry now names them all: check finds no spelling to warn about.
    code, lines = newsletter_at(root, "check")
    assert not [line for line in lines if "author-spelling" in line or "registry" in line]


def test_hostile_config_yml_is_validated_and_the_dry_run_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_project(tmp_path)
    config_yml = 'title: "A\\u202e <script>x</script> \\"q\\""\nurl: "javascript:alert(1)"\ndescription: [1, 2]\n'
    site = small_site(tmp_path, config_yml)
    monkeypatch.chdir(root)
    before = snapshot(tmp_path)
    code, lines = newsletter_at(root, "import", str(site), "--replace", "--dry-run")
    assert snapshot(tmp_path) == before
    code, lines = newsletter_at(root, "import", str(site), "--replace")
    assert code == 0
    from sphinx_newsletter.core.sitefile import load_site_file

    written, problems = load_site_file(root / "posts" / "site.yml", "site.yml")
    assert problems == []
    # Markup in the title is refused (the theme prints the title as HTML), and nothing else fills it.
    assert written.title == "" and written.url == "" and written.description == ""
    assert any("_config.yml:1: title contains '<' or '>'" in line and "left out" in line for line in lines)
    assert any("_config.yml:2: url" in line and "left out" in line for line in lines)
    assert any("_config.yml:3: description must be a text; left out" in line for line in lines)


def test_a_linked_config_yml_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_project(tmp_path)
    site = small_site(tmp_path, "")
    (tmp_path / "secret.yml").write_text('title: "segredo"\n', encoding="utf-8")
    (site / "_config.yml").unlink()
    (site / "_config.yml").symlink_to(tmp_path / "secret.yml")
    monkeypatch.chdir(root)
    code, lines = newsletter_at(root, "import", str(site), "--replace")
    assert code == 0 and "segredo" not in "\n".join(lines) and not (root / "posts" / "site.yml").exists()
    assert any("_config.yml: is a symbolic link out of the site; not read" in line for line in lines)


def newsletter_at(root: Path, *args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(["--conf-dir", str(root), *args], out=out)
    return code, out.getvalue().splitlines()


# --- the site file in the build ------------------------------------------------------------------------------


def site_app(tmp_path: Path, site_yml: str, conf_extra: str = ""):
    from sitetools import ROOTS
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "basic"
    shutil.copytree(ROOTS / "test-basic", src)
    with open(src / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('newsletter_site_file = "posts/site.yml"\n' + conf_extra)
    (src / "posts" / "site.yml").write_text(site_yml, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src)
    app.build()
    return app


def test_the_site_file_names_the_site_and_the_footer_follows_the_archive_years(tmp_path: Path) -> None:
    from sitetools import html, warnings_of

    app = site_app(tmp_path, 'title: "Boletim & Cia"\ndescription: "Sobre <tudo>"\nurl: "https://b.example.org/x"\n')
    try:
        assert warnings_of(app) == []
        page = html(app, "index")
        assert "<title>Boletim &amp; Cia</title>" in page
        assert "Copyright &#169; 2024, Boletim &amp; Cia" in page  # the test root's posts are all of 2024
        assert '<meta name="description" content="Sobre &lt;tudo&gt;"' in page
        assert '<link rel="canonical" href="https://b.example.org/x/index.html"' in page
    finally:
        app.cleanup()


def test_conf_py_wins_and_a_bad_address_is_a_located_warning(tmp_path: Path) -> None:
    from sitetools import html, warnings_of

    site_yml = 'title: "Do arquivo"\nurl: "javascript:alert(1)"\ncopyright: "2001, Nós"\n'
    app = site_app(tmp_path, site_yml, 'html_title = "Do conf.py"\n')
    try:
        warnings = warnings_of(app)
        assert len(warnings) == 1 and "posts/site.yml:2: WARNING: 'url' " in warnings[0]
        assert "[newsletter.site-file]" in warnings[0]
        page = html(app, "index")
        assert "<title>Do conf.py</title>" in page and "Copyright &#169; 2001, Nós" in page
        assert "javascript" not in page
    finally:
        app.cleanup()


def test_markup_in_the_title_and_another_host_in_the_address_are_refused(tmp_path: Path) -> None:
    """A site file is untrusted: Furo prints the title unescaped, and the 404 page's links start with the
    address's path, so ``<img onerror>`` in the title or ``//evil.example/`` in the path would run or load
    another site's script on every page."""
    from sitetools import html, warnings_of

    site_yml = (
        'title: "Boletim<img src=x onerror=alert(1)>"\n'
        'url: "https://b.example.org//evil.example/"\n'
        'copyright: "2020 </title><script>alert(2)</script>"\n'
    )
    app = site_app(tmp_path, site_yml)
    try:
        warnings = warnings_of(app)
        assert len(warnings) == 3, warnings
        assert "posts/site.yml:1: WARNING: 'title' contains '<' or '>'" in warnings[0]
        assert "posts/site.yml:2: WARNING: 'url' has an empty path segment" in warnings[1]
        assert "posts/site.yml:3: WARNING: 'copyright' contains '<' or '>'" in warnings[2]
        for page in (html(app, "index"), html(app, "search"), (app.outdir / "404.html").read_text("utf-8")):
            assert "onerror" not in page and "<script>alert" not in page and "evil.example" not in page
    finally:
        app.cleanup()


def test_an_edited_description_reaches_every_page_on_an_incremental_build(tmp_path: Path) -> None:
    from sitetools import html
    from sphinx.testing.util import SphinxTestApp

    app = site_app(tmp_path, 'description: "Antes"\nurl: "https://b.example.org/"\n')
    app.cleanup()
    (app.srcdir / "posts" / "site.yml").write_text('description: "Depois"\nurl: "https://b.example.org/"\n')
    again = SphinxTestApp("html", srcdir=app.srcdir)
    try:
        again.build()
        assert '<meta name="description" content="Depois"' in html(again, "index")
    finally:
        again.cleanup()
