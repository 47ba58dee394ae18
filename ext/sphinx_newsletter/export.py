"""``archive.json``: every published post's metadata, for other tools.

It replaces the old site's ``search_data.json``. Written at ``build-finished``
from the archive model (so complete on incremental builds, and never with a
draft), with :func:`json.dumps`. URLs are absolute when ``html_baseurl`` is
set, site-root paths otherwise.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .browse import reading_minutes
from .site import Site, outputs_current, remember_outputs, site_for, write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .model import Post

PATH = "archive.json"
VERSION = 1


def post_record(site: Site, post: Post) -> dict[str, Any]:
    archive = site.archive
    edition = archive.edition_of(post)
    author = archive.author_of(post)
    return {
        "slug": post.key,
        "old_slug": post.slug,
        "url": site.post_url(post),
        "path": site.path(site.post_docname(post.key)),
        "title": post.title,
        "date": post.date.isoformat(),
        "edition": edition.number if edition else None,
        "edition_date": edition.date.isoformat() if edition else None,
        "headline": post.headline,
        "article": {
            "title": post.highlight_title,
            "url": post.highlight_url,
            "author": post.highlight_author,
        },
        "commentator": {
            "name": post.author_name,
            "profile": post.author_url,
            "page": site.url(site.author_docname(author.key)) if author else None,
        },
        "image": site.image_url(post.image),
        "excerpt": post.excerpt,
        "categories": list(post.categories),
        "reading_minutes": reading_minutes(post),
    }


def archive_json(site: Site) -> bytes:
    posts = sorted(site.archive.posts.values(), key=lambda p: (p.date, p.source), reverse=True)
    data = {"version": VERSION, "posts": [post_record(site, p) for p in posts]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    site = site_for(app, exception)
    if site is None:
        return
    current, stamp = outputs_current(app, site, "export")
    if not current:
        write_if_changed(site.outdir / PATH, archive_json(site))
        remember_outputs(app, "export", stamp, [PATH])
