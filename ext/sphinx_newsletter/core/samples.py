"""The sample posts, images and authors the project ships: ``posts/samples.yml`` (no Sphinx import).

A fresh clone has sample posts so that ``make html`` shows a site. Adopting a
real archive (``newsletter import SITE --replace``) removes them, and only
them: the manifest lists each sample file with the SHA-256 of its content
(line ends folded, so a Windows checkout matches) and each sample author's
registry key with its name::

    posts:
      2025-03-02-quatro-sinais-de-ouro.md: 3f2a...
    images:
      quatro-sinais-de-ouro.png: 9b1c...
    authors:
      ana-beatriz-lima: "Ana Beatriz Lima"
    site:
      site.yml: 5d0e...

Why a manifest and not "whatever did not come from an import": posts a
maintainer wrote by hand (or with ``newsletter new``) look exactly like
imported ones, and must never be deleted. A listed file whose content changed
is no longer the sample (someone edited it): it is kept and named; so is an
author entry whose name changed. The manifest itself is removed once nothing
it lists is left, so a second ``--replace`` has nothing to remove.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .files import read_regular_text
from .yamlsafe import YamlProblem, load_mapping, yaml_quote

if TYPE_CHECKING:
    from pathlib import Path

MANIFEST = "samples.yml"
MAX_BYTES = 200_000
HEADER = """\
# Os posts, imagens e autores de exemplo que vêm com o projeto.
# `newsletter import SITE --replace` remove exatamente estes (os que não foram
# editados) e, por fim, este arquivo. Ao mudar um exemplo, atualize o hash
# (tests/test_adopt.py diz qual).
"""


@dataclass(frozen=True, slots=True)
class Manifest:
    """File name -> SHA-256 for posts, images and the site file; registry key -> name for authors."""

    posts: dict[str, str] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)
    authors: dict[str, str] = field(default_factory=dict)
    #: The site file as shipped (``site.yml`` -> SHA-256): its values are samples too.
    site: dict[str, str] = field(default_factory=dict)


def digest(data: bytes) -> str:
    """The SHA-256 of *data* with ``\\r\\n`` folded to ``\\n`` (text files checked out on Windows)."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def load_manifest(path: Path) -> tuple[Manifest, str]:
    """The manifest at *path* (missing: empty), and why it cannot be read (``''``)."""
    text, why = read_regular_text(path, MAX_BYTES)
    if why or not text:
        return Manifest(), why and f"the samples manifest {why}"
    try:
        fields, _ = load_mapping(text)
    except YamlProblem as exc:
        return Manifest(), f"the samples manifest, line {exc.line + 1}: {exc.message}"
    parts = {}
    for name in ("posts", "images", "authors", "site"):
        value = fields[name].value if name in fields else {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return Manifest(), f"the samples manifest's {name!r} must map names to texts"
        parts[name] = dict(value)
    return Manifest(**parts), ""


def format_manifest(manifest: Manifest) -> str:
    """The manifest's text, sorted and quoted."""
    lines = [HEADER.rstrip("\n"), ""]
    for name in ("posts", "images", "authors", "site"):
        items = getattr(manifest, name)
        lines.append(f"{name}:" + ("" if items else " {}"))
        lines += [f"  {yaml_quote(key)}: {yaml_quote(value)}" for key, value in sorted(items.items())]
    return "\n".join(lines) + "\n"


def is_sample(path: Path, expected: str) -> bool | None:
    """Whether the file at *path* is still the sample (``None``: not there)."""
    try:
        if path.is_symlink() or not path.is_file():
            return None if not path.is_symlink() and not path.exists() else False
        return digest(path.read_bytes()) == expected
    except OSError:
        return False
