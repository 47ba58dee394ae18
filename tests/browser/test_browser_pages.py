"""Every page type: clean console, no failed requests, layout at two widths,
dark mode, axe-core, and screenshots in tests/artifacts/browser/."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Page

    from .conftest import Reader, Site

SEARCH_DONE = (
    "() => document.querySelector('#search-results h2')?.innerText === Documentation.gettext('Search Results')"
)


def page_types(site: Site) -> dict[str, str]:
    """One URL (relative to the site) for each kind of page a reader meets."""
    return {
        "home": "index.html",
        "edition": f"arquivo/edicoes/{site.latest_edition}.html",
        "post": "arquivo/posts/descarte-de-carga.html",
        "author": "arquivo/autores/ana-beatriz-lima.html",
        "authors": "arquivo/autores/index.html",
        "archive": "arquivo/index.html",
        "year": "arquivo/2025.html",
        "month": "arquivo/2022/08.html",
        "editions": "arquivo/edicoes/index.html",
        "search": "search.html?q=observabilidade",
    }


PAGE_TYPES = [
    "home",
    "edition",
    "post",
    "author",
    "authors",
    "archive",
    "year",
    "search",
]
WIDTHS = {
    "mobile": {"width": 375, "height": 740},
    "desktop": {"width": 1280, "height": 900},
}


def visit(reader: Reader, site: Site, kind: str) -> Page:
    page = reader.open(page_types(site)[kind])
    if kind == "search":
        page.wait_for_function(SEARCH_DONE)
        page.wait_for_load_state("networkidle")  # the results' excerpts
    return page


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_errors_and_no_failed_requests(reader: Reader, site: Site, kind: str) -> None:
    page = visit(reader, site, kind)
    page.wait_for_load_state("networkidle")  # late requests count too
    assert reader.problems == []


# Elements of the page's content that stick out of the viewport. Furo clips
# sideways overflow, so a too-wide element does not scroll: it is cut off.
# Elements inside their own scrolling box (code blocks, wide tables) are fine.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = el => {
    for (let a = el.parentElement; a && a.tagName !== 'ARTICLE'; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  return [...document.querySelectorAll('article *')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 1 || r.left < -1) && !inScroller(el);
  }).slice(0, 5).map(el => {
    const box = el.getBoundingClientRect();
    return `${el.tagName}.${el.className} [${Math.round(box.left)}, ${Math.round(box.right)}]`;
  });
}"""


def cards_layout(page: Page) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        ".nl-card-grid .sd-card",
        "cards => cards.map(c => { const r = c.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width}; })",
    )


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_layout_and_screenshot(open_reader: Any, site: Site, artifacts: Path, kind: str, width: str) -> None:
    reader = open_reader(viewport=WIDTHS[width])
    page = visit(reader, site, kind)
    # The search page lists ~40 results: its first screen is what matters.
    page.screenshot(path=artifacts / f"{kind}-{width}.png", full_page=kind != "search")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px at {WIDTHS[width]['width']}px"
    assert page.evaluate(STICKING_OUT) == [], f"{kind} is cut off at {WIDTHS[width]['width']}px"
    if kind in ("home", "edition"):
        cards = cards_layout(page)
        assert len(cards) >= 3
        if width == "mobile":
            assert len({round(c["x"]) for c in cards}) == 1, f"cards do not stack: {cards}"
            assert [c["y"] for c in cards] == sorted(c["y"] for c in cards)
        else:
            assert cards[0]["y"] == cards[1]["y"], f"cards stack on a desktop: {cards}"
    assert reader.problems == []


CONTRAST = """el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = el, color;
  while (bg) {
    color = rgb(getComputedStyle(bg).backgroundColor);
    if (color.length === 3 || color[3] > 0) break;
    bg = bg.parentElement;
  }
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(color)];
  return {ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), background: lum(color)};
}"""

DARK_CHECKS = {
    "post": [
        ".nl-highlight .sd-card-title",
        ".nl-highlight .nl-article a",
        ".nl-author-box .nl-author-name a",
        ".nl-author-box .nl-author-label",
        ".nl-post-meta .nl-date",
    ],
    "edition": [
        ".nl-card .sd-card-title a",
        ".nl-card .sd-card-text",
        ".nl-card .nl-card-author",
    ],
}


@pytest.mark.parametrize("kind", list(DARK_CHECKS))
def test_dark_mode_keeps_cards_and_author_box_readable(
    open_reader: Any, site: Site, artifacts: Path, kind: str
) -> None:
    reader = open_reader(color_scheme="dark")
    page = visit(reader, site, kind)
    page.screenshot(path=artifacts / f"{kind}-desktop-dark.png", full_page=True)
    assert page.locator("body").evaluate(CONTRAST)["background"] < 0.1, "Furo's dark mode is not on"
    for selector in DARK_CHECKS[kind]:
        element = page.locator(selector).first
        measured = element.evaluate(CONTRAST)
        assert measured["background"] < 0.1, f"{selector} sits on a light background in dark mode"
        assert measured["ratio"] >= 4.5, f"{selector}: contrast {measured['ratio']:.2f} in dark mode"
    assert reader.problems == []


def serious(results: Any) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", ["home", "edition", "post", "author", "search", "month", "editions"])
def test_axe_finds_no_serious_violations(open_reader: Any, site: Site, kind: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = visit(open_reader(color_scheme=scheme), site, kind)
    assert serious(Axe().run(page)) == []


def test_the_build_warns_only_about_corpus_posts(site: Site) -> None:
    """The corpus has known defects (warned about); our samples and pages have none."""
    ours = [w for w in site.warnings if not w.startswith(str(site.posts_dir)) or any(s in w for s in site.sample_posts)]
    assert ours == []
