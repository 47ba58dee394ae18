"""Old URLs belong to one page: the pure rule the build and ``newsletter check`` share."""

from __future__ import annotations

import datetime as dt

import pytest
from sphinx_newsletter.core.frontmatter import parse_post
from sphinx_newsletter.core.model import EditionTag, Post
from sphinx_newsletter.core.oldurls import (
    SITE_ROOT_NAMES,
    check_old_urls,
    parse_old_url,
    plan_old_urls,
    read_old_urls,
    site_names,
    url_key,
)
from sphinx_newsletter.core.settings import Settings

UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "old"),
    [
        ("/Old-Slug/", "Old-Slug/"),
        ("Old-Slug", "Old-Slug/"),
        ("/Old-Slug", "Old-Slug/"),
        ("/Old-Slug/index.html", "Old-Slug/"),
        ("  /2021-SRE-Report/  ", "2021-SRE-Report/"),  # case kept, as Jekyll's /:title/
        ("/a%C3%A7%C3%A3o/", "ação/"),  # percent-encoding decoded
        ("/ac\u0327a\u0303o/", "ação/"),  # NFC
        ("/v1.2-lancado/", "v1.2-lancado/"),
    ],
)
def test_an_old_url_is_normalised_to_one_folder(value, old):
    assert parse_old_url(value) == (old, "")


@pytest.mark.parametrize(
    "value",
    [
        "/index.html/",
        "index.html",
        "/",
        "//",
        "",
        ".",
        "..",
        "/../x/",
        "/%2e%2e/",
        "/./",
        "/a/../b/",
        "https://evil.example/x/",
        "//evil.example/x/",
        "http:/x/",
        "/x?y=1",
        "/x#top",
        "/a//b/",
        "/arquivo/posts/x/",
        "/a%2Fb/",
        "/a\x00b/",
        "/a%00b/",
        "/a\\b/",
        "/x%ff/",
        "/_static/",
        "/.git/",
        "/" + "x" * 201 + "/",
        "/" + "ç" * 101 + "/",
        "/a\u202eb/",
        "/a\u200bb/",
        "/\ud800/",
    ],
)
def test_anything_else_is_refused_with_a_reason(value):
    old, why = parse_old_url(value)
    assert old is None and why


def test_names_are_compared_as_a_host_and_a_case_insensitive_disk_do():
    assert url_key("Busca/") == url_key("busca") == url_key("BUSCA.html") == "busca"
    assert url_key("ação/") == url_key("AC\u0327A\u0303O/")


def test_a_post_may_declare_at_most_the_cap():
    values = [f"/old-{i}/" for i in range(20_000)] + ["/../x/"] * 5
    urls, problems = read_old_urls(values, 20)
    assert urls == tuple(f"old-{i}/" for i in range(20))
    assert problems == [
        (
            "redirect-cap",
            "20005 old URLs in redirect_from; only the first 20 are redirected (newsletter_max_redirects_per_post)",
        )
    ]


def test_the_cap_and_each_refusal_are_located_at_redirect_from():
    text = "---\ntitle: T\ndate: 2024-01-01\nredirect_from:\n" + "".join(f"  - /a{i}/\n" for i in range(5))
    text += "  - /index.html/\n---\nbody\n"
    post, problems = parse_post(text, "posts/x.md", Settings(max_redirects_per_post=3), stem="2024-01-01-x")
    assert post is not None and post.redirect_from == ("a0/", "a1/", "a2/")
    assert [(p.location, p.code) for p in problems] == [("posts/x.md:5", "redirect-cap")]


def post(source: str, slug: str, *, day: int, redirect_from: tuple[str, ...] = (), edition: int | None = None) -> Post:
    return Post(
        source=source,
        slug=slug,
        key=slug.lower().replace(".", "-"),
        title=slug,
        date=dt.datetime(2022, 3, day, tzinfo=UTC),
        redirect_from=redirect_from,
        edition=EditionTag(number=edition, date=None) if edition else None,
        lines={"redirect_from": 7},
    )


def messages(problems) -> list[str]:
    return [f"{p.location}: {p.severity}: {p.message} [{p.code}]" for p in problems]


def test_each_kind_of_claim_on_a_url_that_is_not_the_posts_is_an_error_naming_both():
    victim = post("posts/2022-03-01-Vitima.md", "Vitima", day=1, redirect_from=("Antigo/",), edition=3)
    attacker = post(
        "posts/2022-03-09-ladrao.md",
        "ladrao",
        day=9,
        redirect_from=(
            "vitima/",
            "ANTIGO/",
            "edicao3/",
            "busca/",
            "marco2022/",
            "arquivo/",
            "feed.xml/",
            "search.html/",
            "Guide/",
            "ladrao/",
            "livre/",
        ),
    )
    settings = Settings(site_names=("guide", "security"))
    posts, problems = check_old_urls([attacker, victim], settings)
    assert messages(problems) == [
        "posts/2022-03-09-ladrao.md:7: error: old URL /vitima/ (redirect_from) already belongs to "
        "posts/2022-03-01-Vitima.md:1 (/Vitima/); no redirect from it to this post [redirect-taken]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /ANTIGO/ (redirect_from) already belongs to "
        "posts/2022-03-01-Vitima.md:7 (/Antigo/); no redirect from it to this post [redirect-taken]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /edicao3/ (redirect_from) already belongs to "
        "edition 3 (/edicao3/); no redirect from it to this post [redirect-taken]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /busca/ (redirect_from) already belongs to "
        "the search page (/busca/); no redirect from it to this post [redirect-taken]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /marco2022/ (redirect_from) already belongs to "
        "the month 2022-03 (/marco2022/); no redirect from it to this post [redirect-taken]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /arquivo/ (redirect_from) is 'arquivo', a page or "
        "folder this site serves itself; no redirect [redirect-reserved]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /feed.xml/ (redirect_from) is 'feed.xml', a page or "
        "folder this site serves itself; no redirect [redirect-reserved]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /search.html/ (redirect_from) is 'search', a page or "
        "folder this site serves itself; no redirect [redirect-reserved]",
        "posts/2022-03-09-ladrao.md:7: error: old URL /Guide/ (redirect_from) is 'guide', a page or "
        "folder this site serves itself; no redirect [redirect-reserved]",
    ]
    by_source = {p.source: p for p in posts}
    assert by_source["posts/2022-03-09-ladrao.md"].redirect_from == ("ladrao/", "livre/")  # its own: no error
    assert by_source["posts/2022-03-01-Vitima.md"].redirect_from == ("Antigo/",)
    claims, _ = plan_old_urls(posts, settings)
    assert {c.old: c.target for c in claims.values()} == {
        "edicao3/": "arquivo/edicoes/3",
        "marco2022/": "arquivo/2022/03",
        "busca/": "search",
        "about/": "index",  # the old theme's pages: no sobre.md in this site
        "contact/": "index",
        "Vitima/": "arquivo/posts/vitima",
        "ladrao/": "arquivo/posts/ladrao",
        "Antigo/": "arquivo/posts/vitima",
        "livre/": "arquivo/posts/ladrao",
    }


def test_two_posts_declaring_one_old_url_the_older_keeps_it_and_the_other_is_told_who():
    older = post("posts/2022-03-01-a.md", "a", day=1, redirect_from=("Comum/",))
    newer = post("posts/2022-03-02-b.md", "b", day=2, redirect_from=("comum/",))
    posts, problems = check_old_urls([newer, older], Settings())
    assert messages(problems) == [
        "posts/2022-03-02-b.md:7: error: old URL /comum/ (redirect_from) already belongs to "
        "posts/2022-03-01-a.md:7 (/Comum/); no redirect from it to this post [redirect-taken]"
    ]
    assert [p.redirect_from for p in posts] == [(), ("Comum/",)]


def test_a_file_name_cannot_take_the_sites_old_urls_either():
    """``2022-03-09-busca.md`` would take /busca/; ``feed.xml`` would crash the writer."""
    posts = [
        post("posts/2022-03-09-busca.md", "busca", day=9),
        post("posts/2022-03-09-feed.xml.md", "feed.xml", day=9),
        post("posts/2022-03-09-edicao1.md", "edicao1", day=9, edition=1),
    ]
    claims, problems = plan_old_urls(posts, Settings())
    assert [(p.location, p.code) for p in problems] == [
        ("posts/2022-03-09-busca.md:1", "redirect-taken"),
        ("posts/2022-03-09-edicao1.md:1", "redirect-taken"),
        ("posts/2022-03-09-feed.xml.md:1", "redirect-reserved"),
    ]
    assert claims["busca"].target == "search" and claims["edicao1"].target == "arquivo/edicoes/1"
    assert "feed.xml" not in claims


def test_an_older_date_does_not_win_a_posts_own_old_url():
    """Post slugs are claimed before any redirect_from, whatever the dates say."""
    victim = post("posts/2022-03-05-Vitima.md", "Vitima", day=5)
    attacker = post("posts/2022-03-01-x.md", "x", day=1, redirect_from=("Vitima/",))
    claims, problems = plan_old_urls([victim, attacker], Settings())
    assert claims["vitima"].source == "posts/2022-03-05-Vitima.md"
    assert [(p.location, p.code) for p in problems] == [("posts/2022-03-01-x.md:7", "redirect-taken")]


def test_the_output_folder_is_the_sites():
    settings = Settings(output_dir="noticias/arquivo")
    claims, problems = plan_old_urls([post("p.md", "p", day=1, redirect_from=("noticias/",))], settings)
    assert [p.code for p in problems] == ["redirect-reserved"] and "noticias" not in claims
    assert {"_static", "_images", "_sources", "objects.inv"} <= SITE_ROOT_NAMES
    assert {"feeds", "sitemap.xml", "archive.json", "noticias"} <= set(site_names(settings).values())


def test_twenty_thousand_old_urls_cost_one_warning():
    text = "---\ntitle: T\ndate: 2024-01-01\nredirect_from:\n" + "".join(f"  - /a{i}/\n" for i in range(20_000))
    post, problems = parse_post(text + "---\nbody\n", "posts/x.md", Settings(), stem="2024-01-01-x")
    assert post is not None and len(post.redirect_from) == 20
    assert [(p.location, p.code) for p in problems] == [("posts/x.md:5", "redirect-cap")]


def test_a_renamed_redirect_from_key_is_located_too():
    settings = Settings(fields={**Settings().fields, "redirect_from": "urls_antigas"})
    text = "---\ntitle: T\ndate: 2024-03-05\n\nurls_antigas: [/busca/]\n---\nbody\n"
    found, problems = parse_post(text, "posts/x.md", settings, stem="2024-03-05-x")
    assert problems == [] and found is not None and found.redirect_from == ("busca/",)
    posts, problems = check_old_urls([found], settings)
    assert [(p.location, p.code) for p in problems] == [("posts/x.md:5", "redirect-taken")]
    assert posts[0].redirect_from == ()


def test_a_drafts_old_url_stays_the_drafts():
    """Attack 5 #12: a published post claiming a draft's old URL (and with it its old comment thread)."""
    draft = post("posts/2022-03-01-segredo.md", "segredo", day=1, redirect_from=("Antigo-Segredo/",))
    thief = post("posts/2022-03-09-segredo-2.md", "segredo-2", day=9, redirect_from=("segredo/", "antigo-segredo/"))
    posts, problems = check_old_urls([thief], Settings(), [draft])
    assert messages(problems) == [
        "posts/2022-03-09-segredo-2.md:7: error: old URL /segredo/ (redirect_from) belongs to the draft "
        "posts/2022-03-01-segredo.md, which keeps it until it is published; no redirect from it to this post "
        "[redirect-taken]",
        "posts/2022-03-09-segredo-2.md:7: error: old URL /antigo-segredo/ (redirect_from) belongs to the draft "
        "posts/2022-03-01-segredo.md, which keeps it until it is published; no redirect from it to this post "
        "[redirect-taken]",
    ]
    assert posts[0].redirect_from == ()
    claims, _ = plan_old_urls([thief], Settings(), [draft])
    assert all(claim.source != draft.source for claim in claims.values())  # no redirect to (or for) the draft
