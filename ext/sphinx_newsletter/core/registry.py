"""The authors registry: one file of commentators, matched to posts (no Sphinx import).

``posts/authors.yml`` (``newsletter_authors_file``) maps an author's key (the
name of their page, ``ana-souza``) to what the archive shows about them::

    ana-souza:
      name: "Ana Souza"                     # canonical name (required)
      variants: ["Ana S.", "Ana Souza Lima"] # other spellings found in posts
      links: ["https://www.linkedin.com/in/ana-souza"]  # the first is the profile
      avatar: autores/ana-souza.png         # inside the images folder (optional)
      bio: "SRE na Empresa X."              # one short paragraph (optional)

Posts keep ``comentado_por`` as they are. A post belongs to an entry when its
profile link is one of the entry's ``links`` (compared spelling-insensitively
by :func:`~sphinx_newsletter.core.urls.profile_key`) or its name is the canonical
name or a variant (compared by :func:`~sphinx_newsletter.core.model.slugify`, so
case and accents don't matter). The file is contributor-edited: it is read
with the strict YAML reader, URLs go through the URL policy, and an entry
with a problem is reported and left out (or kept without the bad value).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .files import read_regular_text
from .images import image_path, image_problem
from .model import (
    RESERVED_KEYS,
    Problem,
    RegisteredAuthor,
    Registry,
    name_skeleton,
    recorder,
    shown_name,
    slugify,
)
from .paths import display_path
from .text import clean_text, printable, shorten
from .urls import clean_url, profile_key
from .yamlsafe import YamlProblem, load_mapping, yaml_quote

if TYPE_CHECKING:
    from pathlib import Path

    from .model import Archive, Author, Post

#: Largest registry file that is read, and most entries, links and variants kept.
MAX_BYTES = 1_000_000
MAX_ENTRIES = 5_000
MAX_ITEMS = 20
MAX_BIO = 600

ENTRY_KEYS = ("name", "variants", "links", "avatar", "bio")
_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


def name_key(name: str) -> str:
    """How names are compared: accents, case and punctuation ignored."""
    return slugify(name)


# --- reading -------------------------------------------------------------------------


def load_configured(
    authors_file: Path | None, images_dir: Path | None, settings: Any, base: Path | None = None
) -> tuple[Registry | None, list[Problem]]:
    """The registry named by ``newsletter_authors_file``: what the build and the CLI both use."""
    if authors_file is None:
        return None, []

    return load_registry(authors_file, display_path(authors_file, base), images_dir=images_dir, settings=settings)


def load_registry(
    path: Path, display: str, *, images_dir: Path | None = None, settings: Any = None
) -> tuple[Registry, list[Problem]]:
    """Read the registry at *path*; a missing file is an empty registry, not a problem.

    With *images_dir* (and *settings*), avatars are checked to exist there.
    """
    problems: list[Problem] = []
    problem = recorder(problems, display)

    text = _read(path, problem)
    if text is None:
        return Registry(), problems
    registry, more = parse_registry(text, display, images_dir=images_dir, settings=settings)
    return registry, problems + more


def parse_registry(
    text: str, display: str, *, images_dir: Path | None = None, settings: Any = None
) -> tuple[Registry, list[Problem]]:
    """The registry in *text* (the file's content, shown as *display* in problems)."""
    problems: list[Problem] = []
    problem = recorder(problems, display)
    try:
        fields, duplicates = load_mapping(text)
    except YamlProblem as exc:
        problem(exc.line + 1, "registry-yaml", exc.message, error=True, column=exc.column + 1)
        return Registry(), problems
    for dup in duplicates:
        problem(dup.line + 1, "registry-duplicate", dup.message, column=dup.column + 1)
    entries = []
    for key, found in list(fields.items())[:MAX_ENTRIES]:
        entry = _entry(key, found.value, found.line + 1, problem)
        if entry is not None:
            entries.append(entry)
    if len(fields) > MAX_ENTRIES:
        problem(1, "registry-entry", f"more than {MAX_ENTRIES} entries; the rest are ignored")
    if images_dir is not None and settings is not None:
        entries = [_check_avatar(e, images_dir, settings, problem) for e in entries]
    return _index(entries, problem), problems


def _read(path: Path, problem: Any) -> str | None:
    """The authors registry's text (see :func:`.files.read_regular_text`); why not, as an error."""
    text, why = read_regular_text(path, MAX_BYTES)
    if why:
        problem(1, "registry-yaml", f"the authors registry {why}", error=True)
    return text


def _entry(key: str, value: Any, line: int, problem: Any) -> RegisteredAuthor | None:
    if not _KEY.match(key) or key in RESERVED_KEYS:
        problem(
            line,
            "registry-entry",
            f"author key {key!r} must be lower-case letters, digits and "
            "dashes (it names the author's page); entry left out",
        )
        return None
    if not isinstance(value, dict):
        problem(line, "registry-entry", f"author {key!r} must be a mapping with 'name', 'links', ...; entry left out")
        return None
    for unknown in sorted(set(value) - set(ENTRY_KEYS)):
        problem(line, "registry-entry", f"author {key!r}: unknown key {unknown!r} (known: {', '.join(ENTRY_KEYS)})")
    name = clean_text(value["name"]) if isinstance(value.get("name"), str) else ""
    if not name:
        problem(line, "registry-entry", f"author {key!r} has no 'name'; entry left out")
        return None
    bio = clean_text(value["bio"]) if isinstance(value.get("bio"), str) else ""
    if len(bio) > MAX_BIO:
        problem(line, "registry-entry", f"author {key!r}: the bio is cut at {MAX_BIO} characters")
        bio = shorten(bio, MAX_BIO)
    return RegisteredAuthor(
        key=key,
        name=name,
        variants=tuple(clean_text(v) for v in _texts(key, "variants", value, line, problem)),
        links=_links(key, value, line, problem),
        avatar=_avatar(key, value.get("avatar"), line, problem),
        bio=bio,
        line=line,
    )


def _texts(key: str, name: str, value: dict[str, Any], line: int, problem: Any) -> list[str]:
    items = value.get(name)
    if items is None:
        return []
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        problem(line, "registry-entry", f"author {key!r}: {name!r} must be a list of texts; ignored")
        return []
    if len(items) > MAX_ITEMS:
        problem(line, "registry-entry", f"author {key!r}: only the first {MAX_ITEMS} {name} are kept")
    return [i for i in items[:MAX_ITEMS] if i.strip()]


def _links(key: str, value: dict[str, Any], line: int, problem: Any) -> tuple[str, ...]:
    links = []
    for text in _texts(key, "links", value, line, problem):
        result = clean_url(text)
        if result.code:
            problem(line, result.code, f"author {key!r}: {result.message}")
        if result.url:
            links.append(result.url)
    return tuple(links)


def _avatar(key: str, value: Any, line: int, problem: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problem(line, "registry-entry", f"author {key!r}: 'avatar' must be an image path; ignored")
        return None
    path, why = image_path(value)
    if path is None:
        problem(line, "image-refused", f"author {key!r}: avatar {value!r} {why}; no avatar shown")
    return path


def _check_avatar(entry: RegisteredAuthor, images_dir: Path, settings: Any, problem: Any) -> RegisteredAuthor:
    if entry.avatar is None:
        return entry
    why = image_problem(entry.avatar, images_dir, settings)
    if not why:
        return entry
    problem(entry.line, "image-missing", f"author {entry.key!r}: avatar {entry.avatar!r} {why}; no avatar shown")
    return replace(entry, avatar=None)


def _index(entries: list[RegisteredAuthor], problem: Any) -> Registry:
    """Index names and links; a spelling claimed by two entries stays with the first."""
    authors: dict[str, RegisteredAuthor] = {}
    by_name: dict[str, str] = {}
    by_link: dict[str, str] = {}
    for entry in entries:
        authors[entry.key] = entry
        for spelling in (entry.name, *entry.variants):
            _claim(by_name, name_key(spelling), entry, f"the name {spelling!r}", problem)
        for link in entry.links:
            _claim(by_link, profile_key(link), entry, f"the link {link!r}", problem)
    return Registry(authors=authors, by_name=by_name, by_link=by_link)


def _claim(index: dict[str, str], key: str, entry: RegisteredAuthor, what: str, problem: Any) -> None:
    if not key:
        return
    owner = index.setdefault(key, entry.key)
    if owner != entry.key:
        problem(
            entry.line,
            "registry-conflict",
            f"author {entry.key!r}: {what} already belongs to {owner!r}; it stays with {owner!r}",
        )


# --- suggestions -------------------------------------------------------------------------


def suggest_entry(names: list[str], links: list[str], taken: set[str] | None = None) -> str:
    """A registry entry (YAML text) for a commentator who is not in the registry."""

    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    canonical = max(counts, key=lambda n: (counts[n], len(n), n))
    key = slugify(canonical) or "autor"
    while taken and key in taken:
        key += "-2"
    variants = sorted(n for n in counts if n != canonical)
    return format_entry(key, canonical, variants, preferred_links(links)[:1])


def preferred_links(links: list[str]) -> list[str]:
    """One spelling per profile (:func:`profile_key`), most used person first: its most used spelling, https first."""
    spellings = Counter(links)
    by_person = Counter(profile_key(u) for u in links)
    ordered = sorted(
        spellings, key=lambda u: (-by_person[profile_key(u)], not u.startswith("https:"), -spellings[u], u)
    )
    first: dict[str, str] = {}
    for url in ordered:
        first.setdefault(profile_key(url), url)
    return list(first.values())


def format_entry(key: str, name: str, variants: list[str], links: list[str], comments: tuple[str, ...] = ()) -> str:
    """One entry's YAML text, every value quoted; *comments* go above it, one ``#`` line each."""
    lines = [f"# {printable(c)}" for c in comments] + [f"{key}:", f"  name: {yaml_quote(name)}"]
    if variants:
        lines.append("  variants: [" + ", ".join(yaml_quote(v) for v in variants) + "]")
    if links:
        lines.append("  links: [" + ", ".join(yaml_quote(u) for u in links) + "]")
    return "\n".join(lines)


# --- entries for a whole archive (newsletter import --replace) ---------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEntry:
    """A registry entry for commentators the registry does not know, and why a person should look at it."""

    key: str
    name: str
    variants: tuple[str, ...]
    links: tuple[str, ...]
    posts: int
    review: tuple[str, ...] = ()

    def text(self) -> str:
        comments = tuple(f"review: {why}" for why in self.review)
        return format_entry(self.key, self.name, list(self.variants), list(self.links), comments)


def new_entries(archive: Archive, taken: set[str]) -> list[NewEntry]:
    """Entries for every commentator of *archive* its registry did not know (``registered`` is false).

    The build's grouping is the start: :func:`.model.build_archive` already made
    one author of the posts that share a profile link. Authors that share a
    spelling (compared as the registry compares names, :func:`name_key`) become
    one entry too, since two entries may not claim one name; that merge, a
    spelling that is more than another's case or accents, and a name that
    only looks like another entry's are listed in ``review``.
    """
    unknown = [a for a in archive.authors.values() if not a.registered]
    clusters = _clusters(unknown)
    entries: list[NewEntry] = []
    taken = set(taken) | set(RESERVED_KEYS)
    for group in clusters:
        posts = [archive.posts[k] for author in group for k in author.posts]
        entries.append(_new_entry(group, posts, taken))
    return _twins(sorted(entries, key=lambda e: e.key))


def _clusters(authors: list[Author]) -> list[list[Author]]:
    """The authors grouped by any shared spelling (union of their :func:`name_key`)."""
    owner: dict[str, int] = {}
    groups: dict[int, list[Author]] = {}
    for index, author in enumerate(sorted(authors, key=lambda a: a.key)):
        keys = {name_key(v) for v in author.variants} - {""}
        merged = sorted({owner[k] for k in keys if k in owner})
        target = merged[0] if merged else index
        groups.setdefault(target, [])
        for other in merged[1:]:
            groups[target] += groups.pop(other)
        groups[target].append(author)
        for member in groups[target]:
            owner.update(dict.fromkeys((name_key(v) for v in member.variants), target))
    return list(groups.values())


def _new_entry(group: list[Author], posts: list[Post], taken: set[str]) -> NewEntry:
    name = shown_name(posts)
    key = free_key(slugify(name) or "autor", taken)
    taken.add(key)
    variants = sorted({p.author_name for p in posts} - {name})
    links = preferred_links([p.author_url for p in posts if p.author_url])
    review = []
    if len(group) > 1:
        parts = "; ".join(f"{a.name!r} ({a.url or 'no profile link'}, {_posts(len(a.posts))})" for a in group)
        review.append(f"the build shows these apart; merged because they share a spelling: {parts}")
    for variant in variants:
        if name_skeleton(variant) != name_skeleton(name):
            count = sum(p.author_name == variant for p in posts)
            review.append(f"{variant!r} ({_posts(count)}) kept as a spelling of {name!r}: the same person?")
    if len(variants) > MAX_ITEMS or len(links) > MAX_ITEMS:
        review.append(f"more than {MAX_ITEMS} spellings or links: the registry reads the first {MAX_ITEMS}")
    return NewEntry(
        key=key, name=name, variants=tuple(variants), links=tuple(links), posts=len(posts), review=tuple(review)
    )


def _posts(n: int) -> str:
    return f"{n} post{'s' if n != 1 else ''}"


def free_key(key: str, taken: set[str]) -> str:
    """*key*, or ``key-2``, ``key-3``... the first that is not *taken*."""
    n, found = 2, key
    while found in taken:
        found, n = f"{key}-{n}", n + 1
    return found


def _twins(entries: list[NewEntry]) -> list[NewEntry]:
    """A review line on each entry whose name reads like another's (look-alike letters), not merged."""
    seen: dict[str, str] = {}
    out = []
    for entry in entries:
        twin = seen.setdefault(name_skeleton(entry.name), entry.key)
        if twin != entry.key:
            why = f"the name reads like {twin!r}'s but is spelled differently; not merged: two people, or a mistake?"
            entry = replace(entry, review=(*entry.review, why))
        out.append(entry)
    return out
