"""Share links in Chromium: "Copy link" copies the canonical URL; without JavaScript it is a link.

A small site (tests/roots/test-site, with html_baseurl) is built once and
served on 127.0.0.1; every request that would leave the machine is aborted
and recorded: the share links must cost the reader no request to any network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from .conftest import build_copy, serve
from .test_browser_pages import serious

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

BASE = "https://example.org/news/"
POST = "arquivo/posts/erros-e-alertas.html"
EDITION = "arquivo/edicoes/1.html"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(build_copy("site", tmp_path_factory.mktemp("share")), "share") as url:
        yield url


@pytest.fixture
def context(chromium: Browser) -> Iterator[Any]:
    made: list[BrowserContext] = []
    outside: list[str] = []

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def make(**options: Any) -> tuple[BrowserContext, list[str]]:
        context = chromium.new_context(locale="pt-BR", **options)
        context.set_default_timeout(15_000)
        context.route("**/*", route)
        made.append(context)
        return context, outside

    yield make
    for one in made:
        one.close()


@pytest.mark.parametrize("path", [POST, EDITION])
def test_copy_link_copies_the_canonical_url(served: str, context: Any, path: str) -> None:
    browser, outside = context()
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served + path)
    share = page.get_by_role("navigation", name="Compartilhar")
    button = share.get_by_role("button", name="Copiar link")
    button.click()
    assert page.locator(".nl-share-status").text_content() == "Link copiado"
    assert page.evaluate("navigator.clipboard.readText()") == BASE + path
    # The networks' links are there, as links, and nothing left the machine.
    for name in ("LinkedIn", "X", "WhatsApp", "Telegram", "E-mail"):
        assert share.get_by_role("link", name=name, exact=True).count() == 1
    assert outside == [] and errors == []


def test_without_javascript_copy_link_is_a_link_to_the_page(served: str, context: Any) -> None:
    browser, outside = context(java_script_enabled=False)
    page = browser.new_page()
    page.goto(served + POST)
    share = page.get_by_role("navigation", name="Compartilhar")
    assert share.get_by_role("button").count() == 0
    assert share.get_by_role("link", name="Copiar link").get_attribute("href") == BASE + POST
    assert outside == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["index.html", POST, EDITION])
def test_axe_is_clean_on_pages_with_share_links_and_intro(served: str, context: Any, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    browser, _outside = context(color_scheme=scheme)
    page = browser.new_page()
    page.goto(served + path)
    page.wait_for_load_state("load")
    assert serious(Axe().run(page)) == []
