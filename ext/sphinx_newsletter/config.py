"""The ``newsletter_*`` config values: one table, registered once, validated once.

The result is a frozen :class:`NewsletterConfig`.

:data:`CONFIG_VALUES` is the only list of them: :func:`setup` registers it,
``newsletter check`` reads ``conf.py`` with it, and the guide's
``{nl:config-values}`` table is generated from it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.errors import ConfigError
from sphinx.util import logging

from .core.comments import Comments, CommentsError, read_comments
from .core.mail import EmailSettings, email_settings
from .core.model import Problem
from .core.paths import link_in_project
from .core.settings import DEFAULT_EDITION_PATTERN, DEFAULT_FIELDS, Settings
from .core.urls import clean_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .core.layout import Layout

logger = logging.getLogger(__name__)

#: name -> (default, rebuild, types, description)
CONFIG_VALUES: dict[str, tuple[Any, str, tuple[type, ...], str]] = {
    "newsletter_posts_dir": ("../posts", "env", (str,), "Folder of post files, relative to conf.py."),
    "newsletter_images_dir": ("../posts/images", "env", (str,), "Folder of post images, relative to conf.py."),
    "newsletter_output_dir": (
        "arquivo",
        "env",
        (str,),
        "Folder (inside the source folder) that receives the generated pages.",
    ),
    "newsletter_image_url_prefix": ("/images/", "env", (str,), "URL prefix under which posts name their images."),
    "newsletter_edition_pattern": (
        DEFAULT_EDITION_PATTERN,
        "env",
        (str,),
        "Regex with groups 'number' and (optional) 'date' that reads an edition tag.",
    ),
    "newsletter_edition_date_dayfirst": (
        True,
        "env",
        (bool,),
        "Whether the edition tag's date is day-first (07.11.2022).",
    ),
    "newsletter_fields": ({}, "env", (dict,), "Front-matter key for each logical field, overriding the defaults."),
    "newsletter_show_drafts": (False, "env", (bool,), "Publish posts marked 'published: false'."),
    "newsletter_timezone": ("UTC", "env", (str,), "Timezone of dates written without an offset."),
    "newsletter_trust_bodies": (False, "env", (bool,), "Let raw HTML and every directive through in post bodies."),
    "newsletter_max_post_bytes": (1_000_000, "env", (int,), "Largest post file that is read."),
    "newsletter_max_image_bytes": (20_000_000, "env", (int,), "Largest post image file that is used."),
    "newsletter_max_image_pixels": (
        40_000_000,
        "env",
        (int,),
        "Largest post image (width x height) that is decoded and used.",
    ),
    "newsletter_edition_max_days": (7, "env", (int,), "Warn when a post is dated further than this from its edition."),
    "newsletter_profile_host": ("linkedin.com", "env", (str,), "Expected host of profile links ('' for any)."),
    "newsletter_authors_file": (
        "../posts/authors.yml",
        "env",
        (str,),
        "The authors registry (YAML), relative to conf.py; '' for none. A missing file is an empty registry.",
    ),
    "newsletter_baseline_file": (
        "../posts/baseline.yml",
        "env",
        (str,),
        "Known problems of the archive's history (YAML, written by 'newsletter check --update-baseline'), "
        "relative to conf.py; '' for none. A missing file is an empty baseline.",
    ),
    "newsletter_site_file": (
        "../posts/site.yml",
        "env",
        (str,),
        "The site's title, description, address and copyright (YAML, written by 'newsletter import --replace'), "
        "relative to conf.py; '' for none. Values conf.py sets itself win.",
    ),
    "newsletter_bounded_navigation": (
        True,
        "html",
        (bool,),
        "Draw a bounded sidebar: years, this year's editions, this edition's posts.",
    ),
    "newsletter_speedups": (
        True,
        "",
        (bool,),
        "Run the speed-ups that reach into Sphinx, MyST-Parser and Furo internals, on the versions they were "
        "proven on (same output, faster and leaner builds).",
    ),
    "newsletter_lean_builds": (
        None,
        "",
        (bool, type(None)),
        "Deprecated: use newsletter_speedups (False here turns every speed-up off).",
    ),
    "newsletter_navigation_window": (
        5,
        "html",
        (int,),
        "Sidebar entries shown on each side of the current one, below the top level.",
    ),
    "newsletter_max_categories_per_post": (
        10,
        "env",
        (int,),
        "Categories and tags one post may give; the rest are left out with a warning.",
    ),
    "newsletter_max_category_chars": (
        50,
        "env",
        (int,),
        "Longest category or tag name, in characters; longer ones are left out with a warning.",
    ),
    # Body-side caps (issue 17): what one post body may cost the build.
    "newsletter_max_table_cells": (
        2_000,
        "env",
        (int,),
        "Table cells in one post body; tables past the cap are shown as text.",
    ),
    "newsletter_max_body_tokens": (
        50_000,
        "env",
        (int,),
        "Markdown elements in one post body (directive contents included); past it the body is left out.",
    ),
    "newsletter_max_warnings_per_post": (
        50,
        "env",
        (int,),
        "Warnings printed about one post; the rest are counted in one summary line.",
    ),
    "newsletter_max_redirects_per_post": (
        20,
        "env",
        (int,),
        "Old URLs (redirect_from) a post may claim; the rest are dropped with a warning.",
    ),
    # Search (sphinx_newsletter/search.py).
    "newsletter_search_fold_accents": (
        None,
        "html",
        (bool, type(None)),
        "Accent-insensitive search ('operacoes' finds 'operações'); None: on when the search language is Portuguese.",
    ),
    "newsletter_search_exclude": (
        [],
        "env",
        (list, tuple),
        "Docname patterns (fnmatch) of pages left out of the search, like a 'nosearch' front-matter key.",
    ),
    # Whole-site outputs (feeds, redirects): written at build-finished, so "html".
    "newsletter_feed_length": (20, "html", (int,), "Posts in /feed.xml and /atom.xml (and in each author's feed)."),
    # `newsletter email` (issue 21): read by the command; "html" for the build's preview.
    "newsletter_email": (
        {},
        "html",
        (dict,),
        "The edition's email: 'from', 'reply_to', 'list_unsubscribe', 'subject', 'smtp_host', 'smtp_port', "
        "'smtp_security', 'smtp_user', 'password_env' (the password's environment variable), 'preview'.",
    ),
    "newsletter_legacy_urls": (
        True,
        "html",
        (bool,),
        "Write redirect pages for the old Jekyll site's URLs (/:title/, /edicaoN/, /marco2022/, /busca/).",
    ),
    # The home page's "follow" and "suggest" lines ({nl:site-intro}, intro.py), written at doctree-resolved.
    "newsletter_suggest_url": (
        "",
        "html",
        (str,),
        "Where readers suggest a post (the repository's issue form, https:// or mailto:); '' for no link.",
    ),
    "newsletter_subscribe_url": (
        "",
        "html",
        (str,),
        "Where readers subscribe to the email edition (https:// or mailto:); '' for no link.",
    ),
    # Written into post pages at doctree-resolved, so "html": a change rewrites every page.
    "newsletter_comments": (
        None,
        "html",
        (dict, type(None)),
        "Reader comments on post pages, loaded only on a click: None (off), "
        '{"provider": "disqus", "shortname": ...} or {"provider": "giscus", "repo": ..., "repo_id": ..., '
        '"category": ..., "category_id": ...}.',
    ),
    # Social cards (issue 21): output only, so "html".
    "newsletter_cards": (True, "html", (bool,), "Write a 1200x630 PNG card for every post and edition (og:image)."),
    "newsletter_card_colors": (
        {},
        "html",
        (dict,),
        "The cards' colours, '#rrggbb' for any of: background, text, accent, muted.",
    ),
    "newsletter_card_logo": (
        "",
        "html",
        (str,),
        "An image shown on every card, relative to conf.py and inside the project; '' for none.",
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsletterConfig:
    #: ``None`` when the configured folder was refused (see ``refused``).
    posts_dir: Path | None
    images_dir: Path | None
    trust_bodies: bool
    bounded_navigation: bool
    navigation_window: int
    settings: Settings
    #: Posts in each feed (``newsletter_feed_length``).
    feed_length: int
    #: Write redirect pages for the old Jekyll site's URLs (``newsletter_legacy_urls``).
    legacy_urls: bool
    #: ``newsletter_speedups`` (and the deprecated ``newsletter_lean_builds``): see :mod:`.speedups`.
    speedups: bool = True
    #: The authors registry file (:mod:`sphinx_newsletter.core.registry`), or None.
    authors_file: Path | None = None
    #: The baseline of known problems (:mod:`sphinx_newsletter.core.baseline`), or None.
    baseline_file: Path | None = None
    #: ``newsletter_email``, validated (:mod:`.core.mail`).
    email: EmailSettings = field(default_factory=EmailSettings)
    #: Reader comments (``newsletter_comments``, :mod:`sphinx_newsletter.core.comments`), or None: off.
    comments: Comments | None = None
    #: The site file (:mod:`sphinx_newsletter.core.sitefile`), or None.
    site_file: Path | None = None
    #: ``newsletter_suggest_url`` and ``newsletter_subscribe_url``, checked (:func:`_link_url`); '' for none.
    suggest_url: str = ""
    subscribe_url: str = ""
    #: Configured paths refused because they go through a link (an error each):
    #: the build reports them and reads nothing there.
    refused: tuple[Problem, ...] = ()

    @property
    def layout(self) -> Layout:
        """Folders, page names and URLs of the site (from ``newsletter_output_dir``)."""
        return self.settings.layout


def read_config(confdir: Path, config: Config, *, strict: bool = True) -> NewsletterConfig:
    """Validate the raw config values; a bad value is a :class:`ConfigError`.

    A posts folder, images folder or registry reached through a symbolic link
    inside the project is a :class:`ConfigError` too when *strict* (the CLI);
    otherwise (the build) it is an error in ``refused`` and that path is
    ``None``: a posts-only pull request gets a located error, not a crash report.
    """
    output_dir = str(config.newsletter_output_dir).strip("/")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)*", output_dir):
        raise ConfigError(f"newsletter_output_dir must be a plain relative folder name, not {output_dir!r}")
    if config.newsletter_feed_length < 0:
        raise ConfigError("newsletter_feed_length must be 0 or more")
    try:
        comments = read_comments(config.newsletter_comments)
    except CommentsError as exc:
        raise ConfigError(f"newsletter_comments: {exc}") from None
    project = project_root(confdir)
    refused: list[Problem] = []

    def path(name: str) -> Path | None:
        value = getattr(config, name)
        if not value:
            return None
        try:
            return configured_path(confdir, project, name, value)
        except LinkedPathError as exc:
            if strict:
                raise
            refused.append(
                Problem(path=exc.link.as_posix(), line=1, code="linked-folder", severity="error", message=str(exc))
            )
            return None

    return NewsletterConfig(
        posts_dir=path("newsletter_posts_dir"),
        images_dir=path("newsletter_images_dir"),
        trust_bodies=config.newsletter_trust_bodies,
        bounded_navigation=config.newsletter_bounded_navigation,
        navigation_window=max(1, config.newsletter_navigation_window),
        feed_length=config.newsletter_feed_length,
        legacy_urls=config.newsletter_legacy_urls,
        speedups=bool(config.newsletter_speedups) and config.newsletter_lean_builds is not False,
        authors_file=path("newsletter_authors_file"),
        baseline_file=path("newsletter_baseline_file"),
        comments=comments,
        site_file=path("newsletter_site_file"),
        suggest_url=_link_url("newsletter_suggest_url", config.newsletter_suggest_url),
        subscribe_url=_link_url("newsletter_subscribe_url", config.newsletter_subscribe_url),
        settings=Settings(
            fields={**DEFAULT_FIELDS, **_fields(config.newsletter_fields)},
            edition_pattern=_pattern(config.newsletter_edition_pattern),
            edition_date_dayfirst=config.newsletter_edition_date_dayfirst,
            timezone=config.newsletter_timezone,
            show_drafts=config.newsletter_show_drafts,
            image_url_prefix=config.newsletter_image_url_prefix,
            max_post_bytes=config.newsletter_max_post_bytes,
            max_image_bytes=config.newsletter_max_image_bytes,
            max_image_pixels=config.newsletter_max_image_pixels,
            edition_max_days=config.newsletter_edition_max_days,
            profile_host=config.newsletter_profile_host,
            max_categories_per_post=max(0, config.newsletter_max_categories_per_post),
            max_category_chars=max(1, config.newsletter_max_category_chars),
            max_table_cells=max(0, config.newsletter_max_table_cells),
            max_body_tokens=max(1, config.newsletter_max_body_tokens),
            max_warnings_per_post=max(1, config.newsletter_max_warnings_per_post),
            max_redirects_per_post=max(0, config.newsletter_max_redirects_per_post),
            output_dir=output_dir,
            site_names=_site_names(confdir, output_dir),
        ),
        email=_email(config.newsletter_email),
        refused=tuple(refused),
    )


def _link_url(name: str, value: str) -> str:
    """A link the maintainer configures: a clean https:// URL or a mailto: address, or ''."""
    value = value.strip()
    if not value:
        return ""
    if value.startswith("mailto:"):
        if re.fullmatch(r"mailto:[^\s@<>\"']+@[^\s@<>\"'?]+(?:\?[^\s<>\"']*)?", value):
            return value
        raise ConfigError(f"{name}: {value!r} is not a mailto: address")
    result = clean_url(value)
    if result.url != value or not value.startswith("https://"):
        raise ConfigError(f"{name} must be a clean https:// URL or a mailto: address, not {value!r}")
    return value


def _email(value: dict[str, Any]) -> EmailSettings:
    try:
        return email_settings(value)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


class LinkedPathError(ConfigError):
    """A configured folder or file reached through a symbolic link inside the project."""

    def __init__(self, message: str, link: Path) -> None:
        super().__init__(message)
        self.link = link


def project_root(confdir: Path) -> Path:
    """The folder a pull request can change: the nearest one holding ``.git`` from conf.py's folder up.

    Without a ``.git`` (a copied site, an sdist), conf.py's folder's parent,
    the usual ``docs/`` + ``posts/`` layout.
    """
    confdir = Path(os.path.abspath(confdir))
    for folder in (confdir, *confdir.parents):
        if (folder / ".git").exists():
            return folder
    return confdir.parent


def configured_path(confdir: Path, project: Path, name: str, value: str) -> Path:
    """The real path of a folder or file named in conf.py; a symbolic link inside the project is an error.

    A pull request that only adds posts can still replace ``posts/images``
    (or ``posts/``, or the registry) by a link to anywhere on the build
    machine; following it would publish or log whatever is there. The link
    is looked for before anything is resolved, so it can't be followed
    silently. A path outside the project is the maintainer's and is kept.
    """
    path = Path(os.path.normpath(os.path.abspath(Path(confdir) / value)))
    link = link_in_project(path, project)
    if link is not None:
        raise LinkedPathError(
            f"{name} = {value!r} goes through the symbolic link {link.as_posix()!r} inside the project; "
            "the posts folder, the images folder, the authors registry and the baseline must be real "
            "folders and files (a pull request can replace them by a link to anywhere): nothing is read there",
            link,
        )
    return path.resolve()


def _site_names(srcdir: Path, output_dir: str) -> tuple[str, ...]:
    """The source folder's top-level pages and folders: URLs the site serves, no post may claim them.

    Without what a build adds there (``_build``, the output folder), so the
    build and ``newsletter check`` see the same names before and after a build.
    """
    try:
        entries = list(srcdir.iterdir())
    except OSError:
        return ()
    names = {entry.name if entry.is_dir() else entry.stem for entry in entries}
    return tuple(sorted(n for n in names if not n.startswith((".", "_")) and n != output_dir.split("/")[0]))


def _fields(value: dict[str, Any]) -> dict[str, str]:
    unknown = set(value) - set(DEFAULT_FIELDS)
    if unknown:
        raise ConfigError(f"newsletter_fields: unknown fields {sorted(unknown)}; known: {sorted(DEFAULT_FIELDS)}")
    if not all(isinstance(v, str) and v for v in value.values()):
        raise ConfigError("newsletter_fields: every value must be a front-matter key")
    return dict(value)


def _pattern(text: str) -> re.Pattern[str]:
    try:
        pattern = re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"newsletter_edition_pattern is not a valid regex: {exc}") from None
    if "number" not in pattern.groupindex:
        raise ConfigError("newsletter_edition_pattern needs a named group 'number'")
    return pattern


def config_inited(app: Sphinx, config: Config) -> None:
    """Validate once, early, so a bad value stops the build before any reading."""
    nl_config = read_config(Path(app.confdir), config, strict=False)
    app.newsletter_config = nl_config  # type: ignore[attr-defined]
    if config.newsletter_lean_builds is not None:
        logger.warning(
            "newsletter_lean_builds is deprecated: use newsletter_speedups (newsletter_lean_builds = "
            "False turns every speed-up off)",
            type="newsletter",
            subtype="config",
        )
    # Post files are sources of generated pages, never pages themselves.
    # Both as written and as resolved: a refused (linked) folder is excluded too,
    # or Sphinx would read its files as pages through the link.
    srcdir, written_srcdir = Path(app.srcdir).resolve(), Path(os.path.normpath(os.path.abspath(app.srcdir)))
    written = [
        (Path(os.path.normpath(os.path.abspath(Path(app.confdir) / value))), written_srcdir)
        for value in (config.newsletter_posts_dir, config.newsletter_images_dir)
    ]
    resolved = [(folder, srcdir) for folder in (nl_config.posts_dir, nl_config.images_dir) if folder]
    for folder, base in [*written, *resolved]:
        if folder.is_relative_to(base) and folder != base:
            relative = folder.relative_to(base).as_posix()
            config.exclude_patterns = [*config.exclude_patterns, relative, f"{relative}/**"]


def newsletter_config(app: Sphinx) -> NewsletterConfig:
    """This application's validated config (:func:`config_inited` made it)."""
    return app.newsletter_config  # type: ignore[attr-defined]


def setup(app: Sphinx) -> None:
    for name, (default, rebuild, types, description) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild, types=types, description=description)  # type: ignore[arg-type]
    app.connect("config-inited", config_inited)
