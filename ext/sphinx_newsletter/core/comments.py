"""Reader comments (Disqus, giscus): the setting, and the thread each post opens (no Sphinx import).

``newsletter_comments`` is read by :func:`read_comments` into a frozen
:class:`Comments` (or ``None``: off, the default). Which thread a post page
opens is decided here too, from the archive alone:

- **Continuity.** The old Jekyll site embedded Disqus without an identifier,
  and Disqus then keys a thread by the page's URL, so every existing thread
  belongs to a post's *old* URL: ``<html_baseurl><old-slug>/``, case kept.
  :func:`thread_paths` gives each post that URL when the post owns it in
  :func:`.oldurls.plan_old_urls` (one owner per old URL, so two posts never
  share a thread): the old URL ``newsletter import`` recorded for a post it
  renamed (``foo-2`` keeps ``/foo/``), else the one its file name gives. A
  post without one (its file name gives no valid old URL, or another post
  owns it) uses its page's canonical URL.
- **A stable identifier.** Disqus gets that URL as ``page.url`` *and* as
  ``page.identifier``: the URL is what the old threads are keyed by, and it
  does not change with the builder (``html``/``dirhtml``) or the page layout.
  giscus gets the URL's path as a ``specific`` mapping term (``strict``), the
  same text its ``pathname`` mapping would have used on the old site.

The values reach the page as ``data-*`` attributes that a static script of
ours reads on a click (see :mod:`sphinx_newsletter.comments`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from .model import slugify
from .oldurls import parse_old_url

if TYPE_CHECKING:
    from .model import Archive, Post


@dataclass(frozen=True, slots=True, kw_only=True)
class Provider:
    #: Shown to readers: on the button and in the privacy notice.
    label: str
    privacy_url: str
    #: The script the click inserts (Disqus: ``{shortname}`` filled in).
    script: str
    #: Keys of ``newsletter_comments`` -> required?
    keys: dict[str, bool]


PROVIDERS: dict[str, Provider] = {
    "disqus": Provider(
        label="Disqus",
        privacy_url="https://disqus.com/privacy-policy/",
        script="https://{shortname}.disqus.com/embed.js",
        keys={"shortname": True, "lang": False},
    ),
    "giscus": Provider(
        label="giscus",
        privacy_url="https://github.com/giscus/giscus/blob/main/PRIVACY-POLICY.md",
        script="https://giscus.app/client.js",
        keys={"repo": True, "repo_id": True, "category": True, "category_id": True, "lang": False, "theme": False},
    ),
}

#: What each value may hold: they end up in a host name, a script's attributes, a GitHub search.
_PATTERNS = {
    # Disqus shortnames: letters, digits, hyphens (a host-name label).
    "shortname": re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"),
    "repo": re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}"),
    # GitHub node ids: R_kgDO..., DIC_kwDO...
    "repo_id": re.compile(r"[A-Za-z0-9_=-]{1,100}"),
    "category_id": re.compile(r"[A-Za-z0-9_=-]{1,100}"),
    "category": re.compile(r"[^\x00-\x1f\x7f-\x9f]{1,100}"),
    # Disqus: pt_BR; giscus: pt, zh-CN.
    "lang": re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?"),
    # giscus' built-in themes (no CSS URL: the page names no other origin).
    "theme": re.compile(r"[a-z0-9_-]{1,40}"),
}
_EXAMPLES = {
    "disqus": '{"provider": "disqus", "shortname": "srebrasil"}',
    "giscus": (
        '{"provider": "giscus", "repo": "owner/name", "repo_id": "R_...", "category": "Comentários", '
        '"category_id": "DIC_..."}'
    ),
}


class CommentsError(ValueError):
    """Why a ``newsletter_comments`` value is refused (the glue makes it a ConfigError)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Comments:
    """The validated ``newsletter_comments``."""

    provider: str
    shortname: str = ""
    repo: str = ""
    repo_id: str = ""
    category: str = ""
    category_id: str = ""
    #: The widget's language; ``""``: from Sphinx's ``language``.
    lang: str = ""
    theme: str = "preferred_color_scheme"

    @property
    def label(self) -> str:
        return PROVIDERS[self.provider].label

    @property
    def privacy_url(self) -> str:
        return PROVIDERS[self.provider].privacy_url

    @property
    def script(self) -> str:
        return PROVIDERS[self.provider].script.format(shortname=self.shortname)


def read_comments(value: Any) -> Comments | None:
    """``newsletter_comments`` -> :class:`Comments`, ``None`` when off; :class:`CommentsError` says why not."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        raise CommentsError(f"must be a dict such as {_EXAMPLES['disqus']}, or None (off), not {type(value).__name__}")
    provider = value.get("provider")
    if provider not in PROVIDERS:
        raise CommentsError(f"'provider' must be one of {sorted(PROVIDERS)}, not {provider!r}")
    keys = PROVIDERS[provider].keys
    unknown = sorted(str(k) for k in value if k != "provider" and k not in keys)
    if unknown:
        raise CommentsError(f"unknown keys {unknown} for {provider}; known: {sorted(keys)}")
    missing = sorted(k for k, required in keys.items() if required and not value.get(k))
    if missing:
        raise CommentsError(f"{provider} needs {missing}, e.g. {_EXAMPLES[provider]}")
    found: dict[str, str] = {}
    for key in keys:
        if key not in value:
            continue
        text = value[key]
        if not isinstance(text, str) or not _PATTERNS[key].fullmatch(text):
            raise CommentsError(f"{key!r} is not a valid {provider} value: {text!r}")
        found[key] = text
    return Comments(provider=provider, **found)


def default_lang(comments: Comments, language: str | None) -> str:
    """The widget's language: the setting's, else Sphinx's ``language`` as the provider spells it."""
    if comments.lang:
        return comments.lang
    if not language or not _PATTERNS["lang"].fullmatch(language):
        return ""
    # Disqus knows pt_BR; giscus knows pt (and a few region forms like zh-CN).
    return language if comments.provider == "disqus" else language.split("_")[0].split("-")[0].lower()


# --- threads ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Thread:
    """Where one post's comments live."""

    #: The absolute URL the thread is keyed by (Disqus ``page.url``).
    url: str
    #: Disqus ``page.identifier``: the same URL (what the old site's threads are keyed by).
    identifier: str
    #: giscus ``specific`` mapping term: the URL's path.
    term: str
    title: str
    #: Whether :attr:`url` is the post's old URL (else its canonical URL).
    old: bool


def thread_paths(archive: Archive) -> dict[str, str]:
    """Post source -> the old-URL path (``2021-SRE-Report/``) its thread lives at, for posts that have one.

    From the loader's plan of every old URL (:attr:`.Archive.old_urls`, made
    with the drafts: a draft's old URL, and its thread, stay the draft's).
    """
    owned: dict[str, list[str]] = {}
    for claim in archive.old_urls.values():
        if claim.source:
            owned.setdefault(claim.source, []).append(claim.old)
    posts_by_source = {post.source: post for post in archive.posts.values()}
    paths = {}
    for source, olds in owned.items():
        post = posts_by_source.get(source)  # None: the archive left the post out (and said why)
        found = _thread_path(post, olds) if post is not None else None
        if found:
            paths[source] = found
    return paths


def _thread_path(post: Post, owned: list[str]) -> str | None:
    # ``newsletter import`` names a post whose page name was taken ``<key>-<n>``
    # and records the old site's URL of it in redirect_from: that is where its thread is.
    for old in owned:
        if re.fullmatch(re.escape(slugify(old.rstrip("/"))) + r"-[0-9]+", post.key):
            return old
    own, _why = parse_old_url(post.slug)
    return own if own in owned else None


def thread_for(post: Post, path: str | None, *, base: str, canonical: str) -> Thread:
    """The thread of *post*: at ``base + path`` (its old URL) when *path*, else at *canonical*."""
    url = base + quote(path, safe="/~") if path else canonical
    return Thread(url=url, identifier=url, term=urlsplit(url).path or "/", title=post.title, old=bool(path))


def thread_link(comments: Comments, thread: Thread) -> str:
    """Where a reader without JavaScript (or who blocks it on this site) finds the thread."""
    if comments.provider == "disqus":
        query = {"base": "default", "f": comments.shortname, "t_i": thread.identifier, "t_u": thread.url}
        return "https://disqus.com/embed/comments/?" + urlencode(query)
    search = urlencode({"discussions_q": f'in:title "{thread.term}"'})
    return f"https://github.com/{comments.repo}/discussions?{search}"


def wants_comments(post: Post) -> bool:
    """Comments go on published posts that did not switch them off (``comments: false``)."""
    return post.published and post.comments


def data_attributes(comments: Comments, thread: Thread, lang: str) -> dict[str, str]:
    """The ``data-nl-*`` attributes the script reads (values unescaped: the writer escapes them)."""
    # The script's address is not among them: the static script knows the providers' hosts.
    data = {"provider": comments.provider, "title": thread.title, "lang": lang}
    if comments.provider == "disqus":
        data |= {"shortname": comments.shortname, "url": thread.url, "identifier": thread.identifier}
    else:
        data |= {
            "repo": comments.repo,
            "repo-id": comments.repo_id,
            "category": comments.category,
            "category-id": comments.category_id,
            "term": thread.term,
            "theme": comments.theme,
        }
    return {key: value for key, value in data.items() if value}
