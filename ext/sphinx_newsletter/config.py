"""The ``newsletter_*`` config values, validated once into a frozen :class:`NewsletterConfig`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.errors import ConfigError

from .settings import DEFAULT_EDITION_PATTERN, DEFAULT_FIELDS, Settings

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: name -> (default, rebuild, types, description)
CONFIG_VALUES: dict[str, tuple[Any, str, tuple[type, ...], str]] = {
    "newsletter_posts_dir": ("../posts", "env", (str,), "Folder of post files, relative to conf.py."),
    "newsletter_images_dir": ("../posts/images", "env", (str,), "Folder of post images, relative to conf.py."),
    "newsletter_output_dir": ("arquivo", "env", (str,), "Folder (inside the source folder) that receives the generated pages."),
    "newsletter_image_url_prefix": ("/images/", "env", (str,), "URL prefix under which posts name their images."),
    "newsletter_edition_pattern": (DEFAULT_EDITION_PATTERN, "env", (str,), "Regex with groups 'number' and (optional) 'date' that reads an edition tag."),
    "newsletter_edition_date_dayfirst": (True, "env", (bool,), "Whether the edition tag's date is day-first (07.11.2022)."),
    "newsletter_fields": ({}, "env", (dict,), "Front-matter key for each logical field, overriding the defaults."),
    "newsletter_show_drafts": (False, "env", (bool,), "Publish posts marked 'published: false'."),
    "newsletter_timezone": ("UTC", "env", (str,), "Timezone of dates written without an offset."),
    "newsletter_trust_bodies": (False, "env", (bool,), "Let raw HTML and every directive through in post bodies."),
    "newsletter_max_post_bytes": (1_000_000, "env", (int,), "Largest post file that is read."),
    "newsletter_edition_max_days": (7, "env", (int,), "Warn when a post is dated further than this from its edition."),
    "newsletter_profile_host": ("linkedin.com", "env", (str,), "Expected host of profile links ('' for any)."),
    "newsletter_authors_file": ("../posts/authors.yml", "env", (str,), "The authors registry (YAML), relative to conf.py; '' for none. A missing file is an empty registry."),
    "newsletter_bounded_navigation": (True, "html", (bool,), "Draw a bounded sidebar: years, this year's editions, this edition's posts."),
    "newsletter_lean_builds": (True, "", (bool,), "Collect garbage between documents and keep doctrees on disk, not in memory, until they are written (faster, leaner builds of big archives)."),
    "newsletter_navigation_window": (5, "html", (int,), "Sidebar entries shown on each side of the current one, below the top level."),
    "newsletter_max_redirects_per_post": (20, "env", (int,), "Old URLs (redirect_from) a post may claim; the rest are dropped with a warning."),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsletterConfig:
    posts_dir: Path
    images_dir: Path
    output_dir: str
    trust_bodies: bool
    bounded_navigation: bool
    navigation_window: int
    settings: Settings
    #: The authors registry file (:mod:`sphinx_newsletter.registry`), or None.
    authors_file: Path | None = None


def add_config_values(app: Sphinx) -> None:
    for name, (default, rebuild, types, description) in CONFIG_VALUES.items():
        app.add_config_value(name, default, rebuild, types=types, description=description)


def read_config(confdir: Path, config: Config) -> NewsletterConfig:
    """Validate the raw config values; a bad value is a :class:`ConfigError`."""
    output_dir = str(config.newsletter_output_dir).strip("/")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)*", output_dir):
        raise ConfigError(f"newsletter_output_dir must be a plain relative folder name, not {output_dir!r}")
    return NewsletterConfig(
        posts_dir=(confdir / config.newsletter_posts_dir).resolve(),
        images_dir=(confdir / config.newsletter_images_dir).resolve(),
        output_dir=output_dir,
        trust_bodies=config.newsletter_trust_bodies,
        bounded_navigation=config.newsletter_bounded_navigation,
        navigation_window=max(1, config.newsletter_navigation_window),
        authors_file=(confdir / config.newsletter_authors_file).resolve() if config.newsletter_authors_file else None,
        settings=Settings(
            fields={**DEFAULT_FIELDS, **_fields(config.newsletter_fields)},
            edition_pattern=_pattern(config.newsletter_edition_pattern),
            edition_date_dayfirst=config.newsletter_edition_date_dayfirst,
            timezone=config.newsletter_timezone,
            show_drafts=config.newsletter_show_drafts,
            image_url_prefix=config.newsletter_image_url_prefix,
            max_post_bytes=config.newsletter_max_post_bytes,
            edition_max_days=config.newsletter_edition_max_days,
            profile_host=config.newsletter_profile_host,
            max_redirects_per_post=max(0, config.newsletter_max_redirects_per_post),
            output_dir=output_dir,
            site_names=_site_names(confdir, output_dir),
        ),
    )


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
    nl_config = read_config(Path(app.confdir), config)
    app.newsletter_config = nl_config  # type: ignore[attr-defined]
    # Post files are sources of generated pages, never pages themselves.
    srcdir = Path(app.srcdir).resolve()
    for folder in (nl_config.posts_dir, nl_config.images_dir):
        if folder.is_relative_to(srcdir) and folder != srcdir:
            relative = folder.relative_to(srcdir).as_posix()
            config.exclude_patterns = [*config.exclude_patterns, relative, f"{relative}/**"]
