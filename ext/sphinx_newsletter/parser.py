"""The Markdown parser for post pages: MyST, with an untrusted post's limits.

Other pages are parsed by MyST exactly as configured. For a generated post
page (unless ``newsletter_trust_bodies``) this parser:

- turns raw HTML off (``html_block``/``html_inline``: shown as text) and keeps
  only MyST extensions that cannot run code or read files (no substitutions);
- sets docutils' ``file_insertion_enabled`` and ``raw_enabled`` off for this
  document only;
- lets through only an allowlist of directives and roles (no ``include``,
  ``raw``, ``eval-rst``, ``meta``, ``download``...); others are refused with a
  warning and their text is shown as a literal block;
- keeps images only when they are remote http(s) or inside the images folder,
  and drops links to local files (downloads) and to non-http(s) schemes;
- adds, from the model, the date line and highlight card under the title,
  and the author box and links to the previous and next posts at the end.
"""

from __future__ import annotations

import copy
import dataclasses
from types import ModuleType
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst import Directive
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import CustomReSTDispatcher

from . import nodes as nl
from .domain import get_domain
from .frontmatter import image_path
from .urls import ALLOWED_SCHEMES

if TYPE_CHECKING:
    from docutils.utils import Reporter

    from .model import Post

logger = logging.getLogger(__name__)

SAFE_EXTENSIONS = frozenset(
    {"colon_fence", "deflist", "tasklist", "strikethrough", "smartquotes", "replacements",
     "dollarmath", "amsmath", "fieldlist", "linkify"}
)
ALLOWED_DIRECTIVES = frozenset(
    {
        "admonition", "attention", "caution", "danger", "error", "hint", "important",
        "note", "seealso", "tip", "todo", "warning", "versionadded", "versionchanged",
        "code", "code-block", "sourcecode", "math", "epigraph", "pull-quote",
        "highlights", "rubric", "topic", "sidebar", "table", "list-table", "figure",
        "image", "line-block", "parsed-literal", "container", "centered", "hlist",
        "glossary", "compound", "tab-set", "tab-item", "grid", "grid-item",
        "grid-item-card", "card", "dropdown", "div",
    }
)
ALLOWED_ROLES = frozenset(
    {
        "emphasis", "strong", "literal", "code", "sub", "subscript", "sup", "superscript",
        "abbr", "kbd", "math", "term", "ref", "doc", "post", "edition", "author",
        "nl:post", "nl:edition", "nl:author", "guilabel", "menuselection", "samp",
        "dfn", "title-reference", "t",
    }
)


class _Allowlist(CustomReSTDispatcher):
    """Lets only allowlisted directives and roles through while a post is parsed."""

    def directive(self, directive_name: str, language_module: ModuleType, document: nodes.document) -> tuple[type[Directive] | None, list]:
        if directive_name.lower() not in ALLOWED_DIRECTIVES:
            return None, [_refused(document, f"directive {directive_name!r}")]
        return super().directive(directive_name, language_module, document)

    def role(self, role_name: str, language_module: ModuleType, lineno: int, reporter: Reporter) -> tuple[Any, list]:
        if role_name.lower() not in ALLOWED_ROLES:
            return None, [reporter.warning(f"role {role_name!r} is not allowed in a post", line=lineno)]
        return super().role(role_name, language_module, lineno, reporter)


def _refused(document: nodes.document, what: str) -> nodes.system_message:
    return document.reporter.warning(f"{what} is not allowed in a post")


class NewsletterMystParser(MystParser):
    """MyST, with the post limits above for generated post pages."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        env = document.settings.env
        domain = get_domain(env)
        post = _post_for(domain, env.docname)
        config = domain.nl_config
        if post is None or config is None or config.trust_bodies:
            super().parse(inputstring, document)
            if post is not None:
                _finish(document, post, domain, env.docname)
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
        parser = create_md_parser(md_config, SphinxRenderer)
        parser.options["document"] = document
        with _Allowlist():
            parser.render(inputstring)
        _sanitise(document, post, config.output_dir, env)
        _finish(document, post, domain, env.docname)


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
    location = f"{post.source}:{post.body_line}"
    for node in list(document.findall(nodes.raw)):
        _replace(node, nodes.literal_block(node.astext(), node.astext()))
        _warn(location, "raw content shown as text")
    for node in list(document.findall(nodes.meta)) if hasattr(nodes, "meta") else []:
        node.parent.remove(node)
        _warn(location, "meta tags are not allowed in a post")
    for node in list(document.findall(addnodes.download_reference)):
        _replace(node, nodes.inline(node.astext(), node.astext()))
        _warn(location, f"link to a local file {node.get('reftarget', '')!r} removed")
    for node in list(document.findall(nodes.reference)):
        uri = node.get("refuri")
        if uri and ":" in uri.split("/", 1)[0] and uri.split(":", 1)[0].lower() not in ALLOWED_SCHEMES:
            _replace(node, nodes.inline(node.astext(), node.astext()))
            _warn(location, f"link {uri!r} removed: only http and https links are allowed")
    for node in list(document.findall(nodes.image)):
        _check_image(node, location, output_dir, env)


def _check_image(node: nodes.image, location: str, output_dir: str, env: Any) -> None:
    uri = node.get("uri", "")
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme in ALLOWED_SCHEMES:
        return
    domain = get_domain(env)
    settings = domain.nl_config.settings
    relative, why = image_path(uri, settings.image_url_prefix) if not scheme else (None, "is not http(s)")
    mirrored = env.srcdir / output_dir / "imagens" / relative if relative else None
    if mirrored is None or not mirrored.is_file():
        alt = node.get("alt", "")
        _replace(node, nodes.inline(alt, alt) if alt else nodes.inline())
        _warn(location, f"image {uri!r} removed: {why or 'not found in the images folder'}")
        return
    node["uri"] = nl.image_uri(output_dir, relative)
    node.pop("candidates", None)


def _replace(old: nodes.Node, new: nodes.Node) -> None:
    if old.parent is not None:
        old.replace_self(new)


def _warn(location: str, message: str) -> None:
    logger.warning(message, location=location, type="newsletter", subtype="body")
