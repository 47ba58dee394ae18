"""The URL policy for links taken from front matter (no Sphinx import).

Every URL a contributor writes (``highlight_url``, the profile link, a remote
image) goes through :func:`clean_url` before it reaches a page, a feed or a
sitemap. The policy, one row per rule (``docs/security.md`` has the table):

========================================  ==========================================
input                                     result
========================================  ==========================================
``https://x.org/a``, ``http://x.org/a``   kept (the scheme is lower-cased)
leading/trailing white space              stripped, no warning
empty                                     no URL
``x.org/a`` (no scheme, looks like a      ``https://x.org/a``, warning ``url-scheme``
host)
``//x.org/a`` (protocol-relative)         ``https://x.org/a``, warning ``url-scheme``
``javascript:``, ``data:``, ``file:``,    refused (no link), warning ``url-refused``
``mailto:``, any other scheme
white space or control characters inside  refused, warning ``url-refused``
user-info (``https://u:p@x.org``)         refused, warning ``url-refused``
no host, bad port, host with odd chars    refused, warning ``url-refused``
``"`` ``'`` ``<`` ``>`` `` ` `` ``\\``    percent-encoded, warning ``url-encoded``
========================================  ==========================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HOSTLIKE = re.compile(r"^(?:www\.)?[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]|$)")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
_ENCODE = "\"'<>`\\{}|^"


@dataclass(frozen=True, slots=True)
class UrlResult:
    """A cleaned URL (or ``None`` when refused) and what was done to it."""

    url: str | None
    code: str = ""
    message: str = ""


def clean_url(value: str) -> UrlResult:
    """Apply the URL policy to *value*; see the module docstring."""
    text = value.strip()
    if not text:
        return UrlResult(None)
    if _BAD_CHARS.search(text):
        return _refuse(value, "contains white space or control characters")
    fixed = ""
    if text.startswith("//"):
        text, fixed = "https:" + text, "has no scheme (protocol-relative)"
    elif not _SCHEME.match(text) or _HOSTLIKE.match(text):
        if not _HOSTLIKE.match(text):
            return _refuse(value, "is not an absolute http(s) URL")
        text, fixed = "https://" + text, "has no scheme"
    return _check_parts(value, text, fixed)


def _check_parts(value: str, text: str, fixed: str) -> UrlResult:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return _refuse(value, "cannot be parsed")
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return _refuse(value, f"uses the scheme '{scheme}:' (only http and https)")
    if "@" in parts.netloc:
        return _refuse(value, "carries a user name or password")
    host = parts.hostname or ""
    if not host or not _HOST.match(host) or (port is not None and port == 0):
        return _refuse(value, "has no valid host")
    encoded = _encode(parts.path), _encode(parts.query), _encode(parts.fragment)
    url = urlunsplit((scheme, parts.netloc.lower(), *encoded))
    if fixed:
        return UrlResult(url, "url-scheme", f"URL {value!r} {fixed}; using {url!r}")
    if encoded != (parts.path, parts.query, parts.fragment):
        return UrlResult(url, "url-encoded", f"URL {value!r} has unsafe characters; using {url!r}")
    return UrlResult(url)


def _encode(part: str) -> str:
    return "".join(quote(ch, safe="") if ch in _ENCODE else ch for ch in part)


def _refuse(value: str, why: str) -> UrlResult:
    return UrlResult(None, "url-refused", f"URL {value!r} {why}: link left out")


def profile_key(url: str) -> str:
    """A spelling-insensitive key for a profile URL, to tell one person's links apart.

    ``http://linkedin.com/in/x/`` and ``https://www.linkedin.com/in/X`` give the
    same key.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".casefold()


def host_matches(url: str, expected: str) -> bool:
    """Whether *url*'s host is *expected* or one of its subdomains."""
    host = (urlsplit(url).hostname or "").lower()
    return host == expected or host.endswith("." + expected)
