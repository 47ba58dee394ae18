"""The one rule for every address a post body can carry (no Sphinx import).

A link or image in a post's page is allowed when it is exactly one of:

- an ``http(s)`` URL with a real host that :func:`.urls.clean_url` accepts
  (the address is replaced by the cleaned one, which always has ``://`` and a
  host, so nothing downstream can read it as a local path: ``http:/../x``,
  ``https:///etc/passwd`` and ``http:x`` have no host and are refused);
- for images only: a file inside the images folder, as
  :func:`.images.image_problem` decides (resolved, then required inside);
- a reference Sphinx or our roles made: a fragment on the same page
  (``#id``) or a resolved cross-reference (decided by the Sphinx glue in
  :mod:`.bodyguard`, which sees the node).

Anything else is refused. :mod:`.bodyscan` applies these rules to a post's
Markdown (what ``newsletter check`` reports) and :mod:`.bodyguard` to the
page's doctree (what the build enforces).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .images import image_path, image_problem
from .settings import Settings
from .urls import ALLOWED_SCHEMES, clean_url

if TYPE_CHECKING:
    from pathlib import Path

    from .images import ImageChecks

#: A scheme as MyST and browsers see one (MyST's ``REGEX_SCHEME``).
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def external_url(uri: str) -> tuple[str | None, str]:
    """The cleaned URL for an absolute http(s) *uri*, or ``None`` and why not."""
    text = uri.strip()
    match = SCHEME.match(text)
    if match is None:
        return None, "is not an absolute http(s) URL"
    if match.group(1).lower() not in ALLOWED_SCHEMES:
        return None, f"uses the scheme '{match.group(1).lower()}:' (only http and https)"
    result = clean_url(text)
    if result.url is None or result.code == "url-scheme":
        return None, result.message.removeprefix(f"URL {uri!r} ").removesuffix(": link left out") or "is refused"
    return result.url, ""


def local_image(
    uri: str, images_dir: Path | None, settings: Settings, checks: ImageChecks | None = None
) -> tuple[str | None, str]:
    """The path inside the images folder that *uri* names, or ``None`` and why not.

    *uri* is either how a post names an image (``/images/a.png``, ``a.png``) or
    how the page names a mirrored one (``/arquivo/imagens/a.png``: :meth:`.Layout.mirrored_path`).
    *checks*: this build's :class:`.images.ImageChecks`, which checks each image once.
    """
    text = uri.strip()
    relative = settings.layout.mirrored_path(text)
    why = ""
    if relative is None:
        relative, why = image_path(text, settings.image_url_prefix)
    if relative is None:
        return None, why
    why = image_problem(relative, images_dir, settings, checks)
    return (None, why) if why else (relative, "")


def image_problem_of(uri: str, images_dir: Path | None, settings: Settings, checks: ImageChecks | None = None) -> str:
    """Why an image address is refused, or ''. An address with a scheme must be http(s)."""
    if SCHEME.match(uri.strip()):
        return external_url(uri)[1]
    return local_image(uri, images_dir, settings, checks)[1]


def link_problem(uri: str) -> str:
    """Why a link written in a post's Markdown is refused, or ''.

    A fragment (``#x``) stays on the page; ``http(s)`` must pass
    :func:`external_url`. Everything else is refused: other schemes, MyST's
    ``project:``/``inv:`` references and paths, which Sphinx would resolve
    against the site's own files (or turn into a download). A post points at
    another post, an edition or an author with the ``{post}``, ``{edition}``
    and ``{author}`` roles.
    """
    text = uri.strip()
    if not text or text.startswith("#"):
        return ""
    match = SCHEME.match(text)
    if match is not None:
        scheme = match.group(1).lower()
        if scheme in ("project", "inv"):
            return f"is a '{scheme}:' reference to the site's files ({ROLES})"
        return external_url(text)[1]
    return LOCAL_FILE


#: How a post links inside the site.
ROLES = "links in a post are http(s) URLs; use {post}, {edition} or {author} for the archive's pages"
#: Why a path that is not a page is refused as a link.
LOCAL_FILE = f"is a local path ({ROLES})"
