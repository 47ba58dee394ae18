"""Social cards: the 1200x630 PNG a post or edition shows when shared (no Sphinx import).

A card is a :class:`CardText` (what it says: site name, kicker, title,
byline, a few item lines) and a :class:`CardStyle` (colours, logo). Its file
name is :func:`card_digest` of both (and of the font and of this module's
:data:`CARD_VERSION`): a card whose text and style did not change keeps its
file, and costs nothing on a rebuild; a new title is a new file name (social
networks cache an image by its URL). Nothing of the text reaches a path.

Drawing: Noto Sans (OFL, Latin, Greek, Cyrillic and Vietnamese; the
``fontpkg-noto-sans`` package ships it, so no system font and no download) at
two weights of its variable font. Scripts it lacks (Japanese, Arabic...) draw
as boxes: the card never fails for them. The card is a palette PNG: index 0
is the background, then a 32-step ramp from the background to each text
colour (text antialiasing), then up to 159 colours of the logo. One byte a
pixel and long runs of background make it cheap to encode (about 3 ms where an
RGB card takes 15-25 ms), which is what lets a 1,000-post archive have cards.

The lines actually drawn (after wrapping and ellipsis) go into the PNG as an
``iTXt`` chunk (:data:`TEXT_KEY`), so a test or a person can read what a card
says without OCR.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .text import clean_text

if TYPE_CHECKING:
    from PIL import Image as ImageModule
    from PIL import ImageFont

#: Bump when the drawing changes: every card gets a new name.
CARD_VERSION = 1
WIDTH, HEIGHT = 1200, 630
#: The PNG text chunk holding the drawn lines, as JSON.
TEXT_KEY = "newsletter-card"
#: Longest text a card field keeps before wrapping (a hostile 1 MB title costs nothing more).
MAX_FIELD_CHARS = 400
ELLIPSIS = "…"
#: Palette: 0 the background; each colour slot a ramp of RAMP steps; the logo after them.
RAMP = 32
SLOTS = ("text", "accent", "muted")
LOGO_FIRST = 1 + RAMP * len(SLOTS)
LOGO_COLOURS = 256 - LOGO_FIRST
LOGO_BOX = (200, 120)
MARGIN = 80
DEFAULT_COLOURS = {"background": "#0f2a44", "text": "#ffffff", "accent": "#f5b942", "muted": "#b8c7d9"}
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CardText:
    """What a card says; every field is untrusted plain text, cleaned by :func:`card_text`."""

    kind: str  # "post" or "edition"
    site: str
    kicker: str
    title: str
    byline: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CardStyle:
    """Colours (``#rrggbb``) and the logo (its file's bytes, already read by the caller)."""

    background: str = DEFAULT_COLOURS["background"]
    text: str = DEFAULT_COLOURS["text"]
    accent: str = DEFAULT_COLOURS["accent"]
    muted: str = DEFAULT_COLOURS["muted"]
    logo: bytes | None = None

    def colour(self, slot: str) -> tuple[int, int, int]:
        value = getattr(self, slot)
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def style_problem(colours: dict[str, Any]) -> str:
    """Why *colours* (``newsletter_card_colors``) is not usable, or ``""``."""
    unknown = sorted(set(colours) - set(DEFAULT_COLOURS))
    if unknown:
        return f"unknown colours {unknown}; known: {sorted(DEFAULT_COLOURS)}"
    bad = sorted(k for k, v in colours.items() if not (isinstance(v, str) and _HEX.fullmatch(v)))
    return f"colours {bad} must be '#rrggbb'" if bad else ""


def field(value: str) -> str:
    """One card line: :func:`clean_text`, capped, and without what no font draws (surrogates, controls)."""
    text = clean_text(str(value)[: MAX_FIELD_CHARS * 4])
    return unicodedata.normalize("NFC", text)[:MAX_FIELD_CHARS]


def card_text(
    *, kind: str, site: str, kicker: str, title: str, byline: str = "", items: tuple[str, ...] = ()
) -> CardText:
    return CardText(
        kind=kind,
        site=field(site),
        kicker=field(kicker),
        title=field(title),
        byline=field(byline),
        items=tuple(field(item) for item in items[:3]),
    )


def card_digest(text: CardText, style: CardStyle) -> str:
    """The card's file name without ``.png``: a hash of everything it shows.

    Computed for every card on every build (a no-op one too): a tuple's
    ``repr``, not ``asdict`` and JSON, and the style's part once per build.
    """
    fields = (text.kind, text.site, text.kicker, text.title, text.byline, text.items)
    data = repr((_style_key(style), fields)).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:20]


@functools.lru_cache(maxsize=8)
def _style_key(style: CardStyle) -> str:
    """What every card of a style shares: drawing version, font, colours, the logo's bytes (hashed)."""
    logo = hashlib.sha256(style.logo or b"").hexdigest()
    return repr((CARD_VERSION, font_id(), style.background, style.text, style.accent, style.muted, logo))


# --- wrapping (pure: a width function in, lines out) ------------------------------------


def wrap(text: str, width: float, measure: Callable[[str], float], max_lines: int) -> list[str]:
    """*text* in at most *max_lines* lines of at most *width*, broken between words only.

    When it does not fit, the last line ends with an ellipsis after the last
    word that fits. A single word wider than a line (a URL) is the one thing
    cut inside a word, with an ellipsis: there is no other way to show it.
    """
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word if measure(word) <= width else fit(word, width, measure)
        if len(lines) == max_lines:
            return _ellipsised(lines, width, measure)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        return _ellipsised(lines[:max_lines], width, measure)
    return lines


def _ellipsised(lines: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    """*lines* with an ellipsis ending the last one, after whole words (more text followed)."""
    words = lines[-1].split()
    while words and measure(" ".join(words) + ELLIPSIS) > width:
        words.pop()
    last = " ".join(words) + ELLIPSIS if words else fit(lines[-1], width, measure)
    return [*lines[:-1], last]


def one_line(text: str, width: float, measure: Callable[[str], float]) -> str:
    """*text* on one line, ellipsised after its last whole word that fits."""
    lines = wrap(text, width, measure, 1)
    return lines[0] if lines else ""


def fit(text: str, width: float, measure: Callable[[str], float]) -> str:
    """*text*, or its longest start that fits *width* with an ellipsis."""
    if measure(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits, by bisection: measure is the cost
        middle = (low + high + 1) // 2
        if measure(text[:middle] + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


# --- fonts ----------------------------------------------------------------------------


@functools.cache
def font_file() -> str:
    """The Noto Sans variable font that ``fontpkg-noto-sans`` installs."""
    import fontpkg

    return str(fontpkg.path("Noto Sans"))


@functools.cache
def font_id() -> str:
    """Which font draws the cards (its package's version): part of every card's digest."""
    from importlib.metadata import version

    return f"noto-sans-{version('fontpkg-noto-sans')}"


@functools.cache
def font(size: int, weight: int) -> ImageFont.FreeTypeFont:
    """Noto Sans at *size* px and *weight* (100-900); cached per process."""
    from PIL import ImageFont

    loaded = ImageFont.truetype(font_file(), size, layout_engine=ImageFont.Layout.BASIC)
    axes = [a["name"] for a in loaded.get_variation_axes()]
    loaded.set_variation_by_axes([weight if name == b"Weight" else 100 for name in axes])
    return loaded


# --- layout ----------------------------------------------------------------------------

#: Title sizes tried in turn, largest first, until the title fits without an ellipsis.
TITLE_SIZES = (64, 56, 48)
TITLE_LINES = 4


@dataclass(frozen=True, slots=True)
class Line:
    """One drawn line: colour slot, font size and weight, position, text."""

    slot: str
    size: int
    weight: int
    x: int
    y: int
    text: str


def layout(text: CardText, *, logo: bool) -> list[Line]:
    """Every line the card draws, where: the card's content, without pixels."""
    right = WIDTH - MARGIN - (LOGO_BOX[0] + 24 if logo else 0)
    width = WIDTH - 2 * MARGIN
    lines = [Line("muted", 30, 600, MARGIN, 62, one_line(text.site, right - MARGIN, _measure(30, 600)))]
    lines.append(Line("accent", 32, 600, MARGIN, 150, one_line(text.kicker, width, _measure(32, 600))))
    bottom = HEIGHT - 70 - 44 * (len(text.items) + (1 if text.byline else 0))
    top = 210
    title_lines, size = _title(text.title, width, bottom - top)
    y = top
    for part in title_lines:
        lines.append(Line("text", size, 700, MARGIN, y, part))
        y += int(size * 1.22)
    y = max(y + 16, bottom)
    for item in text.items:
        lines.append(Line("text", 30, 400, MARGIN, y, one_line("• " + item, width, _measure(30, 400))))
        y += 44
    if text.byline:
        lines.append(Line("accent", 32, 500, MARGIN, y, one_line(text.byline, width, _measure(32, 500))))
    return [line for line in lines if line.text]


def _title(title: str, width: int, height: int) -> tuple[list[str], int]:
    for size in TITLE_SIZES:
        most = max(1, min(TITLE_LINES, height // int(size * 1.22)))
        measure = _measure(size, 700)
        lines = wrap(title, width, measure, most)
        if not lines or not lines[-1].endswith(ELLIPSIS) or size == TITLE_SIZES[-1]:
            return lines, size
    raise AssertionError("unreachable")  # pragma: no cover


def _measure(size: int, weight: int) -> Callable[[str], float]:
    """The width of a text: the sum of its glyphs' advances (as the basic layout places them)."""

    def measure(text: str) -> float:
        return sum(glyph(size, weight, char)[3] for char in text)

    return measure


@functools.lru_cache(maxsize=8192)
def glyph(size: int, weight: int, char: str) -> tuple[ImageModule.Image | None, int, int, float]:
    """One character's coverage mask, its offset from the pen on the baseline, and its advance.

    Rendered once per process: a variable font's outlines are slow to
    rasterise (its deltas are applied per glyph), and titles share their letters.
    """
    from PIL import Image, ImageDraw

    face = font(size, weight)
    advance = face.getlength(char)
    left, top, right, bottom = (int(v) for v in face.getbbox(char, anchor="ls"))
    if right <= left or bottom <= top:
        return None, 0, 0, advance
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), char, font=face, fill=255, anchor="ls")
    return mask, left, top, advance


# --- drawing ---------------------------------------------------------------------------


def render(text: CardText, style: CardStyle) -> bytes:
    """The card as PNG bytes (palette, 1200x630), its drawn lines in :data:`TEXT_KEY`."""
    from PIL.PngImagePlugin import PngInfo

    base, has_logo = _base(style)
    card = base.copy()
    drawn = layout(text, logo=has_logo)
    for line in drawn:
        _draw_line(card, line)
    info = PngInfo()
    record = {"digest": card_digest(text, style), "lines": [line.text for line in drawn]}
    info.add_itxt(TEXT_KEY, json.dumps(record, ensure_ascii=False))
    out = io.BytesIO()
    # Z_RLE: the card is runs of one index; 3x faster than the default strategy, as small.
    card.save(out, "PNG", compress_level=1, compress_type=3, pnginfo=info)
    return out.getvalue()


#: Room left and right of a line's mask for glyphs that overhang their advance.
_PAD = 16


def _draw_line(canvas: ImageModule.Image, line: Line) -> None:
    """Draw *line* into *canvas* (an ``L`` image of palette indices) in its colour slot's ramp."""
    from PIL import Image

    ascent, descent = font(line.size, line.weight).getmetrics()
    width = int(_measure(line.size, line.weight)(line.text)) + 2 * _PAD
    coverage = Image.new("L", (width, ascent + descent), 0)
    x = float(_PAD)
    for char in line.text:
        mask, left, top, advance = glyph(line.size, line.weight, char)
        if mask is not None:
            coverage.paste(255, (round(x) + left, ascent + top), mask)
        x += advance
    raw = coverage.tobytes()
    indices = Image.frombytes("P", coverage.size, raw.translate(_ramp(line.slot)))
    canvas.paste(indices, (line.x - _PAD, line.y), Image.frombytes("L", coverage.size, raw.translate(_INKED)))


#: Coverage -> a paste mask: every pixel with some ink takes the line's index.
_INKED = bytes([0] + [255] * 255)


@functools.cache
def _ramp(slot: str) -> bytes:
    """Coverage (0-255) -> palette index in *slot*'s ramp (0: the background), a ``bytes.translate`` table."""
    first = 1 + RAMP * SLOTS.index(slot)
    return bytes([0, *(first + (v * RAMP - 1) // 256 for v in range(1, 256))])


def _palette(style: CardStyle, logo_palette: list[int] | None) -> list[int]:
    background = style.colour("background")
    palette = list(background)
    for slot in SLOTS:
        colour = style.colour(slot)
        for step in range(1, RAMP + 1):
            a = step / RAMP
            palette += [round(b + (c - b) * a) for b, c in zip(background, colour, strict=True)]
    palette += logo_palette or []
    return palette + [0] * (768 - len(palette))


@functools.lru_cache(maxsize=8)
def _base(style: CardStyle) -> tuple[ImageModule.Image, bool]:
    """What every card of a build shares: the palette, the background, the accent bar, the logo.

    A ``P`` image; and whether it has the logo.
    """
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(canvas).rectangle((0, HEIGHT - 12, WIDTH, HEIGHT), fill=RAMP * (SLOTS.index("accent") + 1))
    logo = load_logo(style.logo, style.colour("background")) if style.logo else None
    if logo is not None:
        canvas.paste(logo[0], (WIDTH - MARGIN - logo[0].width, 48))
    card = Image.frombytes("P", canvas.size, canvas.tobytes())
    card.putpalette(_palette(style, logo[1] if logo else None))
    return card, logo is not None


def load_logo(data: bytes, background: tuple[int, int, int]) -> tuple[ImageModule.Image, list[int]] | None:
    """The logo fitted into :data:`LOGO_BOX` over *background*: palette indices and their colours.

    ``None`` when *data* is not an image Pillow decodes within its pixel cap
    (the caller warns): a broken logo never stops the cards.
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > 25_000_000:
                return None
            opened.draft("RGB", LOGO_BOX)
            image = opened.convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
    image.thumbnail(LOGO_BOX)
    flat = Image.new("RGBA", image.size, (*background, 255))
    flat.alpha_composite(image)
    quantized = flat.convert("RGB").quantize(colors=LOGO_COLOURS)
    palette = (quantized.getpalette() or [])[: LOGO_COLOURS * 3]
    return _shift(quantized), palette  # quantize() gives a "P" image


def _shift(quantized: ImageModule.Image) -> ImageModule.Image:
    """A ``P`` image's indices moved after the ramps, as an ``L`` image."""
    from PIL import Image

    raw = Image.frombytes("L", quantized.size, quantized.tobytes())
    return raw.point([min(255, v + LOGO_FIRST) for v in range(256)])


def drawn_lines(png: bytes) -> dict[str, Any]:
    """What :func:`render` recorded in a card: ``{"digest": ..., "lines": [...]}``."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return json.loads(image.text[TEXT_KEY])  # type: ignore[attr-defined]
