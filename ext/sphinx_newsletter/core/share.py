"""Share links of a page: plain links to each network's own share address (no Sphinx import).

No third-party script, no tracking parameter: each link is the network's
public "share this URL" address with the page's canonical URL (and its
title) percent-encoded into the query, so a title can't add a parameter,
end the URL or reach the page as markup. The page's copy-link is the URL
itself (``static/newsletter-share.js`` copies it; without JavaScript it is a
link to the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

#: Each network's share address; ``{url}`` and ``{text}`` are percent-encoded.
NETWORKS: tuple[tuple[str, str, str], ...] = (
    ("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    ("x", "X", "https://x.com/intent/tweet?text={text}&url={url}"),
    ("whatsapp", "WhatsApp", "https://wa.me/?text={text}%20{url}"),
    ("telegram", "Telegram", "https://t.me/share/url?url={url}&text={text}"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShareLink:
    #: ``linkedin``, ``x``, ``whatsapp``, ``telegram``, ``email`` or ``copy``.
    kind: str
    #: The network's name (not translated), or '' for e-mail and copy-link (the caller labels them).
    name: str
    href: str


def encode(text: str) -> str:
    """Percent-encode *text* (UTF-8) for a query value: every reserved character, space as ``%20``."""
    return quote(" ".join(text.split()), safe="")


def share_links(url: str, title: str) -> list[ShareLink]:
    """The share links of the page at *url* (absolute, canonical) titled *title*."""
    values = {"url": encode(url), "text": encode(title)}
    links = [ShareLink(kind=kind, name=name, href=address.format(**values)) for kind, name, address in NETWORKS]
    # RFC 6068: mailto's header values are percent-encoded too; no recipient, the reader picks one.
    links.append(ShareLink(kind="email", name="", href=f"mailto:?subject={values['text']}&body={values['url']}"))
    links.append(ShareLink(kind="copy", name="", href=url))
    return links
