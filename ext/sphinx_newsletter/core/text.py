"""Text safe to print on one line of a terminal or a log (no Sphinx import)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

#: Characters that render as nothing: every Unicode *format* character (Cf: the
#: bidi embeddings, overrides and isolates of "Trojan Source", the bidi marks,
#: zero-width spaces and joiners, the word joiner, the BOM, the soft hyphen, tag
#: characters) and the fillers and selectors. They let one name look like
#: another, or make text read differently from its bytes.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)

#: Unicode categories that never print as themselves: controls, format
#: characters, surrogates, line and paragraph separators.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """*text* safe on one line of a terminal or a log: nothing in it can end the line or forge another.

    Control and format characters (line ends, escapes, bidi overrides), the
    invisible ones above and line separators are shown as ``\\xNN``/``\\uNNNN``;
    bytes of a file name that are not UTF-8 (surrogate escapes, as
    ``os.fsdecode`` gives them) as ``\\xNN``. Other text is unchanged, so
    escaping twice changes nothing.
    """
    if text.isprintable() and not INVISIBLE.search(text):
        return text
    return "".join(_escape(c) if _hidden(c) else c for c in text)


def _hidden(char: str) -> bool:
    return not char.isprintable() or unicodedata.category(char) in HIDDEN_CATEGORIES or bool(INVISIBLE.match(char))


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# Text hygiene, one rule for every text a post gives (fields, file names, bodies):
# - control characters (C0 but tab and line ends, DEL, C1), non-characters and lone
#   surrogates have no place in text, and XML can't carry them: removed;
# - invisible characters are removed too: every Unicode *format* character (Cf: the
#   bidi embeddings, overrides and isolates of "Trojan Source", the bidi marks,
#   zero-width spaces and joiners, the word joiner, the BOM, the soft hyphen,
#   tag characters) and the fillers and selectors that render as nothing. They
#   let one name look like another, or make text read differently from its bytes.
#   One exception: a zero-width joiner between two emoji (a family, a profession
#   emoji) is part of the emoji and stays.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


_ZWJ = "\u200d"


_SPACE = re.compile(r"\s+")


def clean_text(value: str, report: Callable[[str, str], None] | None = None) -> str:
    """One line of text: NFC, control and invisible characters removed, white space folded.

    *report* is called with ``("control-chars", chars)`` or
    ``("invisible-chars", chars)`` when characters were removed, *chars*
    naming them (``U+202E``).
    """
    if _CONTROL.search(value):
        if report:
            report("control-chars", code_points(_CONTROL.findall(value)))
        value = _CONTROL.sub("", value)
    value = unicodedata.normalize("NFC", value)
    if INVISIBLE.search(value):
        removed: list[str] = []
        value = INVISIBLE.sub(lambda m: _drop_invisible(m, removed), value)
        if removed and report:
            report("invisible-chars", code_points(removed))
    return _SPACE.sub(" ", value).strip()


def _drop_invisible(match: re.Match[str], removed: list[str]) -> str:
    char, text, i = match.group(), match.string, match.start()
    if char == _ZWJ and 0 < i < len(text) - 1 and _is_emoji(text[i - 1]) and _is_emoji(text[i + 1]):
        return char
    removed.append(char)
    return ""


def _is_emoji(char: str) -> bool:
    # Emoji are symbols (So); an emoji sequence may end in U+FE0F or a skin tone (Sk).
    return unicodedata.category(char) == "So" or char == "\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff"


def code_points(chars: Iterable[str], limit: int = 3) -> str:
    """``U+202E, U+200B`` for the distinct *chars*, at most *limit* of them."""
    distinct = sorted(set(chars))
    shown = ", ".join(f"U+{ord(c):04X}" for c in distinct[:limit])
    return shown + (f" and {len(distinct) - limit} more" if len(distinct) > limit else "")


def hidden_in_name(name: str) -> str:
    """Why a file name can't name a post (not UTF-8, control or invisible characters), or ''.

    Names come from :func:`os.fsdecode`: bytes that are not UTF-8 arrive as lone
    surrogates (U+DC80-U+DCFF).
    """
    if any("\udc80" <= c <= "\udcff" for c in name):
        return "is not UTF-8"
    odd = [c for c in name if unicodedata.category(c) in HIDDEN_CATEGORIES or INVISIBLE.match(c)]
    if odd:
        return f"contains control or invisible characters ({code_points(odd)})"
    return ""


def shorten(text: str, limit: int) -> str:
    """*text*, or when longer than *limit* its first *limit* characters cut back to a word, and "…"."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
