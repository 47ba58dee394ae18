"""Directives that document the extension from its own tables, so the guide can't drift.

``{nl:config-values}`` renders every ``newsletter_*`` config value with its
default and description; ``{nl:fields}`` the front-matter fields and the keys
they are read from; ``{nl:example}`` shows MyST source next to its result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .config import CONFIG_VALUES
from .core.settings import DEFAULT_FIELDS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: What each logical field means (the guide's second column).
FIELD_HELP = {
    "title": "Title of our post (required).",
    "date": "Publication date, e.g. 2022-11-06 08:00:00 -0300; else the file name's date.",
    "published": "true or false; drafts are left out unless newsletter_show_drafts.",
    "edition": "Edition tag, e.g. 'Edição #35 - 07.11.2022' (see newsletter_edition_pattern).",
    "headline": "One-line summary shown on the card.",
    "highlight_title": "Title of the commented article.",
    "highlight_url": "URL of the commented article (http/https).",
    "highlight_author": "Author of the commented article.",
    "image": "Image path inside the images folder, e.g. /images/x.png.",
    "author": "Name of the commentator.",
    "author_url": "Profile link of the commentator (http/https).",
    "categories": "A list (or space-separated words) of categories.",
    "tags": "A list (or space-separated words) of tags.",
    "redirect_from": "Old URL paths of the post (/Old-Slug/), each redirected here.",
    "comments": "false: no reader comments on this post (newsletter_comments); default true.",
}


def _table(header: list[str], rows: list[list[str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["nl-reference"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)
    thead, tbody = nodes.thead(), nodes.tbody()
    thead += _row(header)
    tbody.extend(_row(row, literal_first=True) for row in rows)
    group += [thead, tbody]
    return table


def _row(cells: list[str], *, literal_first: bool = False) -> nodes.row:
    row = nodes.row()
    for i, text in enumerate(cells):
        inner: nodes.Node = nodes.literal(text, text) if (literal_first and i < 2) else nodes.Text(text)
        row += nodes.entry("", nodes.paragraph("", "", inner))
    return row


class ConfigValuesDirective(SphinxDirective):
    """``{nl:config-values}``: the config reference."""

    def run(self) -> list[nodes.Node]:
        rows = [
            [name, repr(default), rebuild, help_] for name, (default, rebuild, _types, help_) in CONFIG_VALUES.items()
        ]
        return [_table(["name", "default", "rebuild", "meaning"], rows, [30, 20, 8, 42])]


class FieldsDirective(SphinxDirective):
    """``{nl:fields}``: the front-matter reference."""

    def run(self) -> list[nodes.Node]:
        rows = [[key, name, FIELD_HELP.get(name, "")] for name, key in DEFAULT_FIELDS.items()]
        return [_table(["key", "field", "meaning"], rows, [25, 20, 55])]


class ExampleDirective(SphinxDirective):
    """``{nl:example}``: shows its MyST content as source, then as it renders.

    The guide's examples are written once and built with the site, so the
    documented syntax and the rendered result can't disagree.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        source = "\n".join(self.content)
        code = nodes.literal_block(source, source, language="markdown", classes=["nl-example-source"])
        result = nodes.container(classes=["nl-example-result"])
        result += self.parse_content_to_nodes()
        return [code, result]


DIRECTIVES = {"config-values": ConfigValuesDirective, "fields": FieldsDirective, "example": ExampleDirective}


def setup(app: Sphinx) -> None:
    for name, directive in DIRECTIVES.items():
        app.add_directive_to_domain("nl", name, directive)
