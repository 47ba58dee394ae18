"""The floor: the archive's pages written directly as MyST, no newsletter extension.

One page per post (title, date, a sphinx-design card for the commented
article, the body, an author box), one page per edition with its toctree, an
editions index, and Furo. It is what any archive of these posts must at least
cost, so our extension is measured against it.

Furo renders the whole toctree on every page, which is quadratic in the
number of posts (with every post in a visible toctree, 1,000 posts did not
build in 600 s). The floor bounds it the cheapest way: the editions index
lists its editions in a *hidden* toctree (plus a plain list of links), and a
conf.py hook asks Sphinx for the global toctree without hidden toctrees, so
the sidebar holds the top of the tree only, whatever the number of posts.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from typing import TYPE_CHECKING

from bench.posts import shift_headings

if TYPE_CHECKING:
    from pathlib import Path

    from bench.posts import Post

CONF = '''\
"""Sphinx configuration of the benchmark's floor (written by bench/floor.py)."""

project = "Arquivo (piso do benchmark)"
language = "pt_BR"
extensions = ["myst_parser", "sphinx_design"]
html_theme = "furo"
html_title = project
exclude_patterns = ["_build"]


def _bounded_sidebar(app, pagename, templatename, context, doctree):
    # Runs before Furo's handler (priority 500), which asks for the whole tree.
    toctree = context.get("toctree")
    if toctree is not None:
        context["toctree"] = lambda **kw: toctree(**{**kw, "includehidden": False})


def setup(app):
    app.connect("html-page-context", _bounded_sidebar, priority=400)
'''


def fence(body: str) -> str:
    """A backtick fence longer than any run of backticks in ``body``."""
    longest, run = 0, 0
    for char in body:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def card(title: str, options: dict[str, str], content: str) -> str:
    """A sphinx-design card directive."""
    marks = fence(content)
    lines = [f"{marks}{{card}} {title}".rstrip()]
    lines += [f":{key}: {value}" for key, value in options.items() if value]
    return "\n".join([*lines, "", content, marks, ""])


def post_content(post: Post) -> str:
    """The part of a post page shared by the floor and ABlog: card, body, author box."""
    article = card(
        post.highlight_title,
        {"link": post.highlight_url, "img-top": post.image, "class-card": "highlight"},
        post.highlight_author or post.highlight_url,
    )
    author = f"[{post.author}]({post.author_url})" if post.author_url else post.author
    box = card("Comentado por", {"class-card": "author-box"}, author)
    return f"{article}\n{shift_headings(post.body).strip()}\n\n{box}"


def edition_title(number: int, posts: list[Post]) -> str:
    """``Edição #35 — 07/11/2022``, dated by its earliest post."""
    return f"Edição #{number} — {min(p.date for p in posts):%d/%m/%Y}"


def post_page(post: Post) -> str:
    """The floor's page of one post."""
    edition = f"[Edição #{post.edition}](../edicoes/{post.edition}.md)"
    return f"# {post.title}\n\n*{post.date:%d/%m/%Y}* · {edition}\n\n{post_content(post)}"


def edition_page(number: int, posts: list[Post]) -> str:
    """The page of one edition: its title and the toctree of its posts."""
    entries = "\n".join(f"/posts/{post.slug}" for post in posts)
    toctree = f"```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```\n"
    return f"# {edition_title(number, posts)}\n\n{toctree}"


def editions_index(editions: dict[int, list[Post]]) -> str:
    """All editions, newest first: a hidden toctree and a plain list of links."""
    numbers = sorted(editions, reverse=True)
    toctree = "\n".join(str(number) for number in numbers)
    links = "\n".join(f"- [{edition_title(n, editions[n])}]({n}.md)" for n in numbers)
    return f"# Edições\n\n```{{toctree}}\n:hidden:\n\n{toctree}\n```\n\n{links}\n"


def group_editions(posts: list[Post]) -> dict[int, list[Post]]:
    """Posts by edition number, in the posts' order."""
    editions: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        editions[post.edition].append(post)
    return dict(editions)


def write_post(srcdir: Path, post: Post) -> None:
    """Write (or rewrite, for the edit-one-post rebuild) one post's page."""
    (srcdir / "posts" / f"{post.slug}.md").write_text(post_page(post), encoding="utf-8")


def write_site(posts: list[Post], images: Path, srcdir: Path) -> None:
    """Write the whole floor project into the new folder ``srcdir``."""
    (srcdir / "posts").mkdir(parents=True)
    (srcdir / "edicoes").mkdir()
    shutil.copytree(images, srcdir / "images")
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    index = "# Arquivo da newsletter\n\n```{toctree}\n:maxdepth: 1\n\nedicoes/index\n```\n"
    (srcdir / "index.md").write_text(index, encoding="utf-8")
    editions = group_editions(posts)
    (srcdir / "edicoes" / "index.md").write_text(editions_index(editions), encoding="utf-8")
    for number, members in editions.items():
        page = edition_page(number, members)
        (srcdir / "edicoes" / f"{number}.md").write_text(page, encoding="utf-8")
    for post in posts:
        write_post(srcdir, post)
