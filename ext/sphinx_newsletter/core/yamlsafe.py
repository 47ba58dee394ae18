"""A strict, bounded YAML reader for front matter (no Sphinx import).

PyYAML's safe loader still lets through what a post must not do or mean:
aliases that explode when the value is used, YAML 1.1 guesses (``NO`` is
False, ``1.10`` is 1.1, ``2022-11-06`` a date), duplicate keys that silently
keep the last, and unbounded nesting. This reader composes the node tree
itself and builds values from it by one rule: a scalar is text, except the
plain (unquoted) words ``true``/``false`` (booleans) and ``null``/``~``/empty
(``None``). Aliases, explicit tags and nesting deeper than :data:`MAX_DEPTH`
are refused; duplicate keys are reported. A ``\\uD83D\\uDE00`` pair of escapes
(JSON's way to write an emoji) is read as the one character it stands for; a
lone surrogate escape (``"\\uD800"``) is not a character, can't be written as
UTF-8 and is refused at its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

MAX_DEPTH = 20
_STANDARD_TAGS = frozenset(
    {
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:map",
    }
)


class YamlProblem(Exception):
    """The front matter cannot be read; ``line`` and ``column`` are 0-based."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class Field:
    """A top-level front-matter value and where it stands (0-based line/column)."""

    value: Any
    line: int
    column: int
    #: For a list: the 0-based line of each item.
    items: tuple[int, ...] = ()


class _Bounded(Composer):
    """Composes nodes only: no aliases, bounded depth (typing is done by :func:`_value`).

    Mixed with a parser (PyYAML's or libyaml's), which gives the events.
    """

    _depth: int
    check_event: Any
    peek_event: Any

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise ComposerError(None, None, "aliases (*name) are not allowed", mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nesting deeper than {MAX_DEPTH}", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PyComposer(_Bounded, yaml.SafeLoader):
    """The pure-Python reader, where PyYAML was built without libyaml."""

    yaml_implicit_resolvers: dict = {}  # every plain scalar resolves to str

    def __init__(self, stream: str) -> None:
        yaml.SafeLoader.__init__(self, stream)
        self._depth = 0


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _CComposer(_Bounded, CParser, BaseResolver):
        """libyaml's parser (events, ~8x faster) under our own bounded composer.

        libyaml keeps its parser state on a heap stack, so deep input can't
        exhaust the C stack; nodes are still built here, one level at a time.
        """

        yaml_implicit_resolvers: dict = {}

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            BaseResolver.__init__(self)
            self._depth = 0

    _Composer: type = _CComposer
else:  # pragma: no cover - depends on how PyYAML was built
    _Composer = _PyComposer


def _compose(composer: type, text: str) -> Node | None:
    loader = composer(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _compose_reporting(text: str) -> Node | None:
    try:
        return _compose(_PyComposer, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line, mark.column) if mark else (0, 0)
        raise YamlProblem(f"invalid YAML: {exc.problem or exc.context}", *where) from None
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:
        raise YamlProblem(f"invalid YAML: {type(exc).__name__}") from None


def load_mapping(text: str, first_line: int = 1) -> tuple[dict[str, Field], list[YamlProblem]]:
    """Read front matter that must be a mapping; warnings come back as problems.

    *first_line* is the file line of the text's first line, for messages that
    name another line (lines and columns of problems stay 0-based in *text*).
    """
    try:
        root = _compose(_Composer, text)
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError):
        # Broken input is rare: read it again with the pure-Python parser, whose
        # messages and positions are the ones we document and test.
        root = _compose_reporting(text)
    if root is None:
        return {}, []
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        raise YamlProblem(f"front matter must be a mapping of keys to values, not {kind}", root.start_mark.line)
    problems: list[YamlProblem] = []
    result: dict[str, Field] = {}
    for key_node, value_node in root.value:
        key = _key(key_node)
        if key in result:
            problems.append(
                YamlProblem(
                    f"duplicate key {key!r} (first on line {result[key].line + first_line}); the first value is used",
                    key_node.start_mark.line,
                    key_node.start_mark.column,
                )
            )
            continue
        result[key] = Field(
            _value(value_node),
            value_node.start_mark.line,
            value_node.start_mark.column,
            tuple(item.start_mark.line for item in value_node.value) if isinstance(value_node, SequenceNode) else (),
        )
    return result, problems


def _key(node: Node) -> str:
    if not isinstance(node, ScalarNode):
        raise YamlProblem("keys must be plain words", node.start_mark.line, node.start_mark.column)
    return _text(node)


def _text(node: ScalarNode) -> str:
    """The scalar's text, with UTF-16 surrogate pairs joined; a lone surrogate is refused."""
    value: str = node.value
    if not any("\ud800" <= c <= "\udfff" for c in value):
        return value
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        lone = next(c for c in value if "\ud800" <= c <= "\udfff")
        mark = node.start_mark
        raise YamlProblem(
            f"\\u{ord(lone):04X} is not a character (a lone UTF-16 surrogate); write the character itself",
            mark.line,
            mark.column,
        ) from None


def _value(node: Node) -> Any:
    if node.tag not in _STANDARD_TAGS:
        mark = node.start_mark
        raise YamlProblem(f"YAML tag {node.tag!r} is not allowed", mark.line, mark.column)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_value(item) for item in node.value]
    mapping: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = _key(key_node)
        if key in mapping:
            # Nested mappings (an authors-registry entry) have no "first value
            # wins" rule to fall back on: which one was meant is unknown.
            mark = key_node.start_mark
            raise YamlProblem(
                f"duplicate key {key!r} (first on line {lines[key] + 1} of this block); a key may appear only once",
                mark.line,
                mark.column,
            )
        lines[key] = key_node.start_mark.line
        mapping[key] = _value(value_node)
    return mapping


def _scalar(node: ScalarNode) -> str | bool | None:
    if node.style:  # quoted or block scalar: always text (plain is None, or "" from libyaml)
        return _text(node)
    word = node.value.lower()
    if word in ("true", "false"):
        return word == "true"
    if word in ("", "~", "null"):
        return None
    return _text(node)


def yaml_quote(value: str) -> str:
    """*value* as a double-quoted YAML scalar on one line (any text round-trips)."""
    text = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1_000_000_000)
    return text.removesuffix("\n...\n").rstrip("\n")
