"""The authors registry: reading it strictly, matching spellings, and the build's author box and pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetools import ROOTS, html, make_site, warnings_of
from sphinx_newsletter.core.loader import load_archive
from sphinx_newsletter.core.registry import load_registry, suggest_entry
from sphinx_newsletter.core.settings import Settings

ROOT = ROOTS / "test-registry"


def registry(tmp_path: Path, text: str):
    path = tmp_path / "authors.yml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path, "authors.yml", images_dir=tmp_path, settings=Settings())


def test_a_missing_file_is_an_empty_registry(tmp_path: Path) -> None:
    found, problems = load_registry(tmp_path / "nada.yml", "nada.yml")
    assert len(found) == 0 and problems == []


def test_entries_are_cleaned_and_bad_values_reported(tmp_path: Path) -> None:
    found, problems = registry(
        tmp_path,
        """\
ana:
  name: "  Ana   Souza "
  links: ["linkedin.com/in/ana", "javascript:alert(1)"]
  avatar: ../fora.png
  cor: azul
sem-nome:
  bio: x
""",
    )
    ana = found.authors["ana"]
    assert ana.name == "Ana Souza" and ana.links == ("https://linkedin.com/in/ana",) and ana.avatar is None
    assert [(p.line, p.code) for p in problems] == [
        (2, "registry-entry"),
        (2, "url-scheme"),
        (2, "url-refused"),
        (2, "image-refused"),
        (7, "registry-entry"),
    ]
    assert "sem-nome" not in found.authors


def test_the_strict_reader_refuses_aliases(tmp_path: Path) -> None:
    found, problems = registry(tmp_path, "a: &x {name: A}\nb: *x\n")
    assert len(found) == 0 and [p.code for p in problems] == ["registry-yaml"]


def test_names_match_regardless_of_case_accents_and_links_of_spelling(tmp_path: Path) -> None:
    found, _ = registry(tmp_path, 'jose:\n  name: "José Silva"\n  links: ["https://www.linkedin.com/in/js"]\n')
    assert found.match("JOSE SILVA").key == "jose"
    assert found.match("Outro Nome", "http://linkedin.com/in/JS/").key == "jose"
    assert found.match("Outro Nome", "https://www.linkedin.com/in/x") is None


def test_the_archive_groups_variants_under_the_registry_entry() -> None:
    reg, problems = load_registry(
        ROOT / "posts" / "authors.yml", "authors.yml", images_dir=ROOT / "posts" / "images", settings=Settings()
    )
    assert problems == []
    archive = load_archive(ROOT / "posts", ROOT / "posts" / "images", Settings(), registry=reg).archive
    ana = archive.authors["ana-souza"]
    assert ana.name == "Ana Souza" and ana.registered and ana.avatar == "ana.png"
    assert sorted(ana.posts) == ["dois", "um"] and ana.url == "https://www.linkedin.com/in/ana-souza"
    assert archive.authors["bruno-lima"].registered is False
    without = load_archive(ROOT / "posts", ROOT / "posts" / "images", Settings()).archive
    assert "ana-souza" not in without.authors and len(without.authors) == 3


def test_suggested_entry_is_valid_registry_yaml(tmp_path: Path) -> None:
    text = suggest_entry(["Tito G.", "Tito Garrido", "Tito Garrido"], ["http://linkedin.com/in/tg/"])
    found, problems = registry(tmp_path, text)
    assert problems == [] and found.authors["tito-garrido"].variants == ("Tito G.",)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    app = make_site(tmp_path_factory.mktemp("registry"), "registry")
    app.build()
    yield app
    app.cleanup()


def test_build_uses_the_registry_in_the_author_box_and_page(built) -> None:
    assert warnings_of(built) == []
    page = html(built, "arquivo/posts/dois")
    box = page[page.index("nl-author-box") :]
    assert "Ana Souza" in box and "Ana Souza Lima" not in box
    assert 'href="https://www.linkedin.com/in/ana-souza"' in box  # the registry's link, not the post's
    assert "SRE &amp; &lt;b&gt;autora&lt;/b&gt;." in box  # the bio is text, never markup
    assert 'class="nl-avatar" src="../../_images/ana.png"' in box
    author = html(built, "arquivo/autores/ana-souza")
    assert "SRE &amp; &lt;b&gt;autora&lt;/b&gt;." in author and "Post um" in author and "Post dois" in author
