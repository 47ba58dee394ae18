"""ABlog with Furo on the same posts: the established tool we compare against.

Each post is a MyST page with ABlog's front matter (``blogpost: true``,
``date``, ``author``, ``category``) and the same content as the floor's (card,
body, author box, same images). The edition is the post's category, so ABlog
builds one page per edition as we do, plus its own author, year and feed
pages. The sidebar is Furo's plus ABlog's bounded widgets (post card, recent
posts, archives by year); the tag cloud and category list, which grow with
the archive, are left out as the floor leaves out the full tree. ABlog's
own page.html extends layout.html, which Furo refuses, so the conf keeps
Furo's page templates and exposes only ABlog's `ablog/` ones.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from bench.floor import post_content
from bench.posts import slugify

if TYPE_CHECKING:
    from pathlib import Path

    from bench.posts import Post

CONF = '''\
"""Sphinx configuration of the bench's ABlog site (written by bench/ablog_site.py)."""

import pathlib

import ablog

# ABlog's own page.html extends layout.html, which Furo refuses to render: keep
# Furo's page templates and expose only ABlog's sidebar and archive templates.
_templates = pathlib.Path(__file__).parent / "_templates"
if not (_templates / "ablog").exists():
    _templates.mkdir(exist_ok=True)
    _ours = pathlib.Path(ablog.get_html_templates_path(), "ablog")
    (_templates / "ablog").symlink_to(_ours)
templates_path = ["_templates"]
skip_injecting_base_ablog_templates = True

project = "Arquivo (ABlog)"
language = "pt_BR"
extensions = ["myst_parser", "sphinx_design", "ablog"]
html_theme = "furo"
html_title = project
exclude_patterns = ["_build"]
blog_title = project
blog_path = "blog"
blog_baseurl = "https://example.org/"
post_date_format = "%d/%m/%Y"
post_date_format_short = "%d/%m/%Y"
blog_authors = {authors!r}
html_sidebars = {{
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "ablog/postcard.html",
        "ablog/recentposts.html",
        "ablog/archives.html",
        "sidebar/scroll-end.html",
    ]
}}
'''

INDEX = """\
# Arquivo da newsletter

```{postlist} 10
:format: "{title}"
```
"""


def post_page(post: Post) -> str:
    """ABlog's page of one post: ABlog front matter, title, the shared content."""
    front = [
        "---",
        "blogpost: true",
        f"date: {post.date.isoformat()}",
        f"author: {slugify(post.author)}",
        f'category: "Edição {post.edition}"',
    ]
    if post.categories:
        front.append(f'tags: "{post.categories}"')
    return "\n".join([*front, "---", "", f"# {post.title}", "", post_content(post)])


def authors(posts: list[Post]) -> dict[str, tuple[str, str | None]]:
    """ABlog's ``blog_authors``: label -> (full name, link)."""
    return {slugify(p.author): (p.author, p.author_url or None) for p in posts}


def write_post(srcdir: Path, post: Post) -> None:
    """Write (or rewrite, for the edit-one-post rebuild) one post's page."""
    (srcdir / "posts" / f"{post.slug}.md").write_text(post_page(post), encoding="utf-8")


def write_site(posts: list[Post], images: Path, srcdir: Path) -> None:
    """Write the whole ABlog project into the new folder ``srcdir``."""
    (srcdir / "posts").mkdir(parents=True)
    shutil.copytree(images, srcdir / "images")
    conf = CONF.format(authors=authors(posts))
    (srcdir / "conf.py").write_text(conf, encoding="utf-8")
    (srcdir / "index.md").write_text(INDEX, encoding="utf-8")
    for post in posts:
        write_post(srcdir, post)
