"""The priorities of the extension's event handlers, in one place.

Sphinx calls the handlers of one event in ascending priority, and handlers of
equal priority in the order they were connected (so :func:`sphinx_newsletter.setup`
calls the parts' ``setup`` in a fixed order). Sphinx's own handlers (its
environment collectors), Furo's and most extensions' (ours included: the
feeds and other outputs) use the default, 500. A handler that must run before
or after one of them says so with one of these names, never with a bare number.
"""

from __future__ import annotations

# --- config-inited -----------------------------------------------------------------

#: After the extension's config (500) is validated: :mod:`.speedups` decides which
#: speed-ups run from ``newsletter_speedups`` and the versions installed.
SPEEDUPS_DECIDE = 510

# --- builder-inited, env-get-outdated --------------------------------------------------

#: Once the app has loaded the previous environment (after every other
#: builder-inited handler): :mod:`.speedups.memory` lowers the threshold it raised
#: for that load.
ENVIRONMENT_LOADED = 999
#: Before any other handler of the event: the build's own garbage-collector policy
#: (:mod:`.speedups.memory`) starts, or is put back, first.
GC_POLICY = 1

# --- env-updated -------------------------------------------------------------------

#: Before every other handler, so that the others see the complete toctree mapping
#: (:mod:`.speedups.toctrees` puts back what it set aside while reading).
FIRST = 100

# --- doctree-read, doctree-resolved ---------------------------------------------------

#: After Sphinx's environment collectors (500) have filled ``env.images``,
#: ``env.dlfiles`` and the toctree data that these handlers check or set aside.
AFTER_COLLECTORS = 900

# --- html-page-context ---------------------------------------------------------------

#: Before Furo (500): it calls ``toctree()`` to draw its sidebar, so the
#: bounded ``toctree()`` must be in the context first.
BEFORE_FURO = 400
#: After sphinx-notfound-page (400), which replaces the 404 page's ``toctree()``,
#: and before Furo, which draws the sidebar with it.
AFTER_NOTFOUND = 450
#: Right after the bounded ``toctree()`` (:data:`BEFORE_FURO`), still before Furo:
#: :mod:`.speedups.furonav` hides it from Furo's BeautifulSoup pass.
BEFORE_FURO_FAST = 401
#: After Furo: its sidebar tree is replaced by ours, in its markup.
AFTER_FURO = 600
#: After every handler that replaces the CSS/JS tag helpers for a page of its own
#: (sphinx-notfound-page, Furo): only Sphinx's own helpers are memoised.
AFTER_PAGE_HELPERS = 990

# --- build-finished ------------------------------------------------------------------

#: After the other whole-site outputs (500), which the main process writes while a
#: child writes the feeds: :mod:`.outputs.feeds` waits for that child, then records them.
FEEDS_WRITTEN = 790
#: After the feeds and other whole-site outputs (500): :mod:`.outputs.cards` waits for
#: the child drawing the cards only once the main process has nothing else to do.
AFTER_OUTPUTS = 800
#: The summary line of each post whose warnings were capped, before
#: :data:`FAIL_REFUSED` ends the build (or the line would never be printed).
SUMMARISE_WARNINGS = 850
#: After the feeds and other outputs (500): fail the build when posts
#: were refused, once everything that could be written was.
FAIL_REFUSED = 900
#: After everything else, the build's own included: nothing allocates any more
#: (:mod:`.speedups.memory` freezes the heap the build leaves).
LAST = 1000
#: After every other handler: the build is complete only when all of them ran
#: (:mod:`.buildstate` then removes its marker and releases the lock).
BUILD_COMPLETE = 1100
