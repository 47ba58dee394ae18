"""The URL policy (``urls.clean_url``), one row per rule of the table in docs/reference/security.md."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx_newsletter.core.urls import clean_url
from sphinx_newsletter.outputs.site import join_url

# input, cleaned URL (None: refused), warning code
POLICY = [
    ("https://x.org/a", "https://x.org/a", ""),
    ("http://x.org/a?b=1#c", "http://x.org/a?b=1#c", ""),
    ("HTTPS://X.ORG/A", "https://x.org/A", ""),
    ("  https://x.org/a \n", "https://x.org/a", ""),
    ("", None, ""),
    ("x.org/a", "https://x.org/a", "url-scheme"),
    ("www.linkedin.com/in/x", "https://www.linkedin.com/in/x", "url-scheme"),
    ("//x.org/a", "https://x.org/a", "url-scheme"),
    ("javascript:alert(1)", None, "url-refused"),
    ("JaVaScRiPt:alert(1)", None, "url-refused"),
    ("java\tscript:alert(1)", None, "url-refused"),
    ("data:text/html,<script>x</script>", None, "url-refused"),
    ("vbscript:x", None, "url-refused"),
    ("file:///etc/passwd", None, "url-refused"),
    ("mailto:a@x.org", None, "url-refused"),
    ("ftp://x.org/a", None, "url-refused"),
    ("https://x.org/a b", None, "url-refused"),
    ("https://x.org/\x00a", None, "url-refused"),
    ("https://x.org/\u2028a", None, "url-refused"),
    ("https://x.org/\u2028", "https://x.org/", ""),  # str.strip() counts U+2028 as white space
    ("https://user:pass@x.org/", None, "url-refused"),
    ("https://x.org@evil.example/", None, "url-refused"),
    ("https:///a", None, "url-refused"),
    ("https://x.org:0/", None, "url-refused"),
    ("https://x.org:99999/", None, "url-refused"),
    ("https://x_y.org/", None, "url-refused"),
    ("../../etc/passwd", None, "url-refused"),
    ("/images/a.png", None, "url-refused"),
    ('https://x.org/a"onmouseover=alert(1)', "https://x.org/a%22onmouseover=alert(1)", "url-encoded"),
    ("https://x.org/<script>", "https://x.org/%3Cscript%3E", "url-encoded"),
    ("https://x.org/a'b`c", "https://x.org/a%27b%60c", "url-encoded"),
    ("https://x.org/a\\b", "https://x.org/a%5Cb", "url-encoded"),
    ("https://[::1]/a", None, "url-refused"),  # IP-literal hosts: not for a newsletter
    # IP addresses in every spelling a resolver accepts, and names of the local network
    ("http://127.0.0.1/", None, "url-refused"),
    ("http://2130706433/", None, "url-refused"),
    ("http://0x7f.1/", None, "url-refused"),
    ("http://0x7f000001/", None, "url-refused"),
    ("http://017700000001/", None, "url-refused"),
    ("http://127.1:8080/", None, "url-refused"),
    ("http://10.0.0.1.5/", None, "url-refused"),
    ("http://[::ffff:127.0.0.1]/", None, "url-refused"),
    ("http://[fe80::1%25eth0]/", None, "url-refused"),
    ("http://169.254.169.254/latest/meta-data/", None, "url-refused"),
    ("192.168.0.1/admin", None, "url-refused"),
    ("//10.0.0.1/a", None, "url-refused"),
    ("http://localhost:8000/", None, "url-refused"),
    ("http://LOCALHOST./", None, "url-refused"),
    ("http://api.localhost/", None, "url-refused"),
    ("http://printer.local/", None, "url-refused"),
    ("http://db.internal/", None, "url-refused"),
    ("http://router.home.arpa/", None, "url-refused"),
    ("http://intranet/", None, "url-refused"),
    ("https://xn--ao-0ja4d.com.br/a", "https://xn--ao-0ja4d.com.br/a", ""),
    ("https://museu.museum/a", "https://museu.museum/a", ""),
    ("https://x.localhost.org/a", "https://x.localhost.org/a", ""),
    # invisible characters (bidi overrides, zero-width) anywhere in a URL
    ("https://x.org/\u202egnp.exe", None, "url-refused"),
    ("https://x\u200b.org/", None, "url-refused"),
    ("https://x.org/a\u00a0b", None, "url-refused"),
    # pasted in quotes: a pair around the URL, or a typographic quote at one end
    ("“https://www.linkedin.com/in/ana”", "https://www.linkedin.com/in/ana", "url-quoted"),
    ("‘https://x.org/a’", "https://x.org/a", "url-quoted"),
    ("«https://x.org/a»", "https://x.org/a", "url-quoted"),
    ("„https://x.org/a“", "https://x.org/a", "url-quoted"),
    ("<https://x.org/a>", "https://x.org/a", "url-quoted"),
    ("'https://x.org/a'", "https://x.org/a", "url-quoted"),
    ("https://x.org/a”", "https://x.org/a", "url-quoted"),
    ("“x.org/a”", "https://x.org/a", "url-quoted"),
    ("“javascript:alert(1)”", None, "url-refused"),
    ("“”", None, "url-refused"),
]


@pytest.mark.parametrize(("value", "url", "code"), POLICY)
def test_url_policy(value: str, url: str | None, code: str) -> None:
    result = clean_url(value)
    assert (result.url, result.code) == (url, code)
    if code:
        assert repr(value) in result.message or value.strip() in result.message


@pytest.mark.parametrize(("value", "url", "code"), POLICY)
def test_a_cleaned_url_is_clean(value: str, url: str | None, code: str) -> None:
    """Cleaning is idempotent: a cleaned URL passes again unchanged and without a warning."""
    if url is not None:
        assert clean_url(url).url == url
        assert clean_url(url).code == ""


_SEGMENT = st.text(alphabet="abz019-_.%~:?#=&+ é/", max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from(["https://x.org/", "https://x.org/site/", "http://x.org:8080/a/b/", "https://x.org/?q=1/"]),
    path=st.lists(_SEGMENT, max_size=4).map("/".join),
)
def test_site_urls_are_what_urljoin_makes(base: str, path: str) -> None:
    assert join_url(base, path) == urljoin(base, path)


@pytest.mark.parametrize(
    "path", ["arquivo/posts/a.html", "arquivo/posts/a/", "feeds/edicoes/3.xml", "_images/a%20b.png"]
)
def test_a_site_path_is_appended_to_the_base(path: str) -> None:
    assert join_url("https://x.org/site/", path) == "https://x.org/site/" + path
