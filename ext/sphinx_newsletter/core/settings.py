"""The extension's settings as a plain, frozen value (no Sphinx import).

The Sphinx glue (:mod:`sphinx_newsletter.config`) validates ``newsletter_*``
config values once and builds a :class:`Settings`; the pure modules (the post
reader, the archive model, the page renderer, the CLI) only ever read this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from .layout import layout_of

if TYPE_CHECKING:
    from .layout import Layout

#: Logical field -> front-matter key, the keys of the original example post.
DEFAULT_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "title": "title",
        "date": "date",
        "published": "published",
        "edition": "tag",
        "headline": "headline",
        "highlight_title": "highlight_title",
        "highlight_url": "highlight_url",
        "highlight_author": "highlight_autor",
        "image": "image",
        "author": "comentado_por",
        "author_url": "comentado_por_linkedin",
        "categories": "categories",
        "tags": "tags",
        "redirect_from": "redirect_from",
        "comments": "comments",
    }
)

#: Jekyll keys that carry no meaning for the archive: accepted, not warned about.
IGNORED_KEYS = frozenset({"layout", "permalink", "excerpt_separator"})

#: Reads ``Edição #35 - 07.11.2022``: the number and the edition's date.
DEFAULT_EDITION_PATTERN = (
    r"^\s*Edi[çc][ãa]o\s*(?:n[º°o.]\s*)?#?\s*(?P<number>\d{1,6})"
    r"\s*[-–—:]?\s*(?P<date>\d{1,2}[./-]\d{1,2}[./-]\d{4})?\s*$"
)

POST_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
#: Raster formats only, each verified by decoding (images.checked_image): no SVG,
#: whose scripts a browser runs in the site's origin when it is opened directly.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
#: Why a post's SVG is refused, wherever it is named (front matter, body, registry).
SVG_REFUSED = "is an SVG: post images must be PNG, JPEG, GIF or WebP (an SVG can run script)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the pure modules need to know about a site."""

    fields: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    edition_pattern: re.Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_EDITION_PATTERN, re.I))
    #: Day-first (``07.11.2022``) unless the pattern's date says otherwise.
    edition_date_dayfirst: bool = True
    #: Timezone for dates written without an offset (an IANA name or ``UTC``).
    timezone: str = "UTC"
    show_drafts: bool = False
    #: URL path under which posts reference images (Jekyll's ``/images/``).
    image_url_prefix: str = "/images/"
    max_post_bytes: int = 1_000_000
    max_image_bytes: int = 20_000_000
    #: Largest image (width x height) that is decoded: a small file can claim
    #: 20000x20000 pixels and cost gigabytes to decode (a decompression bomb).
    max_image_pixels: int = 40_000_000
    #: A post more than this many days away from its edition's date is warned about.
    edition_max_days: int = 7
    #: Host a profile link is expected on (``linkedin.com``), or empty for any.
    profile_host: str = "linkedin.com"
    #: Categories and tags one post may give (the rest are left out, with a warning).
    max_categories_per_post: int = 10
    #: Longest category or tag name, in characters.
    max_category_chars: int = 50
    #: Table cells in one post body; tables past the cap are shown as text.
    max_table_cells: int = 2_000
    #: Markdown elements (tokens) in one post body, directive contents included; past it the body is left out.
    max_body_tokens: int = 50_000
    #: Warnings printed about one post; the rest are counted in one summary line.
    max_warnings_per_post: int = 50
    # Old URLs (:mod:`sphinx_newsletter.core.oldurls`).
    #: ``redirect_from`` entries looked at per post; the rest are dropped with a warning.
    max_redirects_per_post: int = 20
    #: The folder (inside the source folder) of the generated pages: its first segment is the site's.
    output_dir: str = "arquivo"
    #: Top-level pages and folders of the source folder (``guide``, ``security``), sorted.
    site_names: tuple[str, ...] = ()

    @property
    def layout(self) -> Layout:
        """Folders, page names and URLs of the site (:mod:`.layout`), from :attr:`output_dir`."""
        return layout_of(self.output_dir)

    def key(self, name: str) -> str:
        """The front-matter key for logical field *name*."""
        return self.fields.get(name, name)
