"""Social cards in the build: one PNG per post and edition page, named by what it shows.

:mod:`..core.cards` draws them; this module decides what each card says
(the page's title, edition and date, commentator, the site's name), where it
goes (``_cards/<digest>.png`` at the output root: the name is a hash, never
the title) and when it is drawn:

- at ``env-updated`` (the sources are read, the archive is complete): the
  cards whose file is missing are drawn in a forked child process while
  Sphinx writes the pages, on the core a ``-j 1`` build leaves idle. Each
  file is content-addressed and written atomically; nothing of Sphinx is
  touched there.
- at ``build-finished`` (main process): wait for that child, draw what is
  still missing (a handful, after an edit: no child for those), and remove
  every file of the folder that no page wants any more (a deleted post, an
  edited title, cards turned off). A no-op rebuild draws nothing: it lists
  the folder once and computes each card's digest (a hash of a few strings).

The page's tags (:mod:`.seo`, at ``html-page-context``) only compute the
card's name. ``{nl:social-card} key`` shows a post's card in a page.

Only with ``html_baseurl``: the cards exist for ``og:image``, which needs an absolute URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging

from ..core import cards as draw
from ..core.background import beside
from ..core.files import remove_partials, write_atomic
from ..directives import NewsletterDirective
from ..events import AFTER_OUTPUTS
from .site import Site, site_for

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)
_ = get_translation("sphinx_newsletter")

#: The largest logo file read (a logo is a few KB; this bounds what a bad path costs).
MAX_LOGO_BYTES = 5_000_000
_CARD_FILE = re.compile(r"[0-9a-f]{20}\.png")


@dataclass(frozen=True, slots=True, kw_only=True)
class CardsConfig:
    enabled: bool
    style: draw.CardStyle


@dataclass(frozen=True, slots=True)
class Card:
    """A page's card: what it says, its file (from the output root) and the text for ``og:image:alt``."""

    text: draw.CardText
    digest: str
    path: str
    alt: str


def config_inited(app: Sphinx, config: Config) -> None:
    """Validate the card values once; a bad colour stops the build, a bad logo is a warning."""
    problem = draw.style_problem(config.newsletter_card_colors)
    if problem:
        raise ConfigError(f"newsletter_card_colors: {problem}")
    logo = read_logo(Path(app.confdir), config.newsletter_card_logo) if config.newsletter_card_logo else None
    style = draw.CardStyle(**config.newsletter_card_colors, logo=logo)
    app.newsletter_cards = CardsConfig(enabled=config.newsletter_cards, style=style)  # type: ignore[attr-defined]


def read_logo(confdir: Path, value: str) -> bytes | None:
    """The logo file's bytes, when it is a regular image file inside the project; else a warning and ``None``."""
    from ..config import project_root
    from ..core.paths import inside

    path = inside(project_root(confdir), Path(confdir) / value)
    problem = ""
    data = b""
    if path is None:
        problem = "is not a file inside the project"
    else:
        try:
            if not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
                problem = f"is not a regular file of at most {MAX_LOGO_BYTES:,} bytes"
            else:
                data = path.read_bytes()
        except OSError as exc:
            problem = f"can't be read ({exc.strerror})"
    if not problem and draw.load_logo(data, (0, 0, 0)) is None:
        problem = "is not an image Pillow can read"
    if problem:
        logger.warning(
            "newsletter_card_logo = %r %s: cards are drawn without a logo",
            value,
            problem,
            type="newsletter",
            subtype="card-logo",
            location=conf_location(confdir, "newsletter_card_logo"),
        )
        return None
    return data


def conf_location(confdir: Path, name: str) -> str:
    """``conf.py:<line>`` of the line that sets *name* (line 1 when ``-D`` set it)."""
    path = confdir / "conf.py"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    line = next((i for i, text in enumerate(lines, 1) if text.lstrip().startswith(name)), 1)
    return f"{path}:{line}"


def cards_config(app: Sphinx) -> CardsConfig | None:
    return getattr(app, "newsletter_cards", None)


def card_text(site: Site, pagename: str, site_name: str, language: str | None) -> draw.CardText | None:
    """What the card of *pagename* says, or ``None`` for a page without a card (not a post or edition)."""
    post = site.post_at(pagename)
    if post is not None:
        return post_card(site, post.key, site_name, language)
    edition = site.edition_at(pagename)
    return edition_card(site, edition.number, site_name, language) if edition is not None else None


def post_card(site: Site, key: str, site_name: str, language: str | None) -> draw.CardText:
    from ..nodes import edition_title, format_date

    post = site.archive.posts[key]
    edition = site.archive.edition_of(post)
    kicker = edition_title(edition, language) if edition else format_date(post.date.date(), language)
    byline = _("Commented by %s") % post.author_name if post.author_name else ""
    return draw.card_text(kind="post", site=site_name, kicker=kicker, title=post.title, byline=byline)


def edition_card(site: Site, number: int, site_name: str, language: str | None) -> draw.CardText:
    from ..nodes import format_date

    edition = site.archive.editions[number]
    posts = [site.archive.posts[key] for key in edition.posts if key in site.archive.posts]
    names = list(dict.fromkeys(p.author_name for p in posts if p.author_name))
    return draw.card_text(
        kind="edition",
        site=site_name,
        kicker=format_date(edition.date, language),
        title=_("Edition #%s") % number,
        byline=_("Commented by %s") % ", ".join(names) if names else "",
        items=tuple(p.title for p in posts[:3]),
    )


def page_card(app: Sphinx, site: Site, pagename: str) -> Card | None:
    """The card of *pagename*, or ``None`` (its file is drawn by :func:`start_drawing`)."""
    config = cards_config(app)
    if config is None or not config.enabled or not site.base:
        return None
    text = card_text(site, pagename, app.config.project, app.config.language)
    if text is None:
        return None
    return _card(site, text, config.style)


def _card(site: Site, text: draw.CardText, style: draw.CardStyle) -> Card:
    digest = draw.card_digest(text, style)
    return Card(text=text, digest=digest, path=site.layout.card(digest), alt=text.title)


def ensure_card(site: Site, card: Card, style: draw.CardStyle, existing: set[str] | None = None) -> bool:
    """Draw *card*'s file unless it is there; whether it was drawn."""
    target = Path(site.outdir) / card.path
    if (card.digest + ".png" in existing) if existing is not None else target.is_file():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, draw.render(card.text, style))
    return True


def wanted_cards(app: Sphinx, site: Site) -> list[Card]:
    """Every card the site shows: one per post, one per edition."""
    config = cards_config(app)
    if config is None or not config.enabled or not site.base:
        return []
    name, language = app.config.project, app.config.language
    texts = [post_card(site, key, name, language) for key in site.archive.posts]
    texts += [edition_card(site, number, name, language) for number in site.archive.editions]
    return [_card(site, text, config.style) for text in texts]


def existing_cards(site: Site) -> set[str]:
    """The names in the cards folder (one listing: a no-op build stats no card)."""
    try:
        return {entry.name for entry in (Path(site.outdir) / site.layout.cards).iterdir()}
    except OSError:
        return set()


def start_drawing(app: Sphinx, env: object) -> None:
    """At ``env-updated``: draw the missing cards in a child process while Sphinx writes the pages.

    The cards depend on the archive alone, which is complete once the sources
    are read; drawing them beside the writing phase uses the core a ``-j 1``
    build leaves idle (:mod:`..core.background`: a forked child at the lowest
    priority; the card texts are already in its memory; it touches no Sphinx
    state and writes each file atomically, under a name no other card has).
    :func:`build_finished` waits for it, then draws whatever is still missing
    (a few cards, no fork, or a child that died).
    """
    site = site_for(app)
    config = cards_config(app)
    if site is None or config is None:
        return
    existing = existing_cards(site)
    wanted = wanted_cards(app, site)
    app.newsletter_cards_wanted = wanted  # type: ignore[attr-defined]  # the archive won't change before the end
    missing = [card for card in wanted if card.digest + ".png" not in existing]
    if len(missing) <= INLINE_CARDS:
        return
    (Path(site.outdir) / site.layout.cards).mkdir(parents=True, exist_ok=True)
    outdir, style = Path(site.outdir), config.style
    app.newsletter_card_worker = beside(lambda: _draw_all(outdir, missing, style), fork=True)  # type: ignore[attr-defined]


#: Missing cards drawn at the end of the build, without a child process (an edit-one-post rebuild: 2).
INLINE_CARDS = 16


def _draw_all(outdir: Path, cards: list[Card], style: draw.CardStyle) -> int:
    """The child's work: draw and write each card (nothing else: no Sphinx, no logging)."""
    for card in cards:
        write_atomic(outdir / card.path, draw.render(card.text, style))
    return len(cards)


def wait_for_drawing(app: Sphinx) -> None:
    drawn: Callable[[], int] | None = getattr(app, "newsletter_card_worker", None)
    if drawn is not None:
        app.newsletter_card_worker = None  # type: ignore[attr-defined]
        drawn()


def build_finished(app: Sphinx, exception: BaseException | None) -> None:
    """Wait for the child drawing cards; draw what is still missing; remove the cards no page wants."""
    wait_for_drawing(app)
    site = site_for(app, exception)
    config = cards_config(app)
    if site is None or config is None:
        return
    folder = Path(site.outdir) / site.layout.cards
    existing = existing_cards(site)
    wanted = getattr(app, "newsletter_cards_wanted", None)
    app.newsletter_cards_wanted = None  # type: ignore[attr-defined]
    if wanted is None:
        wanted = wanted_cards(app, site)
    drawn = sum(ensure_card(site, card, config.style, existing) for card in wanted)
    keep = {card.digest + ".png" for card in wanted}
    stale = [name for name in existing if _CARD_FILE.fullmatch(name) and name not in keep]
    for name in stale:
        (folder / name).unlink(missing_ok=True)
    if existing:
        remove_partials(folder)
    if drawn or stale:
        logger.info("newsletter: social cards: %d drawn, %d removed", drawn, len(stale))


def card_tags(card: Card, site: Site) -> list[tuple[str, str, str]]:
    """(attribute, property, content) of the card's meta tags, for :mod:`.seo`."""
    url = site.file_url(card.path)
    return [
        ("property", "og:image", url),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", str(draw.WIDTH)),
        ("property", "og:image:height", str(draw.HEIGHT)),
        ("property", "og:image:alt", card.alt),
        ("name", "twitter:image", url),
        ("name", "twitter:image:alt", card.alt),
    ]


# --- showing a card in a page: ``{nl:social-card} key`` (the guide's picture) -----------


class social_card(nodes.General, nodes.Element):
    """Where a post's card goes; replaced at ``doctree-resolved`` by an image, or removed."""


class SocialCardDirective(NewsletterDirective):
    """``{nl:social-card} key``: the social card of a post, as the build drew it."""

    kind = "post"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        if self.argument not in self.archive.posts:
            return self.missing("post")
        return [social_card(key=self.argument)]


def resolve_social_cards(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each :class:`social_card` becomes the image of the post's card (HTML with cards), or nothing."""
    from sphinx.util.osutil import relative_uri

    found = list(doctree.findall(social_card))
    if not found:
        return
    site = site_for(app)
    config = cards_config(app)
    for node in found:
        key = node["key"]
        if site is None or config is None or not config.enabled or not site.base or key not in site.archive.posts:
            node.parent.remove(node)
            continue
        card = _card(site, post_card(site, key, app.config.project, app.config.language), config.style)
        uri = relative_uri(app.builder.get_target_uri(docname), card.path)
        # Candidate "?": not an image Sphinx copies (the build writes the card itself).
        image = nodes.image(uri=uri, candidates={"?": uri}, alt=card.alt, width="600px", classes=["nl-social-card"])
        node.replace_self(image)


def setup(app: Sphinx) -> None:
    app.connect("config-inited", config_inited)
    app.connect("env-updated", start_drawing)
    app.connect("build-finished", build_finished, priority=AFTER_OUTPUTS)  # the child draws meanwhile
    app.add_directive_to_domain("nl", "social-card", SocialCardDirective)
    app.connect("doctree-resolved", resolve_social_cards)
