"""What Read the Docs publishes holds only the site: Sphinx's environment stays outside.

The environment and doctrees hold every page's data (and our post cache);
``sphinx-build -b html SRC OUT`` puts them in ``OUT/.doctrees``, which Read the
Docs would publish with the site. These tests ask make what it would run.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from sitetools import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _sphinx_commands(make_args: list[str], env: dict[str, str]) -> list[list[str]]:
    """The sphinx/sphinx-autobuild command lines ``make -n`` prints for *make_args*."""
    # A stamp newer than pyproject.toml, so make -n prints no venv set-up.
    out = subprocess.run(
        ["make", "-n", "-C", str(REPO), "STAMP=Makefile", *make_args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    ).stdout
    commands = [shlex.split(line) for line in out.splitlines() if "-m sphinx" in line]
    assert commands, out
    return commands


def _doctrees(command: list[str]) -> Path:
    assert "-d" in command, command
    return Path(command[command.index("-d") + 1])


def _published(command: list[str]) -> Path:
    args = [a for a in command[command.index("-m") + 2 :] if not a.startswith("-")]
    flags_with_values = {"-b", "-d", "--watch", "--ignore", "--host", "--port"}
    values = {command[i + 1] for i, a in enumerate(command[:-1]) if a in flags_with_values}
    return Path([a for a in args if a not in values][1])


def _inside(path: Path, folder: Path) -> bool:
    return (REPO / path).resolve().is_relative_to((REPO / folder).resolve())


@pytest.mark.parametrize("target", ["html", "dirhtml", "serve"])
def test_local_builds_keep_doctrees_out_of_the_site(target: str) -> None:
    for command in _sphinx_commands([target], {}):
        assert not _inside(_doctrees(command), _published(command)), command


def test_read_the_docs_publishes_no_doctrees(tmp_path: Path) -> None:
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    output = tmp_path / "rtd-output"
    makes = [shlex.split(c) for c in config["build"]["commands"] if c.startswith("make ")]
    assert makes
    for make in makes:
        args = [a.replace("$READTHEDOCS_OUTPUT", str(output)) for a in make[1:]]
        for command in _sphinx_commands(args, {"READTHEDOCS_OUTPUT": str(output)}):
            assert _published(command).is_relative_to(output)
            assert not _inside(_doctrees(command), output), command
