"""Redirect pages that keep the old Jekyll site's URLs working.

The old site served posts at ``/:title/`` (the file name without its date,
case kept: ``/2021-SRE-Report/``), editions at ``/edicao1/``, month pages at
``/marco2022/`` (editions by their date), search at ``/busca/``, the home
page's pagination at ``/page2/``... and its theme's ``/about/`` and ``/contact/``. Who owns each old URL is decided
once, by :func:`sphinx_newsletter.core.oldurls.plan_old_urls` in the loader (pure,
shared with ``newsletter check``; kept as ``Archive.old_urls``); :func:`build_finished` writes one
static page per old URL, at ``<old>/index.html`` under both ``html`` and
``dirhtml``, with a meta refresh, a canonical link and a plain link. No
JavaScript, every value HTML-escaped, every file resolved and required inside
the output folder, and a file that is not one of our redirect pages is never
overwritten.

Not sphinx-reredirects, because: its template puts the target into inline
JavaScript and has no canonical link; its sources are docnames, so under the
``html`` builder ``/2021-SRE-Report/`` would become ``/2021-SRE-Report.html``;
it silently overwrites a real page that has the same path; and it is
configured by a ``redirects`` dict that we would have to rewrite at run time.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

from ..core.files import write_atomic
from ..core.oldurls import MONTH_SLUGS, SEARCH_SLUG, Claim, parse_old_url
from ..core.paths import inside

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx

    from ..core.model import Archive
    from .site import Site

__all__ = ["MONTH_SLUGS", "SEARCH_SLUG", "build_finished", "legacy_redirects", "redirect_page"]

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

#: Pages the HTML builders write that are not documents.
PAGES = {"search": _("Search")}
MARKER = "<!-- sphinx-newsletter redirect -->"
MANIFEST = "newsletter-redirects.json"


def legacy_redirects(archive: Archive) -> dict[str, str]:
    """Old URL path (``2021-SRE-Report/``) -> docname of the new page.

    The loader's plan (:attr:`.Archive.old_urls`, made with the drafts, whose
    old URLs stay theirs): the claims that lost were reported there.
    """
    return {claim.old: claim.target for claim in archive.old_urls.values()}


def redirect_page(*, href: str, canonical: str, title: str, language: str) -> str:
    """A static page that sends the reader to *href* (already relative or absolute)."""
    href_e, canonical_e, title_e = (escape(v, quote=True) for v in (href, canonical, title))
    moved = escape(_("This page has moved to"))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(language.replace("_", "-"), quote=True)}">\n<head>\n'
        f'<meta charset="utf-8">\n{MARKER}\n'
        f"<title>{title_e}</title>\n"
        f'<link rel="canonical" href="{canonical_e}">\n'
        '<meta name="robots" content="noindex">\n'
        f'<meta http-equiv="refresh" content="0; url={href_e}">\n'
        "</head>\n<body>\n"
        f'<p>{moved} <a href="{href_e}">{title_e}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    from ..config import newsletter_config
    from .site import site_for

    site = site_for(app, exception)
    if site is None or not newsletter_config(app).legacy_urls:
        return
    language = app.config.language or "en"
    written = []
    for claim in site.archive.old_urls.values():
        if claim.target not in site.env.all_docs and claim.target not in PAGES:
            continue
        if write_redirect(site, claim, language):
            written.append(claim.old)
    _forget_stale(site.outdir, app.doctreedir / MANIFEST, written)


def write_redirect(site: Site, claim: Claim, language: str) -> bool:
    """Write ``<old>/index.html`` inside the output folder, unless something else is there (a warning then)."""
    path = inside(site.outdir, claim.old + "index.html")
    current = _current_text(path) if path is not None else ""
    if path is None or (current is not None and MARKER not in current[:400]):
        return _collision(claim)
    href = "../" * claim.old.count("/") + site.path(claim.target)
    titles = site.env.titles
    target = claim.target
    title = titles[target].astext() if target in titles else str(PAGES.get(target, target))
    page = redirect_page(href=href, canonical=site.url(target), title=title, language=language)
    if current == page:
        return True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, page.encode("utf-8"))
    except OSError:  # a file of the site where a folder should be: the same collision
        return _collision(claim)
    return True


def _collision(claim: Claim) -> bool:
    """Something of the site already stands where the redirect would go: a warning, nothing written."""
    logger.warning(
        _("old URL /%s is a page of this site; no redirect written to %s"),
        claim.old,
        claim.target,
        location=claim.owner if claim.source else None,
        type="newsletter",
        subtype="redirect-collision",
    )
    return False


def _current_text(path: Path) -> str | None:
    """What *path* holds: ``None`` when there is no such file, ``""`` when it can't be read.

    One read per old URL (each build looks at all of them): 1,400 at 1,000 posts.
    """
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError:  # a folder, a file where a folder should be, unreadable: not a page of ours
        return ""


def _is_ours(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return MARKER in handle.read(400)
    except OSError:
        return False


def _forget_stale(outdir: Path, manifest: Path, written: list[str]) -> None:
    """Delete redirect pages of old URLs that no longer map to anything."""
    try:
        before = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        before = set()
    for old in sorted(before - set(written)):
        if parse_old_url(str(old))[0] != old:
            continue
        path = inside(outdir, f"{old}index.html")
        if path is not None and _is_ours(path):
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    manifest.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(manifest, json.dumps(sorted(written)).encode("utf-8"))


def setup(app: Sphinx) -> None:
    app.connect("build-finished", build_finished)
