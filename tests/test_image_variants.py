"""Post images in the built site: srcset, width/height, lazy loading, the variants' cache and cleanup."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from imagetools import draw_images
from sitetools import ROOTS, html, warnings_of
from sphinx.testing.util import SphinxTestApp

IMG = re.compile(r"<img [^>]*nl-card-img[^>]*>")
ATTR = re.compile(r'([a-z]+)="([^"]*)"')


def site(tmp: Path, buildername: str = "html", **kwargs) -> SphinxTestApp:
    """A build of ``tests/roots/test-images`` in *tmp* (made once, then built again in place)."""
    src = tmp / "site"
    if not src.exists():
        shutil.copytree(ROOTS / "test-images", src)
        draw_images(src / "posts" / "images")
    return SphinxTestApp(buildername, srcdir=src, **kwargs)


def build(tmp: Path, **kwargs) -> SphinxTestApp:
    app = site(tmp, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def images(app: SphinxTestApp, docname: str) -> list[dict[str, str]]:
    return [dict(ATTR.findall(tag)) for tag in IMG.findall(html(app, docname))]


def by_src(found: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {Path(img["src"]).name: img for img in found}


def srcset(img: dict[str, str]) -> list[tuple[str, int]]:
    return [(url, int(width[:-1])) for url, width in (item.split() for item in img["srcset"].split(", "))]


def variant_files(app: SphinxTestApp) -> set[str]:
    return {p.name for p in (app.outdir / "_images" / "variants").iterdir()}


@pytest.fixture
def built(tmp_path: Path) -> SphinxTestApp:
    app = build(tmp_path)
    assert warnings_of(app) == []
    return app


def test_a_small_image_is_not_stretched(built: SphinxTestApp) -> None:
    """The real archive's images are 400 px wide; the highlight card is 672 px wide."""
    (img,) = images(built, "arquivo/posts/pequena")
    assert (img["width"], img["height"]) == ("400", "250")
    assert [w for _url, w in srcset(img)] == [320, 400]
    assert img["sizes"] == "(max-width: 400px) 100vw, 400px"
    assert all(url.endswith(".webp") for url, _w in srcset(img))


def test_a_large_image_gets_every_width_up_to_twice_the_card(built: SphinxTestApp) -> None:
    (img,) = images(built, "arquivo/posts/grande")
    assert (img["width"], img["height"]) == ("672", "336")
    assert [w for _url, w in srcset(img)] == [320, 480, 672, 960, 1344]
    assert img["src"] == "../../_images/grande.jpg"  # the original, for browsers without srcset


def test_every_variant_is_a_file_in_the_output_folder(built: SphinxTestApp) -> None:
    from PIL import Image

    page = built.outdir / "arquivo" / "posts"
    urls = {
        url: w
        for doc in ("pequena", "grande", "desenho")
        for url, w in srcset(images(built, f"arquivo/posts/{doc}")[0])
    }
    for url, width in urls.items():
        path = (page / url).resolve()
        assert path.is_relative_to(built.outdir.resolve())
        with Image.open(path) as image:
            assert image.width == width


def test_the_first_image_of_a_page_loads_at_once_the_others_lazily(built: SphinxTestApp) -> None:
    (post,) = images(built, "arquivo/posts/pequena")
    assert "loading" not in post and post["fetchpriority"] == "high"  # the likely LCP
    first, *rest = images(built, "arquivo/edicoes/1")
    assert "loading" not in first and first["fetchpriority"] == "high"
    assert len(rest) == 3 and all(img["loading"] == "lazy" and "fetchpriority" not in img for img in rest)


def test_listing_cards_are_sized_for_a_card(built: SphinxTestApp) -> None:
    cards = by_src(images(built, "arquivo/edicoes/1"))
    assert (cards["grande.jpg"]["width"], cards["grande.jpg"]["height"]) == ("496", "248")
    assert cards["grande.jpg"]["sizes"] == "(max-width: 496px) 100vw, 496px"
    assert (cards["pequena.png"]["width"], cards["pequena.png"]["height"]) == ("400", "250")
    # An animated GIF keeps its frames: no variants, but its size is known.
    assert "srcset" not in cards["animada.gif"]
    assert (cards["animada.gif"]["width"], cards["animada.gif"]["height"]) == ("120", "80")


def test_a_second_build_encodes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(tmp_path)
    folder = first.outdir / "_images" / "variants"
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert len(stamps) >= 8

    def refuse(*args: object) -> None:
        raise AssertionError("an image was encoded again")

    monkeypatch.setattr("sphinx_newsletter.imagevariants.make_variants", refuse)
    second = build(tmp_path)
    assert warnings_of(second) == []
    stats = second.newsletter_variant_stats
    assert (stats.images, stats.encoded, stats.written, stats.removed) == (4, 0, 0, 0)
    assert "newsletter: 4 imagens, 0 codificadas, 0 variantes escritas, 0 removidas" in second.status.getvalue()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    assert images(second, "arquivo/posts/grande") == images(first, "arquivo/posts/grande")


def test_a_lost_variant_is_made_again(tmp_path: Path) -> None:
    first = build(tmp_path)
    lost = sorted(variant_files(first))[0]
    (first.outdir / "_images" / "variants" / lost).unlink()
    second = build(tmp_path)
    assert lost in variant_files(second)
    assert second.newsletter_variant_stats.encoded == 1  # only the image whose copy was lost


def test_variants_of_a_deleted_image_go(tmp_path: Path) -> None:
    first = build(tmp_path)
    grande = {u.rsplit("/", 1)[1] for u, _w in srcset(images(first, "arquivo/posts/grande")[0])}
    assert grande <= variant_files(first)
    src = first.srcdir
    (src / "posts" / "images" / "grande.jpg").unlink()
    post = src / "posts" / "2024-05-06-grande.md"
    post.write_text(post.read_text(encoding="utf-8").replace('image: "/images/grande.jpg"\n', ""), encoding="utf-8")
    second = build(tmp_path)
    assert warnings_of(second) == []
    assert not grande & variant_files(second)
    assert "grande.jpg" not in by_src(images(second, "arquivo/edicoes/1"))
    assert len(images(second, "arquivo/edicoes/1")) == 3


def test_a_changed_image_gets_new_variants_on_an_incremental_build(tmp_path: Path) -> None:
    from imagetools import encoded, photo

    first = build(tmp_path)
    old = images(first, "arquivo/posts/pequena")[0]
    (first.srcdir / "posts" / "images" / "pequena.png").write_bytes(encoded(photo(360, 200), "PNG"))
    second = build(tmp_path)
    new = images(second, "arquivo/posts/pequena")[0]
    assert (new["width"], new["height"]) == ("360", "200")
    assert new["srcset"] != old["srcset"]
    assert by_src(images(second, "arquivo/edicoes/1"))["pequena.png"]["srcset"] == new["srcset"]
    assert {u.rsplit("/", 1)[1] for u, _w in srcset(new)} <= variant_files(second)


def test_a_parallel_build_writes_the_same_images(tmp_path: Path) -> None:
    serial = build(tmp_path / "serial")
    parallel = build(tmp_path / "parallel", parallel=2)
    assert warnings_of(parallel) == []
    for doc in ("arquivo/posts/grande", "arquivo/edicoes/1", "index"):
        assert images(parallel, doc) == images(serial, doc)
    assert variant_files(parallel) == variant_files(serial)


def test_other_builders_show_the_original(tmp_path: Path) -> None:
    app = site(tmp_path, "singlehtml")
    try:
        app.build()
    finally:
        app.cleanup()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "srcset" not in page and "nl-card-img" in page
    assert not (app.outdir / "_images" / "variants").exists()


def _variant_bytes(app: SphinxTestApp) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (app.outdir / "_images" / "variants").iterdir()}


def test_images_are_encoded_in_a_child_beside_the_build_and_give_what_inline_encoding_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx_newsletter import imagevariants
    from sphinx_newsletter.core import background

    started: list[object] = []
    real_start = background.Background.start

    def start(work):  # type: ignore[no-untyped-def]
        worker = real_start(work)
        started.append(worker)
        return worker

    monkeypatch.setattr(background.Background, "start", start)
    beside = build(tmp_path / "beside")
    assert len(started) == 1 and started[0] is not None  # four images to encode: a child did it
    assert beside.newsletter_variant_stats.encoded == 4
    monkeypatch.setattr(imagevariants, "FORK_AT_LEAST", 1_000)
    inline = build(tmp_path / "inline")
    assert len(started) == 1
    assert warnings_of(beside) == warnings_of(inline) == []
    assert _variant_bytes(beside) == _variant_bytes(inline)
    for page in ("arquivo/posts/grande", "arquivo/edicoes/1"):
        assert images(beside, page) == images(inline, page)


def test_a_child_that_dies_leaves_the_encoding_to_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from sphinx_newsletter import imagevariants

    parent, real = os.getpid(), imagevariants.VariantJob.encode_all

    def encode_all(self):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(3)  # killed mid-way, before sending anything
        return real(self)

    monkeypatch.setattr(imagevariants.VariantJob, "encode_all", encode_all)
    app = build(tmp_path)
    assert warnings_of(app) == []
    assert app.newsletter_variant_stats.encoded == 4
    assert all("srcset" in img for img in images(app, "arquivo/posts/grande"))


def test_an_image_that_fails_to_encode_in_the_child_is_a_warning_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx_newsletter import imagevariants

    real = imagevariants.make_variants

    def make_variants(data, write):  # type: ignore[no-untyped-def]
        if data.startswith(b"\x89PNG"):
            raise OSError("broken codec")
        return real(data, write)

    monkeypatch.setattr(imagevariants, "make_variants", make_variants)
    app = build(tmp_path)
    problems = warnings_of(app)
    assert problems and all("não foram feitas cópias menores desta imagem: broken codec" in w for w in problems)
    assert any("pequena.png" in w for w in problems)
    assert "srcset" not in by_src(images(app, "arquivo/edicoes/1"))["pequena.png"]
