"""The site file (``newsletter_site_file``, :mod:`.core.sitefile`) into Sphinx's config, at ``config-inited``.

``title`` becomes ``project`` and ``html_title``, ``url`` becomes
``html_baseurl``, ``copyright`` the footer's line, and ``description`` (in ``html_context``)
the meta description of pages that are not a post (:mod:`.outputs.seo`). A value
conf.py sets itself (or ``-D`` overrides) is left alone: conf.py wins. With no
copyright anywhere, the footer follows the archive's years, from the first
post to the last (file names' dates; the front matter's for an undated name).

This runs before the builder is made, so the values are part of the HTML
build's config hash: a new year in the archive rewrites every page's footer on
the next incremental build, as a changed ``copyright`` in conf.py would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging

from .core.loader import find_post_files
from .core.model import split_file_name
from .core.paths import display_path
from .core.sitefile import FILLS, archive_years, filled, load_site_file

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from docutils.parsers.rst.states import Inliner
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .config import NewsletterConfig

logger = logging.getLogger(__name__)

#: The ``html_context`` key of the site's description (:mod:`.outputs.seo` reads it).
CONTEXT_DESCRIPTION = "newsletter_site_description"


def set_by_maintainer(config: Config, name: str) -> bool:
    """Whether conf.py (or a ``-D`` override) sets *name*."""
    return name in config._raw_config or name in config.overrides


def apply_site_file(app: Sphinx, config: Config) -> None:
    """Fill Sphinx's values from the site file, then the copyright from the archive's years."""
    nl_config: NewsletterConfig = app.newsletter_config  # type: ignore[attr-defined]
    path = nl_config.site_file
    site, problems = load_site_file(path, display_path(path) if path else "")
    for problem in problems:
        log = logger.error if problem.severity == "error" else logger.warning
        log(problem.message, location=problem.location, type="newsletter", subtype=problem.code)
    values = site.values()
    maintainer = {name: True for name in FILLS if set_by_maintainer(config, name)}
    for name, value in filled(site, maintainer).items():
        setattr(config, name, value)
    if "description" in values:  # in html_context, an "html" value: a change rewrites every page
        config.html_context = {**config.html_context, CONTEXT_DESCRIPTION: values["description"]}
    if not set_by_maintainer(config, "copyright") and "copyright" not in values:
        years = archive_years(post_dates(nl_config), str(config.project or ""))
        if years:
            config.copyright = years


def post_dates(config: NewsletterConfig) -> list[dt.date]:
    """The date of every post file: from its name (``2024-03-01-x.md``), else its front matter."""
    if config.posts_dir is None or not config.posts_dir.is_dir():
        return []
    from .core.frontmatter import read_post

    dates = []
    for path in find_post_files(config.posts_dir, config.images_dir):
        date, _ = split_file_name(path.stem)
        if date is None:
            post, _problems = read_post(path, path.name, config.settings)
            date = post.date.date() if post is not None and post.published else None
        if date is not None:
            dates.append(date)
    return dates


def site_title_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    /,
    options: dict[str, Any] | None = None,
    content: Sequence[str] = (),
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """``{nl:site-title}`title``` : the site's title (``project``) as text, e.g. in the home page's heading.

    The home page then reads right whatever archive the site holds. A change
    of ``project`` is a change of config that re-reads every page.
    """
    env = inliner.document.settings.env
    return [nodes.Text(str(env.config.project))], []


def setup(app: Sphinx) -> None:
    # Connected after config's handler, same priority: it needs the validated config,
    # and the outputs' config-inited handlers (404 page prefix) need html_baseurl.
    app.connect("config-inited", apply_site_file)
    app.add_role_to_domain("nl", "site-title", site_title_role)
