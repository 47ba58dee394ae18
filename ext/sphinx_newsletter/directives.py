"""The ``nl:*`` directives: each takes a key, fetches values from the model, builds nodes.

Each directive also tells the domain which part of the archive its page
shows (:meth:`NewsletterDomain.note_dependency`), so the page is re-read when
that part changes, and registers the post, edition or author it stands for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import nodes as nl
from .core import browse
from .domain import NewsletterDomain, get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from .core.layout import Layout
    from .core.model import Archive

_ = get_translation("sphinx_newsletter")
logger = logging.getLogger(__name__)


class NewsletterDirective(SphinxDirective):
    """A directive that shows part *kind* of the archive."""

    kind: ClassVar[str] = ""
    required_arguments = 0
    optional_arguments = 1
    has_content = False

    @property
    def domain(self) -> NewsletterDomain:
        return get_domain(self.env)

    @property
    def archive(self) -> Archive:
        archive = self.domain.archive
        assert archive is not None, "the archive is loaded at builder-inited"
        return archive

    @property
    def layout(self) -> Layout:
        config = self.domain.nl_config
        assert config is not None, "the config is read at builder-inited"
        return config.layout

    @property
    def language(self) -> str | None:
        return self.config.language

    @property
    def argument(self) -> str:
        return self.arguments[0].strip() if self.arguments else ""

    def run(self) -> list[nodes.Node]:
        self.domain.note_dependency(self.env.docname, self.kind, self.argument)
        result = self.build()
        for node in result:
            if isinstance(node, nl.link_list):
                self.set_source_info(node)  # for the warning about a link it can't resolve
        return result

    def build(self) -> list[nodes.Node]:
        raise NotImplementedError

    def missing(self, what: str) -> list[nodes.Node]:
        logger.warning(
            _("%s %r is not in the archive"),
            what,
            self.argument,
            location=self.get_location(),
            type="newsletter",
            subtype="unknown-key",
        )
        return []


class HighlightCardDirective(NewsletterDirective):
    """``{nl:highlight-card} key``: the card of any post, anywhere."""

    kind = "post"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        post = self.archive.posts.get(self.argument)
        return [nl.highlight_card(post, self.layout)] if post else self.missing("post")


class AuthorBoxDirective(NewsletterDirective):
    """``{nl:author-box} key``: the author box of any post, anywhere."""

    kind = "post"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        post = self.archive.posts.get(self.argument)
        if post is None:
            return self.missing("post")
        return [nl.author_box(post, self.archive.author_of(post), self.env.docname, self.layout)]


class EditionDirective(NewsletterDirective):
    """``{nl:edition} 35``: an edition's cards and links to its neighbours."""

    kind = "edition"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        number = int(self.argument) if self.argument.isdigit() else -1
        edition = self.archive.editions.get(number)
        if edition is None:
            return self.missing("edition")
        title = nl.edition_title(edition, self.language)
        self.domain.note_object("edition", edition.key, title, self.env.docname)
        posts = [self.archive.posts[k] for k in edition.posts]
        cards = [nl.post_card(p, self.archive, self.layout, self.env.docname, excerpt=True) for p in posts]
        return [nl.card_grid(cards), nl.edition_nav(self.archive, edition, self.language, self.env.docname)]


class LatestDirective(NewsletterDirective):
    """``{nl:latest}``: the latest edition as cards, for the home page."""

    kind = "latest"

    def build(self) -> list[nodes.Node]:
        edition = self.archive.latest_edition()
        if edition is None:
            return [nl.paragraph(_("No editions yet."))]
        heading = nl.paragraph(
            nl.xref("edition", edition.key, nl.edition_title(edition, self.language), self.env.docname),
            classes=["nl-latest-title"],
        )
        posts = [self.archive.posts[k] for k in edition.posts]
        cards = [nl.post_card(p, self.archive, self.layout, self.env.docname, excerpt=True, level=3) for p in posts]
        return [heading, nl.card_grid(cards)]


class AuthorDirective(NewsletterDirective):
    """``{nl:author} key``: an author's profile link and posts, newest first."""

    kind = "author"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        author = self.archive.authors.get(self.argument)
        if author is None:
            return self.missing("author")
        self.domain.note_object("author", author.key, author.name, self.env.docname)
        result: list[nodes.Node] = nl.author_details(author, self.layout)
        count = nl.post_count(len(author.posts))
        intro = nl.paragraph(count, classes=["nl-author-count"])
        if author.url:
            intro += nodes.Text(" · ")
            intro += nl.ext_link(author.url, _("Profile"), classes=["nl-profile"])
        result.append(intro)
        posts = [self.archive.posts[k] for k in author.posts]
        result.append(nl.post_list(posts, self.archive, self.language))
        return result


class AuthorsDirective(NewsletterDirective):
    """``{nl:authors}``: every author with their number of posts."""

    kind = "authors"

    def build(self) -> list[nodes.Node]:
        rows = [
            ((nl.ref("author", author.key, author.name), f" ({nl.post_count(len(author.posts))})"), ())
            for author in sorted(self.archive.authors.values(), key=lambda a: a.name.casefold())
        ]
        return [nl.link_list(classes=["nl-author-list"], rows=rows)]


class YearDirective(NewsletterDirective):
    """``{nl:year} 2022``: the year's editions, newest first, with their posts."""

    kind = "year"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        year = int(self.argument) if self.argument.isdigit() else -1
        editions = self.archive.years().get(year)
        if not editions:
            return self.missing("year")
        rows = [nl.edition_summary(self.archive, edition, self.language) for edition in editions]
        return [nl.link_list(classes=["nl-edition-list"], rows=rows)]


class ArchiveDirective(NewsletterDirective):
    """``{nl:archive}``: every edition, grouped by year, newest first.

    One line per edition (its title and number of posts), not its posts: the
    year pages list those, and this page stays one line per edition however
    many posts an edition has.
    """

    kind = "archive"

    def build(self) -> list[nodes.Node]:
        layout, here = self.layout, self.env.docname
        # The two index pages exist when there is something to list (core.render.render_pages).
        links: list[nodes.Node | str] = []
        if self.archive.editions:
            links.append(nl.doc_link(layout.docname(layout.editions_index), _("All editions"), here))
        if self.archive.posts:
            links += [" · "] if links else []
            links.append(nl.doc_link(layout.docname(layout.posts_index), _("All posts"), here))
        result: list[nodes.Node] = [nl.paragraph(*links, classes=["nl-all-links"])] if links else []
        for year, editions in self.archive.years().items():
            title = nl.paragraph(nodes.strong(str(year), str(year)), classes=["nl-year"])
            rows = [
                (
                    (
                        nl.ref("edition", edition.key, nl.edition_title(edition, self.language)),
                        f" ({nl.post_count(len(edition.posts))})",
                    ),
                    (),
                )
                for edition in editions
            ]
            result += [title, nl.link_list(classes=["nl-edition-list"], rows=rows)]
        if self.archive.loose:
            loose = [self.archive.posts[k] for k in self.archive.loose]
            result += [
                nl.paragraph(nodes.strong("", _("Loose posts")), classes=["nl-year"]),
                nl.post_list(loose, self.archive, self.language),
            ]
        return result


class EditionsDirective(NewsletterDirective):
    """``{nl:editions}``: every edition, newest first, with its date and number of posts."""

    kind = "editions"

    def build(self) -> list[nodes.Node]:
        rows = [
            ((nl.ref("edition", e.key, nl.edition_title(e, self.language)), f" ({nl.post_count(len(e.posts))})"), ())
            for e in self.archive.editions_newest_first()
        ]
        return [nl.link_list(classes=["nl-edition-list"], rows=rows)]


class PostsDirective(NewsletterDirective):
    """``{nl:posts}``: every post, newest first (the older/newer order of the post pages, reversed)."""

    kind = "posts"

    def build(self) -> list[nodes.Node]:
        posts = [self.archive.posts[k] for k in reversed(browse.timeline(self.archive))]
        return [nl.post_list(posts, self.archive, self.language)]


class LooseDirective(NewsletterDirective):
    """``{nl:loose}``: posts that belong to no edition."""

    kind = "loose"

    def build(self) -> list[nodes.Node]:
        posts = [self.archive.posts[k] for k in self.archive.loose]
        return [nl.post_list(posts, self.archive, self.language)]


class MonthDirective(NewsletterDirective):
    """``{nl:month} 2022-03``: the editions dated in the month (newest first, with their posts).

    Then the month's posts in no edition, then the posts dated in the month
    whose edition is filed under another month; links to the older and newer
    months and back to the archive.
    """

    kind = "month"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        month = browse.months(self.archive).get(self.argument)
        if month is None:
            return self.missing("month")
        title = nl.month_title(month.year, month.month, self.language)
        self.domain.note_object("month", month.key, title, self.env.docname)
        result: list[nodes.Node] = []
        if month.editions:
            rows = [nl.edition_summary(self.archive, self.archive.editions[n], self.language) for n in month.editions]
            result.append(nl.link_list(classes=["nl-edition-list"], rows=rows))
        for heading, keys in (
            (_("Loose posts"), month.loose),
            (_("Also dated this month, in editions of another month"), month.elsewhere),
        ):
            if keys:
                result.append(nl.paragraph(nodes.strong("", heading), classes=["nl-year"]))
                result.append(nl.post_list([self.archive.posts[k] for k in keys], self.archive, self.language))
        archive_index = self.layout.docname(self.layout.index)
        result.append(nl.month_nav(self.archive, month.key, self.language, self.env.docname, archive_index))
        return result


class MonthsDirective(NewsletterDirective):
    """``{nl:months} 2022``: links to the year's month pages (every month without a year)."""

    kind = "months"

    def build(self) -> list[nodes.Node]:
        year = int(self.argument) if self.argument.isdigit() else None
        found = browse.months_of_year(self.archive, year)
        if not found:
            return []
        line = nl.month_links(found, self.language, self.env.docname)
        line.insert(0, nodes.strong("", _("By month:")))
        line.insert(1, nodes.Text(" "))
        return [line]


class CategoryDirective(NewsletterDirective):
    """``{nl:category} key``: the posts of one category or tag, newest first."""

    kind = "category"
    required_arguments = 1
    optional_arguments = 0

    def build(self) -> list[nodes.Node]:
        category = browse.categories(self.archive).get(self.argument)
        if category is None:
            return self.missing("category")
        self.domain.note_object("category", category.key, category.name, self.env.docname)
        posts = [self.archive.posts[k] for k in category.posts]
        return [nl.post_list(posts, self.archive, self.language)]


class CategoriesDirective(NewsletterDirective):
    """``{nl:categories}``: every category with its number of posts."""

    kind = "categories"

    def build(self) -> list[nodes.Node]:
        rows = [
            ((nl.ref("category", category.key, category.name), f" ({nl.post_count(len(category.posts))})"), ())
            for category in browse.categories(self.archive).values()
        ]
        return [nl.link_list(classes=["nl-category-list"], rows=rows)]


class PreviousEditionsDirective(NewsletterDirective):
    """``{nl:previous-editions} 5``: the editions before the latest one, for the home page."""

    kind = "previous"

    @property
    def argument(self) -> str:
        return super().argument or "5"

    def build(self) -> list[nodes.Node]:
        if not self.argument.isdigit():
            return self.missing("count")
        numbers = browse.previous_editions(self.archive, int(self.argument))
        rows = [nl.edition_summary(self.archive, self.archive.editions[n], self.language) for n in numbers]
        return [nl.link_list(classes=["nl-edition-list", "nl-previous-editions"], rows=rows)] if rows else []


DIRECTIVES: dict[str, type[NewsletterDirective]] = {
    "highlight-card": HighlightCardDirective,
    "author-box": AuthorBoxDirective,
    "edition": EditionDirective,
    "latest": LatestDirective,
    "author": AuthorDirective,
    "authors": AuthorsDirective,
    "year": YearDirective,
    "archive": ArchiveDirective,
    "loose": LooseDirective,
    "editions": EditionsDirective,
    "posts": PostsDirective,
    "month": MonthDirective,
    "months": MonthsDirective,
    "category": CategoryDirective,
    "categories": CategoriesDirective,
    "previous-editions": PreviousEditionsDirective,
}


def setup(app: Sphinx) -> None:
    for name, directive in DIRECTIVES.items():
        app.add_directive_to_domain("nl", name, directive)
