"""Accent folding for the search index, in Python and (the same rules) in JavaScript.

Readers type "operacoes" for "operações" and "plantao" for "plantão". Sphinx
stems each word of the index with Snowball and each typed word with the same
stemmer in JavaScript; both sides here run one function on the word first:

    term(word) = fold(stem(restore(fold(word))))

:func:`fold` lowercases and drops every combining mark (NFD), so a word and
its unaccented spelling give the same term *by construction*: whatever the
stemmer does, it sees the same input. Snowball's Portuguese suffixes are
written with their accents ("-ações", "-ável", "-ência"), so a folded word
would lose them; :func:`restore` puts the accents back on those endings
(:data:`PORTUGUESE_ENDINGS`) before stemming, and "operacoes", "operações"
and "operação" all give "oper", as Snowball gives for the accented forms.
The final :func:`fold` keeps the index ASCII where the stemmer left an accent.

The JavaScript twin (:func:`javascript`) is generated from the same table, so
the two cannot drift; ``tests/test_search.py`` runs both over the corpus's words.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence

#: (unaccented ending, its accented spelling), for the Portuguese endings that
#: Snowball's Portuguese stemmer removes or rewrites only in their accented
#: form: "-ção/-ções" (a "c" before "-ao/-oes" is a "ç"; and every "-ão/-ões/-ães"), "-ável/-ível(is)",
#: "-ância(s)/-ência(s)", the verbs' "-ávamos/-íamos". Longest first: the first
#: match wins. Over the real archive's 4,094 words, 3,318 of the 3,322 word pairs
#: Snowball joins stay joined (folding before stemming, without this table: 2,913).
PORTUGUESE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("avamos", "ávamos"),
    ("iamos", "íamos"),
    ("ancias", "âncias"),
    ("encias", "ências"),
    ("aveis", "áveis"),
    ("iveis", "íveis"),
    ("ancia", "ância"),
    ("encia", "ência"),
    ("avel", "ável"),
    ("ivel", "ível"),
    ("coes", "ções"),
    ("aes", "ães"),
    ("oes", "ões"),
    ("cao", "ção"),
    ("ao", "ão"),
)
#: Letters a word keeps before a restored ending: "pao" stays "pao" (too short
#: to tell), "plantao" becomes "plantão".
MIN_STEM = 3


def fold(word: str) -> str:
    """*word* in lower case without accents or other combining marks ("Operações" -> "operacoes")."""
    lower = word.lower()
    if lower.isascii():  # most words: nothing to take off
        return lower
    decomposed = unicodedata.normalize("NFD", lower)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def restore(folded: str, endings: Sequence[tuple[str, str]] = PORTUGUESE_ENDINGS) -> str:
    """*folded* with the accents of its ending put back (``"operacoes"`` -> ``"operações"``)."""
    for plain, accented in endings:
        if folded.endswith(plain) and len(folded) - len(plain) >= MIN_STEM:
            return folded[: -len(plain)] + accented
    return folded


def folding_stem(stem: Callable[[str], str], endings: Sequence[tuple[str, str]] = ()) -> Callable[[str], str]:
    """The index term of a word: *stem* between folds (see the module's docstring)."""

    def term(word: str) -> str:
        return fold(stem(restore(fold(word), endings)))

    return term


#: The same three steps in JavaScript. ``\\p{M}`` is the JavaScript name of the
#: combining marks :func:`fold` drops.
_JS = """
(() => {
  const endings = %(endings)s;
  const minStem = %(min_stem)d;
  const fold = (w) => w.toLowerCase().normalize("NFD").replace(/\\p{M}/gu, "");
  const restore = (w) => {
    for (const [plain, accented] of endings)
      if (w.endsWith(plain) && w.length - plain.length >= minStem)
        return w.slice(0, w.length - plain.length) + accented;
    return w;
  };
  const Base = window.Stemmer;
  /* Sphinx's searchtools.js calls new Stemmer().stemWord(word) on each typed word. */
  window.Stemmer = function () {
    const base = new Base();
    this.stemWord = (w) => fold(base.stemWord(restore(fold(w))));
  };
  window.NewsletterSearch = { fold };
})();
"""


def javascript(endings: Sequence[tuple[str, str]] = ()) -> str:
    """JavaScript that wraps the page's ``Stemmer`` the way :func:`folding_stem` wraps *stem*.

    To run after the code that defines ``window.Stemmer`` (Sphinx's stemmer for the language).
    """
    table = json.dumps([list(pair) for pair in endings], ensure_ascii=True)
    return _JS % {"endings": table, "min_stem": MIN_STEM}
