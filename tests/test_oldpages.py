"""The old site's pages (months by edition date, pagination, /about/, /contact/) and one older/newer direction."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sitetools import html, make_site, warnings_of
from sphinx_newsletter.core.browse import months, older_newer, timeline
from sphinx_newsletter.core.model import EditionTag, Post, build_archive
from sphinx_newsletter.core.oldurls import old_pages, plan_old_urls, theme_page
from sphinx_newsletter.core.settings import Settings

BRT = dt.timezone(dt.timedelta(hours=-3))


def _post(key: str, day: str, edition: tuple[int, str] | None = None, author: str = "Ana", url=None) -> Post:
    tag = EditionTag(number=edition[0], date=dt.date.fromisoformat(edition[1])) if edition else None
    return Post(
        source=f"{day}-{key}.md",
        slug=key,
        key=key,
        title=key.replace("-", " ").title(),
        date=dt.datetime.fromisoformat(f"{day}T08:00:00").replace(tzinfo=BRT),
        edition=tag,
        author_name=author,
        author_url=url,
        excerpt=f"Resumo de {key}.",
    )


def december_2022() -> list[Post]:
    """As the old site's /dezembro2022/: editions #39 and #40, dated in December, their posts in November."""
    return [
        _post("a", "2022-11-24", (38, "2022-11-24")),
        _post("b", "2022-11-28", (39, "2022-12-01")),
        _post("c", "2022-11-29", (39, "2022-12-01")),
        _post("d", "2022-11-30", (40, "2022-12-08")),
        _post("e", "2022-12-20"),  # in no edition
        _post("f", "2023-01-09", (41, "2023-01-09")),
    ]


def test_a_month_page_lists_the_editions_dated_in_it():
    archive = build_archive(december_2022(), max_days=14)[0]
    found = months(archive)
    assert list(found) == ["2023-01", "2022-12", "2022-11"]  # newest first
    december = found["2022-12"]
    assert december.editions == (40, 39)  # newest first, each with its posts in the edition's order
    assert december.posts == ("d", "b", "c", "e")
    assert december.loose == ("e",) and december.elsewhere == ()
    november = found["2022-11"]
    assert november.editions == (38,)
    # A post whose own date is in another month than its edition's is still found in its own month.
    assert november.elsewhere == ("d", "c", "b")


def test_old_month_urls_follow_the_edition_date():
    claims, problems = plan_old_urls(december_2022(), Settings())
    assert problems == []
    assert claims["dezembro2022"].target == "arquivo/2022/12"
    assert claims["novembro2022"].target == "arquivo/2022/11"
    assert claims["janeiro2023"].target == "arquivo/2023/01"


def _many(count: int) -> list[Post]:
    """*count* posts, three an edition, one a day; the last one in no edition."""
    start = dt.date(2024, 1, 1)
    posts = []
    for i in range(count):
        day = (start + dt.timedelta(days=i)).isoformat()
        number = i // 3 + 1
        edition = (number, (start + dt.timedelta(days=(number - 1) * 3)).isoformat())
        posts.append(_post(f"p{i:02d}", day, edition if i < count - 1 else None))
    return posts


@pytest.mark.parametrize(
    ("count", "pages"), [(0, []), (1, []), (6, []), (7, [2]), (12, [2]), (13, [2, 3]), (116, range(2, 21))]
)
def test_the_old_pagination_has_six_posts_a_page_newest_first(count, pages):
    posts = _many(count)
    found = old_pages(posts)
    assert list(found) == list(pages)
    newest_first = sorted(posts, key=lambda p: p.date, reverse=True)
    for number, first in found.items():
        assert first is newest_first[(number - 1) * 6]


def test_an_old_page_lands_on_the_edition_of_the_post_it_started_with():
    claims, _problems = plan_old_urls(_many(13), Settings())
    # Newest first: p12 .. p07 on the home page, p06 .. p01 on page 2, p00 on page 3.
    assert "page1" not in claims and "page3" in claims and "page4" not in claims
    assert claims["page2"].target == "arquivo/edicoes/3"  # p06's edition (p06, p07, p08)
    assert claims["page3"].target == "arquivo/edicoes/1"
    # A page that starts with a post in no edition lands on the post itself.
    posts = [_post("p00", "2023-12-31"), *_many(7)[1:]]
    assert plan_old_urls(posts, Settings())[0]["page2"].target == "arquivo/posts/p00"


def test_the_old_theme_pages_land_on_the_about_page_or_home():
    assert theme_page(("sobre", "about"), Settings()) == "index"
    assert theme_page(("sobre", "about"), Settings(site_names=("guide", "sobre"))) == "sobre"
    claims = plan_old_urls([], Settings(site_names=("contato", "sobre")))[0]
    assert claims["about"].target == "sobre" and claims["contact"].target == "contato"
    # A site that has its own about page keeps it: no redirect claims that name.
    assert "about" not in plan_old_urls([], Settings(site_names=("about",)))[0]


def test_older_and_newer_walk_one_direction_across_editions():
    archive = build_archive(december_2022(), max_days=14)[0]
    # Oldest first; an edition's posts together at the edition's date; "e" at its own date.
    assert timeline(archive) == ("a", "b", "c", "d", "e", "f")
    assert older_newer(archive, "post", "c") == ("b", "d")  # from edition #39 into #40
    assert older_newer(archive, "post", "a") == (None, "b")
    assert older_newer(archive, "post", "f") == ("e", None)
    assert older_newer(archive, "edition", "39") == ("38", "40")
    assert older_newer(archive, "month", "2022-12") == ("2022-11", "2023-01")
    assert older_newer(archive, "year", "2022") == (None, "2023")
    assert older_newer(archive, "author", "ana") == (None, None)


# --- the built site -----------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_site(tmp_path_factory.mktemp("oldpages"), "site")
    app.build()
    yield app
    app.cleanup()


def footer(page: str) -> dict[str, str]:
    """Furo's footer links: {'prev': href, 'next': href}."""
    found = {}
    for kind in ("prev", "next"):
        match = re.search(rf'<a class="{kind}-page" href="([^"]+)"', page)
        if match:
            found[kind] = match[1]
    return found


def ours(page: str, nav: str) -> dict[str, str]:
    """The archive's own older/newer links on the page: {'prev': older href, 'next': newer href}."""
    line = page.split(f"{nav}", 1)[1].split("</p>", 1)[0]
    found = {}
    older = re.search(r'←.*?<a class="reference internal" href="([^"]+)"', line, re.S)
    newer = re.search(r'href="([^"]+)"[^>]*>(?:(?!</a>).)*</a>\s*→', line, re.S)
    if older:
        found["prev"] = older[1]
    if newer:
        found["next"] = newer[1]
    return found


def test_the_footer_and_our_links_agree_on_post_pages(site):
    assert warnings_of(site) == []
    # Segundo post is edition #1's last: newer is edition #2's first post, not another edition's page.
    page = html(site, "arquivo/posts/segundo-post")
    assert footer(page) == {"prev": "erros-e-alertas.html", "next": "terceiro-post.html"}
    assert ours(page, "nl-post-nav") == footer(page)
    assert "Post mais antigo:" in page and "Post mais recente:" in page
    first = html(site, "arquivo/posts/erros-e-alertas")
    assert footer(first) == ours(first, "nl-post-nav") == {"next": "segundo-post.html"}
    last = html(site, "arquivo/posts/terceiro-post")
    assert footer(last) == ours(last, "nl-post-nav") == {"prev": "segundo-post.html"}


def test_the_footer_and_our_links_agree_on_edition_and_month_pages(site):
    one, two = html(site, "arquivo/edicoes/1"), html(site, "arquivo/edicoes/2")
    assert footer(one) == ours(one, "nl-edition-nav") == {"next": "2.html"}
    assert footer(two) == ours(two, "nl-edition-nav") == {"prev": "1.html"}
    february, march = html(site, "arquivo/2024/02"), html(site, "arquivo/2024/03")
    assert footer(february) == ours(february, "nl-month-nav") == {"next": "03.html"}
    assert footer(march) == ours(march, "nl-month-nav") == {"prev": "02.html"}
    assert "Mês mais recente:" in february and "Mês mais antigo:" in march
    # and back to the archive
    assert '<a class="reference internal" href="../index.html"><span class="doc">Todo o arquivo</span></a>' in march
    # Listings whose toctree neighbours are of another kind get no footer links.
    assert footer(html(site, "arquivo/categorias/index")) == {}


def test_edition_cards_are_headings_with_one_link_and_the_excerpt(site):
    page = html(site, "arquivo/edicoes/1")
    cards = re.findall(r'<div class="sd-card [^"]*nl-card[^"]*">(.*?)</div>\s*</div>', page, re.S)
    assert len(cards) == 2
    for card, key, title in zip(  # noqa: B905 (the length is asserted above)
        cards, ("erros-e-alertas", "segundo-post"), ("Erros &amp; &lt;alertas&gt; &quot;reais&quot;", "Segundo post")
    ):
        assert len(re.findall(r"<a ", card)) == 1, card  # the whole card is one link ...
        heading = re.search(r'<h2 class="[^"]*nl-card-title[^"]*">\s*<a ([^>]*)>(.*?)</a>\s*</h2>', card, re.S)
        assert heading, card  # ... in its title, a heading
        assert "sd-stretched-link" in heading[1] and f'href="../posts/{key}.html"' in heading[1]
        assert re.sub(r"<[^>]+>", "", heading[2]).strip() == title  # its accessible name is the title
    assert "Texto do segundo post." in cards[1]  # the excerpt, not only the headline
    assert "<h3 " in html(site, "index").split("nl-card-grid", 1)[1]  # under the home page's h2


def test_the_card_names_the_commentator_as_the_archive_does():
    from sphinx_newsletter.core.layout import Layout
    from sphinx_newsletter.nodes import post_card

    url = "https://www.linkedin.com/in/ana"
    posts = [
        _post("a", "2024-01-01", (1, "2024-01-01"), "Ana Souza", url),
        _post("b", "2024-01-08", (2, "2024-01-08"), "Ana Souza", url),
        _post("c", "2024-01-15", (3, "2024-01-15"), "ana souza", url),  # the raw spelling of one post
    ]
    archive = build_archive(posts)[0]
    card = post_card(archive.posts["c"], archive, Layout(), "x", excerpt=True)
    assert "Ana Souza" in card.astext() and "ana souza" not in card.astext()


def test_editions_and_posts_have_index_pages_newest_first(site):
    archive = html(site, "arquivo/index")
    assert 'href="edicoes/index.html"' in archive and 'href="posts/index.html"' in archive
    editions = html(site, "arquivo/edicoes/index")
    assert editions.index('href="2.html"') < editions.index('href="1.html"')
    posts = html(site, "arquivo/posts/index")
    order = [posts.index(f'href="{k}.html"') for k in ("terceiro-post", "segundo-post", "erros-e-alertas")]
    assert order == sorted(order)
    assert "zzdraftzz" not in posts.lower()
