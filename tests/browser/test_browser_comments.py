"""Reader comments in Chromium: nothing leaves for the provider before the click; the click loads it.

A small site (tests/roots/test-basic) is built once per provider with
``newsletter_comments`` on, and served on 127.0.0.1. Every request is logged;
those that leave the machine are aborted (there is no internet here), so the
tests assert on the request the click makes, not on the widget.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from .conftest import build_copy, serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

BASE = "https://example.org/news/"
POST = "arquivo/posts/primeiro-post.html"
SETTINGS = {
    "disqus": {"provider": "disqus", "shortname": "srebrasil"},
    "giscus": {
        "provider": "giscus",
        "repo": "srebrasil/destaque",
        "repo_id": "R_kgDOabc123",
        "category": "Comentários",
        "category_id": "DIC_kwDOabc123",
    },
}


@pytest.fixture(scope="module", params=sorted(SETTINGS))
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(provider, base URL of the served site) for a build of test-basic with that provider's comments."""
    provider = request.param
    conf = f"html_baseurl = {BASE!r}\nnewsletter_comments = {SETTINGS[provider]!r}\n"
    out = build_copy("basic", tmp_path_factory.mktemp(f"comments-{provider}"), conf)
    with serve(out, f"comments-{provider}") as url:
        yield provider, url


class Visit:
    """A browser context that logs every request and keeps every one on this machine."""

    def __init__(self, chromium: Browser, **options: Any) -> None:
        self.context: BrowserContext = chromium.new_context(locale="pt-BR", **options)
        self.context.set_default_timeout(15_000)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    @staticmethod
    def _route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()  # no internet here; the request itself is what the tests look at

    def outside(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]


@pytest.fixture
def visit(chromium: Browser) -> Iterator[Any]:
    visits: list[Visit] = []

    def make(**options: Any) -> Visit:
        visits.append(Visit(chromium, **options))
        return visits[-1]

    yield make
    for one in visits:
        one.context.close()


def test_nothing_leaves_before_the_click_and_the_click_loads_the_thread(served, visit) -> None:
    provider, base_url = served
    reader = visit()
    page = reader.page
    page.goto(base_url + POST, wait_until="load")
    label = "Carregar comentários (Disqus)" if provider == "disqus" else "Carregar comentários (giscus)"
    button = page.get_by_role("button", name=label)
    button.wait_for(state="visible")
    page.wait_for_timeout(500)  # anything lazy would have started by now
    assert reader.outside() == [], "a request left for the provider before the reader asked"
    assert page.locator("iframe").count() == 0

    expected = "https://srebrasil.disqus.com/embed.js" if provider == "disqus" else "https://giscus.app/client.js"
    with page.expect_request(lambda r: r.url.startswith(expected)) as asked:
        button.click()
    assert urlsplit(asked.value.url)._replace(query="").geturl() == expected
    assert reader.outside() == [asked.value.url]
    assert button.is_hidden()
    assert reader.errors == []

    thread_url = BASE + "primeiro-post/"
    if provider == "disqus":
        config = page.evaluate(
            "() => { const c = {page: {}}; window.disqus_config.call(c);"
            " return {url: c.page.url, identifier: c.page.identifier, title: c.page.title, language: c.language}; }"
        )
        assert config == {"url": thread_url, "identifier": thread_url, "title": "Primeiro post", "language": "pt_BR"}
        assert page.locator("#disqus_thread").count() == 1
    else:
        attributes = page.eval_on_selector(f'script[src="{expected}"]', "e => Object.assign({}, e.dataset)")
        assert attributes == {
            "repo": "srebrasil/destaque",
            "repoId": "R_kgDOabc123",
            "category": "Comentários",
            "categoryId": "DIC_kwDOabc123",
            "mapping": "specific",
            "term": "/news/primeiro-post/",
            "strict": "1",
            "reactionsEnabled": "1",
            "emitMetadata": "0",
            "inputPosition": "top",
            "theme": "preferred_color_scheme",
            "lang": "pt",
        }


def test_without_javascript_a_link_leads_to_the_thread(served, visit) -> None:
    provider, base_url = served
    reader = visit(java_script_enabled=False)
    page = reader.page
    page.goto(base_url + POST, wait_until="load")
    name = "Ler os comentários no Disqus" if provider == "disqus" else "Ler os comentários no GitHub"
    link = page.get_by_role("link", name=name)
    assert link.is_visible()
    href = link.get_attribute("href") or ""
    assert href.startswith("https://disqus.com/embed/comments/?" if provider == "disqus" else "https://github.com/")
    assert page.get_by_role("button").filter(has_text="Carregar comentários").is_hidden()
    assert reader.outside() == []


def test_no_comments_on_edition_and_author_pages(served, visit) -> None:
    _provider, base_url = served
    reader = visit()
    for path in ("arquivo/edicoes/1.html", "arquivo/autores/maria-souza.html", "index.html"):
        reader.page.goto(base_url + path, wait_until="load")
        assert reader.page.locator(".nl-comments").count() == 0, path
    assert reader.outside() == []
