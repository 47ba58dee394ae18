"""Shared fixtures: Sphinx's testing plugin, the test roots and the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitetools import CORPUS, REPO, ROOTS, SHARED, TESTS, html, make_site, warnings_of  # noqa: F401

pytest_plugins = ("sphinx.testing.fixtures",)


def pytest_configure(config: pytest.Config) -> None:
    """Sphinx's deprecation warnings fail the tests, whichever Sphinx (8.2+) is installed."""
    import sphinx.deprecation

    for name in dir(sphinx.deprecation):
        if name.startswith("RemovedInSphinx"):
            config.addinivalue_line("filterwarnings", f"error::sphinx.deprecation.{name}")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "_posts").is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS} (set NEWSLETTER_SHARED)")
    return CORPUS


@pytest.fixture(autouse=True)
def _cli_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``newsletter`` command speaks its site's language; tests read its English unless they pick one.

    (``tests/test_cli_i18n.py`` removes this to test the choice itself.)
    """
    monkeypatch.setenv("LANGUAGE", "en")
