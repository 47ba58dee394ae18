"""Text safe to print on one line of a terminal or a log (no Sphinx import)."""

from __future__ import annotations

import re
import unicodedata

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
