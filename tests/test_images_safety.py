"""Files a post can make the build read or publish: images, the configured folders, the registry (issue 17).

Each site is made in ``tmp_path`` (symbolic links can't be carried by git
portably) and built with Sphinx's test app. The rules under test hold by
construction: an image is resolved and must lie inside the real images
folder, is never a symbolic link, and must decode with Pillow as the raster
format its suffix names, under a pixel cap; the folders and the registry
named in conf.py must not be reached through a link inside the project.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import warnings
import zlib
from io import StringIO
from pathlib import Path

import pytest
from PIL import Image
from sitetools import warnings_of
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.core.images import checked_image, decode_problem, image_problem
from sphinx_newsletter.core.registry import load_registry
from sphinx_newsletter.core.settings import Settings

SECRET = "TOPSECRET-do-servidor"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


# --- image bytes ---------------------------------------------------------------------


def raster(fmt: str, size: tuple[int, int] = (6, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#2962ff").save(out, format=fmt)
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of *width* x *height*, all zeros: a few KB that decode to width*height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- the rule, without a build --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.png", "PNG"), ("b.jpg", "JPEG"), ("c.jpeg", "JPEG"), ("d.gif", "GIF"), ("e.webp", "WEBP")]
)
def test_each_raster_format_is_accepted(tmp_path: Path, name: str, fmt: str) -> None:
    (tmp_path / name).write_bytes(raster(fmt))
    assert checked_image(name, tmp_path, Settings()) == (tmp_path.resolve() / name, "")


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("x.png", SVG, "is not a valid PNG image"),
        ("x.png", HTML, "is not a valid PNG image"),
        ("x.png", b"\x89PNG\r\n\x1a\n" + HTML, "is not a valid PNG image"),  # the signature alone is not a PNG
        ("x.jpg", raster("PNG"), "is a PNG image under another suffix (expected JPEG)"),
        ("x.gif", raster("WEBP"), "is a WEBP image under another suffix (expected GIF)"),
        ("x.png", raster("PNG")[:-30], "is not a valid PNG image"),  # truncated: decoding fails
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "is an SVG: post images must be PNG"),
        ("x.avif", b"", "is not an image"),
        ("x.html", HTML, "is not an image"),
    ],
    ids=[
        "svg-as-png",
        "html-as-png",
        "signature-then-html",
        "png-as-jpg",
        "webp-as-gif",
        "truncated",
        "svg",
        "avif",
        "html",
    ],
)
def test_what_does_not_decode_as_its_suffix_is_refused(tmp_path: Path, name: str, data: bytes, why: str) -> None:
    (tmp_path / name).write_bytes(data)
    real, found = checked_image(name, tmp_path, Settings())
    assert real is None and found.startswith(why)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "bomba.png").write_bytes(png_bomb(20_000, 20_000))
    assert (tmp_path / "bomba.png").stat().st_size < 100_000
    saved = Image.MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert image_problem("bomba.png", tmp_path, Settings()) == "has more than 40000000 pixels"
    assert saved == Image.MAX_IMAGE_PIXELS  # Pillow's global limit is left as it was


def test_the_pixel_cap_is_ours_not_pillows(tmp_path: Path) -> None:
    """8000x8000 passes Pillow's default limit (89 Mpx) and is refused by ours (40 Mpx)."""
    (tmp_path / "grande.png").write_bytes(png_bomb(8000, 8000))
    assert image_problem("grande.png", tmp_path, Settings()) == "has 8000x8000 pixels, more than 40000000"
    assert image_problem("grande.png", tmp_path, Settings(max_image_pixels=64_000_000)) == ""


def test_symbolic_links_are_refused_wherever_they_point(tmp_path: Path) -> None:
    images, outside = tmp_path / "images", tmp_path / "outside"
    images.mkdir()
    outside.mkdir()
    (outside / "secret.png").write_bytes(raster("PNG"))
    (images / "real.png").write_bytes(raster("PNG"))
    (images / "out.png").symlink_to(outside / "secret.png")
    (images / "pasta").symlink_to(outside, target_is_directory=True)
    # A link to another image inside the folder is refused too: one rule (regular
    # files only), and the same image can be named by its real path.
    (images / "alias.png").symlink_to(images / "real.png")
    (images / "sub").mkdir()
    (images / "sub" / "volta.png").symlink_to("../real.png")
    for name in ("out.png", "pasta/secret.png", "alias.png", "sub/volta.png"):
        assert image_problem(name, images, Settings()).startswith("is a symbolic link"), name
    assert image_problem("real.png", images, Settings()) == ""
    assert image_problem("../outside/secret.png", images, Settings()) != ""


def test_an_images_folder_reached_through_a_link_outside_the_check_is_judged_by_its_real_path(
    tmp_path: Path,
) -> None:
    """Containment is computed on real paths: a configured folder that is itself a link still works."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.png").write_bytes(raster("PNG"))
    (tmp_path / "via").symlink_to(real, target_is_directory=True)
    assert checked_image("a.png", tmp_path / "via", Settings()) == (real.resolve() / "a.png", "")


def test_a_file_is_decoded_once_while_it_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(raster("PNG"))
    decode_problem.cache_clear()
    for _ in range(3):
        assert image_problem("a.png", tmp_path, Settings()) == ""
    assert decode_problem.cache_info().misses == 1
    (tmp_path / "a.png").write_bytes(SVG)  # changed: decoded again, and refused
    assert image_problem("a.png", tmp_path, Settings()) == "is not a valid PNG image"


# --- builds ---------------------------------------------------------------------------


CONF = """\
extensions = ["sphinx_newsletter"]
language = "pt_BR"
html_theme = "furo"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
newsletter_authors_file = "posts/authors.yml"
"""
INDEX = "# Início\n\n```{toctree}\n:hidden:\n\narquivo/index\narquivo/autores/index\n```\n"


def post(name: str, image: str | None, body: str) -> tuple[str, str]:
    head = f'---\ntitle: "{name}"\ndate: 2024-01-07\ntag: "Edição #1 - 08.01.2024"\n'
    head += f"image: {image}\n" if image else ""
    return f"posts/2024-01-07-{name}.md", head + f"---\n{body}\n"


def make_root(tmp: Path, files: dict[str, str | bytes], conf: str = CONF) -> Path:
    src = tmp / "src"
    (src / "posts" / "images").mkdir(parents=True)
    files = {"conf.py": conf, "index.md": INDEX, **files}
    for name, data in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return src


def build(src: Path) -> tuple[SphinxTestApp | None, list[str], SphinxError | None]:
    warning = StringIO()
    try:
        app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=warning)
    except SphinxError as exc:  # a ConfigError stops the build before anything is read
        return None, [], exc
    try:
        app.build()
    finally:
        app.cleanup()
    return app, warnings_of(app), None


def published(src: Path) -> list[Path]:
    return sorted(p for p in src.rglob("*") if p.is_file() and "_build" in p.parts)


def test_images_that_are_not_what_their_name_says_are_not_published(tmp_path: Path) -> None:
    src = make_root(
        tmp_path,
        {
            "posts/images/ok.png": raster("PNG"),
            "posts/images/foto.jpg": raster("JPEG"),
            "posts/images/anim.gif": raster("GIF"),
            "posts/images/nova.webp": raster("WEBP"),
            "posts/images/x.png": SVG,
            "posts/images/pagina.png": HTML,
            "posts/images/bomba.png": png_bomb(20_000, 20_000),
            "posts/images/desenho.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            **dict(
                [
                    post(
                        "bom", "/images/ok.png", "![j](/images/foto.jpg) ![g](/images/anim.gif) ![w](/images/nova.webp)"
                    ),
                    post("falso", "/images/x.png", "texto\n\n![p](/images/pagina.png)\n\n![b](/images/bomba.png)"),
                    post("vetor", "/images/desenho.svg", "![d](/images/desenho.svg)"),
                ]
            ),
        },
    )
    app, logged, error = build(src)
    assert error is None
    log = "\n".join(logged)
    assert "posts/2024-01-07-falso.md:5: WARNING: image 'x.png' is not a valid PNG image; no image shown" in log
    assert "posts/2024-01-07-falso.md:9: WARNING: image '/images/pagina.png' removed: it is not a valid PNG" in log
    assert "posts/2024-01-07-falso.md:11: WARNING: image '/images/bomba.png' removed: it has more than" in log
    assert "posts/2024-01-07-vetor.md:5: WARNING: image '/images/desenho.svg' is an SVG: post images must be" in log
    assert "posts/2024-01-07-vetor.md:7: WARNING: image '/images/desenho.svg' removed: it is an SVG" in log
    shown = ["anim.gif", "foto.jpg", "nova.webp", "ok.png"]
    assert sorted(p.name for p in (app.outdir / "_images").iterdir() if p.is_file()) == shown
    # The card's smaller copies are named by content hash, made only from what was shown.
    variants = sorted(p.name for p in (app.outdir / "_images" / "variants").iterdir())
    assert variants and all(re.fullmatch(r"[0-9a-f]{24}-\d+\.(webp|jpg)", name) for name in variants)
    assert sorted(p.name for p in (src / "arquivo" / "imagens").iterdir()) == shown
    page = (app.outdir / "arquivo/posts/bom.html").read_text(encoding="utf-8")
    for name in shown:
        assert f'src="../../_images/{name}"' in page
    assert "_images/x.png" not in (app.outdir / "arquivo/posts/falso.html").read_text(encoding="utf-8")
    assert not [p for p in app.outdir.rglob("*") if p.suffix in (".svg",) and "_static" not in p.parts]


def test_the_pixel_cap_is_a_config_value(tmp_path: Path) -> None:
    src = make_root(
        tmp_path,
        {"posts/images/ok.png": raster("PNG", (11, 10)), **dict([post("bom", "/images/ok.png", "texto")])},
        conf=CONF + "newsletter_max_image_pixels = 100\n",
    )
    app, logged, error = build(src)
    assert error is None
    assert any("bom.md:5: WARNING: image 'ok.png' has 11x10 pixels, more than 100" in w for w in logged)
    assert not (app.outdir / "_images").exists()


def test_a_symlinked_image_pointing_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "fora" / "segredo.png"
    secret.parent.mkdir()
    secret.write_bytes(raster("PNG"))
    src = make_root(tmp_path, dict([post("atalho", "/images/atalho.png", "texto")]))
    (src / "posts" / "images" / "atalho.png").symlink_to(secret)
    app, logged, error = build(src)
    assert error is None
    assert any("atalho.md:5: WARNING: image 'atalho.png' is a symbolic link" in w for w in logged)
    assert not (app.outdir / "_images").exists() and not (src / "arquivo" / "imagens").exists()


@pytest.mark.parametrize("link", ["posts/images", "posts"])
def test_a_symlinked_configured_folder_stops_the_build_and_names_the_link(tmp_path: Path, link: str) -> None:
    elsewhere = tmp_path / "maquina"
    (elsewhere / "images").mkdir(parents=True)
    (elsewhere / "images" / "segredo.png").write_bytes(raster("PNG"))
    (elsewhere / "2024-01-07-p.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n", encoding="utf-8")
    src = make_root(tmp_path, dict([post("bom", "/images/segredo.png", "texto")]))
    shutil.rmtree(src / link)
    (src / link).symlink_to(elsewhere / "images" if link == "posts/images" else elsewhere, target_is_directory=True)
    app, logged, error = build(src)
    # A located error, not a crash report: the build goes on, reads nothing there, and fails.
    assert error is None and app is not None and app.statuscode == 1
    errors = [line for line in logged if ": ERROR:" in line]
    assert errors[0].startswith(f"{(src / link).as_posix()}:1: ERROR: newsletter_")
    assert f"goes through the symbolic link '{(src / link).as_posix()}' inside the project" in errors[0]
    assert not any(SECRET in line for line in logged)
    assert not list((src / "arquivo").rglob("*.png"))
    assert [p for p in published(src) if SECRET.encode() in p.read_bytes() or "_images" in p.parts] == []


def test_a_configured_folder_outside_the_project_stays_allowed(tmp_path: Path) -> None:
    """conf.py is the maintainer's: a folder it names outside the project, even through a link there, is used."""
    shared = tmp_path / "shared"
    (shared / "images").mkdir(parents=True)
    (shared / "images" / "ok.png").write_bytes(raster("PNG"))
    (tmp_path / "atalho").symlink_to(shared, target_is_directory=True)
    src = make_root(
        tmp_path / "projeto",
        dict([post("bom", "/images/ok.png", "texto")]),
        conf=CONF.replace('"posts/images"', repr(str(tmp_path / "atalho" / "images"))),
    )
    (src / ".git").mkdir()  # the project is src/: tmp_path/atalho is outside it
    app, logged, error = build(src)
    assert error is None and logged == []
    assert [p.name for p in (app.outdir / "_images").iterdir() if p.is_file()] == ["ok.png"]


def test_a_symlinked_registry_is_an_error_that_shows_nothing_of_its_target(tmp_path: Path) -> None:
    secret = tmp_path / "segredo.yml"
    secret.write_text(f"{SECRET}-chave:\n  name: {SECRET}\nroot:x:0:0: {SECRET}\n", encoding="utf-8")
    src = make_root(tmp_path, dict([post("bom", None, "texto")]))
    (src / "posts" / "authors.yml").symlink_to(secret)
    app, logged, error = build(src)
    assert error is None and app is not None and app.statuscode == 1
    errors = [line for line in logged if ": ERROR:" in line]
    assert "newsletter_authors_file" in errors[0] and "posts/authors.yml" in errors[0]
    assert not any(SECRET in line for line in logged)
    # Read directly (no conf.py check), the registry is refused before a byte is read.
    found, problems = load_registry(src / "posts" / "authors.yml", "posts/authors.yml")
    assert len(found) == 0
    assert [(p.line, p.code, p.severity) for p in problems] == [(1, "registry-yaml", "error")]
    assert "symbolic link" in problems[0].message and SECRET not in problems[0].message


def test_a_registry_avatar_goes_through_the_same_image_rule(tmp_path: Path) -> None:
    (tmp_path / "ana.png").write_bytes(SVG)
    (tmp_path / "bia.png").write_bytes(raster("PNG"))
    path = tmp_path / "authors.yml"
    path.write_text(
        "ana:\n  name: Ana\n  avatar: ana.png\nbia:\n  name: Bia\n  avatar: bia.png\n"
        "caio:\n  name: Caio\n  avatar: caio.svg\n",
        encoding="utf-8",
    )
    found, problems = load_registry(path, "authors.yml", images_dir=tmp_path, settings=Settings())
    assert found.authors["ana"].avatar is None and found.authors["bia"].avatar == "bia.png"
    assert found.authors["caio"].avatar is None
    assert [(p.line, p.message) for p in problems] == [
        (
            8,
            "author 'caio': avatar 'caio.svg' is an SVG: post images must be PNG, JPEG, GIF or WebP "
            "(an SVG can run script); no avatar shown",
        ),
        (2, "author 'ana': avatar 'ana.png' is not a valid PNG image; no avatar shown"),
    ]


def test_newsletter_check_reports_a_symlinked_folder_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = make_root(tmp_path, dict([post("bom", None, "texto")]))
    shutil.rmtree(src / "posts" / "images")
    (tmp_path / "fora").mkdir()
    (src / "posts" / "images").symlink_to(tmp_path / "fora", target_is_directory=True)
    out = StringIO()
    assert main(["--conf-dir", str(src), "check"], out=out) == 2
    err = capsys.readouterr().err
    assert "newsletter_images_dir = 'posts/images' goes through the symbolic link" in err
    assert "Traceback" not in err + out.getvalue()
