"""The ``newsletter`` command (also ``python -m sphinx_newsletter``): check, new, import, email.

``main(argv) -> int`` is the whole command; it imports nothing from Sphinx
at module load, and reads posts with the same pure modules as the build
(:mod:`.frontmatter`, :mod:`.model`, :mod:`.loader`, :mod:`.registry`).

**One source of truth for settings: the site's ``conf.py``.** The command
finds ``docs/conf.py`` (or ``conf.py``) in the working directory or a parent
(``--conf-dir`` names it), executes it the way Sphinx does
(:meth:`sphinx.config.Config.read`, imported only then) and validates its
``newsletter_*`` values with :func:`sphinx_newsletter.config.read_config`,
the very function the build runs at ``config-inited``. The build and the
command therefore read the same folders, fields, edition pattern, time zone
and registry (``tests/test_cli_config.py`` proves it on a test root).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..core.text import printable
from .i18n import _, ngettext

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..config import NewsletterConfig
    from ..core.baseline import Baseline, Entry
    from ..core.checks import Note
    from ..core.model import Problem

PROG = "newsletter"


class UsageError(Exception):
    """Bad arguments or configuration: exit status 2."""


# --- configuration ------------------------------------------------------------------------


def find_confdir(start: Path) -> Path:
    """``docs/conf.py`` or ``conf.py`` in *start* or its nearest parent that has one."""
    for folder in (start, *start.parents):
        for candidate in (folder / "docs", folder):
            if (candidate / "conf.py").is_file():
                return candidate
    raise UsageError(_("no docs/conf.py or conf.py in %s or its parents; pass --conf-dir") % start)


def load_config(confdir: Path) -> NewsletterConfig:
    """The site's validated settings, exactly as the build computes them."""
    return _read_conf(confdir)[0]


def _read_conf(confdir: Path) -> tuple[NewsletterConfig, dict[str, Any]]:
    """*confdir*/conf.py run once, as Sphinx runs it: the validated settings and conf.py's own values
    (``html_baseurl``, ``language``, ``myst_enable_extensions``...); a :class:`ConfigError` is a usage error."""
    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    from ..config import CONFIG_VALUES, read_config

    try:
        config = Config.read(confdir.resolve(), overrides={}, tags=Tags())
        for name, (default, rebuild, types, description) in CONFIG_VALUES.items():
            config.add(name, default, rebuild, types, description)  # type: ignore[arg-type]
            if not isinstance(config[name], types):  # Sphinx only warns; read_config would fail on it
                raise ConfigError(
                    f"{name} must be {' or '.join(t.__name__ for t in types)}, not {type(config[name]).__name__}"
                )
        return read_config(confdir.resolve(), config), config._raw_config
    except ConfigError as exc:
        raise UsageError(f"{confdir / 'conf.py'}: {exc}") from None


def _confdir(args: argparse.Namespace) -> Path:
    """``--conf-dir``, or the nearest folder with a conf.py (:func:`find_confdir`)."""
    return Path(args.conf_dir).resolve() if args.conf_dir else find_confdir(Path.cwd())


def _config(args: argparse.Namespace) -> NewsletterConfig:
    return _read_conf(_confdir(args))[0]


# --- check ------------------------------------------------------------------------------------


def _check_inputs(paths: list[str], config: NewsletterConfig, images: str | None) -> tuple[list[Path], Path | None]:
    """The post files to check and the images folder they use."""
    from ..core.loader import find_post_files

    images_dir = Path(images).resolve() if images else None
    if not paths:
        posts_dir = _required(config.posts_dir, "newsletter_posts_dir")
        return find_post_files(posts_dir, images_dir or config.images_dir), images_dir or config.images_dir
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if (path / "_posts").is_dir():  # a Jekyll site: its _posts/ and images/
            images_dir = images_dir or (path / "images").resolve()
            files += find_post_files(path / "_posts", None)
        elif path.is_dir():
            files += find_post_files(path, images_dir or config.images_dir)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(_("%s: no such file or folder") % text)
    return sorted(dict.fromkeys(files)), images_dir or config.images_dir


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    from ..core.baseline import load_configured as load_baseline
    from ..core.baseline import split_known, unmatched
    from ..core.checks import check_archive
    from ..core.loader import load_files
    from ..core.registry import load_configured

    config, raw = _read_conf(_confdir(args))
    if args.update_baseline and args.paths:
        raise UsageError(_("--update-baseline records the whole archive's problems: give no paths"))
    files, images_dir = _check_inputs(args.paths, config, args.images)
    authors_file = Path(args.authors).resolve() if args.authors else config.authors_file
    registry, problems = load_configured(authors_file, images_dir, config.settings)
    result = load_files(files, images_dir, config.settings, registry=registry)
    problems += _site_file_problems(config)
    extra, notes = check_archive(result.archive, registry)
    extra += _body_problems(result.archive, config, images_dir, raw)
    problems = sorted(problems + result.problems + extra, key=lambda p: (p.path, p.line, p.column, p.code))
    if args.update_baseline:
        _update_baseline(config.baseline_file, problems, out)
    baseline, baseline_problems = load_baseline(config.baseline_file)
    split = split_known(problems, baseline)
    problems = sorted(split.new + baseline_problems, key=lambda p: (p.path, p.line, p.column, p.code))
    # Only a check of the whole archive can tell that an entry matches nothing.
    stale = [] if args.paths else unmatched(baseline, split.matched)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    emit = {"text": _emit_text, "github": _emit_github, "json": _emit_json}[args.format]
    emit(out, problems, notes, len(files), Known(split.known, stale, baseline, args.show_known))
    failed = errors > 0 or (args.strict and warnings > 0)
    return 1 if failed else 0


def _site_file_problems(config: NewsletterConfig) -> list[Problem]:
    """The site file's problems, as the build reports them (:mod:`..siteinfo`): pull requests edit it too."""
    from ..core.paths import display_path
    from ..core.sitefile import load_site_file

    path = config.site_file
    return load_site_file(path, display_path(path) if path else "")[1]


@dataclass(frozen=True, slots=True)
class Known:
    """What the baseline made known, for the emitters."""

    problems: list[Problem]
    stale: list[tuple[Entry, int]]
    baseline: Baseline
    show: bool = False

    def summary(self) -> str:
        """``3 known problems from the baseline (posts/baseline.yml: 2 entries)``, or ``''`` without a baseline."""
        if not self.baseline.entries and not self.problems:
            return ""
        n, entries = len(self.problems), len(self.baseline.entries)
        return (
            f"{n} known problem{'s' if n != 1 else ''} from the baseline ({self.baseline.display}: "
            f"{entries} entr{'ies' if entries != 1 else 'y'}, up to {self.baseline.size} problems)"
        )

    def stale_lines(self) -> list[str]:
        from ..core.baseline import stale_message

        return [
            printable(f"{self.baseline.display}:{entry.line}:1: info: {stale_message(entry, unused)} [baseline-stale]")
            for entry, unused in self.stale
        ]


def _update_baseline(baseline_file: Path | None, problems: list[Problem], out: TextIO) -> None:
    """``--update-baseline``: record every warning of the archive as known; errors stay errors."""
    from ..core.baseline import entries_of, format_baseline, write_baseline
    from ..core.baseline import load_configured as load_baseline

    path = _required(baseline_file, "newsletter_baseline_file")
    baseline, _ = load_baseline(path)
    entries = entries_of(problems, baseline)
    changed = write_baseline(path, format_baseline(entries))
    size = sum(e.count for e in entries)
    errors = sum(p.severity == "error" for p in problems)
    print(
        printable(
            f"{baseline.display}: {'written' if changed else 'unchanged'}: {len(entries)} "
            f"entr{'ies' if len(entries) != 1 else 'y'}, {size} known problem{'s' if size != 1 else ''}"
            + (
                f"; {errors} error{'s' if errors != 1 else ''} not recorded (errors are never baselined)"
                if errors
                else ""
            )
        ),
        file=out,
    )


def _body_problems(
    archive: object, config: NewsletterConfig, images_dir: Path | None, raw: dict[str, Any]
) -> list[Problem]:
    """What the build refuses in post bodies: :func:`.bodyscan.scan_body`, as the build runs it.

    *raw*: conf.py's own values (its ``myst_enable_extensions``)."""
    if config.trust_bodies:
        return []
    from myst_parser.config.main import MdParserConfig

    from ..bodyscan import post_parser_config, scan_body

    md_config = post_parser_config(MdParserConfig(enable_extensions=set(raw.get("myst_enable_extensions", ()))))
    problems: list[Problem] = []
    for post in archive.posts.values():  # type: ignore[attr-defined]
        problems += scan_body(post, md_config=md_config, images_dir=images_dir, settings=config.settings).problems
    return problems


def _summary(problems: list[Problem], notes: list[Note], files: int) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    text = _count(ngettext("%d post checked", "%d posts checked", _plural(files)), files)
    text += ": " + _count(ngettext("%d error", "%d errors", _plural(errors)), errors)
    text += ", " + _count(ngettext("%d warning", "%d warnings", _plural(warnings)), warnings)
    return text + (", " + _count(ngettext("%d note", "%d notes", _plural(len(notes))), len(notes)) if notes else "")


def _plural(n: int) -> int:
    """The count to choose a plural form by: zero takes the plural in English and in Portuguese
    ("0 erros"), though gettext's rule for pt_BR gives it the singular."""
    return n or 2


def _count(template: str, n: int) -> str:
    return template % n


def format_problem(problem: Problem) -> str:
    """``posts/x.md:3:9: warning: date has trailing text '--->' [date-junk]``, on one line (:func:`printable`)."""
    return printable(
        f"{problem.path}:{problem.line}:{problem.column}: {problem.severity}: {problem.message} [{problem.code}]"
    )


def _emit_text(out: TextIO, problems: list[Problem], notes: list[Note], files: int, known: Known) -> None:
    for problem in problems:
        print(format_problem(problem), file=out)
    for note in notes:
        print(f"{note.path}:{note.line}:1: note: {note.message} [{note.code}]", file=out)
        for line in note.detail.splitlines():
            print(f"    {line}", file=out)
    for line in known.stale_lines():
        print(line, file=out)
    if known.show:
        for problem in known.problems:
            print(format_problem(problem).replace(f": {problem.severity}: ", ": known: ", 1), file=out)
    if known.summary():
        print(printable(known.summary()), file=out)
    print(_summary(problems, notes, files), file=out)


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _emit_github(out: TextIO, problems: list[Problem], notes: list[Note], files: int, known: Known) -> None:
    """GitHub Actions workflow commands: each problem becomes an annotation on the PR's diff."""
    for p in problems:
        where = f"file={_gh_escape(p.path, prop=True)},line={p.line},col={p.column}"
        print(f"::{p.severity} {where},title={_gh_escape(p.code, prop=True)}::{_gh_escape(p.message)}", file=out)
    for n in notes:
        where = f"file={_gh_escape(n.path, prop=True)},line={n.line}"
        message = _gh_escape(f"{n.message}:\n{n.detail}")
        print(f"::notice {where},title={_gh_escape(n.code, prop=True)}::{message}", file=out)
    from ..core.baseline import stale_message

    for entry, unused in known.stale:
        where = f"file={_gh_escape(known.baseline.display, prop=True)},line={entry.line}"
        print(f"::notice {where},title=baseline-stale::{_gh_escape(stale_message(entry, unused))}", file=out)
    if known.summary():
        print(printable(known.summary()), file=out)
    print(_summary(problems, notes, files), file=out)


def _emit_json(out: TextIO, problems: list[Problem], notes: list[Note], files: int, known: Known) -> None:
    from ..core.baseline import stale_message

    errors = sum(p.severity == "error" for p in problems)
    data = {
        "problems": [_problem_json(p) for p in problems],
        "notes": [
            {"path": n.path, "line": n.line, "code": n.code, "message": n.message, "suggestion": n.detail}
            for n in notes
        ],
        "known": [_problem_json(p) for p in known.problems],
        "stale": [
            {
                "path": known.baseline.display,
                "line": e.line,
                "file": e.file,
                "code": e.code,
                "unmatched": unused,
                "message": stale_message(e, unused),
            }
            for e, unused in known.stale
        ],
        "summary": {
            "files": files,
            "errors": errors,
            "warnings": len(problems) - errors,
            "notes": len(notes),
            "known": len(known.problems),
        },
    }
    out.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")  # one write, not one per token


def _problem_json(p: Problem) -> dict[str, object]:
    return {
        "path": p.path,
        "line": p.line,
        "column": p.column,
        "severity": p.severity,
        "code": p.code,
        "message": p.message,
    }


# --- new ---------------------------------------------------------------------------------------

#: Largest ``--from-issue`` body read (a GitHub issue body is at most 65,536 characters).
MAX_ISSUE_BYTES = 1_000_000
DRAFT_FLAGS = ("title", "post_title", "url", "article_author", "by", "profile", "headline", "image", "comment", "slug")


def _text_arg(*, multiline: bool) -> Callable[[str], str]:
    """An argparse type: text that is UTF-8 and has no control characters (but line ends for *multiline*)."""

    def check(text: str) -> str:
        from .newpost import bad_character

        why = bad_character(text, multiline=multiline)
        if why:
            raise argparse.ArgumentTypeError(f"{printable(repr(text))} {why}")
        return text

    return check


def _date_arg(text: str) -> dt.date:
    """An argparse type: a calendar date written ``YYYY-MM-DD``."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("%s is not a date written YYYY-MM-DD") % printable(repr(text))) from None


def _edition_arg(text: str) -> int:
    """An argparse type: an edition number, 1 to 99999."""
    if not re.fullmatch(r"[0-9]{1,5}", text.strip()) or int(text) < 1:
        raise argparse.ArgumentTypeError(_("%s is not an edition number (1 to 99999)") % printable(repr(text)))
    return int(text)


def read_issue(name: str) -> str:
    """The text of ``--from-issue`` *name* (``-``: standard input); a :class:`UsageError` says why not."""
    where = _("standard input") if name == "-" else repr(name)
    if name == "-":
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read(MAX_ISSUE_BYTES + 1) if stream else os.fsencode(sys.stdin.read(MAX_ISSUE_BYTES + 1))
    else:
        try:
            if not Path(name).is_file():  # a folder, a device, a pipe that would never end
                why = _("does not exist") if not os.path.lexists(name) else _("is not a regular file")
                raise UsageError(f"argument --from-issue: {printable(where)} {why}")
            with open(name, "rb") as handle:
                data = handle.read(MAX_ISSUE_BYTES + 1)
        except OSError as exc:
            raise UsageError(
                _("argument --from-issue: cannot read %(file)s: %(why)s")
                % {"file": printable(where), "why": exc.strerror}
            ) from None
    if len(data) > MAX_ISSUE_BYTES:
        raise UsageError(
            _("argument --from-issue: %(file)s is larger than %(size)d bytes")
            % {"file": printable(where), "size": MAX_ISSUE_BYTES}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            _("argument --from-issue: %(file)s is not UTF-8 (byte 0x%(byte)02x on line %(line)d)")
            % {"file": printable(where), "byte": data[exc.start], "line": line}
        ) from None


def run_new(args: argparse.Namespace, out: TextIO) -> int:
    from ..core.loader import load_archive
    from ..core.registry import load_configured
    from .newpost import (
        Draft,
        NewPostError,
        create_post,
        draft_problems,
        fix_draft,
        parse_issue_form,
        profile_warning,
    )

    config = _config(args)
    draft = Draft()
    if args.from_issue:
        draft = parse_issue_form(read_issue(args.from_issue))
        problems = draft_problems(draft)
        if problems:
            raise UsageError(f"argument --from-issue: {printable(repr(args.from_issue))}: {'; '.join(problems)}")
    for name in DRAFT_FLAGS:
        value = getattr(args, name)
        if value:
            setattr(draft, name, value)
    registry, _problems = load_configured(config.authors_file, config.images_dir, config.settings)
    posts_dir = (
        Path(args.posts_dir).resolve() if args.posts_dir else _required(config.posts_dir, "newsletter_posts_dir")
    )
    archive = load_archive(posts_dir, config.images_dir, config.settings, registry=registry).archive
    try:
        # Fixed (a profile link without https, an image given as a path) and
        # warned about (a missing image) before anything is written.
        # A registered name with a link the registry doesn't list: said now (and in the PR), kept in the post.
        notes = fix_draft(draft, config.images_dir, Path.cwd(), config.settings.image_url_prefix)
        notes.append(profile_warning(draft, registry))
        for note in filter(None, notes):
            print(printable(_("%(prog)s new: warning: %(message)s") % {"prog": PROG, "message": note}), file=sys.stderr)
        path, created = create_post(
            draft,
            posts_dir,
            archive,
            config.settings,
            registry,
            today=args.today or dt.date.today(),
            edition=args.edition,
            date=args.date,
        )
    except NewPostError as exc:
        print(_("%(prog)s new: error: %(message)s") % {"prog": PROG, "message": printable(str(exc))}, file=sys.stderr)
        return 1
    for problem in created:
        print(format_problem(problem), file=sys.stderr)
    if registry is not None and not registry.match(draft.by, draft.profile or None):
        note = _("%(name)r is not in the authors registry (%(file)s); `%(prog)s check` suggests an entry") % {
            "name": draft.by,
            "file": config.authors_file,
            "prog": PROG,
        }
        print(printable(_("%(prog)s new: note: %(message)s") % {"prog": PROG, "message": note}), file=sys.stderr)
    print(printable(str(path)), file=out)
    return 0


def _required(path: Path | None, name: str) -> Path:
    """A configured folder the command needs; ``''`` in conf.py is a usage error."""
    if path is None:
        raise UsageError(_("%s is empty in conf.py: this command needs that folder") % name)
    return path


# --- import ------------------------------------------------------------------------------------


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    from .importer import import_site

    config = _config(args)
    # Not resolved: a destination that is a symbolic link is refused, not followed.
    posts_dir = (
        Path(os.path.abspath(args.posts_dir)) if args.posts_dir else _required(config.posts_dir, "newsletter_posts_dir")
    )
    images_dir = (
        Path(os.path.abspath(args.images_dir))
        if args.images_dir
        else _required(config.images_dir, "newsletter_images_dir")
    )
    if not Path(args.site).is_dir():
        raise UsageError(_("argument SITE_DIR: %s is not a folder") % printable(repr(args.site)))
    if args.replace:
        return _adopt(args, config, posts_dir, images_dir, out)
    report = import_site(Path(args.site), posts_dir, images_dir, config.settings, dry_run=args.dry_run)
    for line in report.lines():
        print(printable(line), file=out)
    return 1 if report.skipped or report.images["conflict"] else 0


def _adopt(args: argparse.Namespace, config: NewsletterConfig, posts_dir: Path, images_dir: Path, out: TextIO) -> int:
    """``import --replace``: :func:`.adopt.adopt`, its plan, and the next steps."""
    from .adopt import adopt

    report = adopt(Path(args.site), config, posts_dir, images_dir, dry_run=args.dry_run)
    for line in report.lines():
        print(printable(line), file=out)
    if args.dry_run:
        print(_("dry run: nothing written"), file=out)
    else:
        print(
            _(
                "next: review the diff (authors' '# review:' lines), record the history the import can't fix "
                'with `%s check --update-baseline`, then build with `make html SPHINXOPTS="-W --keep-going"`'
            )
            % PROG,
            file=out,
        )
    return 1 if report.failed else 0


# --- email ------------------------------------------------------------------------------------


def run_email(args: argparse.Namespace, out: TextIO) -> int:
    from . import emailcmd

    confdir = _confdir(args)
    config, raw = _read_conf(confdir)
    try:
        return emailcmd.run_email(args, out, config=config, confdir=confdir, raw=raw)
    except emailcmd.UsageError as exc:
        raise UsageError(str(exc)) from None


# --- the command -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments; their help in the language :func:`main` chose."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=_("Check, write and import newsletter posts; send an edition as an email.")
    )
    parser.add_argument("--conf-dir", help=_("folder of the site's conf.py (default: ./docs or the nearest parent's)"))
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help=_("validate posts without building the site"))
    check.add_argument("paths", nargs="*", help=_("post files, folders or Jekyll sites (default: the posts folder)"))
    check.add_argument("--strict", action="store_true", help=_("warnings fail too"))
    check.add_argument("--format", choices=("text", "github", "json"), default="text", help=_("output format"))
    check.add_argument("--images", help=_("images folder (default: the configured one, or SITE/images)"))
    check.add_argument("--authors", help=_("authors registry (default: newsletter_authors_file)"))
    check.add_argument(
        "--update-baseline",
        action="store_true",
        help=_(
            "record every warning of the archive as known in newsletter_baseline_file "
            "(errors are never recorded); review the file's diff"
        ),
    )
    check.add_argument("--show-known", action="store_true", help=_("list the problems the baseline makes known"))
    check.set_defaults(run=run_check)

    new = sub.add_parser("new", help=_("write a post file for the current or next edition"))
    line, text = _text_arg(multiline=False), _text_arg(multiline=True)
    new.add_argument("--title", type=line, help=_("the commented article's title (often in English)"))
    new.add_argument("--post-title", type=line, help=_("the post's own title (default: the article's title)"))
    new.add_argument("--url", type=line, help=_("the article's URL"))
    new.add_argument("--article-author", type=line, help=_("the article's author"))
    new.add_argument("--by", type=line, help=_("who comments it (comentado_por)"))
    new.add_argument(
        "--profile", type=line, help=_("their profile link, when they are not in the registry (https:// is added)")
    )
    new.add_argument("--headline", type=line, help=_("the card's headline (optional)"))
    new.add_argument("--image", type=line, help=_("image: a name inside the images folder, or a path to a file in it"))
    new.add_argument("--comment", type=text, help=_("the comment (the post's body)"))
    new.add_argument("--slug", type=line, help=_("page name (default: from the post's title)"))
    new.add_argument(
        "--from-issue", metavar=_("FILE"), help=_("body of a 'Sugerir um post' issue ('-': standard input)")
    )
    new.add_argument("--edition", type=_edition_arg, help=_("edition number (default: current or next)"))
    new.add_argument("--date", type=_date_arg, help=_("the edition's date, YYYY-MM-DD"))
    new.add_argument("--today", type=_date_arg, help=argparse.SUPPRESS)  # tests pin the calendar
    new.add_argument("--posts-dir", help=argparse.SUPPRESS)
    new.set_defaults(run=run_new)

    imp = sub.add_parser("import", help=_("import a Jekyll site's _posts/ and images into the posts folder"))
    imp.add_argument("site", metavar="SITE_DIR", help=_("the Jekyll site's folder"))
    imp.add_argument("--posts-dir", help=_("destination (default: the configured posts folder)"))
    imp.add_argument("--images-dir", help=_("images destination (default: the configured images folder)"))
    imp.add_argument("--dry-run", action="store_true", help=_("print the whole plan; write nothing"))
    imp.add_argument(
        "--replace",
        action="store_true",
        help=_(
            "adopt the site: remove the sample posts, images and authors (posts/samples.yml), import, "
            "register every commentator, carry _config.yml's title, description and url into the site file"
        ),
    )
    imp.set_defaults(run=run_import)

    mail = sub.add_parser("email", help=_("write an edition as an email (HTML, text, .eml); --send delivers it"))
    mail.add_argument("edition", nargs="?", type=_edition_arg, help=_("edition number (default: the latest)"))
    mail.add_argument("-o", "--out", required=True, help=_("folder that receives edicao-N.html, .txt and .eml"))
    mail.add_argument("--site", help=_("the built HTML site (default: _build/html beside conf.py)"))
    mail.add_argument("--send", action="store_true", help=_("deliver through the SMTP server of newsletter_email"))
    whom = mail.add_mutually_exclusive_group()
    whom.add_argument("--to", type=line, help=_("one recipient"))
    whom.add_argument("--list", metavar="FILE", help=_("recipients, one address a line ('#' comments)"))
    mail.set_defaults(run=run_email)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command; returns the exit status (0 fine, 1 problems, 2 usage).

    It speaks the site's language (:mod:`.i18n`): ``LANGUAGE``, ``LC_ALL`` or
    ``LC_MESSAGES`` when set, else conf.py's ``language``, else English.
    """
    from .i18n import environment_languages, speaking

    argv = sys.argv[1:] if argv is None else argv
    with speaking(environment_languages(_confdir_of(argv))):
        return _main(argv, out)


def _confdir_of(argv: list[str]) -> Path | None:
    """The site folder *argv* names (``--conf-dir``) or the one found from here; None if none."""
    for i, arg in enumerate(argv):
        if arg == "--conf-dir" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--conf-dir="):
            return Path(arg.partition("=")[2])
    try:
        return find_confdir(Path.cwd())
    except (UsageError, OSError):
        return None


def _main(argv: list[str], out: TextIO | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return args.run(args, out or sys.stdout)
    except UsageError as exc:  # may span lines (a conf.py's own traceback): each is made printable
        lines = [printable(line) for line in str(exc).splitlines()]
        print(_("%(prog)s: error: %(message)s") % {"prog": PROG, "message": "\n".join(lines)}, file=sys.stderr)
        return 2
    except OSError as exc:  # a read-only or full disk, a folder removed meanwhile: say which file
        where = printable(repr(exc.filename)) if exc.filename else "a file"
        message = f"{where}: {exc.strerror or exc}"
        print(_("%(prog)s: error: %(message)s") % {"prog": PROG, "message": message}, file=sys.stderr)
        return 1
