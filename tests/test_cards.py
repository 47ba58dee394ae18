"""Social cards (issue 21): drawing, naming, meta tags, cache, incremental and parallel builds.

What a card says is read back from the PNG itself (the lines :func:`render`
records in its ``iTXt`` chunk, from the same layout that draws them), not by OCR.
"""

from __future__ import annotations

import io
import re
import shutil

import pytest
from PIL import Image
from sitetools import ROOTS, html, warnings_of
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.core import cards

BASE = "https://example.org/news/"
CARD_URL = re.compile(r'<meta property="og:image" content="https://example\.org/news/(_cards/[0-9a-f]{20}\.png)" />')


def post_text(title: str, **kwargs) -> cards.CardText:
    fields = {
        "kind": "post",
        "site": "Site",
        "kicker": "Edição #1 · 5 de fevereiro de 2024",
        "byline": "Comentado por A",
    }
    return cards.card_text(title=title, **{**fields, **kwargs})


def drawn(png: bytes) -> list[str]:
    return cards.drawn_lines(png)["lines"]


# --- drawing, without a build --------------------------------------------------------------


def test_a_card_is_a_1200x630_png_that_records_what_it_says():
    text = post_text("Confiabilidade: ação, coração e atenção")
    png = cards.render(text, cards.CardStyle())
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
    record = cards.drawn_lines(png)
    assert record["digest"] == cards.card_digest(text, cards.CardStyle())
    assert record["lines"] == [
        "Site",
        "Edição #1 · 5 de fevereiro de 2024",
        "Confiabilidade: ação, coração e",
        "atenção",
        "Comentado por A",
    ]


def test_portuguese_letters_have_glyphs_of_their_own():
    """Not the font's 'missing glyph' box (what a font without them would draw)."""
    missing = cards.glyph(64, 700, "\u4e00")[0]  # a CJK ideograph: Noto Sans has none
    assert missing is not None
    for char in "ÀÁÂÃÇÉÊÍÓÔÕÚàáâãçéêíóôõúü":
        mask = cards.glyph(64, 700, char)[0]
        assert mask is not None and mask.tobytes() != missing.tobytes(), char


def test_a_long_title_wraps_between_words_and_ends_with_an_ellipsis():
    words = ["observabilidade", "distribuída", "em", "produção", "com", "alertas"]
    title = " ".join(words * 8)
    lines = drawn(cards.render(post_text(title), cards.CardStyle()))
    title_lines = lines[2:-1]
    assert 2 <= len(title_lines) <= cards.TITLE_LINES
    assert title_lines[-1].endswith(cards.ELLIPSIS)
    for line in title_lines:
        assert all(word in words for word in line.rstrip(cards.ELLIPSIS).split()), line  # never cut mid-word
    measure = cards._measure(cards.TITLE_SIZES[-1], 700)
    assert all(measure(line) <= 1200 - 2 * cards.MARGIN for line in title_lines)


def test_wrap_is_greedy_and_breaks_only_between_words():
    def measure(text: str) -> float:
        return len(text)

    assert cards.wrap("aa bb cc dd", 5, measure, 3) == ["aa bb", "cc dd"]
    assert cards.wrap("aa bb cc dd ee ff gg", 5, measure, 2) == ["aa bb", "cc…"]
    assert cards.wrap("", 5, measure, 2) == []
    # A single word wider than a line is the one thing cut, with an ellipsis.
    assert cards.wrap("abcdefghij", 5, measure, 2) == ["abcd…"]


@pytest.mark.parametrize(
    "title",
    [
        "信頼性エンジニアリングの実践と運用についての長いタイトル",  # Japanese: boxes in Noto Sans
        "هندسة موثوقية المواقع في الإنتاج",  # Arabic, right to left
        "Ελληνικά και кириллица",  # Greek and Cyrillic: in the font
    ],
)
def test_a_title_in_another_script_gives_a_card(title):
    """No crash; what the font lacks (Japanese, Arabic) is drawn as its 'missing glyph' box.

    A script without spaces between words is cut where the line ends, with an ellipsis.
    """
    lines = drawn(cards.render(post_text(title), cards.CardStyle()))
    assert lines[2] and title.startswith(lines[2].rstrip(cards.ELLIPSIS))


def test_a_hostile_title_is_cleaned_capped_and_never_named_in_a_file():
    hostile = "../../etc/passwd\x00\u202e<script>alert(1)</script>\ud800 " + "x" * 1_000_000
    text = post_text(hostile)
    assert "\x00" not in text.title and "\u202e" not in text.title and "\ud800" not in text.title
    assert len(text.title) <= cards.MAX_FIELD_CHARS
    assert re.fullmatch(r"[0-9a-f]{20}", cards.card_digest(text, cards.CardStyle()))
    lines = drawn(cards.render(text, cards.CardStyle()))
    assert lines[2].startswith("../../etc/passwd<script>alert(1)</script>") or lines[2].startswith("../../etc")


def test_the_digest_changes_with_what_the_card_shows_and_nothing_else():
    style = cards.CardStyle()
    one = cards.card_digest(post_text("Um"), style)
    assert one == cards.card_digest(post_text("Um"), cards.CardStyle())
    assert one != cards.card_digest(post_text("Dois"), style)
    assert one != cards.card_digest(post_text("Um"), cards.CardStyle(background="#000000"))
    assert one != cards.card_digest(post_text("Um"), cards.CardStyle(logo=b"logo"))


def test_colours_are_checked():
    assert cards.style_problem({"background": "#102030"}) == ""
    assert "unknown" in cards.style_problem({"fundo": "#102030"})
    assert "#rrggbb" in cards.style_problem({"text": "red"})


# --- in a build ----------------------------------------------------------------------------


@pytest.fixture
def src(tmp_path):
    shutil.copytree(ROOTS / "test-site", tmp_path / "src")
    return tmp_path / "src"


def build(src, **kwargs) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, **kwargs)
    app.build()
    app.cleanup()
    return app


def card_of(app, docname: str) -> tuple[str, bytes]:
    (path,) = CARD_URL.findall(html(app, docname))
    return path, (app.outdir / path).read_bytes()


def card_files(app) -> dict[str, int]:
    folder = app.outdir / "_cards"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.exists() else {}


def test_post_and_edition_pages_name_their_cards(src):
    app = build(src)
    assert warnings_of(app) == []
    page = html(app, "arquivo/posts/erros-e-alertas")
    path, png = card_of(app, "arquivo/posts/erros-e-alertas")
    assert '<meta name="twitter:card" content="summary_large_image" />' in page
    assert f'<meta name="twitter:image" content="{BASE}{path}" />' in page
    assert '<meta property="og:image:width" content="1200" />' in page
    assert '<meta property="og:image:height" content="630" />' in page
    # The title, escaped once, is the card's alt text.
    assert '<meta property="og:image:alt" content="Erros &amp; &lt;alertas&gt; &quot;reais&quot;" />' in page
    # The article's own image is still offered, after the card.
    assert page.index(f"{BASE}{path}") < page.index(f'<meta property="og:image" content="{BASE}_images/um.png" />')
    assert drawn(png) == [
        "Site de Teste",
        "Edição #1 · 5 de fevereiro de 2024",
        'Erros & <alertas> "reais"',
        "Comentado por Maria Souza",
    ]
    _, edition = card_of(app, "arquivo/edicoes/1")
    lines = drawn(edition)
    assert lines[:3] == ["Site de Teste", "5 de fevereiro de 2024", "Edição #1"]
    assert '• Erros & <alertas> "reais"' in lines
    # One card per post and per edition, nothing else; none for the draft.
    assert len(card_files(app)) == 3 + 2
    assert not CARD_URL.search(html(app, "index"))


def test_cards_off_leave_the_tags_as_they_were(src):
    app = build(src, confoverrides={"newsletter_cards": False})
    page = html(app, "arquivo/posts/erros-e-alertas")
    assert f'<meta name="twitter:image" content="{BASE}_images/um.png" />' in page
    assert "_cards/" not in page
    assert card_files(app) == {}


def test_turning_cards_off_removes_them(src):
    assert len(card_files(build(src))) == 5
    assert card_files(build(src, confoverrides={"newsletter_cards": False})) == {}


def test_no_base_url_no_cards(src):
    app = build(src, confoverrides={"html_baseurl": ""})
    assert card_files(app) == {}


def test_a_rebuild_draws_only_the_cards_whose_text_changed(src, monkeypatch):
    build(src)
    calls: list[str] = []
    render = cards.render
    monkeypatch.setattr(cards, "render", lambda text, style: calls.append(text.title) or render(text, style))
    app = build(src)  # nothing changed
    assert calls == []
    before = card_files(app)
    old_path, _ = card_of(app, "arquivo/posts/terceiro-post")
    post = src / "posts" / "2024-03-04-terceiro-post.md"
    post.write_text(post.read_text(encoding="utf-8").replace('"Terceiro post"', '"Terceiro, editado"'), "utf-8")
    app = build(src)
    assert sorted(calls) == ["Edição #2", "Terceiro, editado"]  # the post and its edition (which lists it)
    new_path, png = card_of(app, "arquivo/posts/terceiro-post")
    assert new_path != old_path and "Terceiro, editado" in drawn(png)
    after = card_files(app)
    assert not (app.outdir / old_path).exists()
    unchanged = set(before) & set(after)
    assert len(unchanged) == 3 and all(before[name] == after[name] for name in unchanged)


def test_many_missing_cards_are_drawn_by_a_child_process_during_the_writing(src, monkeypatch):
    from sphinx_newsletter.outputs import cards as build_cards

    monkeypatch.setattr(build_cards, "INLINE_CARDS", 0)
    app = build(src)
    assert warnings_of(app) == []
    assert "social cards:" not in app.status.getvalue()  # nothing was left for the end of the build
    assert len(card_files(app)) == 5
    path, png = card_of(app, "arquivo/posts/segundo-post")
    assert path.endswith(cards.drawn_lines(png)["digest"] + ".png")


def test_a_deleted_posts_card_goes(src):
    app = build(src)
    path, _ = card_of(app, "arquivo/posts/segundo-post")
    (src / "posts" / "2024-02-05-segundo-post.md").unlink()
    app = build(src)
    assert not (app.outdir / path).exists()
    assert len(card_files(app)) == 2 + 2


def test_a_parallel_build_writes_the_same_cards(src, tmp_path):
    serial = card_files(build(src))
    shutil.copytree(ROOTS / "test-site", tmp_path / "parallel")
    assert card_files(build(tmp_path / "parallel", parallel=2)).keys() == serial.keys()


def test_a_hostile_title_in_a_build_stays_in_the_cards_folder(src):
    post = src / "posts" / "2024-03-04-terceiro-post.md"
    hostile = "../../../../fora \\u202e <img src=x onerror=alert(1)> /etc/passwd"
    post.write_text(post.read_text(encoding="utf-8").replace('"Terceiro post"', f'"{hostile}"'), "utf-8")
    before = {p for p in src.parent.rglob("*") if "_build" not in p.parts}
    app = build(src)
    after = {p for p in src.parent.rglob("*") if "_build" not in p.parts and "arquivo" not in p.parts}
    assert after <= before  # nothing written beside the sources
    assert all(re.fullmatch(r"[0-9a-f]{20}\.png", name) for name in card_files(app))
    page = html(app, "arquivo/posts/terceiro-post")
    assert "<img src=x" not in page.split("</head>")[0]
    _, png = card_of(app, "arquivo/posts/terceiro-post")
    assert "<img src=x onerror=alert(1)>" in " ".join(drawn(png))


def test_a_logo_inside_the_project_is_drawn_and_one_outside_is_refused(src, tmp_path_factory):
    Image.new("RGB", (100, 100), (200, 30, 30)).save(src / "logo.png")
    app = build(src, confoverrides={"newsletter_card_logo": "logo.png"})
    assert warnings_of(app) == []
    _, png = card_of(app, "arquivo/posts/segundo-post")
    with Image.open(io.BytesIO(png)) as image:
        assert image.convert("RGB").getpixel((1200 - cards.MARGIN - 50, 98)) == (200, 30, 30)
    outside = tmp_path_factory.mktemp("elsewhere") / "outside.png"  # the project is src's parent
    Image.new("RGB", (10, 10)).save(outside)
    app = build(src, confoverrides={"newsletter_card_logo": str(outside)})
    (warning,) = warnings_of(app)
    assert "newsletter_card_logo" in warning and "not a file inside the project" in warning
    assert "[newsletter.card-logo]" in warning


def test_a_bad_colour_stops_the_build(src):
    with pytest.raises(ConfigError, match="newsletter_card_colors"):
        SphinxTestApp("html", srcdir=src, confoverrides={"newsletter_card_colors": {"text": "red"}})


def test_a_page_shows_a_posts_card_as_the_build_drew_it(src):
    index = src / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n```{nl:social-card} erros-e-alertas\n```\n", "utf-8")
    app = build(src)
    assert warnings_of(app) == []
    (img,) = re.findall(r'<img [^>]*class="nl-social-card"[^>]*>', html(app, "index"))
    (source,) = re.findall(r'src="([^"]+)"', img)
    assert source == card_of(app, "arquivo/posts/erros-e-alertas")[0]
    assert (app.outdir / source).is_file()
    assert 'alt="Erros &amp; &lt;alertas&gt; &quot;reais&quot;"' in img
