"""The ``newsletter`` command's language: its help and messages through gettext.

The command speaks the archive's language. It uses the extension's own
catalogue (``locale/<lang>/LC_MESSAGES/sphinx_newsletter.mo``, the one the
build's labels use, extracted and compiled by ``make locale``), and picks the
language in this order:

1. ``LANGUAGE``, ``LC_ALL`` or ``LC_MESSAGES`` when set (``LANGUAGE=en
   newsletter --help`` gives English); ``C`` and ``POSIX`` do not count;
2. the ``language`` of the site's ``conf.py`` (read without running it: a
   top-level ``language = "pt_BR"``), so a maintainer in any locale sees the
   messages in the language of the archive;
3. English.

``LANG`` is not consulted: it is the machine's default (``C.UTF-8`` in most
containers and CI runners), not a choice made for this command.

argparse's own words ("usage:", "options", "the following arguments are
required") are looked up in the same catalogue while :func:`speaking` is
active: they are listed in :func:`_argparse_messages` so that ``make locale``
extracts them.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

DOMAIN = "sphinx_newsletter"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
#: Environment variables that choose the command's language, first wins.
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES")
#: Largest conf.py read for its ``language`` (a site's conf.py is a few kB).
MAX_CONF_BYTES = 1_000_000

_current: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """*message* in the command's current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for *n*, in the command's current language."""
    return _current.ngettext(singular, plural, n)


def chosen_languages(environ: Mapping[str, str], conf_language: str | None) -> list[str]:
    """The languages to try, best first (see the module docstring)."""
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            wanted = [part for part in value.split(":") if part and part.split(".")[0] not in ("C", "POSIX")]
            if wanted:
                return _with_regions(wanted)
    return _with_regions([conf_language or "en"])


def _with_regions(languages: list[str]) -> list[str]:
    """``pt`` and ``pt-BR`` find the ``pt_BR`` catalogue (the only Portuguese one)."""
    found: list[str] = []
    for language in languages:
        name, dot, encoding = language.partition(".")
        code = name.replace("-", "_") + dot + encoding
        found.append(code)
        if code.split("_")[0].split(".")[0] == "pt":
            found.append("pt_BR")
    return list(dict.fromkeys(found))


def conf_language(confdir: Path | None) -> str | None:
    """The ``language = "..."`` assigned at the top of *confdir*/conf.py, if it is a plain string.

    The file is parsed, not run: the help must show before (and without)
    the site's configuration being executed.
    """
    if confdir is None:
        return None
    try:
        with open(confdir / "conf.py", "rb") as handle:
            tree = ast.parse(handle.read(MAX_CONF_BYTES))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == "language" for target in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


def translation(languages: list[str]) -> gettext.NullTranslations:
    """The catalogue for the first of *languages* that has one; English (the msgids) otherwise."""
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=languages, fallback=True)


@contextmanager
def speaking(languages: list[str]) -> Iterator[None]:
    """Messages (ours and argparse's) in *languages* while the block runs; put back after."""
    global _current
    before = _current, argparse.__dict__.get("_"), argparse.__dict__.get("ngettext")
    _current = translation(languages)
    argparse._ = _  # type: ignore[attr-defined]  # argparse looks its words up through this name
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        _current = before[0]
        for name, value in (("_", before[1]), ("ngettext", before[2])):
            if value is not None:
                setattr(argparse, name, value)


def _argparse_messages() -> tuple[str, ...]:
    """argparse's words a user of the command can see, for ``make locale`` to extract (never called)."""
    return (
        _("usage: "),
        _("positional arguments"),
        _("options"),
        _("show this help message and exit"),
        _("%(prog)s: error: %(message)s\n"),
        _("the following arguments are required: %s"),
        _("unrecognized arguments: %s"),
        _("invalid choice: %(value)r (choose from %(choices)s)"),
        _("argument %(argument_name)s: %(message)s"),
        _("expected one argument"),
        _("expected at least one argument"),
        _("invalid %(type)s value: %(value)r"),
        _("ambiguous option: %(option)s could match %(matches)s"),
        _("ignored explicit argument %r"),
        _("not allowed with argument %s"),
        _("one of the arguments %s is required"),
    )


def environment_languages(confdir: Path | None) -> list[str]:
    """The languages the command speaks in this process, for the site in *confdir*."""
    return chosen_languages(os.environ, conf_language(confdir))
