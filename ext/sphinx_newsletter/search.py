"""The reader's search: accent-insensitive terms, pages left out, the search page's own script.

- **Accents** (``newsletter_search_fold_accents``): a subclass of the search
  language's own :class:`~sphinx.search.SearchLanguage` (registered with
  ``app.add_search_language``) whose ``stem`` and JavaScript ``Stemmer`` run
  :mod:`.core.searchfold` around Sphinx's stemmer. It folds only when the
  build asks for it (a key in ``html_search_options``, set at
  ``config-inited``), so another build in the same process, or a build with
  the option off, gets Sphinx's behaviour exactly.
- **Pages left out** (``newsletter_search_exclude``): docnames matching one
  of the patterns get Sphinx's own ``nosearch`` metadata, as if their front
  matter said ``nosearch: true``: the maintainers' reference stays out of
  readers' results.
- **The search page** (``templates/search/search.html``): a heading and a search box
  when it is opened without a query, and ``static/newsletter-search.js``,
  which starts each excerpt at the page's own text (see that file).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sphinx.errors import ConfigError
from sphinx.search import IndexBuilder, SearchLanguage, languages
from sphinx.util import logging

from .core.searchfold import PORTUGUESE_ENDINGS, fold, folding_stem, javascript
from .events import AFTER_COLLECTORS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: The key of ``html_search_options`` that turns folding on for one build.
FOLD_OPTION = "newsletter_fold_accents"
#: Endings whose accents come back before stemming, per search language (:func:`.searchfold.restore`).
ENDINGS: dict[str, Sequence[tuple[str, str]]] = {"pt": PORTUGUESE_ENDINGS}
TEMPLATES = Path(__file__).parent / "templates" / "search"


def search_language(config: Config) -> str:
    """The code of the search index's language (``pt`` for ``pt_BR``), as Sphinx picks it."""
    code = str(config.html_search_language or config.language or "en")
    return code if code in languages else code.partition("_")[0]


def folding_language(base: type[SearchLanguage], endings: Sequence[tuple[str, str]]) -> type[SearchLanguage]:
    """*base*, folding accents when ``html_search_options[FOLD_OPTION]`` is true."""

    class FoldingLanguage(base):  # type: ignore[valid-type,misc]
        #: Whether this build folds (``html_search_options[FOLD_OPTION]``).
        folds: bool = False

        def __init__(self, options: dict[str, Any]) -> None:
            super().__init__(options)
            self.folds = options.get(FOLD_OPTION) is True
            self._terms: dict[str, str] = {}
            self._kept: dict[str, bool] = {}
            if not self.folds:
                return
            self._term = folding_stem(super().stem, endings)
            # Sphinx's own JavaScript for the language (the Snowball stemmer), then our wrapper.
            own = IndexBuilder.get_js_stemmer_code(SimpleNamespace(lang=self))  # type: ignore[arg-type]
            self.js_stemmer_code = own + "\n" + javascript(endings)
            self.js_stemmer_rawcode = ""  # the code above is complete
            # Stop words typed without accents ("nao", "voce") are stop words too.
            self.stopwords: frozenset[str] = frozenset(self.stopwords) | {fold(w) for w in self.stopwords}

        def stem(self, word: str) -> str:
            if not self.folds:
                return super().stem(word)
            # A build indexes the same words over and over: each one's term is computed once
            # (this object lives as long as the builder's index, one build).
            term = self._terms.get(word)
            if term is None:
                term = self._terms[word] = self._term(word)
            return term

        def word_filter(self, word: str) -> bool:
            # Sphinx indexes the word as typed when its stem is a stop word: "Há", "é"
            # are stop words too ("ha", "e"), as the query side drops them.
            if not self.folds:
                return super().word_filter(word)
            kept = self._kept.get(word)
            if kept is None:
                kept = self._kept[word] = super().word_filter(word) and fold(word) not in self.stopwords
            return kept

    FoldingLanguage.__name__ = FoldingLanguage.__qualname__ = f"Folding{base.__name__}"
    return FoldingLanguage


def _base_language(code: str) -> type[SearchLanguage] | None:
    from importlib import import_module

    found = languages.get(code)
    if isinstance(found, type) and hasattr(found, "folds"):
        return None  # already ours (a second app in this process)
    if isinstance(found, str):
        module, name = found.rsplit(".", 1)
        found = getattr(import_module(module), name)
    return found if isinstance(found, type) else None


def setup_folding(app: Sphinx, config: Config) -> None:
    """Ask this build's search language to fold accents when configured (by default: Portuguese sites)."""
    code = search_language(config)
    wanted = config.newsletter_search_fold_accents
    if wanted is None:
        wanted = code in ENDINGS
    elif wanted and code not in ENDINGS:
        logger.warning(
            "newsletter_search_fold_accents: accent folding is available for %s, not for the search language %r",
            ", ".join(sorted(ENDINGS)),
            code,
            type="newsletter",
            subtype="config",
        )
        wanted = False
    # Always set, so turning folding off changes the config (and Sphinx rewrites the pages and the index).
    config.html_search_options = {**config.html_search_options, FOLD_OPTION: bool(wanted)}
    patterns = config.newsletter_search_exclude
    if not all(isinstance(pattern, str) for pattern in patterns):
        raise ConfigError("newsletter_search_exclude must be a list of docname patterns (strings)")


def exclude_from_search(app: Sphinx, doctree: nodes.document) -> None:
    """Give Sphinx's ``nosearch`` metadata to the pages ``newsletter_search_exclude`` names."""
    docname = app.env.docname
    patterns = app.config.newsletter_search_exclude
    if any(fnmatchcase(docname, pattern) for pattern in patterns):
        app.env.metadata[docname]["nosearch"] = True


def add_templates(app: Sphinx, config: Config) -> None:
    """The extension's templates, after conf.py's own (a site's ``search.html`` wins)."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> None:
    # Registered for every build of the process; each folds only when its options ask (setup_folding).
    for code, endings in ENDINGS.items():
        base = _base_language(code)
        if base is not None:
            app.add_search_language(folding_language(base, endings))
    app.connect("config-inited", setup_folding)
    app.connect("config-inited", add_templates)
    app.connect("doctree-read", exclude_from_search, priority=AFTER_COLLECTORS)
