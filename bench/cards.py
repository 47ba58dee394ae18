"""The social cards' share of a build: how many, how big, and what drawing one costs.

The full builds of the bench have the cards on (the docs' ``conf.py`` sets
``html_baseurl``), so the targets judge the site with its cards. This adds
what they cost: the files a full build left in ``_cards/``, and the time to
draw one card, measured in the project's Python on the corpus' own titles
(a warm process, as in a build: the font and the glyphs are loaded once; CPU
time, which a shared machine inflates less than wall time).
Cards x time per card is the CPU time they add to a full build; they are
drawn in a child process beside the writing phase, so on a machine with a
spare core a ``-j 1`` build's wall time hides most of it (the full-build
targets judge that wall time).
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

#: Titles drawn to time a card: enough for a stable median on a shared machine.
SAMPLE = 200

_TIMER = """
import json, sys, time
from sphinx_newsletter.core import cards
titles = json.load(sys.stdin)
style = cards.CardStyle()
def text(title):
    return cards.card_text(kind="post", site="Destaques da Newsletter",
        kicker="Edição #123 · 7 de novembro de 2022", title=title, byline="Comentado por Fulana de Tal")
cards.render(text("warm-up"), style)
times = []
for title in titles:
    start = time.process_time()
    cards.render(text(title), style)
    times.append(time.process_time() - start)
times.sort()
print(json.dumps(times[len(times) // 2]))
"""


def card_files(html: Path) -> tuple[int, int]:
    """The number of cards a build wrote, and their bytes."""
    files = [p for p in (html / "_cards").glob("*.png") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def seconds_per_card(python: Path, titles: Sequence[str]) -> float | None:
    """The median time to draw one post's card in the project's Python, or None when it can't."""
    sample = list(titles)[:SAMPLE]
    if not sample:
        return None
    try:
        done = subprocess.run(
            [str(python), "-c", _TIMER],
            input=json.dumps(sample),
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return float(json.loads(done.stdout))
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
