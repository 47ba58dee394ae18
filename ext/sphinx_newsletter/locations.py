"""Messages about a post body name the post file and its line, not the generated page.

MyST's and docutils' own messages about a post page, and ours, are located at
``posts/x.md:LINE``: :class:`PostLocations` rewrites the generated page's
location on Sphinx's warning handler, and caps how many are printed per post.
"""

from __future__ import annotations

import logging as std_logging
import os
from typing import TYPE_CHECKING

from sphinx.util import logging

from .core.render import post_header
from .domain import get_domain
from .events import SUMMARISE_WARNINGS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .core.model import Post

logger = logging.getLogger(__name__)


def source_line(post: Post, line: int | None) -> int:
    """The post file's line for *line* of its generated page."""
    header = post_header(post).count("\n")
    if line is None or line < 1:
        return post.body_line
    if line > header:
        return post.body_line + line - header - 1
    return post.line_of("title")


def source_location(post: Post, line: int | None) -> str:
    """``posts/x.md:7``: where Sphinx should say a message about *line* comes from."""
    return f"{post.source}:{source_line(post, line)}"


def warn(post: Post, line: int | None, message: str, code: str = "body") -> None:
    """A warning about a post body, at the post file's line."""
    logger.warning(message, location=source_location(post, line), type="newsletter", subtype=code)


class PostLocations(std_logging.Filter):
    """Rewrites ``<srcdir>/arquivo/posts/x.md:12`` (a post's page) in any message to ``posts/x.md:9`` (its file).

    MyST and docutils report problems in a post body at the generated page,
    which contributors never see. This filter sits last on Sphinx's warning
    handler (:func:`install_locations`), after the filter that turns locations
    into ``path:line`` text, so it sees every message, those collected from
    parallel readers included.
    """

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self._app = app
        self._archive: object = None
        self._pages: dict[str, Post] = {}
        self._sources: dict[str, Post] = {}
        #: post source -> warnings seen; past ``max_warnings_per_post`` they are not printed.
        self.counts: dict[str, int] = {}
        self.summarising = False

    def filter(self, record: std_logging.LogRecord) -> bool:
        location = getattr(record, "location", None)
        if not isinstance(location, str):  # not a located message
            return True
        pages = self._pages_now()
        if not pages:
            return True
        path, line = _split_location(location)
        # Sphinx's directives (code-block's ``emphasize-lines``...) inside MyST
        # report at ``<page>.md.rst``: the same page.
        post = pages.get(path) or (pages.get(path[:-4]) if path.endswith(".rst") else None)
        if post is not None:
            record.location = location = source_location(post, line)
        return self._under_cap(location)

    def _under_cap(self, location: str) -> bool:
        """Print the first ``newsletter_max_warnings_per_post`` about a post, count the rest.

        Sphinx counted the record before this filter (``WarningSuppressor``),
        so a suppressed warning still fails a ``-W`` build.
        """
        source = location.rpartition(":")[0] if location.rpartition(":")[2].isdigit() else location
        if self.summarising or source not in self._sources:
            return True
        count = self.counts[source] = self.counts.get(source, 0) + 1
        return count <= self._cap()

    def _cap(self) -> int:
        config = get_domain(self._app.env).nl_config
        return config.settings.max_warnings_per_post if config is not None else 50

    def summarise(self) -> None:
        """One line per post whose warnings were cut: ``N more warnings about posts/x.md suppressed``."""
        cap = self._cap()
        self.summarising = True
        try:
            for source, count in sorted(self.counts.items()):
                if count > cap:
                    logger.warning(
                        "%d more warnings about %s suppressed (newsletter_max_warnings_per_post = %d)",
                        count - cap,
                        source,
                        cap,
                        location=f"{source}:1",
                        type="newsletter",
                        subtype="warnings-capped",
                    )
        finally:
            self.summarising = False
            self.counts.clear()

    def _pages_now(self) -> dict[str, Post]:
        domain = get_domain(self._app.env)
        if domain.archive is not self._archive and domain.nl_config is not None:
            self._archive = domain.archive
            layout, srcdir = domain.nl_config.layout, os.path.abspath(self._app.srcdir)
            posts = domain.archive.posts.values() if domain.archive else ()
            # Keys are slugs: joining the docname's parts gives what abspath would.
            self._pages = {os.path.join(srcdir, *f"{layout.post_docname(p.key)}.md".split("/")): p for p in posts}
            self._sources = {p.source: p for p in self._pages.values()}
        return self._pages


def _split_location(location: str) -> tuple[str, int | None]:
    path, sep, line = location.rpartition(":")
    if not sep or not (line.isdigit() or line == ""):
        return os.path.abspath(location), None
    return os.path.abspath(path), int(line) if line else None


#: The app's attribute holding the filter :func:`install_locations` added: (handler, filter).
_INSTALLED = "_newsletter_locations"


def install_locations(app: Sphinx) -> None:
    """Add :class:`PostLocations` to this app's warning handler (once), through public names only.

    ``sphinx.util.logging.setup`` gives each app new handlers on the ``sphinx``
    logger, so the :class:`~sphinx.util.logging.WarningStreamHandler` there at
    ``builder-inited`` is this app's. The filter is appended with
    ``addFilter``: it runs after every filter Sphinx put there (the location
    is ``path:line`` text by then, and the warning already counted for
    ``-W``), and nothing of Sphinx's is replaced or reordered.
    """
    from sphinx.util.logging import NAMESPACE, WarningStreamHandler

    installed = getattr(app, _INSTALLED, None)
    handlers = [h for h in std_logging.getLogger(NAMESPACE).handlers if isinstance(h, WarningStreamHandler)]
    if installed is not None and installed[0] in handlers:
        return
    for handler in handlers[:1]:
        locations = PostLocations(app)
        handler.addFilter(locations)
        setattr(app, _INSTALLED, (handler, locations))


def summarise_warnings(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the summary line of every post whose warnings were capped."""
    installed = getattr(app, _INSTALLED, None)
    if installed is not None:
        installed[1].summarise()


def setup(app: Sphinx) -> None:
    # Messages about a post body name the post file, not the generated page.
    app.connect("builder-inited", install_locations)
    app.connect("build-finished", summarise_warnings, priority=SUMMARISE_WARNINGS)
