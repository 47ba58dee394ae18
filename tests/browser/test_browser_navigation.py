"""A reader's path through the site, by clicking, in Chromium."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import yaml

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from .conftest import Reader, Site


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def follow(page: Page, link: Locator) -> None:
    """Click a link and wait for the new page to load (no half-loaded pages)."""
    with page.expect_navigation(wait_until="load"):
        link.click()


def heading(page: Page) -> str:
    return page.locator("article h1").first.inner_text().rstrip("¶").strip()


def front_matter(site: Site, title: str) -> dict:
    """The front matter of the sample post with this title."""
    for name in site.sample_posts:
        data = yaml.safe_load((site.posts_dir / name).read_text(encoding="utf-8").split("---")[1])
        if data["title"] == title:
            return data
    raise AssertionError(f"no sample post titled {title!r}")


def test_reader_path_home_edition_post_author_and_back(reader: Reader, site: Site) -> None:
    page = reader.open("index.html")
    follow(page, page.locator(".nl-latest-title a"))
    latest = f"/arquivo/edicoes/{site.latest_edition}.html"
    assert path_of(page) == latest
    assert f"#{site.latest_edition}" in heading(page)

    card = page.locator(".nl-card-grid .sd-card .sd-card-title a").first
    title = card.inner_text().strip()
    follow(page, card)
    assert path_of(page).startswith("/arquivo/posts/")
    assert heading(page) == title
    first_post = path_of(page)
    author = page.locator(".nl-author-box .nl-author-name a").inner_text().strip()

    follow(page, page.locator(".nl-author-box .nl-author-name a"))
    assert path_of(page).startswith("/arquivo/autores/")
    assert heading(page) == author
    others = page.locator(".nl-post-list li > p > a:first-child")
    assert others.count() >= 2, "the sample author should have more than one post"
    other = next(o for o in others.all() if not first_post.endswith(o.get_attribute("href").rsplit("/", 1)[-1]))
    other_title = other.inner_text().strip()
    follow(page, other)
    assert heading(page) == other_title
    assert page.locator(".nl-author-box .nl-author-name a").inner_text().strip() == author

    follow(page, page.locator(".nl-post-meta a[href*='edicoes/']"))
    assert path_of(page).startswith("/arquivo/edicoes/")
    assert other_title in page.locator(".nl-card-grid").inner_text()
    # ... and on from that edition, edition by edition, back to the latest.
    for _ in range(3):
        if path_of(page) == latest:
            break
        follow(
            page,
            page.locator(f".nl-edition-nav a[href='{edition_links(page)['next']}']"),
        )
    assert path_of(page) == latest
    assert title in page.locator(".nl-card-grid").inner_text()
    page.go_back(wait_until="load")
    assert path_of(page) != latest
    assert reader.problems == []


def edition_links(page: Page, selector: str = ".nl-edition-nav, .nl-post-nav") -> dict[str, str]:
    """{'prev': href, 'next': href} from the edition, post or month navigation line.

    "← Older …: <a>x</a> · Newer …: <a>y</a> →": the older link starts the
    line after the arrow and its label; the newer one ends it before the arrow.
    """
    line = page.locator(selector).first
    text = line.inner_text()
    found = {}
    for i, link in enumerate(line.locator("a").all()):
        label = link.inner_text()
        if i == 0 and text.startswith("← "):
            found["prev"] = link.get_attribute("href")
        else:
            assert text.endswith(f"{label} →"), f"an arrowless link in the navigation: {text}"
            found["next"] = link.get_attribute("href")
    return found


def test_edition_previous_and_next(reader: Reader, site: Site) -> None:
    n = site.latest_edition
    page = reader.open(f"arquivo/edicoes/{n - 1}.html")
    assert edition_links(page) == {"prev": f"{n - 2}.html", "next": f"{n}.html"}
    follow(page, page.locator(".nl-edition-nav a", has_text=f"#{n}"))
    assert path_of(page) == f"/arquivo/edicoes/{n}.html"
    assert edition_links(page) == {"prev": f"{n - 1}.html"}, "the latest edition has no next one"
    page = reader.open("arquivo/edicoes/1.html")
    assert set(edition_links(page)) == {"next"}, "the first edition has no previous one"
    assert reader.problems == []


def footer_links(page: Page) -> dict[str, str]:
    """{'prev': href, 'next': href} from Furo's footer."""
    found = {}
    for kind in ("prev", "next"):
        link = page.locator(f"footer .related-pages a.{kind}-page")
        if link.count():
            found[kind] = link.get_attribute("href")
    return found


def test_post_older_and_newer_cross_editions(reader: Reader, site: Site) -> None:
    n = site.latest_edition
    page = reader.open(f"arquivo/edicoes/{n - 1}.html")
    cards = [a.get_attribute("href") for a in page.locator(".nl-card-grid .sd-card-title a").all()]
    names = [PurePosixPath(c).name for c in cards]
    page = reader.open(f"arquivo/posts/{names[1]}")
    assert edition_links(page) == {"prev": names[0], "next": names[2]}
    follow(page, page.locator(".nl-post-nav a").last)
    assert path_of(page) == f"/arquivo/posts/{names[2]}"
    # The edition's last post: newer is the next edition's first post.
    newer = edition_links(page)["next"]
    follow(page, page.locator(f".nl-post-nav a[href='{newer}']"))
    assert f"#{n}" in page.locator(".nl-post-meta a[href*='edicoes/']").inner_text()
    assert reader.problems == []


@pytest.mark.parametrize("start", ["post", "edition", "month"])
def test_next_goes_to_newer_pages_in_the_footer_and_in_our_links(reader: Reader, site: Site, start: str) -> None:
    """Following "next" (the footer's or ours) walks one direction: newer, until the newest page."""
    n = site.latest_edition
    path = {
        "post": "arquivo/posts/descarte-de-carga.html",
        "edition": f"arquivo/edicoes/{n - 3}.html",
        "month": "arquivo/2022/05.html",
    }[start]
    nav = {"post": ".nl-post-nav", "edition": ".nl-edition-nav", "month": ".nl-month-nav"}[start]
    page = reader.open(path)
    seen = []
    for _ in range(40):
        ours = edition_links(page, nav)
        assert footer_links(page) == ours, path_of(page)
        seen.append(path_of(page))
        if "next" not in ours:
            break
        follow(page, page.locator("footer a.next-page"))
        # and back: the newer page's "previous" is where we came from
        back = footer_links(page)["prev"]
        assert (PurePosixPath(path_of(page)).parent / back).as_posix().endswith(seen[-1].rsplit("/", 1)[-1])
        assert page.locator(nav).count() == 1
    assert len(seen) > 1 and len(set(seen)) == len(seen)  # no loop, no step back
    assert "next" not in footer_links(page)  # the newest of its kind
    assert reader.problems == []


def test_sidebar_shows_where_the_reader_is(reader: Reader, site: Site) -> None:
    page = reader.open(f"arquivo/edicoes/{site.latest_edition}.html")
    follow(page, page.locator(".nl-card-grid .sd-card-title a").nth(1))
    title = heading(page)
    trail = [a.inner_text().strip() for a in page.locator(".sidebar-tree li.current > a").all()]
    assert len(trail) == 4, trail
    assert trail[1] == "2025"
    assert f"#{site.latest_edition}" in trail[2]
    assert trail[3] == title
    current = page.locator(".sidebar-tree li.current-page > a")
    assert current.inner_text().strip() == title
    assert current.is_visible()


def test_highlight_card_opens_the_article_in_a_new_tab(reader: Reader, site: Site) -> None:
    page = reader.open(f"arquivo/edicoes/{site.latest_edition}.html")
    follow(page, page.locator(".nl-card-grid .sd-card-title a").first)
    expected = front_matter(site, heading(page))["highlight_url"]
    link = page.locator(".nl-highlight a.reference.external")
    assert link.count() == 1
    assert link.get_attribute("href") == expected
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel").split()
    reader.stub_external(expected)
    with reader.context.expect_page() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == expected
    assert tab.evaluate("window.opener") is None, "the article's tab can reach back into ours"
    assert path_of(page).startswith("/arquivo/posts/"), "the post stays open in its own tab"
    assert reader.problems == []


def test_author_box_links_to_profile_and_author_page(reader: Reader, site: Site) -> None:
    page = reader.open(f"arquivo/edicoes/{site.latest_edition}.html")
    follow(page, page.locator(".nl-card-grid .sd-card-title a").last)
    data = front_matter(site, heading(page))
    box = page.locator(".nl-author-box")
    assert box.locator(".nl-author-name").inner_text().strip() == data["comentado_por"]
    profile = box.locator("a.nl-profile")
    assert profile.get_attribute("href") == data["comentado_por_linkedin"]
    assert profile.get_attribute("target") == "_blank"
    assert "noopener" in profile.get_attribute("rel").split()
    follow(page, box.locator(".nl-author-links a[href*='autores/']"))
    assert path_of(page).startswith("/arquivo/autores/")
    assert heading(page) == data["comentado_por"]
    assert reader.problems == []


ARROWS = """nav => [...nav.childNodes].filter(n => n.nodeType === 3 && /[←→]/.test(n.textContent)).map(n => {
  const range = document.createRange();
  range.selectNodeContents(n);
  const arrow = range.getBoundingClientRect();
  const left = n.textContent.includes('←');
  const link = left ? n.nextElementSibling || n.nextSibling : n.previousElementSibling || n.previousSibling;
  const rects = link.getClientRects();
  const near = left ? rects[0] : rects[rects.length - 1];
  return {arrow: n.textContent.trim(), gap: left ? near.left - arrow.right : arrow.left - near.right,
          line: Math.abs((arrow.top + arrow.bottom) / 2 - (near.top + near.bottom) / 2)};
})"""


@pytest.mark.parametrize("width", [375, 1280])
def test_navigation_arrows_sit_next_to_their_links(open_reader: Any, site: Site, width: int) -> None:
    reader = open_reader(viewport={"width": width, "height": 800})
    for path in (
        f"arquivo/edicoes/{site.latest_edition - 1}.html",
        "arquivo/posts/descarte-de-carga.html",
    ):
        page = reader.open(path)
        arrows = page.locator(".nl-edition-nav, .nl-post-nav").first.evaluate(ARROWS)
        assert {a["arrow"] for a in arrows} == {"←", "→"}, path
        for a in arrows:
            assert 0 <= a["gap"] <= 16 and a["line"] <= 4, f"{path}: {a['arrow']} is away from its link: {a}"
