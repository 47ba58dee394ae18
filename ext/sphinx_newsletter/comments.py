"""Reader comments on post pages (``newsletter_comments``): privacy first, old threads kept.

Nothing of the provider is on the page when it loads: no script, no iframe,
no request. A post page gets a "Comments" section with a notice naming the
provider and linking to its privacy policy, a button ("Load comments
(Disqus)") that inserts the provider's script when clicked, and, for readers
without JavaScript (or who block it on this site), a link to the thread.
The button is driven by ``static/newsletter-comments.js``, a static file of
ours loaded with ``defer`` on post pages only: the page passes it the
thread through ``data-nl-*`` attributes, every value HTML-escaped; there is
no inline script and nothing is interpolated into JavaScript.

Which thread a post opens (its old URL, see :mod:`.core.comments`) is
decided from the archive. The section is added at ``doctree-resolved``
(main process, before a parallel write forks) to published post pages of
the ``html``/``dirhtml`` builders that did not say ``comments: false``;
never to edition, author, listing or other pages. ``newsletter_comments``
is an ``"html"`` config value: changing it changes the builder's
``.buildinfo`` hash, so every page is written again with or without the
section, without reading any source again.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util.osutil import relative_uri

from .core.comments import data_attributes, default_lang, thread_for, thread_link, thread_paths, wants_comments
from .domain import get_domain
from .nodes import page_markup, script_tag
from .outputs.site import HTML_BUILDERS, base_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from .core.comments import Comments, Thread

_ = get_translation("sphinx_newsletter")

SCRIPT = "newsletter-comments.js"


def section_html(comments: Comments, thread: Thread, *, lang: str, script: str) -> str:
    """The section's markup; every value from the setting or the post is escaped."""
    heading = escape(_("Comments"))
    data = "".join(
        f' data-nl-{name}="{escape(value, quote=True)}"'
        for name, value in data_attributes(comments, thread, lang).items()
    )
    notice = escape(
        _(
            "Comments are provided by %(provider)s and are loaded only if you ask: loading them connects "
            "your browser to %(provider)s, which receives your IP address and may set cookies."
        )
        % {"provider": comments.label}
    )
    policy = escape(_("Privacy policy of %s") % comments.label)
    load = escape(_("Load comments (%s)") % comments.label)
    read = escape(_("Read the comments on %s") % ("GitHub" if comments.provider == "giscus" else comments.label))
    privacy_url = escape(comments.privacy_url, quote=True)
    link = escape(thread_link(comments, thread), quote=True)
    return (
        f'<section class="nl-comments" id="nl-comments" aria-labelledby="nl-comments-title"{data}>\n'
        f'<h2 id="nl-comments-title">{heading}</h2>\n'
        f'<p class="nl-comments-notice">{notice} '
        f'<a class="reference external" href="{privacy_url}" target="_blank" rel="noopener noreferrer">{policy}</a>'
        ".</p>\n"
        f'<p><button type="button" class="nl-comments-load" hidden>{load}</button></p>\n'
        f'<noscript><p><a class="reference external" href="{link}" rel="noopener noreferrer">{read}</a></p>'
        "</noscript>\n"
        '<div class="nl-comments-thread"></div>\n' + script_tag(script, SCRIPT) + "</section>\n"
    )


def config_inited(app: Sphinx, config: Config) -> None:
    """Comments need absolute URLs (after :func:`.config.config_inited` validated the value)."""
    from .config import newsletter_config

    if newsletter_config(app).comments is not None and not base_url(config.html_baseurl):
        raise ConfigError(
            "newsletter_comments needs html_baseurl (https://...): each post's thread is keyed by its "
            "absolute old URL, <html_baseurl><old-slug>/"
        )


def doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    from .config import newsletter_config

    comments = newsletter_config(app).comments
    if comments is None or app.builder.name not in HTML_BUILDERS:
        return
    domain = get_domain(app.env)
    post = domain.post_at(docname)
    if post is None or not wants_comments(post):
        return
    paths = _thread_paths(app, domain)
    builder = app.builder
    page = builder.get_target_uri(docname)
    base = base_url(app.config.html_baseurl)
    thread = thread_for(post, paths.get(post.source), base=base, canonical=base + page)
    html = section_html(
        comments,
        thread,
        lang=default_lang(comments, app.config.language),
        script=relative_uri(page, f"_static/{SCRIPT}"),
    )
    section = next(iter(doctree.findall(nodes.section)), doctree)
    section.append(page_markup(html=html))


def _thread_paths(app: Sphinx, domain: Any) -> dict[str, str]:
    """Every post's thread path, once per write phase (doctree-resolved runs once per page)."""
    from .buildcache import build_cache

    memo = build_cache(app.builder, "thread-paths")
    if "paths" not in memo:
        memo["paths"] = thread_paths(domain.archive)
    paths: dict[str, str] = memo["paths"]
    return paths


def setup(app: Sphinx) -> None:
    app.connect("config-inited", config_inited)
    app.connect("doctree-resolved", doctree_resolved)
