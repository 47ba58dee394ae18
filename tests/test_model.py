"""The archive model: slugs, collisions, editions, authors."""

from __future__ import annotations

import datetime as dt

from sphinx_newsletter.core.model import (
    EditionTag,
    Post,
    assign_keys,
    build_archive,
    slugify,
    split_file_name,
)

TZ = dt.timezone(dt.timedelta(hours=-3))


def post(key: str, day: int, edition: int | None = 1, tag_day: int | None = None, **kw) -> Post:
    tag = EditionTag(number=edition, date=dt.date(2024, 1, tag_day or day)) if edition else None
    return Post(
        source=f"posts/{key}.md",
        slug=key,
        key=slugify(key),
        title=key.title(),
        date=dt.datetime(2024, 1, day, 8, tzinfo=TZ),
        edition=tag,
        lines={"edition": 5, "date": 3},
        **kw,
    )


def test_slugify_folds_accents_and_case():
    assert slugify("Edição Número 1: Ação!") == "edicao-numero-1-acao"
    assert slugify("2021-SRE-Report") == "2021-sre-report"


def test_split_file_name_is_jekylls_rule():
    assert split_file_name("2022-11-06-Meu-Post") == (dt.date(2022, 11, 6), "Meu-Post")
    assert split_file_name("sem-data") == (None, "sem-data")


def test_collisions_are_errors_naming_every_file_and_nothing_is_dropped():
    a, b = post("Meu-Post", 1), post("meu-post", 2)
    posts, problems = assign_keys([b, a])
    assert sorted(p.key for p in posts) == ["meu-post", "meu-post-2"]
    assert [p.code for p in problems] == ["slug-collision"] * 2
    assert all("posts/Meu-Post.md" in p.message and "posts/meu-post.md" in p.message for p in problems)


def test_reserved_names_are_errors():
    posts, problems = assign_keys([post("index", 1), post("ção", 2)])
    assert [p.code for p in problems] == ["slug-reserved"]
    assert {p.key for p in posts} == {"index-2", "cao"}


def test_editions_group_posts_in_date_order():
    archive, problems = build_archive([post("b", 8, tag_day=8), post("a", 7, tag_day=8), post("c", 15, 2)])
    assert problems == []
    assert archive.editions[1].posts == ("a", "b")
    assert archive.editions[1].date == dt.date(2024, 1, 8)
    assert archive.latest_edition().number == 2


def test_sibling_tag_dates_that_disagree_are_warned():
    archive, problems = build_archive([post("a", 7, tag_day=8), post("b", 7, tag_day=8), post("c", 7, tag_day=9)])
    assert archive.editions[1].date == dt.date(2024, 1, 8)
    assert [(p.path, p.line, p.code) for p in problems] == [("posts/c.md", 5, "edition-date-mismatch")]


def test_an_edition_out_of_order_is_blamed_once():
    posts = [post("a", 1, 1), post("b", 8, 2, tag_day=30), post("c", 15, 3), post("d", 22, 4)]
    _, problems = build_archive(posts)
    assert [(p.path, p.code) for p in problems] == [("posts/b.md", "edition-order")]
    assert "#2" in problems[0].message and "#1" in problems[0].message and "#3" in problems[0].message


def test_a_post_far_from_its_edition_is_warned():
    _, problems = build_archive([post("a", 1, 1, tag_day=20)], max_days=7)
    assert [(p.line, p.code) for p in problems] == [(3, "edition-date-far")]


def test_author_spellings_sharing_a_profile_are_one_author():
    url = "https://www.linkedin.com/in/ana"
    archive, _ = build_archive(
        [
            post("a", 1, author_name="Ana Lima", author_url=url),
            post("b", 2, author_name="Ana Lima", author_url="http://linkedin.com/in/ana/"),
            post("c", 3, author_name="Ana", author_url=url),
            post("d", 4, author_name="Rui"),
        ]
    )
    assert sorted(archive.authors) == ["ana-lima", "rui"]
    assert archive.authors["ana-lima"].posts == ("c", "b", "a")
    assert archive.authors["ana-lima"].variants == ("Ana", "Ana Lima")


def test_drafts_are_not_in_the_archive():
    archive, _ = build_archive([post("a", 1), post("b", 2, published=False)])
    assert list(archive.posts) == ["a"]


# --- a commentator's name can't be taken over by one post (issue 17) ----------------------

URL = "https://www.linkedin.com/in/ana"


def shown(posts) -> tuple[dict[str, str], list[tuple[str, int, str]]]:
    archive, problems = build_archive(posts)
    names = {key: author.name for key, author in archive.authors.items()}
    return names, [(p.path, p.line, p.code) for p in problems if p.code == "author-spelling"]


def author_lines(**kw) -> dict:
    return {"lines": {"edition": 5, "date": 3, "author": 7}, **kw}


def apost(key: str, day: int, name: str, url: str | None = URL) -> Post:
    return Post(
        source=f"posts/{key}.md",
        slug=key,
        key=key,
        title=key,
        date=dt.datetime(2024, 1, day, 8, tzinfo=TZ),
        author_name=name,
        author_url=url,
        lines={"author": 7},
    )


def test_one_new_post_cannot_rename_a_commentator_even_with_a_longer_spelling():
    names, problems = shown([apost("a", 1, "Ana Lima"), apost("b", 2, "Ana Lima — golpe, fale comigo")])
    assert names == {"ana-lima": "Ana Lima"}
    assert problems == [("posts/b.md", 7, "author-spelling")]


def test_the_most_used_spelling_wins_and_ties_go_to_the_oldest_post():
    names, _ = shown([apost("b", 2, "Ana Souza Lima"), apost("a", 1, "Ana Lima Souza"), apost("c", 3, "Ana S. L.")])
    assert names == {"ana-lima-souza": "Ana Lima Souza"}
    names, _ = shown([apost("a", 1, "Ana L."), apost("b", 2, "Ana Lima"), apost("c", 3, "Ana Lima")])
    assert names == {"ana-lima": "Ana Lima"}


def test_look_alike_spellings_of_the_shown_name_are_warned_naming_it():
    posts = [
        apost("a", 1, "Ana Lima"),
        apost("b", 2, "Ana Lima"),
        apost("c", 3, "Аna Lima"),  # Cyrillic А
        apost("d", 4, "ana lima"),
        apost("e", 5, "Ána Lima"),
    ]
    archive, problems = build_archive(posts)
    assert [a.name for a in archive.authors.values()] == ["Ana Lima"]
    spelling = [p for p in problems if p.code == "author-spelling"]
    assert [(p.path, p.line) for p in spelling] == [("posts/c.md", 7), ("posts/d.md", 7), ("posts/e.md", 7)]
    assert all("'Ana Lima' (2 posts)" in p.message and "looks the same" in p.message for p in spelling)


def test_shorter_and_longer_forms_of_a_name_are_one_person_with_a_warning():
    """The real archive's case: "Ricardo Coelho" and "Ricardo Coelho de Sousa" share a profile.

    One person (one author page), but the differing spelling is reported: a
    "longer form" is also how one backdated post renamed a commentator
    (``Fulano de Tal Impostor``) in the attack on issue 17.
    """
    posts = [
        apost("a", 1, "Ricardo Coelho"),
        apost("b", 2, "Ricardo Coelho de Sousa"),
        apost("c", 3, "Ricardo Coelho de Sousa"),
    ]
    names, problems = shown(posts)
    assert names == {"ricardo-coelho-de-sousa": "Ricardo Coelho de Sousa"}
    assert problems == [("posts/a.md", 7, "author-spelling")]


def test_one_backdated_post_cannot_rename_a_commentator_silently():
    posts = [apost("a", 5, "Fulano de Tal"), apost("b", 1, "Fulano de Tal Impostor")]
    names, problems = shown(posts)
    assert len(names) == 1
    assert problems  # whichever spelling is shown, the other post is reported (-W fails the PR)


def test_a_look_alike_of_another_commentator_is_warned_and_a_namesake_is_not():
    posts = [
        apost("a", 1, "Ana Lima"),
        apost("b", 2, "Аna Lima", "https://www.linkedin.com/in/golpe"),
        apost("c", 3, "Ana Lima", "https://www.linkedin.com/in/outra-ana"),
    ]
    archive, problems = build_archive(posts)
    assert len(archive.authors) == 3
    assert [(p.path, p.code) for p in problems] == [("posts/b.md", "author-spelling")]
    assert "looks like 'Ana Lima' (https://www.linkedin.com/in/ana)" in problems[0].message


def test_the_shown_name_does_not_depend_on_the_order_posts_are_read():
    import itertools

    posts = [apost("a", 1, "Ana Lima"), apost("b", 2, "Ana M. Lima"), apost("c", 3, "Ana Lima Golpe")]
    seen = {tuple(shown(list(order))[0].items()) for order in itertools.permutations(posts)}
    assert seen == {(("ana-lima", "Ana Lima"),)}


def juliana_registry():
    """A registry of one person, Juliana Farias Rocha, and her profile link."""
    from sphinx_newsletter.core.model import RegisteredAuthor, Registry

    entry = RegisteredAuthor(key="juliana", name="Juliana Farias Rocha", links=("https://www.linkedin.com/in/juliana",))
    return Registry(
        authors={"juliana": entry},
        by_name={"juliana-farias-rocha": "juliana"},
        by_link={"linkedin.com/in/juliana": "juliana"},
    )


def test_a_look_alike_of_a_registered_name_is_warned():
    """Round 5 of the attack: a Cyrillic 'о' in a registered person's name, with another link, and no post of theirs."""
    registry = juliana_registry()
    _archive, problems = build_archive(
        [apost("a", 1, "Juliana Farias R\u043echa", "https://www.linkedin.com/in/attacker")], registry=registry
    )
    assert [(p.path, p.code) for p in problems] == [("posts/a.md", "author-spelling")]
    assert "looks like 'Juliana Farias Rocha' (https://www.linkedin.com/in/juliana)" in problems[0].message


def test_a_registered_name_with_another_profile_link_is_warned():
    """Round 2 of the attack: a registered name (even spelled with a no-break space) and someone else's link."""
    registry = juliana_registry()
    posts = [
        apost("a", 1, "Juliana Farias Rocha", "https://www.linkedin.com/in/juliana"),
        apost("b", 2, "Juliana Farias Rocha", "https://www.linkedin.com/in/evil"),
    ]
    archive, problems = build_archive(posts, registry=registry)
    assert [a.name for a in archive.authors.values()] == ["Juliana Farias Rocha"]
    assert [(p.path, p.code) for p in problems] == [("posts/b.md", "author-link")]
    assert "https://www.linkedin.com/in/evil" in problems[0].message
