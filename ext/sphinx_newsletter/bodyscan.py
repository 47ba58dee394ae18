"""What a post's body may contain, and one scan that finds what it may not (no Sphinx import).

The allowlists (directives, their options, roles) and the caps live here, and
:func:`scan_body` walks a post body's Markdown tokens, parsed with MyST's own
Markdown parser and the post limits, to find:

- directives, options and roles that are not allowed (``body-directive``,
  ``body-option``, ``body-role``); a ``:::name`` block (a CSS class) too;
- links and images whose address :mod:`.uripolicy` refuses (``body-link``,
  ``body-image``), in Markdown and in directive arguments and options;
- tables over the cells cap (``body-table``) and bodies over the size cap
  (``body-too-large``).

``newsletter check`` prints these problems; the build prints the very same
ones (same code, same line: :mod:`.parser` runs this scan on every post page)
and enforces them while rendering. The doctree pass (:mod:`.bodyguard`) is the
backstop: it removes whatever the scan could not see, with a warning.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.model import Post, Problem
from .core.render import shift_headings
from .core.settings import Settings
from .core.uripolicy import LOCAL_FILE, external_url, image_problem_of, link_problem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from .core.images import ImageChecks

#: Math is left out on purpose: MathJax's \href and \require would let a post
#: run script on the page (MathJax's "safe" filter is not loaded by default).
SAFE_EXTENSIONS = frozenset(
    {"colon_fence", "deflist", "tasklist", "strikethrough", "smartquotes", "replacements", "fieldlist", "linkify"}
)

_NAME = frozenset({"name"})
_IMAGE = frozenset({"alt", "width", "height", "scale", "align", "target", "name"})
_CODE = frozenset({"linenos", "lineno-start", "emphasize-lines", "caption", "name", "dedent", "force"})
_TABLE = frozenset({"name", "align", "width", "widths"})
_CARD = frozenset(
    {
        "width",
        "margin",
        "padding",
        "text-align",
        "img-top",
        "img-bottom",
        "img-background",
        "img-alt",
        "link",
        "link-type",
        "link-alt",
        "shadow",
    }
)
_GRID_ITEM = frozenset({"columns", "margin", "padding", "child-direction", "child-align", "outline"})

#: Directive -> the options a post may give it. Nothing that takes CSS, a CSS
#: class (``class``, ``class-*``, ``figclass``) or raw attributes. ``div`` and
#: ``container`` take CSS classes as arguments: allowed without any.
ALLOWED_OPTIONS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "admonition",
            "attention",
            "caution",
            "danger",
            "error",
            "hint",
            "important",
            "note",
            "seealso",
            "tip",
            "todo",
            "warning",
            "rubric",
        ),
        _NAME,
    ),
    **dict.fromkeys(
        (
            "versionadded",
            "versionchanged",
            "epigraph",
            "pull-quote",
            "highlights",
            "line-block",
            "parsed-literal",
            "centered",
            "compound",
            "container",
            "div",
            "tab-set",
        ),
        frozenset(),
    ),
    **dict.fromkeys(("code", "code-block", "sourcecode"), _CODE),
    "topic": _NAME,
    "sidebar": _NAME | {"subtitle"},
    "table": _TABLE,
    "list-table": _TABLE | {"header-rows", "stub-columns"},
    "image": _IMAGE,
    "figure": _IMAGE | {"figwidth"},
    "hlist": frozenset({"columns"}),
    "glossary": frozenset({"sorted"}),
    "tab-item": frozenset({"selected", "sync", "name"}),
    "grid": frozenset({"gutter", "margin", "padding", "outline", "reverse"}),
    "grid-item": _GRID_ITEM,
    "card": _CARD,
    "grid-item-card": _CARD | _GRID_ITEM,
    # Not ``dropdown``: sphinx-design draws its chevron as a raw SVG node, and a
    # post page holds no raw node (bodyguard.py).
}
ALLOWED_DIRECTIVES = frozenset(ALLOWED_OPTIONS)
#: Directives nested deeper than this are refused as text: each level is a
#: Python recursion of the parser (120 nested ``{note}`` crashed the build).
MAX_DIRECTIVE_DEPTH = 20
#: Directives whose argument is an address, not inline Markdown.
ADDRESS_ARGUMENT = frozenset({"image", "figure"})
#: Options whose value MyST renders as inline Markdown (links in it are links).
MARKDOWN_OPTIONS = ("caption", "subtitle")
#: Directives whose arguments are CSS classes.
NO_ARGUMENTS = frozenset({"div", "container"})
#: Directives whose content is code, not Markdown.
CODE_DIRECTIVES = frozenset({"code", "code-block", "sourcecode"})
ALLOWED_ROLES = frozenset(
    {
        "emphasis",
        "strong",
        "literal",
        "code",
        "sub",
        "subscript",
        "sup",
        "superscript",
        "abbr",
        "kbd",
        "term",
        "ref",
        "doc",
        "post",
        "edition",
        "author",
        "nl:post",
        "nl:edition",
        "nl:author",
        "guilabel",
        "menuselection",
        "samp",
        "dfn",
        "title-reference",
        "t",
    }
)


@dataclass(slots=True)
class BodyScan:
    """What :func:`scan_body` found in one post body."""

    problems: list[Problem] = field(default_factory=list)
    #: Addresses refused (and reported): the doctree pass removes them without a second warning.
    refused: set[str] = field(default_factory=set)
    #: ``(kind, name)`` of every directive, role or table refusal reported.
    reported: set[tuple[str, str]] = field(default_factory=set)
    tokens: int = 0
    cells: int = 0

    @property
    def too_large(self) -> bool:
        return any(p.code == "body-too-large" for p in self.problems)


def directive_refusal(name: str, first_line: str, content: str, depth: int = 1) -> tuple[str, str] | None:
    """``(code, why)`` when the directive *name* with this text is refused, else ``None``.

    The one rule, used by the scan and by the renderer that enforces it.
    *depth* is 1 for a directive in the body, 2 inside another one, and so on.
    """
    key = name.lower()
    if key not in ALLOWED_OPTIONS:
        return "body-directive", f"the directive {name!r} is not allowed in a post"
    if depth > MAX_DIRECTIVE_DEPTH:
        return "body-directive", f"directives nested more than {MAX_DIRECTIVE_DEPTH} deep are not allowed in a post"
    if key in NO_ARGUMENTS and first_line.strip():
        return "body-option", f"the directive {name!r} takes no arguments in a post (they are CSS classes)"
    options, body, _offset = split_options(content)
    if options is None:
        return "body-option", f"the options of the directive {name!r} cannot be read"
    refused = sorted({k for k, _v in options} - ALLOWED_OPTIONS[key])
    if refused:
        allowed = ", ".join(sorted(ALLOWED_OPTIONS[key])) or "none"
        return "body-option", (
            f"the option(s) {', '.join(map(repr, refused))} of the directive {name!r} "
            f"are not allowed in a post (allowed: {allowed})"
        )
    body_lines = len(body.splitlines())
    for option, value in options:
        why = option_value_problem(option, value, body_lines)
        if why:
            return "body-option", f"the option {option!r} of the directive {name!r} {why}"
    return None


#: Longest option value a post may give (an ``alt`` text, a caption).
MAX_OPTION_CHARS = 500
#: Options whose numbers turn into that many nodes, list items or pixels, and
#: the largest number each may hold: ``hlist``'s ``columns`` makes one node per
#: column, ``emphasize-lines`` lists every line of its ranges (``1-300000000``
#: took gigabytes). ``emphasize-lines`` may only name lines of its block.
OPTION_NUMBER_LIMITS: dict[str, int] = {
    "columns": 12,
    "lineno-start": 100_000,
    "header-rows": 100,
    "stub-columns": 100,
    "widths": 100,
    "width": 10_000,
    "height": 10_000,
    "figwidth": 10_000,
    "scale": 1_000,
    "gutter": 5,
    "margin": 5,
    "padding": 5,
    "selected": 1,
}
_NUMBER = re.compile(r"\d+")


def option_value_problem(option: str, value: str | None, body_lines: int) -> str:
    """Why an option's value is refused in a post (too long, a number past its bound), or ''."""
    text = value or ""
    if len(text) > MAX_OPTION_CHARS:
        return f"is longer than {MAX_OPTION_CHARS} characters"
    limit = max(1, body_lines) if option == "emphasize-lines" else OPTION_NUMBER_LIMITS.get(option)
    if limit is None:
        return ""
    numbers = _NUMBER.findall(text[:MAX_OPTION_CHARS])
    if len(numbers) > 100 or any(len(n) > 9 or int(n) > limit for n in numbers):
        what = "the block's lines" if option == "emphasize-lines" else f"{limit}"
        return f"holds a number past {what} ({text[:40]!r}): it would cost the build that many nodes"
    return ""


def split_options(content: str) -> tuple[list[tuple[str, str]] | None, str, int]:
    """A directive's options, its body and the body's line offset, read as MyST reads them.

    ``None`` for options that MyST's own option reader refuses.
    """
    from myst_parser.parsers.options import TokenizeError, options_to_items

    lines = content.splitlines()
    block: list[str] = []
    offset = 0
    if content.startswith("---"):
        rest = lines[1:]
        end = next((i for i, line in enumerate(rest) if line.startswith("---")), None)
        block = rest if end is None else rest[:end]
        offset = len(lines) if end is None else end + 2
    elif content.lstrip().startswith(":"):
        while offset < len(lines) and _is_option_line(lines[offset]):
            block.append(lines[offset].lstrip()[1:])
            offset += 1
    body = lines[offset:]
    if body and not body[0].strip():
        body, offset = body[1:], offset + 1
    if not block:
        return [], "\n".join(body), offset
    try:
        items, _state = options_to_items("\n".join(block))
    except TokenizeError:
        return None, "\n".join(body), offset
    return items, "\n".join(body), offset


def _is_option_line(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith(":") and not stripped.startswith(":::")


def post_parser_config(site_config: Any = None, extensions: Iterable[str] = ()) -> Any:
    """MyST's configuration for a post body: the site's, with only safe extensions and no HTML."""
    from myst_parser.config.main import MdParserConfig

    base = site_config if site_config is not None else MdParserConfig(enable_extensions=set(extensions))
    return dataclasses.replace(
        base,
        enable_extensions=set(base.enable_extensions) & SAFE_EXTENSIONS,
        disable_syntax=[*base.disable_syntax, "html_block", "html_inline"],
    )


_PARSERS: dict[str, Any] = {}


def _parser(md_config: Any) -> MarkdownIt:
    """One Markdown parser per configuration (making one costs more than a parse)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.parsers.mdit import create_md_parser

    key = repr(md_config)
    if key not in _PARSERS:
        _PARSERS[key] = create_md_parser(md_config, RendererHTML)
    return _PARSERS[key]


def scan_body(
    post: Post, *, md_config: Any, images_dir: Path | None, settings: Settings, images: ImageChecks | None = None
) -> BodyScan:
    """Every refusal in *post*'s body, at the post file's lines (see the module docstring).

    *images*: this build's :class:`.ImageChecks` (each image checked once per build).
    """
    scanner = _Scanner(post, _parser(md_config), images_dir, settings, images)
    scanner.text(shift_headings(post.body), post.body_line)
    return scanner.result


def scan_page_tokens(
    post: Post,
    tokens: list[Token],
    header_lines: int,
    *,
    md_config: Any,
    images_dir: Path | None,
    settings: Settings,
    images: ImageChecks | None = None,
) -> BodyScan:
    """:func:`scan_body` over the tokens of the post's generated page, parsed once for scan and render.

    *tokens* are those of the page (:func:`.render.post_page`) parsed with
    *md_config*; its first *header_lines* lines are the generated header
    (comment and title), whose tokens are skipped. The body's tokens are the
    ones :func:`scan_body` would get from the body alone (the header ends with
    a blank line), *header_lines* lines further down.
    """
    start = next((i for i, t in enumerate(tokens) if t.map is None or t.map[0] >= header_lines), len(tokens))
    scanner = _Scanner(post, _parser(md_config), images_dir, settings, images)
    scanner.walk(tokens[start:], post.body_line, 0, header_lines)
    return scanner.result


class _Scanner:
    def __init__(
        self, post: Post, md: Any, images_dir: Path | None, settings: Settings, images: ImageChecks | None
    ) -> None:
        self.post, self.md, self.images_dir, self.settings = post, md, images_dir, settings
        self.images = images
        self.result = BodyScan()

    def problem(self, line: int, code: str, message: str) -> None:
        self.result.problems.append(Problem(path=self.post.source, line=line, code=code, message=message))

    def text(self, text: str, first_line: int, depth: int = 0) -> None:
        if self.result.too_large:
            return
        self.walk(self.md.parse(text, {}), first_line, depth)

    def walk(self, tokens: list[Token], first_line: int, depth: int = 0, offset: int = 0) -> None:
        """The tokens of a text whose line *offset* is the post file's line *first_line*."""
        self.result.tokens += len(tokens) + sum(len(t.children or ()) for t in tokens)
        if self.result.tokens > self.settings.max_body_tokens:
            self.problem(
                self.post.body_line,
                "body-too-large",
                f"the body is too large to show (over {self.settings.max_body_tokens} Markdown "
                "elements, newsletter_max_body_tokens); it is left out",
            )
            return
        for index, token in enumerate(tokens):
            line = first_line + (token.map[0] - offset if token.map else 0)
            if token.type in ("fence", "colon_fence"):
                self.fence(token, line, depth)
            elif token.type == "table_open":
                self.table(tokens, index, line)
            elif token.type == "inline":
                self.inline(token.children or [], line)

    def fence(self, token: Token, line: int, depth: int = 0) -> None:
        parts = (token.info or "").strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        arguments = parts[1] if len(parts) > 1 else ""
        if name == "{eval-rst}":
            self.refuse_directive(line, "eval-rst", "body-directive", "the {eval-rst} block is not allowed in a post")
        elif name.startswith("{") and name.endswith("}"):
            self.directive(name[1:-1], arguments, token.content, line, depth + 1)
        elif token.type == "colon_fence" and name:
            self.refuse_directive(
                line, f":::{name}", "body-directive", f"a ':::{name}' block (a CSS class) is not allowed in a post"
            )
        elif token.type == "colon_fence":
            self.text(token.content, line + 1, depth)

    def refuse_directive(self, line: int, name: str, code: str, message: str) -> None:
        self.result.reported.add(("directive", name.lower()))
        self.problem(line, code, f"{message}; shown as text")

    def directive(self, name: str, first_line: str, content: str, line: int, depth: int = 1) -> None:
        refusal = directive_refusal(name, first_line, content, depth)
        if refusal is not None:
            self.refuse_directive(line, name, *refusal)
            return
        key = name.lower()
        options, body, offset = split_options(content)
        values = dict(options or [])
        if key in ADDRESS_ARGUMENT:
            self.image(first_line.strip(), line)
        elif first_line.strip() and key not in CODE_DIRECTIVES:  # a title: inline Markdown
            self.inline_text(first_line, line)
        for option in MARKDOWN_OPTIONS:
            if values.get(option):
                self.inline_text(str(values[option]), line)
        if "target" in values:  # a plain refuri (not a MyST link): only http(s) stays
            self.address(values["target"], external_url(values["target"])[1], line, "body-link", "link")
        for option in ("img-top", "img-bottom", "img-background"):
            if option in values:
                self.image(values[option], line)
        if "link" in values and str(values.get("link-type") or "url").strip().lower() == "url":
            self.address(values["link"], external_url(values["link"])[1], line, "body-link", "link")
        if key not in CODE_DIRECTIVES and body.strip():
            self.text(body, line + 1 + offset, depth)

    def table(self, tokens: list[Token], index: int, line: int) -> None:
        cells = 0
        for token in tokens[index + 1 :]:
            if token.type == "table_close":
                break
            cells += token.type in ("th_open", "td_open")
        self.result.cells += cells
        if self.result.cells > self.settings.max_table_cells:
            self.result.reported.add(("table", ""))
            self.problem(
                line,
                "body-table",
                f"this table takes the post over {self.settings.max_table_cells} table cells "
                "(newsletter_max_table_cells); shown as text",
            )

    def inline(self, children: list[Token], line: int) -> None:
        for child in children:
            if child.type == "softbreak" or child.type == "hardbreak":
                line += 1
            elif child.type == "link_open":
                self.link(str(child.attrGet("href") or ""), line)
            elif child.type == "image":
                self.image(str(child.attrGet("src") or ""), line)
            elif child.type == "myst_role":
                name = child.meta.get("name", "")
                if name.lower() not in ALLOWED_ROLES:
                    self.result.reported.add(("role", name.lower()))
                    self.problem(line, "body-role", f"the role {name!r} is not allowed in a post; shown as text")

    def inline_text(self, text: str, line: int) -> None:
        """A directive's title or caption, which MyST renders as inline Markdown."""
        for token in self.md.parseInline(text, {}):
            self.inline(token.children or [], line)

    def link(self, uri: str, line: int) -> None:
        why = link_problem(uri)
        self.address(uri, why, line, "body-link", "link to a local file" if why == LOCAL_FILE else "link")

    def image(self, uri: str, line: int) -> None:
        why = image_problem_of(uri, self.images_dir, self.settings, self.images)
        self.address(uri, why, line, "body-image", "image")

    def address(self, uri: str, why: str, line: int, code: str, what: str) -> None:
        if why:
            self.result.refused.update({uri.strip(), self.md.normalizeLinkText(uri.strip())})
            self.problem(line, code, f"{what} {uri!r} removed: it {why}")
