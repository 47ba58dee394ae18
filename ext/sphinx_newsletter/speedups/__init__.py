"""Speed-ups: every patch to Sphinx, MyST-Parser and Furo internals, behind one switch.

Each module here makes the build faster by reaching into code the extension
does not own, and changes nothing in the output (``tests/test_speedups.py``
builds a site with all of them on and all off and compares every file):

- :mod:`.memory`: the garbage collector runs between documents, doctrees wait on disk;
- :mod:`.titles`: each page title rendered once (``builder.render_partial`` wrapped);
- :mod:`.assettags`: Sphinx's CSS/JS tag helpers reused per page depth;
- :mod:`.toctrees`: ``env.files_to_rebuild`` bookkeeping kept linear; ``nl:toctree``
  without Sphinx's copy of every page name;
- :mod:`.docsettings`: docutils settings made once per read, not once per page (Sphinx 9.0);
- :mod:`.mystdocument`: MyST's renderer without a throwaway document per page;
- :mod:`.furonav`: Furo's sidebar markup written directly.

They run when ``newsletter_speedups`` is on (the default) and the installed
Sphinx, MyST-Parser and Furo are versions each one was proven on
(:mod:`.gates`); otherwise the stock code runs. The choice is made at
``config-inited``, once per build, and logged. Measurements: docs/reference/performance.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from ..events import SPEEDUPS_DECIDE
from . import assettags, docsettings, furonav, gates, memory, mystdocument, titles, toctrees

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


#: Each speed-up's module, by its name in :data:`.gates.GATES`: ``enable(app)`` wires it.
MODULES = {
    "memory": memory,
    "titles": titles,
    "assettags": assettags,
    "toctrees": toctrees,
    "docsettings": docsettings,
    "mystdocument": mystdocument,
    "furonav": furonav,
}


def config_inited(app: Sphinx, config: Config) -> None:
    """Decide which speed-ups run in this build, wire them, and say which don't."""
    decision = gates.decide(app.newsletter_config.speedups)  # type: ignore[attr-defined]
    app.newsletter_speedups = decision  # type: ignore[attr-defined]
    for gate in gates.GATES:
        if gate.name in decision.active:
            MODULES[gate.name].enable(app)
    if decision.active:
        _put_back_however_the_build_ends(app)
    if not app.newsletter_config.speedups:  # type: ignore[attr-defined]
        logger.info("newsletter: newsletter_speedups is off: stock Sphinx, MyST-Parser and Furo code runs")
    elif decision.skipped:
        reasons = "; ".join(f"{name}: {why}" for name, why in decision.skipped.items())
        logger.info("newsletter: speed-ups skipped, stock code runs instead (%s)", reasons)


def _put_back_however_the_build_ends(app: Sphinx) -> None:
    """Undo the speed-ups' process-wide changes when ``build()`` ends by a ``BaseException``.

    Sphinx emits ``build-finished`` (where each speed-up puts back what it
    changed) on success and on an ``Exception``, but not on a
    ``KeyboardInterrupt`` (Ctrl-C in a notebook, a test runner, any tool that
    builds in-process): this application's ``build`` is wrapped (an attribute
    of this object only) so that the collector's policy and ``_get_settings``
    go back then too.
    """
    build = app.build

    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            build(*args, **kwargs)
        except BaseException as exc:
            if not isinstance(exc, Exception):
                memory.build_finished(app, exc)
                docsettings.restore(app)
            raise

    app.build = guarded  # type: ignore[method-assign]


def setup(app: Sphinx) -> None:
    toctrees.setup(app)  # nl:toctree, which the generated pages use, whether or not the speed-up runs
    app.connect("config-inited", config_inited, priority=SPEEDUPS_DECIDE)
