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

The manifest is a file of the site, so anyone who can change the site can
change it (and anyone can compute a published file's hash). It only says
*which* samples to look for: what counts as a sample is what the package
itself ships, :mod:`.shipped` (file name -> SHA-256, registry key -> digest of
the entry), generated from this repository's ``posts/`` by ``make samples``
(:func:`write_shipped`); ``tests/test_adopt.py`` fails when the two drift
apart. A listed name or hash the package does not ship is kept and named.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .files import read_regular_text, write_atomic
from .images import IMAGE_FORMATS
from .registry import parse_registry
from .yamlsafe import YamlProblem, load_mapping, yaml_quote

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


# --- registry entries ------------------------------------------------------------------------------

_TOP_KEY = re.compile(r"""^(?:"([^"]+)"|'([^']+)'|([^\s#:"'][^:#]*?))\s*:\s*(?:#.*)?$""")


def top_key(line: str) -> str | None:
    """The key a top-level registry line opens (``ana-lima:``); ``None`` for any other line."""
    if not line or line[0].isspace() or line.startswith("#"):
        return None
    match = _TOP_KEY.match(line)
    return next(g for g in match.groups() if g is not None).strip() if match else None


def registry_entries(text: str) -> dict[str, str]:
    """Each top-level entry of a registry's *text* -> its digest (comments, blank lines and trailing spaces aside)."""
    lines: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line and not line[0].isspace() and not line.startswith("#"):
            key = top_key(line)
            current = lines.setdefault(key, []) if key is not None else None
        if current is not None and line.strip() and not line.lstrip().startswith("#"):
            current.append(line.rstrip())
    return {key: digest("\n".join(entry).encode("utf-8")) for key, entry in lines.items()}


# --- what the package ships --------------------------------------------------------------------------

SHIPPED_HEADER = '''\
"""The samples this package ships, by content: GENERATED by `make samples`, do not edit.

What :mod:`.samples` checks a ``posts/samples.yml`` against (see there why):
file name -> SHA-256 (:func:`.samples.digest`) for posts, images and the site
file; registry key -> digest of the entry (:func:`.samples.registry_entries`).
``tests/test_adopt.py`` fails when this list and ``posts/`` drift apart.
"""
'''


def shipped_from(posts_dir: Path, images_dir: Path) -> tuple[Manifest, dict[str, str]]:
    """The manifest of the samples in *posts_dir* and *images_dir*, and their registry entries' digests."""
    text = (posts_dir / "authors.yml").read_text(encoding="utf-8")
    registry, _ = parse_registry(text, "authors.yml")
    manifest = Manifest(
        posts={p.name: digest(p.read_bytes()) for p in sorted(posts_dir.glob("*.md"))},
        images={p.name: digest(p.read_bytes()) for p in sorted(images_dir.iterdir()) if is_image_name(p.name)},
        authors={key: entry.name for key, entry in registry.authors.items()},
        site={"site.yml": digest((posts_dir / "site.yml").read_bytes())},
    )
    return manifest, registry_entries(text)


def format_shipped(manifest: Manifest, entries: dict[str, str]) -> str:
    """The text of the :mod:`.shipped` module for *manifest* and *entries*."""
    parts = [SHIPPED_HEADER, "# ruff: noqa: E501", "from __future__ import annotations", ""]
    for name, items in (
        ("POSTS", manifest.posts),
        ("IMAGES", manifest.images),
        ("AUTHORS", entries),
        ("SITE", manifest.site),
    ):
        parts.append(f"{name}: dict[str, str] = {{")
        parts += [f"    {key!r}: {value!r},".replace("'", '"') for key, value in sorted(items.items())]
        parts.append("}")
    return "\n".join(parts) + "\n"


def write_shipped(posts_dir: Path, module: Path) -> None:
    """``make samples``: write ``posts/samples.yml`` and the :mod:`.shipped` module from *posts_dir*."""
    manifest, entries = shipped_from(posts_dir, posts_dir / "images")
    write_atomic(posts_dir / MANIFEST, format_manifest(manifest).encode("utf-8"))
    write_atomic(module, format_shipped(manifest, entries).encode("utf-8"))


# --- what may be a sample -----------------------------------------------------------------------------

#: Files of the posts folder that are never a sample post, whatever a manifest says.
NEVER_SAMPLES = frozenset({"authors.yml", "baseline.yml", "site.yml", MANIFEST})


def is_post_name(name: str) -> bool:
    """A post file's name directly in the posts folder: ``2025-03-02-x.md`` (no folder, not hidden)."""
    return _plain(name) and name.endswith(".md") and name not in NEVER_SAMPLES


def is_image_name(name: str) -> bool:
    """A raster image's name directly in the images folder (a suffix :data:`.images.IMAGE_FORMATS` knows)."""
    return _plain(name) and Path(name).suffix.lower() in IMAGE_FORMATS and name not in NEVER_SAMPLES


def _plain(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") and "\0" not in name
