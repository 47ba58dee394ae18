"""Post images as a reader's browser shows them: never stretched past their own pixels."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .conftest import Reader, Site

SHOWN = """() => [...document.querySelectorAll('img.nl-card-img')].map(img => ({
    src: img.getAttribute('src'), current: img.currentSrc, width: img.getBoundingClientRect().width,
    attribute: Number(img.getAttribute('width')), card: img.closest('.sd-card').getBoundingClientRect().width,
}))"""


def small_image_post(site: Site) -> str:
    """A post of the real archive whose image is 400 px wide (narrower than the 672 px card)."""
    for page in sorted((site.outdir / "arquivo" / "posts").glob("*.html")):
        if re.search(r'<img [^>]*class="nl-card-img"[^>]*width="400"', page.read_text(encoding="utf-8")):
            return f"arquivo/posts/{page.name}"
    raise AssertionError("no post of the corpus shows a 400 px image")


def shown(reader: Reader, path: str) -> list[dict[str, Any]]:
    page = reader.open(path)
    for img in page.locator("img.nl-card-img").all():
        img.scroll_into_view_if_needed()  # lazy images load when they come near
    page.wait_for_function("() => [...document.querySelectorAll('img.nl-card-img')].every(i => i.complete)")
    return page.evaluate(SHOWN)


def test_a_400px_image_is_not_stretched_on_a_desktop(reader: Reader, site: Site) -> None:
    (img,) = shown(reader, small_image_post(site))
    assert img["card"] > 600  # the highlight card is wider than the image...
    assert img["width"] == 400  # ...and the image keeps its own size
    assert img["current"].endswith(".webp")  # the smaller copy, not the PNG
    assert reader.problems == []


def test_no_card_image_is_wider_than_its_pixels(reader: Reader, site: Site, open_reader: Any) -> None:
    phone = open_reader(viewport={"width": 375, "height": 740})
    for who in (reader, phone):
        for path in (small_image_post(site), f"arquivo/edicoes/{site.latest_edition}.html", "arquivo/edicoes/1.html"):
            images = shown(who, path)
            assert images, path
            for img in images:
                assert img["width"] <= img["attribute"] + 0.5, (path, img)
                assert img["width"] <= img["card"] + 0.5, (path, img)
        assert who.problems == []
