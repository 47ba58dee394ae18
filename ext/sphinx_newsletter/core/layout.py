"""The site's layout: folders, page names and URLs of what the extension generates (no Sphinx import).

The only place that knows them. Generated pages live in one folder inside
the source folder (``newsletter_output_dir``, ``arquivo`` by default)::

    arquivo/index            the archive           arquivo/posts/<key>        a post
    arquivo/posts/index      every post (orphan)   arquivo/edicoes/index      every edition (orphan)
    arquivo/<year>           a year                arquivo/edicoes/<n>        an edition
    arquivo/<year>/<month>   a month (orphan)      arquivo/autores/index      the authors
    arquivo/avulsos          posts in no edition   arquivo/autores/<key>      an author
    arquivo/categorias/index the categories        arquivo/categorias/<key>   a category
    arquivo/imagens/...      the mirrored post images (not pages)

and the whole-site files at the output root: ``feed.xml``, ``atom.xml``,
``feeds/edicoes/<n>.xml``, ``feeds/autores/<key>.xml``, ``sitemap.xml``,
``archive.json``. A *page* name (``posts/x``) is relative to the output
folder, as :mod:`.render` writes it; a *docname* (``arquivo/posts/x``) is
Sphinx's, relative to the source folder. :meth:`Layout.page_of` reads a
docname back as ``(kind, key)``.

The old Jekyll site's URLs (``/edicao3/``, ``/marco2022/``) are not here:
they are the old site's, fixed whatever this layout is, and
:mod:`.oldurls` owns them with the rules for who claims each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Archive, Edition, Post


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    """Where generated pages and files live; built from ``newsletter_output_dir``."""

    #: The folder, inside the source folder, of the generated pages (``arquivo``, ``site/arq``).
    output_dir: str = "arquivo"
    posts: str = "posts"
    editions: str = "edicoes"
    authors: str = "autores"
    loose: str = "avulsos"
    categories: str = "categorias"
    #: Under the output folder: the copies of the post images that pages show.
    images: str = "imagens"
    # Whole-site files, at the root of the HTML output.
    rss: str = "feed.xml"
    atom: str = "atom.xml"
    feeds: str = "feeds"
    sitemap: str = "sitemap.xml"
    export: str = "archive.json"
    #: The social cards (:mod:`.cards`), named by their digest: ``_cards/<digest>.png``.
    cards: str = "_cards"

    # --- page names, relative to the output folder -------------------------------------

    @property
    def index(self) -> str:
        return "index"

    def post(self, key: str) -> str:
        return f"{self.posts}/{key}"

    def edition(self, number: int) -> str:
        return f"{self.editions}/{number}"

    def author(self, key: str) -> str:
        return f"{self.authors}/{key}"

    @property
    def posts_index(self) -> str:
        return f"{self.posts}/index"

    @property
    def editions_index(self) -> str:
        return f"{self.editions}/index"

    @property
    def authors_index(self) -> str:
        return f"{self.authors}/index"

    def year(self, year: int) -> str:
        return str(year)

    def month(self, key: str) -> str:
        """``2022-03`` -> ``2022/03``: beside the year's page, pretty under ``dirhtml``."""
        return key.replace("-", "/", 1)

    def category(self, key: str) -> str:
        return f"{self.categories}/{key}"

    @property
    def categories_index(self) -> str:
        return f"{self.categories}/index"

    # --- docnames ----------------------------------------------------------------------

    def docname(self, page: str) -> str:
        """The Sphinx docname of *page* (a name the methods above give)."""
        return f"{self.output_dir}/{page}"

    def post_docname(self, key: str) -> str:
        return self.docname(self.post(key))

    def edition_docname(self, number: int) -> str:
        return self.docname(self.edition(number))

    def author_docname(self, key: str) -> str:
        return self.docname(self.author(key))

    def month_docname(self, key: str) -> str:
        return self.docname(self.month(key))

    def generated(self, docname: str) -> bool:
        """Whether *docname* is inside the output folder (a page the extension wrote)."""
        return docname.startswith(self.output_dir + "/")

    def post_key(self, docname: str) -> str | None:
        """The key of the post whose page *docname* would be (``arquivo/posts/x`` -> ``x``)."""
        prefix = f"{self.output_dir}/{self.posts}/"
        return docname[len(prefix) :] if docname.startswith(prefix) else None

    def post_at(self, archive: Archive | None, docname: str) -> Post | None:
        """The post whose page *docname* is, if it is in *archive*."""
        key = self.post_key(docname)
        return archive.posts.get(key) if key is not None and archive is not None else None

    def edition_at(self, archive: Archive | None, docname: str) -> Edition | None:
        """The edition whose page *docname* is, if it is in *archive*."""
        kind, key = self.page_of(docname) or ("", "")
        if archive is None or kind != "edition" or not key.isdigit():
            return None
        return archive.editions.get(int(key))

    def page_of(self, docname: str) -> tuple[str, str] | None:
        """``(kind, key)`` of the generated page *docname*, or ``None``.

        The inverse of the names above. Kinds: ``post``, ``edition``,
        ``author``, ``year``, ``month``, ``category`` (with their key), and the
        listings ``archive``, ``posts``, ``editions``, ``authors``, ``loose``, ``categories`` (key
        ``""``). Whether the key is in the archive is the caller's question.
        ``arquivo/edicoes/3`` -> ``("edition", "3")``,
        ``arquivo/2022/03`` -> ``("month", "2022-03")``, ``arquivo/autores/index`` ->
        ``("authors", "")``.
        """
        if not self.generated(docname):
            return None
        page = docname[len(self.output_dir) + 1 :]
        listings = {
            self.index: "archive",
            self.authors_index: "authors",
            self.posts_index: "posts",
            self.editions_index: "editions",
            self.loose: "loose",
            self.categories_index: "categories",
        }
        if page in listings:
            return listings[page], ""
        folder, _sep, key = page.rpartition("/")
        if not key or "/" in folder:
            return None
        if not folder:
            return ("year", key) if key.isdigit() else None
        if folder.isdigit() and key.isdigit():
            return "month", f"{folder}-{key}"
        kinds = {self.posts: "post", self.editions: "edition", self.authors: "author", self.categories: "category"}
        kind = kinds.get(folder)
        if kind is None or (kind == "edition" and not key.isdigit()):
            return None
        return kind, key

    # --- images ------------------------------------------------------------------------

    @property
    def mirror(self) -> str:
        """The folder of the mirrored images, from the source folder (``arquivo/imagens``)."""
        return f"{self.output_dir}/{self.images}"

    def image_path(self, relative: str) -> str:
        """A mirrored image's path from the source folder (``arquivo/imagens/a.png``): ``env.images``' key."""
        return f"{self.mirror}/{relative}"

    def image_uri(self, relative: str) -> str:
        """The source-relative URI a page gives a mirrored image (``/arquivo/imagens/a.png``)."""
        return "/" + self.image_path(relative)

    def mirrored_path(self, uri: str) -> str | None:
        """The image path in *uri* when it names a mirrored image (``[/]arquivo/imagens/a.png``).

        A page names one with a leading ``/`` (source-relative); Sphinx's image
        collector rewrites it without. Containment is checked by the caller.
        """
        lead = self.mirror + "/"
        for start in ("/" + lead, lead):
            if uri.startswith(start):
                return uri[len(start) :]
        return None

    # --- whole-site files --------------------------------------------------------------

    def edition_feed(self, number: int) -> str:
        return f"{self.feeds}/{self.editions}/{number}.xml"

    def author_feed(self, key: str) -> str:
        return f"{self.feeds}/{self.authors}/{key}.xml"

    def card(self, digest: str) -> str:
        """A social card's path from the output root (``_cards/<digest>.png``)."""
        return f"{self.cards}/{digest}.png"

    def root_names(self) -> tuple[str, ...]:
        """What the extension puts at the output root.

        Its files, the feeds and cards folders, the output folder's first segment.
        """
        return (self.feeds, self.rss, self.atom, self.sitemap, self.export, self.cards, self.output_dir.split("/")[0])


@functools.cache
def layout_of(output_dir: str) -> Layout:
    """The layout of a site whose generated pages go to *output_dir* (one instance per folder)."""
    return Layout(output_dir=output_dir)
