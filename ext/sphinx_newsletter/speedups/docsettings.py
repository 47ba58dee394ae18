"""Docutils settings made once per build's read phase, not once per page (Sphinx 9.0).

Sphinx 9.0 reads every page through ``_parse_str_to_doctree``, which asks
``sphinx.util.docutils._get_settings`` for the page's settings: a new docutils
``OptionParser`` each time (every component's settings spec turned into
options, the docutils.conf files read), about a millisecond a page, for
settings that are the same on every page. Sphinx 8.2 kept one publisher per
file type instead (so this speed-up is not needed there, and its gate leaves it
off).

While Sphinx reads (``env-before-read-docs`` to ``env-updated``, or
``build-finished`` if the read fails), the module global ``_get_settings`` is
:class:`SettingsCache`: it keeps the option parser of the last call and, when
a call asks for the same components and defaults, hands out fresh values from
it with ``get_default_values()``, the call the stock function ends with. The
values a configuration file put there as lists, sets or dicts are copied for
each page, as a new parser would have made them. The stock function is put
back when the read ends; nothing of this outlives the read. Measurements:
docs/reference/performance.md.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sphinx.util import docutils as _sphinx_docutils

if TYPE_CHECKING:
    from docutils.frontend import Values
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: What ``OptionParser`` reads from each component.
_COMPONENT_PARTS = (
    "settings_spec",
    "settings_defaults",
    "settings_default_overrides",
    "relative_path_settings",
    "config_section",
    "config_section_dependencies",
)


def _component_key(component: Any) -> tuple[Any, ...]:
    """What makes *component*'s options: its class and the parts the option parser reads.

    A source parser is a new instance for every page; its options come from
    these attributes (compared by value, which is by identity for the same objects).
    """
    kind = component if isinstance(component, type) else type(component)
    return (kind, *(getattr(component, part, None) for part in _COMPONENT_PARTS))


class SettingsCache:
    """``_get_settings`` that builds one option parser for as long as its inputs don't change."""

    def __init__(self, stock: Callable[..., Values]) -> None:
        self.stock = stock
        self._key: tuple[Any, ...] | None = None
        self._parser: Any = None
        self._shared: frozenset[int] = frozenset()
        #: Option parsers built, and values handed out from a kept one (for tests).
        self.built = self.reused = 0

    def __call__(self, *components: Any, defaults: Mapping[str, Any], read_config_files: bool = False) -> Values:
        key = (tuple(_component_key(c) for c in components), dict(defaults), read_config_files)
        if self._parser is None or key != self._key:
            self._parser = _option_parser(components, defaults, read_config_files)
            self._key = key
            # Containers a page may share with every other page, as with the stock call: the defaults'.
            self._shared = frozenset(id(v) for v in defaults.values())
            self.built += 1
        else:
            self.reused += 1
        values = self._parser.get_default_values()
        for name, value in vars(values).items():
            if isinstance(value, (list, dict, set)) and id(value) not in self._shared:
                setattr(values, name, copy.copy(value))
        return values


def _option_parser(components: tuple[Any, ...], defaults: Mapping[str, Any], read_config_files: bool) -> Any:
    """The option parser the stock ``_get_settings`` builds (and drops) for these inputs."""
    import warnings

    from docutils.frontend import OptionParser

    with warnings.catch_warnings(action="ignore", category=DeprecationWarning):
        return OptionParser(components=components, defaults=defaults, read_config_files=read_config_files)


def _install(app: Sphinx) -> None:
    stock = getattr(_sphinx_docutils, "_get_settings", None)
    if stock is None or isinstance(stock, SettingsCache):  # not this Sphinx's; or in place (a nested build)
        return
    cache = SettingsCache(stock)
    _sphinx_docutils._get_settings = cache
    app._newsletter_settings_cache = cache  # type: ignore[attr-defined]


def restore(app: Sphinx) -> None:
    """Put Sphinx's own ``_get_settings`` back (idempotent)."""
    cache: SettingsCache | None = getattr(app, "_newsletter_settings_cache", None)
    if cache is None:
        return
    current: object = getattr(_sphinx_docutils, "_get_settings", None)
    if current is cache:
        _sphinx_docutils._get_settings = cache.stock
    app._newsletter_settings_cache = None  # type: ignore[attr-defined]
    app.newsletter_settings_counts = (cache.built, cache.reused)  # type: ignore[attr-defined]


def before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _install(app)


def env_updated(app: Sphinx, env: BuildEnvironment) -> None:
    restore(app)


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    restore(app)


def enable(app: Sphinx) -> None:
    app.connect("env-before-read-docs", before_read)
    app.connect("env-updated", env_updated)
    app.connect("build-finished", build_finished)
