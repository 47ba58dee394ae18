"""The site's own settings file, ``posts/site.yml``, and the old site's ``_config.yml`` (no Sphinx import).

``newsletter_site_file`` (default ``../posts/site.yml``) names one small YAML
file that says what the archive is called and where it lives::

    title: "Destaques da Newsletter"        # the site's name (project, html_title)
    description: "Os artigos comentados."   # the site's description (meta tags of pages without a post)
    url: "https://destaque.example.org/"    # the published address (html_baseurl)
    copyright: "2021-2024, Fulano"          # optional: the footer's line

It sits beside the posts, the authors registry and the baseline: the data of
the archive, in the PR that adopts or renames it. ``conf.py`` wins: a value
conf.py sets itself (``project``, ``html_title``, ``html_baseurl``,
``copyright``) is not replaced. Without ``copyright`` in either, the footer
follows the archive's own years (:func:`archive_years`): ``2021-2024, <title>``.

``newsletter import SITE --replace`` writes it from the Jekyll site's
``_config.yml`` (:func:`from_jekyll_config`). Both files are untrusted: read
with the strict, capped YAML reader, no symbolic link, and the address must
pass the URL policy (:func:`.urls.clean_url`, an ``http(s)`` URL with a real
host) or it is left out with a located problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .files import read_regular_text
from .model import Problem, recorder
from .text import clean_text, shorten
from .urls import clean_url
from .yamlsafe import YamlProblem, load_mapping, yaml_quote

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

#: Largest site file (and ``_config.yml``) read; longest title and description kept.
MAX_BYTES = 200_000
MAX_TITLE = 200
MAX_DESCRIPTION = 1_000

KEYS = ("title", "description", "url", "copyright")

#: Sphinx config value -> the site file's key that fills it (when conf.py doesn't set it).
FILLS = {"project": "title", "html_title": "title", "html_baseurl": "url", "copyright": "copyright"}

#: Characters refused in the values Sphinx's themes print as HTML (Furo shows ``html_title``
#: and ``project`` unescaped, and Sphinx's ``copyright`` too): text only, never markup.
MARKUP = frozenset("<>")

HEADER = """\
# O site: nome, descrição e endereço publicado (lidos pela extensão via
# newsletter_site_file; um valor que o conf.py define vence o daqui).
#
#   title: "Nome do site"              # project e html_title
#   description: "Uma frase."          # descrição das páginas sem post
#   url: "https://exemplo.org/"        # html_baseurl (feeds, sitemap, links canônicos)
#   copyright: "2021-2024, Fulano"     # opcional; sem ele, os anos do arquivo
#
# `newsletter import SITE --replace` escreve este arquivo a partir do
# _config.yml do site Jekyll.
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteFile:
    """The values of ``site.yml`` that passed their checks, and the file lines they came from."""

    title: str = ""
    description: str = ""
    url: str = ""
    copyright: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """The set values, in :data:`KEYS` order."""
        return {key: getattr(self, key) for key in KEYS if getattr(self, key)}


def load_site_file(path: Path | None, display: str) -> tuple[SiteFile, list[Problem]]:
    """Read ``site.yml``; a missing file (or none configured) is an empty one."""
    problems: list[Problem] = []
    if path is None:
        return SiteFile(), problems
    problem = recorder(problems, display)
    text, why = read_regular_text(path, MAX_BYTES)
    if why:
        problem(1, "site-file", f"the site file {why}", error=True)
    if not text:
        return SiteFile(), problems
    try:
        fields, duplicates = load_mapping(text)
    except YamlProblem as exc:
        problem(exc.line + 1, "site-file", exc.message, error=True, column=exc.column + 1)
        return SiteFile(), problems
    for dup in duplicates:
        problem(dup.line + 1, "site-file", dup.message, column=dup.column + 1)
    values, lines = {}, {}
    for key, found in fields.items():
        if key not in KEYS:
            problem(found.line + 1, "site-file", f"unknown key {key!r} (known: {', '.join(KEYS)}); ignored")
            continue
        value, why = clean_value(key, found.value)
        if why:
            problem(found.line + 1, "site-file", f"{key!r} {why}; ignored")
        if value:
            values[key], lines[key] = value, found.line + 1
    return SiteFile(**values, lines=lines), problems


def clean_value(key: str, value: object) -> tuple[str, str]:
    """The cleaned *value* of *key*, and why it was refused or changed (``''``: fine)."""
    if value is None or value == "":
        return "", ""
    if not isinstance(value, str):
        return "", "must be a text"
    text = clean_text(value)
    if key == "url":
        result = clean_url(text)
        if result.url is None:
            return "", result.message or "is not an http(s) address"
        parts = urlsplit(result.url)
        if "//" in parts.path:
            # The 404 page's links start with the address's path: '//host/' would load another site's scripts.
            return "", "has an empty path segment ('//'): not the site's address"
        if parts.query or parts.fragment:
            return "", "has a query or fragment: not the site's address"
        return result.url.rstrip("/") + "/", ""
    if key in ("title", "copyright") and MARKUP & set(text):
        return "", "contains '<' or '>': the theme shows it as HTML, so it must be plain text"
    cap = MAX_DESCRIPTION if key == "description" else MAX_TITLE
    if len(text) > cap:
        return shorten(text, cap), f"is cut at {cap} characters"
    return text, ""


def filled(site: SiteFile, maintainer: Mapping[str, Any]) -> dict[str, str]:
    """The Sphinx values *site* gives: those of :data:`FILLS` that *maintainer* (conf.py, ``-D``) doesn't set."""
    values = site.values()
    return {name: values[key] for name, key in FILLS.items() if key in values and name not in maintainer}


def format_site_file(values: dict[str, str]) -> str:
    """The text of ``site.yml`` for *values* (keys of :data:`KEYS`), quoted, in a fixed order."""
    lines = [f"{key}: {yaml_quote(values[key])}" for key in KEYS if values.get(key)]
    return HEADER + "\n" + "\n".join(lines) + ("\n" if lines else "")


def archive_years(dates: Iterable[dt.date], title: str) -> str:
    """``2021-2024, Title`` (``2024, Title`` for one year) for the posts' *dates*; ``''`` without posts."""
    years = sorted({d.year for d in dates})
    if not years:
        return ""
    span = str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"
    return f"{span}, {title}" if title else span


# --- the Jekyll site's _config.yml -------------------------------------------------------------

#: The keys Jekyll themes read Disqus's forum name from, and what a forum name looks like.
DISQUS_KEYS = ("disqus-shortname", "disqus_shortname", "disqus")
SHORTNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")

#: Keys of ``_config.yml`` read, beyond :data:`KEYS`' ``title``, ``description`` and ``url``.
JEKYLL_READ = ("baseurl", "lang", "name")


@dataclass(slots=True)
class JekyllConfig:
    """What ``_config.yml`` gives the site file, and a line for every key (read or not, and why)."""

    values: dict[str, str] = field(default_factory=dict)
    lang: str = ""
    notes: list[str] = field(default_factory=list)


def from_jekyll_config(path: Path, display: str) -> JekyllConfig:
    """The title, description and address of a Jekyll site; every other key is named with the reason."""
    result = JekyllConfig()
    text, why = read_regular_text(path, MAX_BYTES)
    if why or text is None:
        result.notes.append(f"{display}: {why or 'not found'}; the site file keeps its values")
        return result
    try:
        fields, _ = load_mapping(text)
    except YamlProblem as exc:
        result.notes.append(f"{display}:{exc.line + 1}: {exc.message}; not read")
        return result
    raw = {key: found.value for key, found in fields.items()}
    where = {key: f"{display}:{found.line + 1}" for key, found in fields.items()}
    title = raw.get("title") or raw.get("name")
    url = _joined_url(raw.get("url"), raw.get("baseurl"))
    for key, value in (("title", title), ("description", raw.get("description")), ("url", url)):
        cleaned, why = clean_value(key, value)
        source = "title" if key == "title" and raw.get("title") else "name" if key == "title" else key
        if cleaned:
            result.values[key] = cleaned
        if source in where and (why or not cleaned):
            result.notes.append(f"{where[source]}: {key} {why or 'is empty'}; left out")
    if isinstance(raw.get("lang"), str):
        result.lang = clean_text(raw["lang"])
    for key in sorted(set(raw) - {"title", "description", "url", *JEKYLL_READ}):
        if key in DISQUS_KEYS and isinstance(raw[key], str) and SHORTNAME.fullmatch(raw[key].strip()):
            # Not written into the site file: which provider a page loads is conf.py's (the maintainer's) call.
            result.notes.append(
                f"{where[key]}: {key!r} not carried: to keep the old site's comment threads, set "
                f'newsletter_comments = {{"provider": "disqus", "shortname": "{raw[key].strip()}"}} in conf.py'
            )
            continue
        result.notes.append(f"{where[key]}: {key!r} not carried (Jekyll's own setting; the archive has no use for it)")
    return result


def _joined_url(url: object, baseurl: object) -> object:
    """Jekyll's address is ``url`` + ``baseurl`` (``https://x.org`` + ``/blog``)."""
    if not isinstance(url, str) or not isinstance(baseurl, str) or not baseurl.strip("/ "):
        return url
    return url.rstrip("/") + "/" + baseurl.strip("/ ") + "/"
