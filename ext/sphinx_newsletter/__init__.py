"""sphinx-newsletter: a newsletter's posts as a searchable, cross-referenced Sphinx archive.

``setup()`` only wires things together; see the modules for the parts:
:mod:`.frontmatter` and :mod:`.model` (pure: posts, editions, authors),
:mod:`.render` (pure: generated pages), :mod:`.generate` (writing them),
:mod:`.directives` and :mod:`.nodes` (cards, author box, listings),
:mod:`.domain` (cross-references and ``objects.inv``), :mod:`.parser` (post
bodies under untrusted-input limits) and :mod:`.navigation` (bounded sidebar).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

HERE = Path(__file__).parent


def _add_static(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(HERE / "static"))


def _setup_outputs(app: Sphinx) -> None:
    """Whole-site outputs: feeds, sitemap, archive.json, old-URL redirects, meta tags, 404."""
    from .outputs import export, feeds, redirects, seo, site, sitemap

    app.setup_extension("notfound.extension")
    site.add_config_values(app)
    app.connect("config-inited", site.config_inited)
    app.connect("config-inited", seo.notfound_defaults)
    app.connect("html-page-context", seo.html_page_context)
    app.connect("html-page-context", seo.notfound_page_context, priority=450)
    for module in (feeds, sitemap, export, redirects):
        app.connect("build-finished", module.build_finished)
    app.connect("build-finished", seo.notfound_at_root)


def setup(app: Sphinx) -> ExtensionMetadata:
    from . import (
        bodyguard,
        buildcache,
        config,
        directives,
        domain,
        generate,
        listing,
        locations,
        navigation,
        nodes,
        parser,
        reference,
    )
    from . import speedups

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    config.add_config_values(app)
    app.add_domain(domain.NewsletterDomain)
    for name, cls in {**directives.DIRECTIVES, **reference.DIRECTIVES}.items():
        app.add_directive_to_domain("nl", name, cls)
    for kind in domain.OBJECT_TYPES:
        app.add_role_to_domain("nl", kind, domain.NewsletterXRefRole(kind))
        app.add_role(kind, domain.NewsletterXRefRole(kind))
    app.add_source_parser(parser.NewsletterMystParser, override=True)
    app.add_node(nodes.external_link, html=(nodes.visit_external_link, nodes.depart_external_link))
    app.add_node(nodes.link_list, html=(listing.visit_link_list, None))
    app.connect("doctree-resolved", listing.resolve_link_lists)
    app.add_message_catalog("sphinx_newsletter", str(HERE / "locale"))
    app.add_css_file("newsletter.css")
    app.connect("config-inited", config.config_inited)
    app.connect("config-inited", _add_static)
    app.connect("builder-inited", generate.builder_inited)
    # Messages about a post body name the post file, not the generated page.
    app.connect("builder-inited", locations.install_locations)
    # Every address in a post page's doctree, against one allowlist (uripolicy).
    bodyguard.setup(app)
    # Before generate.build_finished (900), which fails the build for refused posts.
    app.connect("build-finished", locations.summarise_warnings, priority=850)
    app.connect("env-get-outdated", generate.env_get_outdated)
    # Before Furo (500): it calls toctree() to draw its sidebar.
    app.connect("html-page-context", navigation.html_page_context, priority=400)
    # Last, after the feeds and other outputs: fails the build when posts were refused.
    app.connect("build-finished", generate.build_finished, priority=900)
    _setup_outputs(app)
    buildcache.setup(app)
    # Patches to Sphinx, MyST and Furo internals, behind newsletter_speedups and version gates.
    speedups.setup(app)
    return {
        "version": __version__,
        "env_version": 2,  # 2: listings are link_list nodes
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
