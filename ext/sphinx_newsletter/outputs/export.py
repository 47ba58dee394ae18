"""``archive.json``: every published post's metadata, for other tools.

It replaces the old site's ``search_data.json``. Written at ``build-finished``
from the archive model (so complete on incremental builds, and never with a
draft), with :func:`json.dumps`. URLs are absolute when ``html_baseurl`` is
set, site-root paths otherwise. Text is cleaned as in the feeds
(:func:`.site.xml_text`: no control, bidi or zero-width characters) and URLs
pass the URL policy again, whatever the model holds; the text is not escaped
(JSON is data: a tool that shows it as HTML escapes it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..core.browse import reading_minutes
from .site import (
    Site,
    output_url,
    outputs_current,
    remember_outputs,
    site_for,
    write_if_changed,
    xml_text,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..core.model import Post

VERSION = 1
#: Bumped when the same posts give different bytes, so a file kept from older code is written again.
FORMAT = 2


def post_record(site: Site, post: Post) -> dict[str, Any]:
    archive = site.archive
    edition = archive.edition_of(post)
    author = archive.author_of(post)
    return {
        "slug": post.key,
        "old_slug": post.slug,
        "url": site.post_url(post),
        "path": site.path(site.layout.post_docname(post.key)),
        "title": xml_text(post.title),
        "date": post.date.isoformat(),
        "edition": edition.number if edition else None,
        "edition_date": edition.date.isoformat() if edition else None,
        "headline": xml_text(post.headline),
        "article": {
            "title": xml_text(post.highlight_title),
            "url": output_url(post.highlight_url),
            "author": xml_text(post.highlight_author),
        },
        "commentator": {
            "name": xml_text(post.author_name),
            "profile": output_url(post.author_url),
            "page": site.url(site.layout.author_docname(author.key)) if author else None,
        },
        "image": site.image_url(post.image),
        "excerpt": xml_text(post.excerpt),
        "categories": [text for text in map(xml_text, post.categories) if text],
        "reading_minutes": reading_minutes(post),
    }


def archive_json(site: Site) -> bytes:
    data = {"version": VERSION, "posts": [post_record(site, p) for p in site.archive.posts_newest_first()]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    site = site_for(app, exception)
    if site is None:
        return
    current, stamp = outputs_current(app, site, "export", FORMAT)
    if not current:
        write_if_changed(site.outdir / site.layout.export, archive_json(site))
        remember_outputs(app, "export", stamp, [site.layout.export])


def setup(app: Sphinx) -> None:
    app.connect("build-finished", build_finished)
