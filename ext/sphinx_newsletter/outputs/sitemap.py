"""``sitemap.xml``: every page of the site, written at ``build-finished``.

Built from ``env.all_docs`` (every document the environment knows, read in
this build or an earlier one), not from ``html-page-context`` events, so it is
complete after an incremental build that wrote only a few pages (the bug of
sphinx-sitemap, which collects pages as they are written and also relies on
``env.app``, deprecated in Sphinx 9). Posts carry their date as ``lastmod``
(none when the year can't be written in four digits: :func:`.site.output_date`).
Written with ElementTree; drafts are never documents, so never listed. It holds
URLs only: page names are slugs, and no post text reaches it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

from .site import Site, output_date, site_for, write_if_changed, xml_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(site: Site) -> bytes:
    """The sitemap of every document, sorted by URL."""
    lastmod = {}
    for post in site.archive.posts.values():
        date = output_date(post.date)
        if date is not None:
            lastmod[site.layout.post_docname(post.key)] = date.date().isoformat()
    root = ET.Element("urlset", xmlns=NS)
    for url, docname in sorted((site.url(doc), doc) for doc in site.env.all_docs):
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = xml_text(url)
        if docname in lastmod:
            ET.SubElement(entry, "lastmod").text = lastmod[docname]
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    site = site_for(app, exception)
    if site is None:
        return
    if not site.base:
        logger.info(_("newsletter: no html_baseurl, so no sitemap (it needs absolute URLs)"))
        return
    write_if_changed(site.outdir / site.layout.sitemap, sitemap_xml(site))


def setup(app: Sphinx) -> None:
    app.connect("build-finished", build_finished)
