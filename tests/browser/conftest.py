"""Browser tests: the built site, served on 127.0.0.1, read in headless Chromium.

One build per session (the real corpus plus our sample posts), one local HTTP
server, one Chromium (Debian's, through Playwright). Each test gets a fresh
browser context (a :class:`Reader`) that records what a reader would suffer
from: JavaScript errors, failed requests and any request that leaves the
machine (the site must render from its own files alone).

Every test in this folder is marked ``browser``. Without Chromium or
Playwright they are skipped with the reason; with
``NEWSLETTER_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

HERE = Path(__file__).parent
TESTS = HERE.parent
REPO = TESTS.parent
CHROMIUM = Path(os.environ.get("NEWSLETTER_CHROMIUM", "/usr/bin/chromium"))
# Playwright's own browser download does not work here; Debian's Chromium
# runs as root only without the sandbox, and must not phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = TESTS / "artifacts" / "browser"
DESKTOP = {"width": 1280, "height": 900}
EDITION_TAG = re.compile(r'(?m)^(tag:\s*"[^"#]*#)(\d+)')


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    for module, package in (
        ("playwright", "playwright"),
        ("axe_playwright_python", "axe-playwright-python"),
    ):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NEWSLETTER_CHROMIUM)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("NEWSLETTER_REQUIRE_BROWSER"):
        pytest.fail(
            f"browser tests are required here (NEWSLETTER_REQUIRE_BROWSER) but {reason}",
            pytrace=False,
        )
    pytest.skip(f"browser test: {reason}")


# -- the site ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """The built site and what the build said."""

    outdir: Path
    posts_dir: Path
    sample_posts: frozenset[str]
    latest_edition: int
    warnings: list[str]


def _copy_samples(posts: Path, offset: int) -> frozenset[str]:
    """Copy our sample posts, moving their editions after the corpus's last one.

    The samples number their editions from #1 like the corpus does; mixed in
    one folder they would merge into the corpus's 2022 editions. Renumbered,
    they form the latest editions, so the reader's path runs over our posts.
    """
    names = set()
    for source in sorted((REPO / "posts").glob("*.md")):
        text, count = EDITION_TAG.subn(
            lambda m: f"{m[1]}{int(m[2]) + offset}",
            source.read_text(encoding="utf-8"),
            count=1,
        )
        assert count == 1, f"{source}: no 'tag: \"Edição #N ...\"' line to renumber"
        (posts / source.name).write_text(text, encoding="utf-8")
        names.add(source.name)
    return frozenset(names)


@pytest.fixture(scope="session")
def site(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Build the archive once: a copy of docs/ over the corpus and the samples."""
    root = tmp_path_factory.mktemp("browser-site")
    src, posts, images, out = (root / name for name in ("src", "posts", "images", "html"))
    shutil.copytree(REPO / "docs", src, ignore=shutil.ignore_patterns("_build", "arquivo"))
    shutil.copytree(corpus / "_posts", posts)
    shutil.copytree(corpus / "images", images)
    shutil.copytree(REPO / "posts" / "images", images, dirs_exist_ok=True)
    corpus_editions = [int(m[2]) for p in posts.iterdir() for m in EDITION_TAG.finditer(p.read_text(encoding="utf-8"))]
    offset = max(corpus_editions)
    samples = _copy_samples(posts, offset)
    sample_editions = [
        int(m[2]) for s in samples for m in EDITION_TAG.finditer((posts / s).read_text(encoding="utf-8"))
    ]
    warnfile = root / "warnings.txt"
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q", "-w", str(warnfile),
        "-D", f"newsletter_posts_dir={posts}", "-D", f"newsletter_images_dir={images}",
        str(src), str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.fail(
            f"the site build failed ({done.returncode}):\n{done.stderr[-4000:]}",
            pytrace=False,
        )
    return Site(
        outdir=out,
        posts_dir=posts,
        sample_posts=samples,
        latest_edition=max(sample_editions),
        warnings=[line for line in warnfile.read_text(encoding="utf-8").splitlines() if "WARNING" in line],
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, name: str) -> Iterator[str]:
    """*directory* served on 127.0.0.1 while the block runs; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def build_copy(root: str, dest: Path, conf: str = "") -> Path:
    """``tests/roots/test-<root>`` copied into *dest*, *conf* added to its conf.py, built with ``-W``: the output."""
    src, out = dest / "src", dest / "html"
    shutil.copytree(TESTS / "roots" / f"test-{root}", src)
    with (src / "conf.py").open("a", encoding="utf-8") as conf_py:
        conf_py.write(conf)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", str(src), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.fail(f"the site build failed ({done.returncode}):\n{done.stderr[-4000:]}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def base_url(site: Site) -> Iterator[str]:
    """Serve the site on 127.0.0.1 (search does not work from file:// everywhere)."""
    with serve(site.outdir, "site-server") as url:
        yield url


# -- the browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


# Not slots: Playwright stores a wrapper on the instance of a bound-method handler.
@dataclass
class Reader:
    """A browser context and its first page, with what went wrong while reading."""

    context: BrowserContext
    base_url: str
    page: Page = field(init=False)
    problems: list[str] = field(default_factory=list)
    stubbed: set[str] = field(default_factory=set)

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path, wait_until="load")
        return self.page

    def stub_external(self, url: str) -> None:
        """Answer ``url`` with a stub page instead of counting it as a leak."""
        self.stubbed.add(url)

    def watch(self, page: Page) -> None:
        def on_console(message: Any) -> None:
            if message.type == "error":
                self.problems.append(f"console error on {page.url}: {message.text} ({message.location.get('url')})")

        page.on("console", on_console)
        page.on(
            "pageerror",
            lambda error: self.problems.append(f"JavaScript error on {page.url}: {error}"),
        )
        page.on("requestfailed", self._on_failed)
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status} for {r.url}"),
        )

    def _on_failed(self, request: Any) -> None:
        if not _is_local(request.url):
            return  # already counted by the router, which aborted it
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("image", "other"):
            # The browser cancels an icon or image still loading when a page
            # navigates away (the search page does): a cancellation, not a
            # failure. A missing file is an HTTP error, counted below.
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def route(self, route: Route) -> None:
        url = route.request.url
        if _is_local(url) or url.startswith("data:"):
            route.continue_()
        elif url in self.stubbed:
            route.fulfill(status=200, content_type="text/html", body="<title>stub</title><p>stub")
        else:
            self.problems.append(f"request to outside the site: {url}")
            route.abort()


def _is_local(url: str) -> bool:
    return urlsplit(url).hostname == "127.0.0.1"


@pytest.fixture
def open_reader(chromium: Browser, base_url: str) -> Iterator[Any]:
    """A factory: ``open_reader(viewport={"width": 375, "height": 740}, color_scheme="dark")`` -> :class:`Reader`."""
    contexts: list[BrowserContext] = []

    def make(viewport: dict[str, int] = DESKTOP, color_scheme: str = "light") -> Reader:
        context = chromium.new_context(viewport=viewport, color_scheme=color_scheme, locale="pt-BR")
        context.set_default_timeout(15_000)
        contexts.append(context)
        reader = Reader(context=context, base_url=base_url)
        context.route("**/*", reader.route)
        context.on("page", reader.watch)  # this first page and any tab it opens
        reader.page = context.new_page()
        return reader

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def reader(open_reader: Any) -> Reader:
    """A desktop reader in light mode."""
    return open_reader()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored, kept after the run for a person to look at)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
