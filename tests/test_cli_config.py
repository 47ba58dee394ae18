"""The CLI and the build read the same settings (conf.py), and the shipped schema agrees with them."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from sitetools import REPO, ROOTS, make_site
from sphinx_newsletter.cli.main import find_confdir, load_config, main
from sphinx_newsletter.core.settings import DEFAULT_FIELDS, IGNORED_KEYS
from sphinx_newsletter.core.yamlsafe import load_mapping


def test_cli_and_build_agree_on_every_setting(tmp_path: Path) -> None:
    app = make_site(tmp_path, "registry")
    try:
        built = app.newsletter_config
        assert load_config(Path(app.confdir)) == built
        assert built.settings.timezone == "America/Sao_Paulo" and built.settings.edition_max_days == 9
        assert built.authors_file == Path(app.confdir, "posts", "authors.yml").resolve()
    finally:
        app.cleanup()


def test_the_repository_site_is_found_from_its_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "posts")
    assert find_confdir(Path.cwd()) == REPO / "docs"
    config = load_config(REPO / "docs")
    assert config.posts_dir == REPO / "posts" and config.authors_file == REPO / "posts" / "authors.yml"


def test_a_bad_setting_is_a_usage_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "conf.py").write_text('newsletter_edition_pattern = "no group"\n', encoding="utf-8")
    assert main(["--conf-dir", str(tmp_path), "check"]) == 2
    assert "needs a named group 'number'" in capsys.readouterr().err


SCHEMA = json.loads(files("sphinx_newsletter").joinpath("schema.json").read_text(encoding="utf-8"))


def test_schema_knows_exactly_the_fields_the_reader_knows() -> None:
    assert set(SCHEMA["properties"]) == set(DEFAULT_FIELDS.values()) | IGNORED_KEYS
    assert SCHEMA["required"] == [DEFAULT_FIELDS["title"]]


@pytest.mark.parametrize(
    "path",
    sorted((REPO / "posts").glob("*.md")) + sorted((ROOTS / "test-basic" / "posts").glob("*.md")),
    ids=lambda p: p.name,
)
def test_schema_accepts_the_sample_posts(path: Path) -> None:
    front = path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n")
    fields, _ = load_mapping(front)
    jsonschema.validate({k: f.value for k, f in fields.items()}, SCHEMA)


def test_schema_rejects_what_check_reports() -> None:
    for bad in (
        {"title": "x", "comentado_po": "y"},
        {"title": "x", "highlight_url": "javascript:x"},
        {"title": "x", "date": "2022-06-12 08:00:00 -0300 --->"},
        {"date": "2022-06-12"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)
