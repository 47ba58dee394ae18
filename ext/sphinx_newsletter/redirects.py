"""Redirect pages that keep the old Jekyll site's URLs working.

The old site served posts at ``/:title/`` (the file name without its date,
case kept: ``/2021-SRE-Report/``), editions at ``/edicao1/``, month pages at
``/marco2022/`` and search at ``/busca/``. :func:`legacy_redirects` computes
that mapping from the archive (pure, no Sphinx); :func:`build_finished`
writes one static page per old URL, at ``<old>/index.html`` under both
``html`` and ``dirhtml``, with a meta refresh, a canonical link and a plain
link. No JavaScript, every value HTML-escaped.

Not sphinx-reredirects, because: its template puts the target into inline
JavaScript and has no canonical link; its sources are docnames, so under the
``html`` builder ``/2021-SRE-Report/`` would become ``/2021-SRE-Report.html``;
it silently overwrites a real page that has the same path; and it is
configured by a ``redirects`` dict that we would have to rewrite at run time.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import TYPE_CHECKING

from sphinx.locale import get_translation
from sphinx.util import logging

from .browse import months

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx

    from .model import Archive
    from .site import Site

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)

#: The old site's month pages: ``marco2022``.
MONTH_SLUGS = ("janeiro", "fevereiro", "marco", "abril", "maio", "junho", "julho",
               "agosto", "setembro", "outubro", "novembro", "dezembro")
SEARCH_SLUG = "busca"
#: Pages the HTML builders write that are not documents.
PAGES = {"search": _("Search")}
MARKER = "<!-- sphinx-newsletter redirect -->"
MANIFEST = "newsletter-redirects.json"

#: An old path segment we are willing to create: no dot or underscore first, no ``..``.
_SAFE = re.compile(r"^(?![._])(?!.*\.\.)[\w.~-]{1,200}$")


def legacy_redirects(archive: Archive, output_dir: str) -> dict[str, str]:
    """Old URL path (``2021-SRE-Report/``) -> docname of the new page.

    Computed from published posts only; when two posts had the same old URL
    (Jekyll kept one), the older keeps it.
    """
    result: dict[str, str] = {}
    posts = sorted(archive.posts.values(), key=lambda p: (p.date, p.source))
    for post in posts:  # old URLs a post declares (``newsletter import`` records them)
        for old in post.redirect_from:
            result.setdefault(old, f"{output_dir}/posts/{post.key}")
    for post in posts:
        if _SAFE.match(post.slug):
            result.setdefault(f"{post.slug}/", f"{output_dir}/posts/{post.key}")
    for number in archive.editions:
        result.setdefault(f"edicao{number}/", f"{output_dir}/edicoes/{number}")
    for month in months(archive).values():
        old = f"{MONTH_SLUGS[month.month - 1]}{month.year}/"
        result.setdefault(old, f"{output_dir}/{month.year:04d}/{month.month:02d}")
    result.setdefault(f"{SEARCH_SLUG}/", "search")
    return result


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
    from .site import output_config, site_for

    site = site_for(app, exception)
    if site is None or not output_config(app).legacy_urls:
        return
    language = app.config.language or "en"
    written = []
    for old, docname in legacy_redirects(site.archive, site.output_dir).items():
        if docname not in site.env.all_docs and docname not in PAGES:
            continue
        if write_redirect(site, old, docname, language):
            written.append(old)
    _forget_stale(site.outdir, app.doctreedir / MANIFEST, written)


def write_redirect(site: Site, old: str, docname: str, language: str) -> bool:
    """Write ``<old>/index.html``, unless a real page is there already (a warning then)."""
    path = site.outdir / old / "index.html"
    current = _current_text(path)
    if current is not None and MARKER not in current[:400]:
        logger.warning(
            _("old URL /%s is a page of this site; no redirect written to %s"), old, docname,
            type="newsletter", subtype="redirect-collision",
        )
        return False
    href = "../" * old.count("/") + site.path(docname)
    titles = site.env.titles
    title = titles[docname].astext() if docname in titles else str(PAGES.get(docname, docname))
    page = redirect_page(href=href, canonical=site.url(docname), title=title, language=language)
    if current != page:
        if current is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    return True


def _current_text(path: Path) -> str | None:
    """What *path* holds: ``None`` when there is no such file, ``""`` when it can't be read.

    One read per old URL (each build looks at all of them): 1,400 at 1,000 posts.
    """
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:  # a folder, or unreadable: not a page of ours
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
        path = outdir / str(old) / "index.html"
        if _SAFE.match(str(old).rstrip("/")) and _is_ours(path):
            path.unlink()
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(sorted(written)), encoding="utf-8")
