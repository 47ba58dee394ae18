"""sphinx-newsletter: a newsletter's posts as a searchable, cross-referenced Sphinx archive.

``setup()`` only calls each part's own ``setup(app)``; see the modules for the
parts: :mod:`.core` (pure: posts, editions, authors, generated pages),
:mod:`.config` (the ``newsletter_*`` values), :mod:`.generate` (writing the
pages), :mod:`.directives` and :mod:`.nodes` (cards, author box, listings),
:mod:`.domain` (cross-references and ``objects.inv``), :mod:`.parser` (post
bodies under untrusted-input limits), :mod:`.navigation` (bounded sidebar), :mod:`.related` (older/newer in the footer),
:mod:`.outputs` (feeds, sitemap, redirects...) and :mod:`.speedups`. Event
priorities are named in :mod:`.events`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    from . import (
        baseline,
        bodyguard,
        buildcache,
        buildstate,
        comments,
        config,
        directives,
        domain,
        generate,
        imagevariants,
        intro,
        listing,
        locations,
        navigation,
        nodes,
        outputs,
        parser,
        reference,
        related,
        search,
        share,
        siteinfo,
        speedups,
        themelabels,
    )

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_design")
    # In this order: handlers of one event and one priority run in the order they
    # were connected (config's config-inited handler first, listing's
    # doctree-resolved before memory's, generate's builder-inited first...).
    config.setup(app)
    buildstate.setup(app)
    domain.setup(app)
    siteinfo.setup(app)
    directives.setup(app)
    intro.setup(app)
    reference.setup(app)
    parser.setup(app)
    nodes.setup(app)
    themelabels.setup(app)
    listing.setup(app)
    generate.setup(app)
    imagevariants.setup(app)  # after generate: its builder-inited handler mirrors the images
    baseline.setup(app)
    locations.setup(app)
    bodyguard.setup(app)
    navigation.setup(app)
    related.setup(app)
    outputs.setup(app)
    share.setup(app)  # before comments: its doctree-resolved puts the links above them
    comments.setup(app)
    search.setup(app)
    buildcache.setup(app)
    # Patches to Sphinx, MyST and Furo internals, behind newsletter_speedups and version gates.
    speedups.setup(app)
    return {
        "version": __version__,
        "env_version": 4,  # 4: posts carry comments, months by edition date, card images are card_image nodes
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
