"""The Markdown parser for post pages: MyST, with an untrusted post's limits.

Other pages are parsed by MyST exactly as configured. For a generated post
page (unless ``newsletter_trust_bodies``) this parser:

- turns raw HTML off (``html_block``/``html_inline``: shown as text) and keeps
  only MyST extensions that cannot run code, read files or reach MathJax
  (no substitutions, no math, no attributes);
- sets docutils' ``file_insertion_enabled`` and ``raw_enabled`` off for this
  document only;
- runs :func:`.bodyscan.scan_body` on the body and prints its problems, the
  very ones ``newsletter check`` prints (same code, same line);
- lets through only an allowlist of directives, their options and roles (no
  ``include``, ``raw``, ``eval-rst``, ``meta``, ``download``, ``style``,
  ``class``...); others are shown as a literal block, and so are tables past
  ``newsletter_max_table_cells``; a body past ``newsletter_max_body_tokens``
  is left out;
- leaves every address (links, images, downloads) to :mod:`.bodyguard`,
  which checks the doctree against :mod:`.uripolicy`;
- adds, from the model, the date line and highlight card under the title,
  and the author box and links to the previous and next posts at the end.

Every message about a post page, MyST's and docutils' own included, names the
post file and its line (``posts/x.md:7``), not the generated page: see
:class:`PostLocations`.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst import Directive
from myst_parser.config.main import TopmatterReadError, merge_file_level, read_topmatter
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import create_warning
from sphinx.util import logging
from sphinx.util.docutils import CustomReSTDispatcher

from . import bodyscan
from . import nodes as nl
from .baseline import split_body
from .bodyguard import REPORTED
from .core.render import post_header
from .core.uripolicy import link_problem
from .domain import get_domain
from .locations import warn

if TYPE_CHECKING:
    from docutils.utils import Reporter
    from markdown_it.tree import SyntaxTreeNode
    from sphinx.application import Sphinx

    from .core.model import Post

logger = logging.getLogger(__name__)

# The allowlists live with the scan that ``newsletter check`` runs (one source of truth).
ALLOWED_DIRECTIVES = bodyscan.ALLOWED_DIRECTIVES
ALLOWED_ROLES = bodyscan.ALLOWED_ROLES
SAFE_EXTENSIONS = bodyscan.SAFE_EXTENSIONS


class PostRenderer(SphinxRenderer):
    """MyST's renderer enforcing the allowlists and caps of :mod:`.bodyscan` on a post body.

    The scan has already printed a warning for each refusal (at the post's
    line, as ``check`` does); a refusal it did not report is warned about here.
    Refused text is shown as a literal block.
    """

    @property
    def post(self) -> Post:
        return self.md_options["newsletter_post"]

    @property
    def scan(self) -> bodyscan.BodyScan:
        return self.md_options["newsletter_scan"]

    def render_restructuredtext(self, token: SyntaxTreeNode) -> None:
        line = token.map[0] if token.map else None  # MyST's own line convention
        text = f"```{{eval-rst}}\n{token.content}```"
        self.current_node += self._refused(("directive", "eval-rst"), "the {eval-rst} block", line, text)

    def render_colon_fence(self, token: SyntaxTreeNode) -> None:
        name = (token.info or "").strip().split(maxsplit=1)[0] if (token.info or "").strip() else ""
        if name and not (name.startswith("{") and name.endswith("}")):
            # ``:::name`` is a div with the CSS class *name*.
            text = f":::{token.info}\n{token.content}:::"
            line = token.map[0] if token.map else None
            self.current_node += self._refused(("directive", f":::{name}".lower()), f"a ':::{name}' block", line, text)
            return
        super().render_colon_fence(token)

    def run_directive(
        self, name: str, first_line: str, content: str, position: int, *args: Any, **kwargs: Any
    ) -> list[nodes.Element]:
        depth = self.md_options.get("newsletter_depth", 0) + 1
        refusal = bodyscan.directive_refusal(name, first_line, content, depth)
        if refusal is not None:
            text = f"{{{name}}} {first_line}".rstrip() + "\n" + content
            return [self._refused(("directive", name.lower()), refusal[1], position, text, refusal[0])]
        # Nested directives parse their content through this same method: count the levels.
        self.md_options["newsletter_depth"] = depth
        try:
            return super().run_directive(name, first_line, content, position, *args, **kwargs)
        finally:
            self.md_options["newsletter_depth"] = depth - 1

    def render_link(self, token: SyntaxTreeNode) -> None:
        """A link the policy refuses is its text: the same rule the scan reported it by."""
        href = str(token.attrGet("href") or "")
        if link_problem(href):
            if href not in self.scan.refused:
                line = token.map[0] if token.map else None
                warn(self.post, line, f"link {href!r} removed: it {link_problem(href)}", "body-link")
            self.render_children(token)
            return
        super().render_link(token)

    def render_myst_role(self, token: SyntaxTreeNode) -> None:
        name = token.meta["name"]
        if name.lower() not in ALLOWED_ROLES:
            line = token.map[0] if token.map else None
            if ("role", name.lower()) not in self.scan.reported:
                warn(self.post, line, f"the role {name!r} is not allowed in a post; shown as text", "body-role")
            text = f"{{{name}}}`{token.content}`"
            self.current_node += nodes.literal(text, text)
            return
        super().render_myst_role(token)

    def render_table(self, token: SyntaxTreeNode) -> None:
        rows = [row for part in token.children or [] for row in part.children or []]
        budget = self.md_options["newsletter_cells"]
        budget[0] += sum(len(row.children or []) for row in rows)
        if budget[0] <= self.post_settings.max_table_cells:
            super().render_table(token)
            return
        text = "\n".join(
            "| " + " | ".join(cell.children[0].content if cell.children else "" for cell in row.children or []) + " |"
            for row in rows
        )
        line = token.map[0] if token.map else None
        self.current_node += self._refused(
            ("table", ""), "a table over newsletter_max_table_cells", line, text, "body-table"
        )

    @property
    def post_settings(self) -> Any:
        return self.md_options["newsletter_settings"]

    def _refused(
        self, key: tuple[str, str], what: str, line: int | None, text: str, code: str = "body-directive"
    ) -> nodes.literal_block:
        if key not in self.scan.reported:
            warn(self.post, line, f"{what} is not allowed in a post; shown as text", code)
        return nodes.literal_block(text, text, language="text")


class _Allowlist(CustomReSTDispatcher):
    """A backstop for directives and roles looked up outside :class:`PostRenderer`."""

    def directive(
        self, directive_name: str, language_module: ModuleType, document: nodes.document
    ) -> tuple[type[Directive] | None, list]:
        if directive_name.lower() not in ALLOWED_DIRECTIVES:
            message = f"the directive {directive_name!r} is not allowed in a post"
            return None, [document.reporter.warning(message, line=document.current_line)]
        return super().directive(directive_name, language_module, document)

    def role(self, role_name: str, language_module: ModuleType, lineno: int, reporter: Reporter) -> tuple[Any, list]:
        if role_name.lower() not in ALLOWED_ROLES:
            return None, [reporter.warning(f"the role {role_name!r} is not allowed in a post", line=lineno)]
        return super().role(role_name, language_module, lineno, reporter)


class NewsletterMystParser(MystParser):
    """MyST, with the post limits above for generated post pages."""

    #: MyST's renderers for post and listing pages (:mod:`.speedups.mystdocument` replaces them).
    post_renderer: type[SphinxRenderer] = PostRenderer
    listing_renderer: type[SphinxRenderer] = SphinxRenderer

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        domain = get_domain(env)
        post = domain.post_at(env.docname)
        config = domain.nl_config
        generated = config is not None and config.layout.generated(env.docname)
        if generated and post is None:
            _parse_listing(inputstring, document, domain, self.listing_renderer)
            _literal_title(document)
            return
        if post is None or config is None or config.trust_bodies:
            super().parse(inputstring, document)
            if post is not None:
                _finish(document, post, domain, env.docname)
            if generated:
                _literal_title(document)
            return
        document.settings = copy.copy(document.settings)
        document.settings.file_insertion_enabled = False
        document.settings.raw_enabled = False
        md_config = bodyscan.post_parser_config(env.myst_config)
        parser = _cached_parser(domain, md_config, self.post_renderer)
        scan, tokens, md_env = _scan(post, inputstring, parser, md_config, domain)
        for problem in split_body(domain, env.docname, scan.problems):
            logger.warning(problem.message, location=problem.location, type="newsletter", subtype=problem.code)
        # bodyguard's doctree pass leaves these without a second warning.
        env.temp_data[REPORTED] = scan.refused
        if scan.too_large or tokens is None:
            inputstring = post_header(post) if scan.too_large else inputstring
            md_env = {}
            tokens = parser.parse(inputstring, md_env)
        parser.options.update(
            document=document,
            newsletter_post=post,
            newsletter_scan=scan,
            newsletter_cells=[0],
            newsletter_settings=config.settings,
            newsletter_depth=0,
        )
        with _Allowlist():
            parser.renderer.render(tokens, parser.options, md_env)  # what parser.render(inputstring) does
        _finish(document, post, domain, env.docname)
        _literal_title(document)


def _scan(post: Post, inputstring: str, parser: Any, md_config: Any, domain: Any) -> tuple[Any, Any, dict]:
    """The body scan, and the page's tokens when the scan could use them (one Markdown parse, not two).

    The page is normally the generated one (header, then the body); when it
    is anything else (an extension changed it at ``source-read``), the body
    is scanned on its own and the page is parsed afterwards.
    """
    config = domain.nl_config
    header = post_header(post)
    kwargs = {"md_config": md_config, "images_dir": config.images_dir, "settings": config.settings}
    if not inputstring.startswith(header):
        return bodyscan.scan_body(post, images=domain.nl_images, **kwargs), None, {}
    md_env: dict = {}
    tokens = parser.parse(inputstring, md_env)
    scan = bodyscan.scan_page_tokens(post, tokens, header.count("\n"), images=domain.nl_images, **kwargs)
    return scan, tokens, md_env


def _cached_parser(domain: Any, md_config: Any, renderer: type[SphinxRenderer]) -> Any:
    """One Markdown parser per renderer for a build's pages (making one costs more than a parse)."""
    parsers = domain.__dict__.setdefault("_newsletter_parsers", {})
    cached = parsers.get(renderer)
    if cached is None or cached[0] != md_config:
        cached = parsers[renderer] = (md_config, create_md_parser(md_config, renderer))
    return cached[1]


def _parse_listing(
    inputstring: str, document: nodes.document, domain: Any, renderer: type[SphinxRenderer] = SphinxRenderer
) -> None:
    """A generated listing page (edition, author, year...), as MyST would parse it.

    Its text comes from :mod:`.render` and every value in it from the model,
    shown as typed (see :func:`.nodes.paragraph`): Sphinx's smart-quotes pass
    would change nothing, so it is off for these pages.
    """
    document.settings = copy.copy(document.settings)
    document.settings.smart_quotes = False
    md_config = document.settings.env.myst_config
    try:
        topmatter = read_topmatter(inputstring)
    except TopmatterReadError:
        topmatter = None  # MyST reports it while rendering
    if topmatter:

        def warning(kind: Any, message: str) -> None:
            create_warning(document, message, kind, line=1, append_to=document)

        md_config = merge_file_level(md_config, topmatter, warning)
    parser = _cached_parser(domain, md_config, renderer)
    parser.options["document"] = document
    parser.render(inputstring)


def _literal_title(document: nodes.document) -> None:
    """The page title is a post's (or author's) text: no smart quotes or dashes."""
    for title in document.findall(nodes.title):
        title["support_smartquotes"] = False
        break


def _finish(document: nodes.document, post: Post, domain: Any, docname: str) -> None:
    """Add the date line and card under the title, the author box and post links at the end."""
    archive = domain.archive
    domain.note_object("post", post.key, post.title, docname)
    domain.note_dependency(docname, "post", post.key)
    section = next(iter(document.findall(nodes.section)), document)
    at = 1 if section.children and isinstance(section[0], nodes.title) else 0
    language = document.settings.env.config.language
    layout = domain.nl_config.layout
    header: list[nodes.Node] = [nl.post_meta(post, archive, language, docname), nl.highlight_card(post, layout)]
    section[at:at] = header
    section.append(nl.author_box(post, archive.author_of(post), docname, layout))
    nav = nl.post_nav(archive, post, docname)
    if nav is not None:
        section.append(nav)


def setup(app: Sphinx) -> None:
    app.add_source_parser(NewsletterMystParser, override=True)
