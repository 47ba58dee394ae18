"""The Markdown parser for post pages: MyST, with an untrusted post's limits.

Other pages are parsed by MyST exactly as configured. For a generated post
page (unless ``newsletter_trust_bodies``) this parser:

- turns raw HTML off (``html_block``/``html_inline``: shown as text) and keeps
  only MyST extensions that cannot run code, read files or reach MathJax
  (no substitutions, no math, no attributes);
- sets docutils' ``file_insertion_enabled`` and ``raw_enabled`` off for this
  document only;
- lets through only an allowlist of directives and roles (no ``include``,
  ``raw``, ``eval-rst``, ``meta``, ``download``...); others are refused with a
  warning and their text is shown as a literal block;
- keeps images only when they are remote http(s) or inside the images folder,
  and drops links to local files (downloads) and to non-http(s) schemes;
- adds, from the model, the date line and highlight card under the title,
  and the author box and links to the previous and next posts at the end.

Every message about a post page, MyST's and docutils' own included, names the
post file and its line (``posts/x.md:7``), not the generated page: see
:class:`PostLocations`.
"""

from __future__ import annotations

import copy
import dataclasses
import logging as std_logging
import os
from types import ModuleType
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst import Directive
from myst_parser.config.main import TopmatterReadError, merge_file_level, read_topmatter
from myst_parser.mdit_to_docutils import base as _myst_base
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import create_warning
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import CustomReSTDispatcher

from . import nodes as nl
from .domain import get_domain
from .frontmatter import image_path
from .loader import image_problem
from .render import post_header
from .urls import ALLOWED_SCHEMES

if TYPE_CHECKING:
    from docutils.utils import Reporter
    from markdown_it.tree import SyntaxTreeNode
    from sphinx.application import Sphinx

    from .model import Post

logger = logging.getLogger(__name__)

# Math is left out on purpose: MathJax's \href and \require would let a post
# run script on the page (MathJax's "safe" filter is not loaded by default).
SAFE_EXTENSIONS = frozenset(
    {"colon_fence", "deflist", "tasklist", "strikethrough", "smartquotes", "replacements",
     "fieldlist", "linkify"}
)
ALLOWED_DIRECTIVES = frozenset(
    {
        "admonition", "attention", "caution", "danger", "error", "hint", "important",
        "note", "seealso", "tip", "todo", "warning", "versionadded", "versionchanged",
        "code", "code-block", "sourcecode", "epigraph", "pull-quote",
        "highlights", "rubric", "topic", "sidebar", "table", "list-table", "figure",
        "image", "line-block", "parsed-literal", "container", "centered", "hlist",
        "glossary", "compound", "tab-set", "tab-item", "grid", "grid-item",
        "grid-item-card", "card", "dropdown", "div",
    }
)
ALLOWED_ROLES = frozenset(
    {
        "emphasis", "strong", "literal", "code", "sub", "subscript", "sup", "superscript",
        "abbr", "kbd", "term", "ref", "doc", "post", "edition", "author",
        "nl:post", "nl:edition", "nl:author", "guilabel", "menuselection", "samp",
        "dfn", "title-reference", "t",
    }
)


class _OwnDocumentRenderer(SphinxRenderer):
    """MyST's renderer, without the throwaway document it builds for every page."""

    def setup_render(self, options: dict[str, Any], env: Any) -> None:
        # MyST evaluates ``options.get("document", make_document())``: a whole
        # throwaway docutils document (its option parser included) for every
        # page, though we always pass ours. Skip building it.
        real = _myst_base.make_document
        _myst_base.make_document = _no_document
        try:
            super().setup_render(options, env)
        finally:
            _myst_base.make_document = real


class PostRenderer(_OwnDocumentRenderer):
    """MyST's renderer with the allowlists, for an untrusted post body.

    Refusals are checked here, where the line is known, so each gives one
    warning at the post's line and the refused text is shown as a literal block.
    """

    @property
    def post(self) -> Post:
        return self.md_options["newsletter_post"]

    def render_restructuredtext(self, token: SyntaxTreeNode) -> None:
        line = token.map[0] if token.map else None  # MyST's own line convention
        self._refuse("the {eval-rst} block", line, f"```{{eval-rst}}\n{token.content}```")

    def run_directive(  # type: ignore[override]
        self, name: str, first_line: str, content: str, position: int, *args: Any, **kwargs: Any
    ) -> list[nodes.Element]:
        if name.lower() not in ALLOWED_DIRECTIVES:
            text = f"{{{name}}} {first_line}".rstrip() + "\n" + content
            return [self._refused(f"the directive {name!r}", position, text)]
        return super().run_directive(name, first_line, content, position, *args, **kwargs)

    def render_myst_role(self, token: SyntaxTreeNode) -> None:
        name = token.meta["name"]
        if name.lower() not in ALLOWED_ROLES:
            line = token.map[0] if token.map else None
            warn(self.post, line, f"the role {name!r} is not allowed in a post; shown as text")
            text = f"{{{name}}}`{token.content}`"
            self.current_node += nodes.literal(text, text)
            return
        super().render_myst_role(token)

    def _refuse(self, what: str, line: int | None, text: str) -> None:
        self.current_node += self._refused(what, line, text)

    def _refused(self, what: str, line: int | None, text: str) -> nodes.literal_block:
        warn(self.post, line, f"{what} is not allowed in a post; shown as text")
        return nodes.literal_block(text, text, language="text")


class _Allowlist(CustomReSTDispatcher):
    """A backstop for directives and roles looked up outside :class:`PostRenderer`."""

    def directive(self, directive_name: str, language_module: ModuleType, document: nodes.document) -> tuple[type[Directive] | None, list]:
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

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        domain = get_domain(env)
        post = _post_for(domain, env.docname)
        config = domain.nl_config
        generated = config is not None and env.docname.startswith(f"{config.output_dir}/")
        if generated and post is None:
            _parse_listing(inputstring, document, domain)
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
        myst = env.myst_config
        md_config = dataclasses.replace(
            myst,
            enable_extensions=set(myst.enable_extensions) & SAFE_EXTENSIONS,
            disable_syntax=[*myst.disable_syntax, "html_block", "html_inline"],
        )
        parser = _cached_parser(domain, md_config)
        parser.options["document"] = document
        parser.options["newsletter_post"] = post
        with _Allowlist():
            parser.render(inputstring)
        _sanitise(document, post, config.output_dir, env)
        _finish(document, post, domain, env.docname)
        _literal_title(document)


def _no_document(*_args: Any, **_kwargs: Any) -> None:
    return None


def _cached_parser(domain: Any, md_config: Any, renderer: type[SphinxRenderer] = PostRenderer) -> Any:
    """One Markdown parser per renderer for a build's pages (making one costs more than a parse)."""
    parsers = domain.__dict__.setdefault("_newsletter_parsers", {})
    cached = parsers.get(renderer)
    if cached is None or cached[0] != md_config:
        cached = parsers[renderer] = (md_config, create_md_parser(md_config, renderer))
    return cached[1]


def _parse_listing(inputstring: str, document: nodes.document, domain: Any) -> None:
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
    parser = _cached_parser(domain, md_config, _OwnDocumentRenderer)
    parser.options["document"] = document
    parser.render(inputstring)


def _literal_title(document: nodes.document) -> None:
    """The page title is a post's (or author's) text: no smart quotes or dashes."""
    for title in document.findall(nodes.title):
        title["support_smartquotes"] = False
        break


def _post_for(domain: Any, docname: str) -> Post | None:
    config, archive = domain.nl_config, domain.archive
    if config is None or archive is None:
        return None
    prefix = f"{config.output_dir}/posts/"
    if not docname.startswith(prefix):
        return None
    return archive.posts.get(docname[len(prefix) :])


def _finish(document: nodes.document, post: Post, domain: Any, docname: str) -> None:
    """Add the date line and card under the title, the author box and post links at the end."""
    archive = domain.archive
    domain.note_object("post", post.key, post.title, docname)
    domain.note_dependency(docname, "post", post.key)
    section = next(iter(document.findall(nodes.section)), document)
    at = 1 if section.children and isinstance(section[0], nodes.title) else 0
    language = document.settings.env.config.language
    header = [nl.post_meta(post, archive, language, docname), nl.highlight_card(post, domain.nl_config.output_dir)]
    section[at:at] = header
    section += nl.author_box(post, archive.author_of(post), docname)
    nav = nl.post_nav(archive, post, docname)
    if nav is not None:
        section += nav


def _sanitise(document: nodes.document, post: Post, output_dir: str, env: Any) -> None:
    for node in list(document.findall(nodes.raw)):
        _replace(node, nodes.literal_block(node.astext(), node.astext()))
        warn(post, node.line, "raw content shown as text")
    for node in list(document.findall(nodes.meta)) if hasattr(nodes, "meta") else []:
        node.parent.remove(node)
        warn(post, node.line, "meta tags are not allowed in a post")
    for node in list(document.findall(addnodes.download_reference)):
        line = _line_of(node)
        _replace(node, nodes.inline(node.astext(), node.astext()))
        warn(post, line, f"link to a local file {node.get('reftarget', '')!r} removed")
    for node in list(document.findall(nodes.reference)):
        uri = node.get("refuri")
        if uri and not _is_safe_link(uri):
            line = _line_of(node)
            _replace(node, nodes.inline(node.astext(), node.astext()))
            warn(post, line, f"link {uri!r} removed: only http and https links are allowed")
    for node in list(document.findall(nodes.image)):
        _check_image(node, post, output_dir, env)


def _is_safe_link(uri: str) -> bool:
    """http(s), or a relative link or fragment (no scheme before the first ``/?#``).

    Browsers drop ASCII white space and control characters inside a scheme
    (``java\tscript:``), so any ``:`` before the first ``/``, ``?`` or ``#``
    counts as a scheme.
    """
    head = uri.strip().split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:
        return True
    scheme = "".join(ch for ch in head.split(":", 1)[0] if ch > " ").lower()
    return scheme in ALLOWED_SCHEMES


def _check_image(node: nodes.image, post: Post, output_dir: str, env: Any) -> None:
    uri = node.get("uri", "")
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme in ALLOWED_SCHEMES and _is_safe_link(uri):
        return
    domain = get_domain(env)
    settings = domain.nl_config.settings
    relative, why = image_path(uri, settings.image_url_prefix) if not scheme else (None, "is not http(s)")
    mirrored = env.srcdir / output_dir / "imagens" / relative if relative else None
    if mirrored is None or not mirrored.is_file():
        if relative:
            why = image_problem(relative, domain.nl_config.images_dir, settings)
        line = _line_of(node)
        alt = node.get("alt", "")
        _replace(node, nodes.inline(alt, alt) if alt else nodes.inline())
        warn(post, line, f"image {uri!r} removed: {why or 'not found in the images folder'}")
        return
    node["uri"] = nl.image_uri(output_dir, relative)
    node.attributes.pop("candidates", None)


def _line_of(node: nodes.Node) -> int | None:
    while node is not None and node.line is None:
        node = node.parent
    return node.line if node is not None else None


def _replace(old: nodes.Node, new: nodes.Node) -> None:
    if old.parent is not None:
        old.replace_self(new)


# --- messages name the post file ----------------------------------------------------


def source_line(post: Post, line: int | None) -> int:
    """The post file's line for *line* of its generated page."""
    header = post_header(post).count("\n")
    if line is None or line < 1:
        return post.body_line
    if line > header:
        return post.body_line + line - header - 1
    return post.line_of("title")


def source_location(post: Post, line: int | None) -> str:
    """``posts/x.md:7``: where Sphinx should say a message about *line* comes from."""
    return f"{post.source}:{source_line(post, line)}"


def warn(post: Post, line: int | None, message: str) -> None:
    """A warning about a post body, at the post file's line."""
    logger.warning(message, location=source_location(post, line), type="newsletter", subtype="body")


class PostLocations(std_logging.Filter):
    """Rewrites ``<srcdir>/arquivo/posts/x.md:12`` in any message to ``posts/x.md:9``.

    MyST and docutils report problems in a post body at the generated page,
    which contributors never see. This filter sits on Sphinx's warning handler
    right after the filter that turns locations into ``path:line`` text, so it
    sees every message, those collected from parallel readers included.
    """

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        self._app = app
        self._archive: object = None
        self._pages: dict[str, Post] = {}

    def filter(self, record: std_logging.LogRecord) -> bool:
        location = getattr(record, "location", None)
        if isinstance(location, str) and "posts" in location:
            path, line = _split_location(location)
            post = self._pages_now().get(path)
            if post is not None:
                record.location = source_location(post, line)
        return True

    def _pages_now(self) -> dict[str, Post]:
        domain = get_domain(self._app.env)
        if domain.archive is not self._archive and domain.nl_config is not None:
            self._archive = domain.archive
            folder = os.path.abspath(os.path.join(self._app.srcdir, domain.nl_config.output_dir, "posts"))
            posts = domain.archive.posts.values() if domain.archive else ()
            self._pages = {os.path.join(folder, f"{p.key}.md"): p for p in posts}
        return self._pages


def _split_location(location: str) -> tuple[str, int | None]:
    path, sep, line = location.rpartition(":")
    if not sep or not (line.isdigit() or line == ""):
        return os.path.abspath(location), None
    return os.path.abspath(path), int(line) if line else None


def install_locations(app: Sphinx) -> None:
    """Put :class:`PostLocations` on this app's warning handler (once)."""
    from sphinx.util.logging import NAMESPACE, WarningLogRecordTranslator

    for handler in std_logging.getLogger(NAMESPACE).handlers:
        filters = handler.filters
        if any(isinstance(f, PostLocations) and f._app is app for f in filters):
            continue
        for i, found in enumerate(filters):
            # Sphinx 9 keeps the app as ``_app``, Sphinx 8.2 as ``app``.
            owner = getattr(found, "_app", None) or getattr(found, "app", None)
            if isinstance(found, WarningLogRecordTranslator) and owner is app:
                filters.insert(i + 1, PostLocations(app))
                break
