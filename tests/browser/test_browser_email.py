"""The edition's email in headless Chromium: at 600 and 375 pixels wide, no sideways scroll, every image loads.

A local HTTP server stands in for ``html_baseurl``: the site is built with
that address, ``newsletter email`` writes the email, and Chromium opens the
HTML file as a mail client would show it, its images fetched from the
server. Any request to another address is refused and fails the test.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from emailsite import make_site, post, ten_posts
from sphinx_newsletter.cli.main import main

from .conftest import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route


@pytest.fixture(scope="module")
def email_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("email-browser")
    outdir = root / "s" / "site" / "_build" / "html"
    with serve(outdir, "email-images") as base:
        posts = ten_posts()
        # A word longer than a phone's screen, in the title and the headline: it must wrap, not scroll.
        long_word = "Observabilidade" * 12
        posts["2024-02-05-post-10.md"] = post(10, title=f"Um título com {long_word}", extra="")
        site = make_site(root / "s", posts, base=base)
        assert site.outdir == outdir
        with contextlib.redirect_stderr(io.StringIO()) as err:
            code = main(["--conf-dir", str(site.confdir), "email", "-o", str(root / "mail")], out=io.StringIO())
        assert code == 0, err.getvalue()
        yield root / "mail" / "edicao-1.html", base


@pytest.mark.parametrize("width", [600, 375])
def test_email_fits_the_screen_and_every_image_loads(chromium: Browser, email_file, width: int) -> None:
    path, base = email_file
    context = chromium.new_context(viewport={"width": width, "height": 800})
    elsewhere: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith((base, "file://")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context.route("**/*", guard)
    failed: list[str] = []
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        sizes = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
        )
        images = page.evaluate(
            "() => Array.from(document.images).map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0,"
            " width: i.getBoundingClientRect().width, alt: i.alt}))"
        )
        frame = page.evaluate("() => document.querySelector('table table').getBoundingClientRect().width")
        if width == 375:
            page.screenshot(path=str(path.with_name(f"email-{width}.png")), full_page=False)
    finally:
        context.close()
    assert sizes["scroll"] <= sizes["client"] == width, sizes
    assert len(images) == 10
    assert all(image["ok"] and image["src"].startswith(base) and image["alt"] for image in images), images
    assert all(image["width"] <= min(width, 600) for image in images)
    assert frame <= 600
    assert failed == [] and elsewhere == []
