"""The baseline of known problems in the build: the same split as ``newsletter check`` (:mod:`.core.baseline`).

Problems found while reading the posts folder (``builder-inited``) and those
the body scan finds while reading each post page (:mod:`.parser`) go through
:func:`~sphinx_newsletter.core.baseline.split_known`: known ones are logged
only with ``-v``, new ones warn as before. The build prints the baseline's
size when it starts and, when it ends, how many problems it made known and
which entries matched nothing (to prune). The body scan's matches are kept
per page in the domain data, so an incremental or parallel build counts the
pages it did not read again; when the baseline changes, the pages of the
posts it names (before or after) are read again.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sphinx.util import logging

from .core.baseline import Baseline, load_configured, split_known, stale_message, unmatched
from .core.model import fingerprint
from .domain import get_domain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .config import NewsletterConfig
    from .core.model import Problem
    from .domain import NewsletterDomain

logger = logging.getLogger(__name__)


def split_loaded(app: Sphinx, config: NewsletterConfig, problems: list[Problem]) -> list[Problem]:
    """The problems of the posts folder that are new (the baseline's own included); known ones go to ``-v``."""
    baseline, own = load_configured(config.baseline_file)
    domain = get_domain(app.env)
    _note_change(domain, config, baseline)
    domain.nl_baseline = baseline
    if baseline.entries:
        logger.info(
            "newsletter: baseline %s: %d entries, up to %d known problems",
            baseline.display,
            len(baseline.entries),
            baseline.size,
        )
    split = split_known(problems, baseline)
    domain.baseline_matched = split.matched
    _log_known(split.known)
    return [*split.new, *own]


def split_body(domain: NewsletterDomain, docname: str, problems: list[Problem]) -> list[Problem]:
    """A post page's body problems that are new; its known ones are counted in the domain data."""
    baseline = domain.nl_baseline
    domain.baseline_known.pop(docname, None)
    if baseline is None or not baseline.entries or not problems:
        return problems
    split = split_known(problems, baseline)
    if split.matched:
        domain.baseline_known[docname] = sorted((f, c, n) for (f, c), n in split.matched.items())
    _log_known(split.known)
    return split.new


def _log_known(problems: list[Problem]) -> None:
    for problem in problems:
        logger.verbose("%s: known from the baseline: %s [%s]", problem.location, problem.message, problem.code)


def _note_change(domain: NewsletterDomain, config: NewsletterConfig, baseline: Baseline) -> None:
    """When the baseline changed since the last build, the pages of the posts it names (then or now) are outdated."""
    stamp = fingerprint(repr(sorted((e.file, e.code, e.count) for e in baseline.entries)))
    old_stamp, old_files = domain.data.get("baseline", ("", []))
    files = sorted(baseline.files())
    domain.baseline_outdated = set(old_files) | set(files) if stamp != old_stamp else set()
    domain.data["baseline"] = (stamp, files)


def env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Post pages to read again because the baseline's entries for their file changed."""
    domain = get_domain(env)
    baseline, config = domain.nl_baseline, domain.nl_config
    if not domain.baseline_outdated or baseline is None or config is None or domain.archive is None:
        return []
    pages = {
        config.layout.post_docname(p.key)
        for p in domain.archive.posts.values()
        if baseline.key(p.source) in domain.baseline_outdated
    }
    return sorted(pages & env.found_docs - added - changed - removed)


def summarise(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: how many problems the baseline made known, and its entries that matched nothing."""
    domain = get_domain(app.env)
    baseline = domain.nl_baseline
    if exception is not None or baseline is None or not baseline.entries:
        return
    matched = Counter(domain.baseline_matched)
    for found in domain.baseline_known.values():
        for file, code, n in found:
            matched[(file, code)] += n
    logger.info(
        "newsletter: %d known problems from the baseline (%s: %d entries), not warned about",
        sum(matched.values()),
        baseline.display,
        len(baseline.entries),
    )
    for entry, unused in unmatched(baseline, matched):
        logger.info(stale_message(entry, unused), location=f"{baseline.display}:{entry.line}")


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", env_get_outdated)
    app.connect("build-finished", summarise)
