"""The variant plan of post images: widths, no upscaling, format choice, names (no build)."""

from __future__ import annotations

import io
import re

import pytest
from imagetools import animation, drawing, encoded, photo
from PIL import Image
from sphinx_newsletter.core.variants import (
    LADDER,
    MAX_WIDTH,
    ImageVariants,
    VariantCache,
    make_variants,
    plan_widths,
)


def variants_of(data: bytes) -> tuple[ImageVariants, dict[str, bytes]]:
    written: dict[str, bytes] = {}
    return make_variants(data, written.__setitem__), written


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (100, (100,)),
        (320, (320,)),
        (400, (320, 400)),  # the real archive's images: no 480, 672... copy
        (700, (320, 480, 700)),  # 672 is within 10% of 700: no near-duplicate
        (1000, (320, 480, 672, 1000)),  # 960 is within 10% of 1000
        (5000, LADDER),
    ],
)
def test_widths_stop_at_the_source(width: int, expected: tuple[int, ...]) -> None:
    assert plan_widths(width) == expected


def test_no_width_is_ever_wider_than_the_source() -> None:
    for width in range(1, 3000, 7):
        plan = plan_widths(width)
        assert max(plan) == min(width, MAX_WIDTH)
        assert all(w <= width for w in plan)
        assert list(plan) == sorted(set(plan))


def test_a_small_image_is_shown_at_its_own_size() -> None:
    found, _written = variants_of(encoded(photo(400, 250, alpha=True), "PNG"))
    assert (found.width, found.height) == (400, 250)
    assert found.display("highlight") == (400, 250)  # the card is 672 px wide: not stretched
    assert found.sizes("highlight") == "(max-width: 400px) 100vw, 400px"
    assert max(v.width for v in found.variants) == 400


def test_a_large_image_is_shown_at_the_slot_width() -> None:
    found, written = variants_of(encoded(photo(2000, 1000), "JPEG", quality=92))
    assert found.display("highlight") == (672, 336)
    assert found.display("card") == (496, 248)
    assert found.sizes("card") == "(max-width: 496px) 100vw, 496px"
    assert [v.width for v in found.variants] == list(LADDER)
    for variant in found.variants:
        with Image.open(io.BytesIO(written[variant.name])) as image:
            assert image.size == (variant.width, variant.height)


def test_webp_where_smaller_and_each_variant_is_smaller_than_the_wider_ones() -> None:
    data = encoded(photo(1200, 700), "PNG")
    found, written = variants_of(data)
    assert all(v.name.endswith(".webp") for v in found.variants)
    sizes = [v.size for v in found.variants]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    assert sizes[-1] < len(data) // 3  # a photo in PNG: lossy WebP is far smaller
    assert {v.name: v.size for v in found.variants} == {n: len(b) for n, b in written.items()}


def test_the_original_stays_when_no_encoding_is_smaller() -> None:
    data = encoded(photo(600, 300), "JPEG", quality=5)
    found, written = variants_of(data)
    top = found.variants[-1]
    assert (top.width, top.name, top.size) == (600, "", len(data))  # the original file itself
    assert top.name not in written


def test_a_drawing_is_not_blurred_by_lossy_webp() -> None:
    found, written = variants_of(encoded(drawing(800, 420), "PNG", optimize=True))
    for variant in found.variants:
        if variant.name:
            with Image.open(io.BytesIO(written[variant.name])) as image:
                assert image.format == "WEBP"
                # Lossless: the copy at full size has exactly the drawing's colours.
                if variant.width == 800:
                    colours = image.convert("RGB").getcolors(16)
                    assert colours is not None and len(colours) <= 4


def test_an_animated_gif_keeps_its_frames() -> None:
    first, *rest = animation(120, 80)
    found, written = variants_of(encoded(first, "GIF", save_all=True, append_images=rest))
    assert found.variants == () and written == {}
    assert (found.width, found.height) == (120, 80)


def test_the_exif_orientation_is_applied() -> None:
    image = photo(400, 200)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    found, written = variants_of(encoded(image, "JPEG", exif=exif.tobytes()))
    assert (found.width, found.height) == (200, 400)
    for variant in found.variants:
        if variant.name:
            with Image.open(io.BytesIO(written[variant.name])) as copy:
                assert copy.height > copy.width


def test_names_come_from_the_content_only() -> None:
    data = encoded(photo(500, 300), "PNG")
    one, _ = variants_of(data)
    two, _ = variants_of(data)
    other, _ = variants_of(encoded(photo(500, 301), "PNG"))
    assert one == two
    assert one.digest != other.digest
    for variant in one.variants:
        assert re.fullmatch(r"[0-9a-f]{24}-\d+\.(webp|jpg)", variant.name)


def test_the_cache_reads_a_file_only_when_its_stamp_changes() -> None:
    cache = VariantCache()
    reads: list[int] = []

    def read() -> bytes:
        reads.append(1)
        return b"bytes"

    first, data = cache.digest("a.png", (1, 2, 3), read)
    assert data == b"bytes" and len(reads) == 1
    assert cache.digest("a.png", (1, 2, 3), read) == (first, None) and len(reads) == 1
    cache.digest("a.png", (1, 2, 4), read)
    assert len(reads) == 2
    assert cache.pruned(set()).digests == {}


@pytest.mark.parametrize("mode", ["1", "RGB"])
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_huge_small_file_costs_what_a_card_sized_image_costs(
    mode: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 6300x6300 image of a few KB (under the pixel cap): no copy is resized from the full image.

    Counted, not timed: each LANCZOS resize reads its whole input, so the copies are made from a
    box-averaged (or DCT-scaled) image at most twice the widest copy, each from the one above it.
    """
    if fmt == "JPEG" and mode == "1":
        pytest.skip("JPEG has no 1-bit mode")
    image = Image.new(mode, (6300, 6300), 1 if mode == "1" else (10, 20, 30))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    inputs: list[tuple[int, int]] = []
    resize = Image.Image.resize

    def counted(self: Image.Image, size, *args, **kwargs):
        inputs.append(self.size)
        return resize(self, size, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "resize", counted)
    record = make_variants(buffer.getvalue(), lambda _name, _data: None)
    assert (record.width, record.height) == (6300, 6300)  # the size readers are told is the source's
    assert [v.width for v in record.variants][-1] == MAX_WIDTH
    assert inputs and max(width for width, _height in inputs) < 2 * MAX_WIDTH, inputs


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_image_taller_than_webp_allows_still_gets_copies(fmt):
    """WebP stops at 16,383 px a side (JPEG at 65,535): a very tall image's copies are JPEG or PNG."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (400, 17000), (9, 90, 200)).save(buffer, fmt)
    written: dict[str, bytes] = {}
    found = make_variants(buffer.getvalue(), written.__setitem__)
    assert found.variants and (found.width, found.height) == (400, 17000)
    assert [v.width for v in found.variants] == [320, 400]
    for name, data in written.items():
        with Image.open(io.BytesIO(data)) as copy:
            assert copy.format == {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}[name.rsplit(".", 1)[1]]
            assert copy.format != "WEBP" or max(copy.size) <= 16383


def test_corrupt_exif_prints_nothing(recwarn):
    """A JPEG whose EXIF can't be read: Pillow's warning about it is not printed (the pixels are fine)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (500, 300), (1, 2, 3)).save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    exif = b"Exif\x00\x00MM\x00*\xff\xff\xff\xf0"
    data = jpeg[:2] + b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif + jpeg[2:]
    found = make_variants(data, lambda name, payload: None)
    assert (found.width, found.height) == (500, 300)
    assert [str(w.message) for w in recwarn if "EXIF" in str(w.message)] == []
