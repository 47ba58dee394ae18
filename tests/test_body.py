"""One parse of a post's body: every reader of the body agrees on what is code.

Before, five scans of the body (excerpt, reading time, raw-HTML check, the
importer's images, the heading shift) each had a rule of their own for code
fences: an image inside a fence was copied by the importer, a paragraph after a
blank line inside a fence became the excerpt, an indented code block counted as
words. Now they all read the same markdown-it tokens.
"""

from __future__ import annotations

from dataclasses import replace

from sphinx_newsletter.cli.importer import referenced_images
from sphinx_newsletter.core import body
from sphinx_newsletter.core.browse import reading_minutes, word_count
from sphinx_newsletter.core.checks import raw_html
from sphinx_newsletter.core.frontmatter import excerpt, parse_post
from sphinx_newsletter.core.render import shift_headings
from sphinx_newsletter.core.settings import Settings

#: Code of every kind, each holding a heading, an image, raw HTML and words.
CODE = """```

# título no código

![código](/images/cerca.png) <b>negrito</b> palavra palavra

```

~~~python
# comentário
![til](/images/til.png) <i>x</i>
~~~

    # recuado
    ![recuado](/images/recuado.png) <span>y</span>

````markdown
```
# dentro de uma cerca de quatro

![dentro](/images/dentro.png) <u>z</u>
```
````
"""

BODY = (
    CODE
    + """
### Seção

Texto de verdade com ![foto](/images/foto.png).
"""
)


def post_with(text: str):
    header = "---\ntitle: Um post\ndate: 2024-01-08 08:00:00 -0300\ntag: 'Edição #1 - 08.01.2024'\n---\n"
    post, problems = parse_post(header + text, "posts/2024-01-08-um-post.md", Settings(), stem="2024-01-08-um-post")
    assert post is not None, problems
    return post


def test_every_reader_of_the_body_agrees_on_what_is_code() -> None:
    post = post_with(BODY)
    assert excerpt(BODY) == post.excerpt == "Texto de verdade com ."
    assert word_count(CODE) == 0
    assert word_count(BODY) == word_count("### Seção\n\nTexto de verdade com ![foto](/images/foto.png).\n")
    assert referenced_images(post) == ["foto.png"]
    assert body.local_images(CODE) == []
    assert raw_html(post_with(CODE)) == []
    assert shift_headings(BODY) == CODE + "\n## Seção\n\nTexto de verdade com ![foto](/images/foto.png).\n"
    assert [(h.level, h.markup) for h in body.parse(BODY).headings] == [(3, "###")]


def test_raw_html_in_an_indented_list_paragraph_is_reported() -> None:
    # Four spaces inside a list item continue its paragraph: text, not code (the old check skipped it).
    text = "- item\n\n    continua com <b>negrito</b>\n\n```\n<i>código</i>\n```\n"
    [problem] = raw_html(post_with(text))
    assert problem.line == 6 + 2 and problem.column == 18 and "<b>" in problem.message


def test_a_list_item_indented_past_four_spaces_is_code_as_commonmark_says() -> None:
    # A real post: "*     texto" makes an indented code block in the item (and the page shows code).
    text = "Antes.\n\n*     um dois três\n*     quatro cinco\n\nDepois.\n"
    assert word_count(text) == 2
    assert reading_minutes(replace(post_with("x\n"), body="palavra " * 300 + "\n\n" + "    codigo\n" * 200)) == 2


def test_one_parse_per_text() -> None:
    text = "Um texto só desta função, com ![a](/images/a.png).\n"
    first = body.parse(text)
    excerpt(text), word_count(text), body.local_images(text), shift_headings(text)
    assert body.parse(text) is first


def test_the_cache_is_bounded_by_bodies_and_by_tokens(monkeypatch) -> None:
    monkeypatch.setattr(body, "_CACHE", body._Cache())
    monkeypatch.setattr(body, "CACHE_SIZE", 3)
    monkeypatch.setattr(body, "CACHE_TOKENS", 100)
    texts = [f"Texto {n}.\n" for n in range(5)]
    parsed = [body.parse(text) for text in texts]
    assert list(body._CACHE.bodies) == texts[2:]
    assert body.parse(texts[2]) is parsed[2] and body.parse(texts[0]) is not parsed[0]
    assert list(body._CACHE.bodies) == [texts[4], texts[2], texts[0]]  # 3 was the least recently read
    big = "Um parágrafo.\n\n" * 40  # 160 tokens: past the whole budget, never kept
    assert body.parse(big) is not body.parse(big)
    many = "Um parágrafo.\n\n" * 24  # 96 tokens: the least recently read go to make room
    body.parse(many)
    assert list(body._CACHE.bodies) == [texts[0], many] and body._CACHE.tokens == 4 + 96


def test_reference_images_and_raw_img_tags_are_found_in_order() -> None:
    text = (
        '![a][ref] e <img src="/images/b.png?v=2"> e [c](/images/c.jpg#x) e ![d](https://x.org/d.png)\n\n'
        "[ref]: /images/a.png\n"
    )
    assert body.local_images(text) == ["a.png", "b.png", "c.jpg"]
    assert body.local_images("![x](/imagens/a.png)", prefix="/imagens/") == ["a.png"]
    assert body.local_images("![é](/images/ação.png)") == ["ação.png"]  # the parser's %-encoding undone


def test_the_feeds_render_the_shared_tokens_without_changing_them() -> None:
    from types import SimpleNamespace

    from sphinx_newsletter.outputs.feeds import body_html

    text = "Um [link](outra.html) e ![foto](/images/foto.png) e ![fora](/images/falta.png).\n"
    site = SimpleNamespace(
        image_url_prefix="/images/",
        post_url=lambda post: f"https://example.org/posts/{post.key}.html",
        image_url=lambda rel: f"https://example.org/_images/{rel}" if rel == "foto.png" else None,
    )
    post = post_with(text)
    html = body_html(post, site)
    assert html == (
        '<p>Um <a href="https://example.org/posts/outra.html">link</a> e '
        '<img src="https://example.org/_images/foto.png" alt="foto" /> e fora.</p>\n'
    )
    assert body_html(post, site) == html
    [inline] = [token for token in body.parse(text).tokens if token.children]
    assert [c.attrGet("src") or c.attrGet("href") for c in inline.children if c.attrs] == [
        "outra.html",
        "/images/foto.png",
        "/images/falta.png",
    ]
