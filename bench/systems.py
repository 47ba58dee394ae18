"""The systems the bench builds: each lays out a fresh source and edits one post.

- ``ours``: the project's own site (a copy of ``docs/``) with the extension
  reading the generated posts, in the project's venv.
- ``floor``: the same pages written directly as MyST (``bench/floor.py``).
- ``ablog``: ABlog with Furo on the same posts (``bench/ablog_site.py``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bench import ablog_site, floor, venvs
from bench.posts import EDIT_SENTENCE, with_edit

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType

    from bench.posts import Post


@dataclass(frozen=True, slots=True, kw_only=True)
class Corpus:
    """The generated posts of one size, read once."""

    size: int
    folder: Path
    images: Path
    posts: list[Post]

    @property
    def edited(self) -> Post:
        """The post the edit-one-post rebuild edits: one in the middle."""
        return self.posts[len(self.posts) // 2]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A laid-out source folder and the extra ``sphinx`` arguments it needs."""

    srcdir: Path
    extra: tuple[str, ...] = ()


class System(Protocol):
    """What the runner needs of a system."""

    @property
    def name(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def python(self) -> Path: ...

    def prepare(self, corpus: Corpus, work: Path) -> Source: ...

    def edit(self, corpus: Corpus, work: Path) -> None: ...


def fresh(folder: Path) -> Path:
    """Empty ``folder`` (removing what a previous round left) and return it."""
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def copy_docs(docs: Path, dest: Path) -> None:
    """Copy the docs without their build and generated folders.

    The extension generates ``arquivo/`` itself: a stale copy would hide that cost.
    """

    def skip(folder: str, names: list[str]) -> set[str]:
        return {"_build", "arquivo"} & set(names) if folder == str(docs) else set()

    shutil.copytree(docs, dest, ignore=skip)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ours:
    """Our archive: the project's docs, the extension reading the posts folder."""

    python: Path
    docs: Path
    name: str = "ours"
    label: str = "ours"

    def prepare(self, corpus: Corpus, work: Path) -> Source:
        srcdir, posts = fresh(work / "src"), fresh(work / "posts")
        copy_docs(self.docs, srcdir)
        shutil.copytree(corpus.folder, posts)
        return Source(
            srcdir=srcdir,
            extra=(
                # The address the site file gives the archive (the generated posts have no site file):
                # absolute feeds, sitemap, redirects and social cards, as ABlog's blog_baseurl gives it feeds.
                "-D",
                "html_baseurl=https://example.org/",
                "-D",
                f"newsletter_posts_dir={posts}",
                "-D",
                f"newsletter_images_dir={corpus.images}",
            ),
        )

    def edit(self, corpus: Corpus, work: Path) -> None:
        path = work / "posts" / corpus.edited.path.name
        text = path.read_text(encoding="utf-8").rstrip()
        path.write_text(f"{text}\n\n{EDIT_SENTENCE}\n", encoding="utf-8")

    def unavailable(self) -> str | None:
        """Why our archive can't be built yet, or None when it can."""
        if not self.python.exists():
            return f"no project venv at {self.python} (run `make venv`)"
        if not (self.docs / "conf.py").exists():
            return f"no {self.docs / 'conf.py'} yet"
        if not venvs.imports(self.python, "sphinx_newsletter"):
            return "the sphinx_newsletter extension does not import yet"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Generated:
    """A system whose source the bench writes from the posts (the floor, ABlog)."""

    name: str
    label: str
    python: Path
    writer: ModuleType

    def prepare(self, corpus: Corpus, work: Path) -> Source:
        srcdir = fresh(work / "src")
        self.writer.write_site(corpus.posts, corpus.images, srcdir)
        return Source(srcdir=srcdir)

    def edit(self, corpus: Corpus, work: Path) -> None:
        self.writer.write_post(work / "src", with_edit(corpus.edited))


def floor_system(python: Path) -> Generated:
    return Generated(name="floor", label="floor", python=python, writer=floor)


def ablog_system(python: Path) -> Generated:
    return Generated(name="ablog", label="ABlog", python=python, writer=ablog_site)
