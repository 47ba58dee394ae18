"""``email/latest.html``: the latest edition's email, as ``newsletter email`` writes it, in the built site.

Only when ``newsletter_email['preview']`` is on and ``html_baseurl`` is set.
Written at ``build-finished`` from the archive model with the same renderer
as the command (:func:`.core.mailbody.render_edition`), the page and image
URLs coming from :class:`.site.Site` (what ``archive.json`` says). The guide
shows it in a frame, so the picture of an email in the docs is made by the
build, never a committed screenshot; it is also a "view in the browser" page.
An email that breaks the email rules is not written: a warning says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util import logging

from ..config import newsletter_config
from ..core.mailbody import EmailLinks, email_problems, render_edition
from .site import site_for, write_if_changed

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)
PATH = "email/latest.html"


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    site = site_for(app, exception)
    config = newsletter_config(app)
    if site is None or not config.email.preview or not site.base:
        return
    edition = site.archive.latest_edition()
    if edition is None:
        return
    posts = [site.archive.posts[key] for key in edition.posts]
    links = EmailLinks(
        base=site.base,
        site_name=str(app.config.project),
        language=str(app.config.language or "en"),
        posts={post.key: site.post_url(post) for post in posts},
        images={post.key: url for post in posts if (url := site.image_url(post.image))},
        edition=site.url(site.layout.edition_docname(edition.number)),
        unsubscribe=next(iter(config.email.unsubscribe), ""),
    )
    mail = render_edition(site.archive, edition, links, config.email.subject)
    problems = email_problems(mail.html, site.base)
    if problems:
        logger.warning(
            "edition #%d's email is not written to %s: %s",
            edition.number,
            PATH,
            "; ".join(problems),
            type="newsletter",
            subtype="email",
        )
        return
    write_if_changed(site.outdir / PATH, mail.html.encode("utf-8"))  # unchanged bytes keep their mtime


def setup(app: Sphinx) -> None:
    app.connect("build-finished", build_finished)
