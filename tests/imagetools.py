"""Made-up images for the image tests: drawn by Pillow, the same bytes on every run."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw


def photo(width: int, height: int, *, alpha: bool = False) -> Image.Image:
    """A detailed, photo-like image (a coloured Mandelbrot set): lossy formats win on it."""
    gray = Image.effect_mandelbrot((width, height), (-2.0, -1.2, 0.8, 1.2), 60)
    red = Image.linear_gradient("L").resize((width, height))
    blue = Image.radial_gradient("L").resize((width, height))
    image = Image.merge("RGB", (red, gray, blue))
    if alpha:
        image.putalpha(Image.linear_gradient("L").rotate(90).resize((width, height)))
    return image


def drawing(width: int, height: int) -> Image.Image:
    """A flat drawing in a few colours (a palette PNG, like a diagram): lossless formats win on it."""
    image = Image.new("P", (width, height), 0)
    image.putpalette([255, 255, 255, 30, 90, 200, 230, 120, 20, 20, 20, 20])
    draw = ImageDraw.Draw(image)
    for step in range(0, width, max(1, width // 8)):
        draw.rectangle((step, height // 4, step + width // 16, height * 3 // 4), fill=1 + step % 3)
    return image


def animation(width: int, height: int) -> list[Image.Image]:
    return [Image.new("RGB", (width, height), colour) for colour in ("red", "green", "blue")]


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def draw_images(folder: Path) -> None:
    """The images of ``tests/roots/test-images``: small, large, a drawing and an animated GIF."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pequena.png").write_bytes(encoded(photo(400, 250, alpha=True), "PNG"))
    (folder / "grande.jpg").write_bytes(encoded(photo(2000, 1000), "JPEG", quality=92))
    (folder / "desenho.png").write_bytes(encoded(drawing(800, 420), "PNG", optimize=True))
    first, *rest = animation(120, 80)
    (folder / "animada.gif").write_bytes(encoded(first, "GIF", save_all=True, append_images=rest, duration=200))
