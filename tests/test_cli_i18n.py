"""The ``newsletter`` command speaks the archive's language: pt_BR from conf.py, English on request."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_newsletter.cli import i18n
from sphinx_newsletter.cli.main import build_parser, main
from test_cli import make_site, post


@pytest.fixture
def quiet_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language chosen in the environment: the site's conf.py decides."""
    for name in i18n.LANGUAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet_env: None) -> Path:
    monkeypatch.chdir(tmp_path)
    root = make_site(tmp_path, {"2024-01-07-a.md": post()})
    conf = root / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + 'language = "pt_BR"\n', encoding="utf-8")
    return root


def run(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(["--conf-dir", str(root), *args], out=out)
    captured = capsys.readouterr()
    return code, out.getvalue() + captured.out, captured.err


def test_help_in_portuguese_from_the_sites_language(site: Path, capsys) -> None:
    code, out, _ = run(site, "new", "--help", capsys=capsys)
    assert code == 0
    assert out.startswith("uso: newsletter new")
    assert "opções:" in out and "mostra esta ajuda e sai" in out
    assert "o título do próprio post" in out
    assert "usage:" not in out and "options:" not in out


def test_help_in_english_when_the_environment_asks(site: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _ = run(site, "new", "--help", capsys=capsys)
    assert code == 0
    assert out.startswith("usage: newsletter new") and "the post's own title" in out
    assert "uso:" not in out


def test_lc_all_c_does_not_count(site: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    assert run(site, "--help", capsys=capsys)[1].startswith("uso: newsletter")


def test_every_help_text_has_a_portuguese_translation(site: Path, quiet_env: None) -> None:
    """A new flag or subcommand without its pt_BR help fails here (run `make locale`)."""
    with i18n.speaking(["en"]):
        english = _helps(build_parser())
    with i18n.speaking(["pt_BR"]):
        portuguese = _helps(build_parser())
    assert len(english) > 25
    untranslated = [where for where, text in english.items() if portuguese[where] == text]
    assert untranslated == []


def _helps(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, str]:
    found = {f"{prefix}description": parser.description} if parser.description else {}
    for action in parser._actions:
        name = prefix + "/".join(action.option_strings or [action.dest])
        if action.help and action.help != argparse.SUPPRESS:
            found[name] = action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                found[f"{prefix}{choice.dest}"] = choice.help or ""
            for sub_name, sub in action.choices.items():
                found.update(_helps(sub, f"{prefix}{sub_name} "))
    return found


def test_usage_errors_in_portuguese(site: Path, capsys) -> None:
    code, _, err = run(site, "new", "--date", "amanhã", capsys=capsys)
    assert code == 2
    assert "newsletter new: erro: argumento --date: 'amanhã' não é uma data no formato AAAA-MM-DD" in err
    code, _, err = run(site, "nada", capsys=capsys)
    assert code == 2 and "escolha inválida: 'nada'" in err


def test_new_speaks_portuguese(site: Path, capsys) -> None:
    code, _, err = run(site, "new", "--today", "2024-01-10", "--title", "x", capsys=capsys)
    assert (code, err.strip()) == (1, "newsletter new: erro: faltam --url, --by")
    args = ["new", "--today", "2024-01-10", "--title", "Um artigo", "--url", "https://example.org/n"]
    code, _out, err = run(site, *args, "--by", "Pessoa Nova", "--image", "falta.png", capsys=capsys)
    assert code == 0, err
    assert "newsletter new: aviso: a imagem 'falta.png' não está em posts/images/" in err
    assert "'Pessoa Nova' não está no registro de autores" in err


def test_check_summary_in_both_languages(site: Path, capsys, monkeypatch) -> None:
    assert run(site, "check", capsys=capsys)[1].strip().splitlines()[-1] == ("1 post verificado: 0 erros, 0 avisos")
    monkeypatch.setenv("LANGUAGE", "en_US:en")
    assert run(site, "check", capsys=capsys)[1].strip().splitlines()[-1] == "1 post checked: 0 errors, 0 warnings"


def test_a_site_without_a_language_gets_english(tmp_path: Path, capsys, monkeypatch, quiet_env: None) -> None:
    monkeypatch.chdir(tmp_path)
    root = make_site(tmp_path, {"2024-01-07-a.md": post()})
    assert run(root, "--help", capsys=capsys)[1].startswith("usage: newsletter")


def test_the_language_is_read_not_run(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text('import os\nos.mkdir("ran")\nlanguage = "pt_BR"\n', encoding="utf-8")
    assert i18n.conf_language(tmp_path) == "pt_BR"
    assert not (tmp_path / "ran").exists()
    (tmp_path / "conf.py").write_text("language = LANG\n", encoding="utf-8")
    assert i18n.conf_language(tmp_path) is None


@pytest.mark.parametrize(
    ("environ", "conf", "expected"),
    [
        ({}, "pt_BR", "pt_BR"),
        ({}, None, "en"),
        ({"LANGUAGE": "en"}, "pt_BR", "en"),
        ({"LC_ALL": "POSIX"}, "pt_BR", "pt_BR"),
        ({"LC_MESSAGES": "pt-BR.UTF-8"}, "en", "pt_BR.UTF-8"),
        ({"LANG": "en_US.UTF-8"}, "pt_BR", "pt_BR"),
        ({}, "pt", "pt"),
    ],
)
def test_language_choice(environ: dict[str, str], conf: str | None, expected: str) -> None:
    assert i18n.chosen_languages(environ, conf)[0] == expected
    assert i18n.translation(i18n.chosen_languages(environ, conf)).gettext("options") == (
        "opções" if expected.startswith("pt") else "options"
    )


def test_the_argparse_words_are_put_back(site: Path, capsys) -> None:
    run(site, "--help", capsys=capsys)
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"


def test_the_installed_command_in_both_languages(site: Path) -> None:
    command = [sys.executable, "-m", "sphinx_newsletter", "--conf-dir", str(site), "--help"]
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    assert subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout.startswith("uso:")
    env["LANGUAGE"] = "en"
    assert subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout.startswith("usage:")
