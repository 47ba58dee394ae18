"""The Pythons the bench builds with, and what is installed in them.

Our archive builds in the project's own venv. The floor and ABlog build in
the bench's venv under ``bench/_work/``, so ABlog never enters the project's
venv; that venv is pinned to the project venv's versions (Sphinx, MyST,
Furo, ...) whenever pip can, so the three systems share one tool chain.
PyStemmer goes into both: without it the Portuguese search index alone is
about 30% of a build, and the comparison would measure the stemmer.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

BENCH_PACKAGES = (
    "sphinx",
    "myst-parser",
    "furo",
    "sphinx-design",
    "PyStemmer",
    "ablog",
)
# The tool chain the three systems share (lower-case names; plus sphinxcontrib-*).
# fmt: off
SHARED = frozenset({
    "sphinx", "docutils", "myst-parser", "markdown-it-py", "mdit-py-plugins", "mdurl",
    "furo", "sphinx-basic-ng", "sphinx-design", "pystemmer", "snowballstemmer",
    "jinja2", "markupsafe", "pygments", "babel", "pyyaml", "beautifulsoup4",
    "soupsieve", "alabaster", "imagesize", "roman-numerals", "roman-numerals-py",
})
# fmt: on
VERSIONS = """\
import importlib.metadata as m, json, platform
names = ["sphinx", "myst-parser", "furo", "sphinx-design", "ablog", "PyStemmer"]
found = {}
for name in names:
    try:
        found[name] = m.version(name)
    except m.PackageNotFoundError:
        pass
print(json.dumps({"python": platform.python_version(), **found}))
"""


class VenvError(RuntimeError):
    """A venv could not be made or completed."""


def pip(python: Path, args: list[str], log: Path) -> bool:
    """Run ``python -m pip ARGS`` quietly, its output appended to ``log``."""
    with log.open("a", encoding="utf-8") as out:
        out.write(f"$ {python} -m pip {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(
            [str(python), "-m", "pip", "--disable-pip-version-check", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return done.returncode == 0


def freeze(python: Path) -> str:
    """The project venv's versions of the shared tool chain, as pip constraints."""
    done = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.splitlines() if done.returncode == 0 else []
    return "".join(f"{line}\n" for line in lines if pinned(line))


def pinned(requirement: str) -> bool:
    """Whether a ``name==version`` line is part of the tool chain shared with ours.

    Only those: pinning the project's test tools too would reinstall the bench's
    venv whenever they change.
    """
    name = re.split(r"[=<>~! ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
    return name in SHARED or name.startswith("sphinxcontrib-")


def bench_venv(folder: Path, constraints_from: Path | None, log: Path) -> Path:
    """Make (once) the bench's venv with ABlog, the floor's tools and PyStemmer."""
    python = folder / "bin" / "python"
    constraints = freeze(constraints_from) if constraints_from else ""
    stamp = folder / ".bench-installed"
    wanted = "\n".join(BENCH_PACKAGES) + "\n--\n" + constraints
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return python
    print(f"bench: installing {', '.join(BENCH_PACKAGES)} into {folder} (log: {log})")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    (folder / "constraints.txt").write_text(constraints, encoding="utf-8")
    install = ["install", "--quiet", *BENCH_PACKAGES]
    if not pip(python, [*install, "-c", str(folder / "constraints.txt")], log):
        print("bench: warning: no install with the project's versions; unpinned")
        if not pip(python, install, log):
            raise VenvError(f"pip could not install the bench's packages: see {log}")
    stamp.write_text(wanted, encoding="utf-8")
    return python


def ensure_module(python: Path, module: str, package: str, log: Path) -> None:
    """Install ``package`` into ``python``'s venv when ``module`` is missing."""
    if imports(python, module):
        return
    print(f"bench: installing {package} into {python.parent.parent}")
    if not pip(python, ["install", "--quiet", package], log):
        raise VenvError(f"pip could not install {package}: see {log}")


def imports(python: Path, module: str) -> bool:
    """Whether ``python`` can import ``module``."""
    done = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True)
    return done.returncode == 0


def versions(python: Path) -> dict[str, str]:
    """Python's and the relevant packages' versions in ``python``'s venv."""
    done = subprocess.run([str(python), "-c", VERSIONS], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)
