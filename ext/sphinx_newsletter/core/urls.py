"""The URL policy for links taken from front matter (no Sphinx import).

Every URL a contributor writes (``highlight_url``, the profile link, a remote
image) goes through :func:`clean_url` before it reaches a page, a feed or a
sitemap. The policy, one row per rule (``docs/reference/security.md`` has the table):

========================================  ==========================================
input                                     result
========================================  ==========================================
``https://x.org/a``, ``http://x.org/a``   kept (the scheme is lower-cased)
leading/trailing white space              stripped, no warning
empty                                     no URL
``“https://x.org/a”``, ``«…»``, ``'…'``,  the quotes stripped, warning ``url-quoted``
``<…>`` (wrapped in quotes or brackets)
``x.org/a`` (no scheme, looks like a      ``https://x.org/a``, warning ``url-scheme``
host)
``//x.org/a`` (protocol-relative)         ``https://x.org/a``, warning ``url-scheme``
``javascript:``, ``data:``, ``file:``,    refused (no link), warning ``url-refused``
``mailto:``, any other scheme
white space, control or invisible         refused, warning ``url-refused``
characters (bidi, zero-width) inside
user-info (``https://u:p@x.org``)         refused, warning ``url-refused``
no host, bad port, host with odd chars    refused, warning ``url-refused``
IP address in any form (``127.0.0.1``,    refused, warning ``url-refused``
``[::1]``, ``2130706433``, ``0x7f.1``)
``localhost``, one-label hosts            refused, warning ``url-refused``
(``intranet``), local-network names
(``*.localhost``, ``*.local``,
``*.internal``, ``*.home.arpa``, ``*.lan``)
``"`` ``'`` ``<`` ``>`` `` ` `` ``\\``    percent-encoded, warning ``url-encoded``
========================================  ==========================================

A host must be a domain name: two labels or more, the last one (the top-level
domain) letters or an IDN ``xn--`` label. That rule leaves out every spelling
of an IP address, since none ends in letters. A public name that resolves to a
private address (``127.0.0.1.nip.io``) is out of reach without DNS: a reviewer's job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_HOSTLIKE = re.compile(
    r"^(?:www\.)?[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]|$)"
)
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?$")
_TOP_LEVEL = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$")
#: Names that never leave the local network (RFC 6761, 6762, 8375, ICANN's .internal).
LOCAL_DOMAINS = ("localhost", "local", "localdomain", "internal", "lan", "home.arpa")
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
#: Unicode categories a URL never needs: controls, format (bidi, zero-width), surrogates,
#: private use, unassigned, separators.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
#: Quotes a URL is often pasted in (typographic ones come from word processors):
#: a pair around the URL, or a typographic quote at either end, is stripped.
_OPENING = "\"'`<“”„‟‘’‚‛«»‹›「『"
_CLOSING = "\"'`>“”„‟‘’‚‛«»‹›」』"
_TYPOGRAPHIC = "“”„‟‘’‚‛«»‹›「」『』"
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
    unquoted = _unquote(text)
    quoted = unquoted != text
    text = unquoted
    if not text:
        return _refuse(value, "is only quotes") if quoted else UrlResult(None)
    if _BAD_CHARS.search(text) or any(unicodedata.category(c) in _BAD_CATEGORIES for c in text):
        return _refuse(value, "contains white space, control or invisible characters")
    fixed = "is wrapped in quotes" if quoted else ""
    if text.startswith("//"):
        text, fixed = "https:" + text, _also(fixed, "has no scheme (protocol-relative)")
    elif not _SCHEME.match(text) or _HOSTLIKE.match(text):
        if not _HOSTLIKE.match(text):
            return _refuse(value, "is not an absolute http(s) URL")
        text, fixed = "https://" + text, _also(fixed, "has no scheme")
    result = _check_parts(value, text, fixed)
    if quoted and result.url:
        return UrlResult(result.url, "url-quoted", result.message)
    return result


def _unquote(text: str) -> str:
    while len(text) >= 2 and text[0] in _OPENING and text[-1] in _CLOSING:
        text = text[1:-1].strip()
    return text.lstrip(_TYPOGRAPHIC).rstrip(_TYPOGRAPHIC).strip()


def _also(first: str, second: str) -> str:
    return f"{first} and {second}" if first else second


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
        return _refuse(value, "has an IP address or no valid host" if ":" in host else "has no valid host")
    why = host_problem(host)
    if why:
        return _refuse(value, why)
    encoded = _encode(parts.path), _encode(parts.query), _encode(parts.fragment)
    url = urlunsplit((scheme, parts.netloc.lower(), *encoded))
    if fixed:
        return UrlResult(url, "url-scheme", f"URL {value!r} {fixed}; using {url!r}")
    if encoded != (parts.path, parts.query, parts.fragment):
        return UrlResult(url, "url-encoded", f"URL {value!r} has unsafe characters; using {url!r}")
    return UrlResult(url)


def host_problem(host: str) -> str:
    """Why *host* (lower-case) is not a public domain name, or ''."""
    labels = host.split(".")
    if not _TOP_LEVEL.match(labels[-1]):
        return f"names the host {host!r}: IP addresses and numeric hosts are refused"
    if len(labels) < 2:
        return f"names the one-label host {host!r}, not a domain (local names are refused)"
    if any(host == d or host.endswith("." + d) for d in LOCAL_DOMAINS):
        return f"names the local-network host {host!r}"
    return ""


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


def site_name(url: str | None) -> str:
    """The site a URL is on, as readers know it: ``https://www.infoq.com/x`` -> ``infoq.com``.

    IDN hosts are shown in their own letters (``xn--bcher-kva.de`` -> ``bücher.de``).
    """
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
    try:
        return host.encode("ascii").decode("idna") if "xn--" in host else host
    except UnicodeError:
        return host
