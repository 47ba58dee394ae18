"""Furo's own labels ("Next", "Back to top", "Skip to content"...) in the site's language.

Furo 2025 ships no translations: the labels its templates mark for gettext go
through Sphinx's ``sphinx`` catalogue, which has none of them, so a pt_BR
archive showed them in English. Two parts, no patch of Furo:

- ``locale/<lang>/LC_MESSAGES/sphinx.po``: those labels, added to Sphinx's
  ``sphinx`` catalogue *as a fallback* (``app.add_message_catalog``), so
  Sphinx's own translations and a project's ``locale_dirs`` still win;
- ``templates/``: the few labels Furo writes without gettext (the sidebar
  toggles' and theme button's ``aria-label``, the icons' titles, Furo's
  "Toggle navigation of <page>") are replaced in Furo's output by their
  translation. Each override includes Furo's own template (``!name``) and
  rewrites exact strings only, so a Furo upgrade can't lose markup: a label it
  renames simply stays in English (``tests/test_themelabels.py`` lists them).

With ``language = "en"`` (or no catalogue for the language) every label is its
msgid: the pages are byte-identical to Furo's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

_HERE = Path(__file__).parent
#: Template overrides; searched after the project's own ``templates_path``.
TEMPLATES = _HERE / "templates" / "theme"


def _add_templates(app: Sphinx, config: Config) -> None:
    # Appended, not prepended: a project's own templates (and their ``!page.html``) come first.
    # A new list: the default one is shared by every app of the process.
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> None:
    app.add_message_catalog("sphinx", str(_HERE / "locale"))
    app.connect("config-inited", _add_templates)
