"""The weight of the heaviest edition page and the build cost of the image variants.

Builds the real archive (``shared/corpus/srebrasil``: its posts and images,
with the site's ``docs/`` project) twice in this process, so the build's own
numbers (``app.newsletter_variant_stats``) can be read: a first build on an
empty output folder (every image encoded) and a no-op rebuild (none should
be). Then, for each edition page, its weight as a reader downloads it: the
HTML and every card image on it, once scrolled to the end. Which copy a
browser takes is worked out as the HTML standard says for ``srcset`` with
``w`` descriptors: the narrowest candidate at least ``sizes`` × the screen's
density wide (else the widest). Style sheets, scripts and fonts are the same
on every page (and cached after the first): not counted.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass
from html import unescape
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

IMG = re.compile(r"<img [^>]*nl-card-img[^>]*>")
ATTR = re.compile(r'([a-z]+)="([^"]*)"')
KIB = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PageWeight:
    page: str
    html: int
    images: int
    #: What the images weighed before variants: every card loads the original file.
    originals: int
    cards: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageBench:
    images: int
    encoded: int
    written: int
    variants_bytes: int
    first_seconds: float
    first_build_seconds: float
    noop_seconds: float
    noop_encoded: int
    heaviest: dict[float, PageWeight]

    def text(self) -> str:
        """The report's section (Markdown)."""
        lines = [
            "## Images (the real archive)",
            "",
            f"- Variants: {self.images} images, {self.encoded} encoded into {self.written} files "
            f"({self.variants_bytes / KIB:,.0f} KiB) in {self.first_seconds:.1f} s "
            f"of a {self.first_build_seconds:.0f} s first build.",
            f"- No-op rebuild: {self.noop_encoded} images encoded, image step {self.noop_seconds * 1000:.0f} ms.",
            "",
            "| heaviest edition page | screen | HTML | images | total | images before variants |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for density, page in sorted(self.heaviest.items()):
            total = page.html + page.images
            lines.append(
                f"| {page.page} ({page.cards} cards) | {density:g}x | {page.html / KIB:,.0f} KiB "
                f"| {page.images / KIB:,.0f} KiB | {total / KIB:,.0f} KiB | {page.originals / KIB:,.0f} KiB |"
            )
        return "\n".join(lines) + "\n"


def chosen(img: dict[str, str], density: float) -> str:
    """The URL a browser at *density* device pixels per CSS pixel takes for a large viewport."""
    if "srcset" not in img:
        return img["src"]
    candidates = sorted((int(w[:-1]), url) for url, w in (c.split() for c in img["srcset"].split(", ")))
    shown = int(img["sizes"].rsplit(" ", 1)[1].removesuffix("px"))  # "(max-width: Npx) 100vw, Npx"
    return next((url for width, url in candidates if width >= shown * density), candidates[-1][1])


def page_weight(page: Path, outdir: Path, density: float) -> PageWeight:
    text = page.read_text(encoding="utf-8")
    tags = [{k: unescape(v) for k, v in ATTR.findall(tag)} for tag in IMG.findall(text)]

    def size(url: str) -> int:
        return (page.parent / unquote(url)).resolve().stat().st_size

    return PageWeight(
        page=page.relative_to(outdir).as_posix(),
        html=len(text.encode()),
        images=sum(size(chosen(img, density)) for img in tags),
        originals=sum(size(img["src"]) for img in tags),
        cards=len(tags),
    )


def build(src: Path, out: Path, posts: Path, images: Path) -> tuple[object, float]:
    from sphinx.application import Sphinx

    started = time.perf_counter()
    app = Sphinx(
        str(src),
        str(src),
        str(out / "html"),
        str(out / "doctrees"),
        "html",
        confoverrides={"newsletter_posts_dir": str(posts), "newsletter_images_dir": str(images)},
        status=StringIO(),
        warning=StringIO(),
        freshenv=False,
    )
    app.build()
    return app, time.perf_counter() - started


def measure(corpus: Path, docs: Path, work: Path) -> ImageBench:
    """Build *corpus* with the site in *docs* under *work*, twice; weigh the edition pages."""
    shutil.rmtree(work, ignore_errors=True)
    src, out = work / "src", work / "out"
    shutil.copytree(docs, src, ignore=shutil.ignore_patterns("_build", "arquivo"))
    first, first_total = build(src, out, corpus / "_posts", corpus / "images")
    stats = first.newsletter_variant_stats  # type: ignore[attr-defined]
    second, _ = build(src, out, corpus / "_posts", corpus / "images")
    noop = second.newsletter_variant_stats  # type: ignore[attr-defined]
    html = out / "html"
    variants = html / "_images" / "variants"
    editions = sorted((html / "arquivo" / "edicoes").glob("*.html"))
    heaviest = {}
    for density in (1.0, 2.0):
        weights = [page_weight(page, html, density) for page in editions]
        heaviest[density] = max(weights, key=lambda w: w.html + w.images)
    return ImageBench(
        images=stats.images,
        encoded=stats.encoded,
        written=stats.written,
        variants_bytes=sum(p.stat().st_size for p in variants.iterdir()) if variants.is_dir() else 0,
        first_seconds=stats.seconds,
        first_build_seconds=first_total,
        noop_seconds=noop.seconds,
        noop_encoded=noop.encoded,
        heaviest=heaviest,
    )


if __name__ == "__main__":  # python -m bench.images SHARED/corpus/srebrasil
    import sys

    repo = Path(__file__).resolve().parent.parent
    print(measure(Path(sys.argv[1]), repo / "docs", repo / "bench" / "_work" / "images").text())
