"""Resolving and writing :class:`~sphinx_newsletter.nodes.link_list` nodes.

``doctree-resolved`` runs where Sphinx resolves references (for every builder,
in the main process of a parallel write) and turns each ``("ref", kind, key,
text)`` part into ``("a", uri, title, text)``, the URI relative to the page
as :func:`sphinx.util.nodes.make_refnode` computes it. A link whose target is
not in the archive is a warning (``-W`` fails the build) and its text is
kept without a link, as Sphinx does for an unresolved reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.locale import __
from sphinx.util import logging

from .domain import get_domain
from .nodes import link_list

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)


def resolve_link_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: resolve every link list's links; expand the lists for non-HTML builders."""
    found = list(doctree.findall(link_list))
    if not found:
        return
    resolver = _Resolver(app.builder, get_domain(app.env).objects, docname)
    for node in found:
        rows = [resolver.row(node, row) for row in node["rows"]]
        if app.builder.format == "html":
            node["rows"] = rows
        else:
            node.replace_self(_standard_list(node["classes"], rows))


class _Resolver:
    def __init__(self, builder: Builder, objects: dict[str, tuple[str, str]], docname: str) -> None:
        self.builder, self.objects, self.docname = builder, objects, docname

    def row(self, node: link_list, row: tuple) -> tuple:
        parts, subrows = row
        return (tuple(self.part(node, part) for part in parts), tuple(self.row(node, sub) for sub in subrows))

    def part(self, node: link_list, part: str | tuple) -> str | tuple:
        if isinstance(part, str) or part[0] != "ref":
            return part
        _ref, kind, key, text = part
        found = self.objects.get(f"{kind}:{key}")
        if found is None:
            # Sphinx's own message for a reference it can't resolve.
            logger.warning(
                __("%s:%s reference target not found: %s"), "nl", kind, key, location=node, type="ref", subtype=kind
            )
            return text
        target, title = found
        return ("a", self.builder.get_relative_uri(self.docname, target), title, text)


def _standard_list(classes: list[str], rows: list[tuple[Any, ...]] | tuple[Any, ...]) -> nodes.bullet_list:
    """The rows as docutils nodes: a bullet list of paragraphs of references."""
    items = nodes.bullet_list(classes=list(classes))
    for parts, subrows in rows:
        line = nodes.paragraph(support_smartquotes=False)
        for part in parts:
            line += _standard_part(part)
        item = nodes.list_item("", line)
        if subrows:
            item += _standard_list([], subrows)
        items += item
    return items


def _standard_part(part: str | tuple) -> nodes.Node:
    if isinstance(part, str):
        return nodes.Text(part)
    if part[0] == "span":
        return nodes.inline("", part[2], classes=[part[1]])
    _a, uri, title, text = part
    return nodes.reference("", "", nodes.inline(text, text), internal=True, refuri=uri, reftitle=title)


def visit_link_list(self: HTML5Translator, node: link_list) -> None:
    """The markup docutils writes for :func:`_standard_list` (``simple``: one paragraph per item)."""
    self.body.append(self.starttag(node, "ul", CLASS="simple"))
    _write_rows(self, node["rows"])
    self.body.append("</ul>\n")
    raise nodes.SkipNode


def _write_rows(self: HTML5Translator, rows: tuple) -> None:
    encode, attval = self.encode, self.attval
    out = self.body
    for parts, subrows in rows:
        out.append("<li><p>")
        for part in parts:
            if isinstance(part, str):
                out.append(encode(part))
            elif part[0] == "span":
                out.append(f'<span class="{attval(part[1])}">{encode(part[2])}</span>')
            else:
                _a, uri, title, text = part
                out.append(
                    f'<a class="reference internal" href="{attval(uri)}" title="{attval(title)}">'
                    f"<span>{encode(text)}</span></a>"
                )
        if subrows:
            out.append("</p>\n<ul>\n")
            _write_rows(self, subrows)
            out.append("</ul>\n</li>\n")
        else:
            out.append("</p></li>\n")


def setup(app: Sphinx) -> None:
    app.add_node(link_list, html=(visit_link_list, None))
    app.connect("doctree-resolved", resolve_link_lists)
