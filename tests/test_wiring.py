"""One way of wiring: each part's own ``setup(app)``, named event priorities, one table of config values.

- Every call that registers something with Sphinx (``app.connect``,
  ``app.add_*``, ``app.setup_extension``) is in a function named ``setup``,
  and :func:`sphinx_newsletter.setup` does nothing but call the parts'.
- Every ``priority=`` is a name from :mod:`sphinx_newsletter.events`.
- :data:`sphinx_newsletter.config.CONFIG_VALUES` is every ``newsletter_*``
  value the extension registers, and ``newsletter check`` validates them as
  the build does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sitetools import make_site
from sphinx_newsletter import events
from sphinx_newsletter.cli.main import load_config, main
from sphinx_newsletter.config import CONFIG_VALUES

PACKAGE = Path(__file__).parents[1] / "ext" / "sphinx_newsletter"
#: Modules still on literal priorities: the speed-ups, whose rework adopts events.py.
LITERAL_PRIORITIES_PENDING: set[str] = set()


def _registrations() -> list[tuple[str, ast.Call, str]]:
    """Each ``app.connect/add_*/setup_extension(...)`` call: (module, call, the function it is in)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {}
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):  # nested functions come later in ast.walk: the nearest wins
                inside[node] = function.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
                and (node.func.attr in ("connect", "setup_extension") or node.func.attr.startswith("add_"))
            ):
                found.append((path.relative_to(PACKAGE).as_posix(), node, inside.get(node, "<module>")))
    return found


def test_everything_is_registered_in_a_setup_function() -> None:
    registrations = _registrations()
    assert len(registrations) > 30
    # A speed-up wires itself in ``enable(app)``, which speedups.setup calls once its
    # switch and version gate said yes (at config-inited).
    allowed = {"setup"}
    assert [
        (module, node.lineno, name)
        for module, node, name in registrations
        if name not in allowed and not (module.startswith("speedups/") and name == "enable")
    ] == []


def test_the_package_setup_only_calls_the_parts_setups() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    setup = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "setup")
    calls = [ast.unparse(s.value) for s in setup.body if isinstance(s, ast.Expr)]
    others = [s for s in setup.body if not isinstance(s, (ast.Expr, ast.ImportFrom, ast.Return))]
    assert others == []
    assert [c for c in calls if not (c.endswith(".setup(app)") or c.startswith("app.setup_extension("))] == []
    assert len(calls) > 10


def test_every_priority_is_a_named_event_priority() -> None:
    names = {name for name, value in vars(events).items() if name.isupper() and isinstance(value, int)}
    unnamed = []
    for module, node, _function in _registrations():
        for keyword in node.keywords:
            if keyword.arg == "priority" and not (isinstance(keyword.value, ast.Name) and keyword.value.id in names):
                unnamed.append((module, node.lineno, ast.unparse(keyword.value)))
    assert len([k for _m, n, _f in _registrations() for k in n.keywords if k.arg == "priority"]) >= 8
    assert [u for u in unnamed if u[0] not in LITERAL_PRIORITIES_PENDING] == []
    # Until then, their numbers are named ones.
    assert {int(u[2]) for u in unnamed} <= {getattr(events, n) for n in names}


def test_the_config_table_is_every_newsletter_value_the_build_knows(tmp_path: Path) -> None:
    app = make_site(tmp_path, "site")
    try:
        registered = {name for name in app.config.values if name.startswith("newsletter_")}
        assert registered == set(CONFIG_VALUES)
        assert app.newsletter_config.feed_length == 2  # conf.py's
        assert load_config(Path(app.confdir)) == app.newsletter_config
    finally:
        app.cleanup()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("newsletter_feed_length = -1", "newsletter_feed_length must be 0 or more"),
        ('newsletter_legacy_urls = "no"', "newsletter_legacy_urls must be bool, not str"),
    ],
)
def test_check_validates_the_outputs_settings_as_the_build_does(
    tmp_path: Path, capsys, line: str, message: str
) -> None:
    (tmp_path / "conf.py").write_text(line + "\n", encoding="utf-8")
    assert main(["--conf-dir", str(tmp_path), "check"]) == 2
    assert message in capsys.readouterr().err
