"""A site whose posts attack it (issue 3), built once, with assertions on every output file.

``tests/roots/test-hostile`` holds a post per attack category (markup in every
text field, raw HTML in the body, MyST that would run code or read files,
titles that would break out of the generated MyST, an unclosed code fence,
control characters, hostile SVGs, unpublished posts); the fixture adds what
git can't carry portably (symbolic links). Every payload carries the marker
``PWN``: it may show up in the output as *text* only.

The whole-site outputs of issue 5 (feeds, sitemap, JSON, redirect pages) are
checked generically: every ``*.xml``/``*.json`` file must parse and carry no
injected element or active URL, and every ``*.html`` file passes the same scan
as the pages, whatever writes it.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import warnings
import zlib
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"  # not ``from conftest``: tests/browser has one too


def warnings_of(app: SphinxTestApp) -> list[str]:
    from sphinx.util.console import strip_colors

    return [line for line in strip_colors(app.warning.getvalue()).splitlines() if line.strip()]


MARKER = "PWN"
SECRET = b"TOPSECRET"
DRAFTS = (b"RASCUNHO", b"Autor Rascunho")
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "xlink:href",
        "srcset",
        "background",
        "cite",
        "longdesc",
        "ping",
        "content",
    }
)
#: Attributes whose value is text shown to the reader (escaped by the writer).
TEXT_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "content", "href", "id", "value"})
ACTIVE_SCHEMES = ("javascript", "vbscript", "data", "file")


# --- scanning ------------------------------------------------------------------------


class _Scanner(html.parser.HTMLParser):
    """Everything in one HTML file that a post's data could have made active."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.inside = self.script_type = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self.inside:
            self.inside = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.inside, self.script_type = tag, dict(attrs).get("type") or ""
        if MARKER.lower() in tag:
            self.problems.append(f"injected element <{tag}>")
        if tag in ("iframe", "object", "embed", "frame", "frameset", "base", "applet", "portal"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or MARKER.lower() in name:
                self.problems.append(f"attribute {name!r} on <{tag}>")
            if name in URL_ATTRIBUTES and _scheme(value) in ACTIVE_SCHEMES:
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "http-equiv" and value.lower() == "refresh":
                # Redirect pages (old URLs) may refresh to a page of this site only.
                target = (dict(attrs).get("content") or "").partition("url=")[2].strip()
                if not target or _scheme(target) or target.startswith(("//", "\\")) or MARKER in target:
                    self.problems.append(f"meta refresh to {target!r}")
            if MARKER in value and name not in TEXT_ATTRIBUTES:
                self.problems.append(f"post text in attribute {name!r} of <{tag}>: {value[:60]!r}")
        if tag == "form" and not (dict(attrs).get("action") or "#").endswith(("search.html", "#")):
            self.problems.append(f"<form action={dict(attrs).get('action')!r}>")

    def handle_data(self, data: str) -> None:
        if self.inside == "script" and self.script_type == "application/ld+json":
            # Structured data may carry post text, as JSON that cannot close the element.
            if "</" in data or "<!--" in data:
                self.problems.append("'</' or '<!--' inside a JSON-LD script")
            else:
                json.loads(data)
        elif self.inside and MARKER in data:
            self.problems.append(f"post text inside <{self.inside}>")

    def handle_comment(self, data: str) -> None:
        if MARKER in data:
            self.problems.append("post text inside an HTML comment")


def _scheme(url: str) -> str:
    head = re.sub(r"[\x00-\x20]", "", url).split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0].lower() if ":" in head else ""


def scan_html(text: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.problems


def scan_xml(data: bytes) -> list[str]:
    root = SafeET.fromstring(data)  # raises on invalid XML (control characters, entities)
    problems = []
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1]
        if MARKER.lower() in tag.lower() or tag.lower() in ("script", "iframe", "meta"):
            problems.append(f"injected element <{tag}>")
        for name, value in element.attrib.items():
            if _scheme(value) in ACTIVE_SCHEMES:
                problems.append(f"active URL in {name!r}: {value[:60]!r}")
        if tag.lower() in ("link", "loc", "id", "uri", "url") and _scheme(element.text or "") in ACTIVE_SCHEMES:
            problems.append(f"active URL in <{tag}>")
    return problems


def scan_json(value: object) -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in scan_json(k) + scan_json(v)]
    if isinstance(value, list):
        return [p for v in value for p in scan_json(v)]
    if isinstance(value, str) and _scheme(value) in ACTIVE_SCHEMES:
        return [f"active URL {value[:60]!r}"]
    return []


# --- the build -----------------------------------------------------------------------


@dataclass
class Built:
    app: SphinxTestApp
    src: Path
    out: Path
    warnings: list[str]
    error: SphinxError | None

    def page(self, docname: str) -> str:
        return (self.out / f"{docname}.html").read_text(encoding="utf-8")

    def files(self, *suffixes: str) -> list[Path]:
        return sorted(p for p in self.out.rglob("*") if p.is_file() and p.name.endswith(suffixes))


def build_root(name: str, tmp: Path, prepare=None) -> Built:
    src = tmp / "src"
    shutil.copytree(ROOTS / name, src, symlinks=True)
    if prepare:
        prepare(src)
    app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=StringIO())
    error = None
    with warnings.catch_warnings():
        # MyST 5.2 resolves its own cross-references through Sphinx 9's deprecated
        # ``.app``: not ours, and only a hostile post's broken link reaches it.
        warnings.filterwarnings("ignore", message=r".*MystReferenceResolver\.app")
        try:
            app.build()
        except SphinxError as exc:  # refused posts fail the build, after everything was built
            error = exc
    return Built(app, src, Path(app.outdir), warnings_of(app), error)


def _links(src: Path) -> None:
    """Symbolic links a pull request can carry: a post and an image pointing outside."""
    secret = src / "secret" / "passwd.txt"
    (src / "posts" / "images" / "atalho.png").symlink_to(secret)
    (src / "posts" / "images" / "pasta").symlink_to(src / "secret", target_is_directory=True)
    (src / "posts" / "2024-01-21-imagem-atalho.md").write_text(
        '---\ntitle: "Imagem atalho"\ndate: 2024-01-21\ntag: "Edição #3 - 22.01.2024"\n'
        "image: /images/atalho.png\n---\n![x](/images/atalho.png) ![y](/images/pasta/passwd.txt)\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    built = build_root("test-hostile", tmp_path_factory.mktemp("hostile"), _links)
    yield built
    built.app.cleanup()


# --- guarantees ----------------------------------------------------------------------


def test_hostile_posts_that_are_not_refused_build_with_warnings_only(hostile: Built) -> None:
    assert hostile.error is None
    assert not any(": ERROR:" in line or "Traceback" in line for line in hostile.warnings)
    assert (hostile.out / "arquivo/posts/marcacao-nos-campos.html").is_file()


def test_no_active_content_in_any_html_file(hostile: Built) -> None:
    pages = hostile.files(".html")
    assert len(pages) > 10
    problems = {str(p.relative_to(hostile.out)): scan_html(p.read_text(encoding="utf-8")) for p in pages}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_scanner_sees_injections() -> None:
    """The scan above can fail: each of these is one way a payload could survive."""
    for bad in (
        "<pwn-a>x</pwn-a>",
        '<img src=x onerror="alert(1)">',
        '<a href=" JaVa\tscript:x">',
        '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
        "<script>PWN</script>",
        '<b class="PWN">',
        '<iframe src="https://x.org">',
        "<!-- PWN -->",
    ):
        assert scan_html(bad), bad
    assert scan_html('<a href="https://x.org" title="&lt;PWN&gt;">&lt;script&gt;PWN</a>') == []


def test_machine_outputs_parse_and_carry_no_active_content(hostile: Built, record_property) -> None:
    found = hostile.files(".xml", ".json", ".rss", ".atom")
    record_property("machine_outputs", [str(p.relative_to(hostile.out)) for p in found])
    problems = {}
    for path in found:
        data = path.read_bytes()
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data), f"{path.name}: control character"
        if path.suffix == ".json":
            problems[path.name] = scan_json(json.loads(data))
        else:
            problems[path.name] = scan_xml(data)
    assert {k: v for k, v in problems.items() if v} == {}
    index = (hostile.out / "searchindex.js").read_text(encoding="utf-8")
    assert scan_json(json.loads(index[index.index("(") + 1 : index.rindex(")")])) == []


def test_no_file_outside_the_posts_and_images_folders_is_read(hostile: Built) -> None:
    leaked = [p for p in hostile.out.rglob("*") if p.is_file() and SECRET in p.read_bytes()]
    assert leaked == []
    assert not any((hostile.out / "_downloads").rglob("*"))
    assert sorted(p.name for p in (hostile.out / "_images").iterdir() if p.is_file()) == ["ok.png"]
    mirrored = hostile.src / "arquivo" / "imagens"
    assert sorted(p.name for p in mirrored.rglob("*")) == ["ok.png"]
    messages = "\n".join(hostile.warnings)
    assert "posts/2024-01-21-imagem-atalho.md:5: WARNING: image 'atalho.png' is a symbolic link" in messages
    for name in ("script.svg", "onload.svg", "stylesheet.svg", "animate.svg", "style.svg", "atalho.png"):
        assert (hostile.out / "_images" / name).exists() is False


def test_unpublished_posts_are_absent_from_every_output(hostile: Built) -> None:
    def contents(path: Path) -> bytes:
        data = path.read_bytes()
        return zlib.decompress(data.split(b"\n", 4)[4]) if path.name == "objects.inv" else data

    found = [p for p in hostile.out.rglob("*") if p.is_file() and any(d in contents(p) for d in DRAFTS)]
    assert found == []
    assert (hostile.out / "_sources").is_dir()


def test_the_environment_keeps_nothing_of_a_draft(hostile: Built) -> None:
    """Sphinx's environment, doctrees and our post cache may be published by mistake
    (``sphinx-build -b html`` puts them in ``<out>/.doctrees``): no draft text in them."""
    doctrees = Path(hostile.app.doctreedir)
    files = [p for p in doctrees.rglob("*") if p.is_file()]
    assert any(p.name == "newsletter-posts.pickle" for p in files)
    assert [p for p in files if any(d in p.read_bytes() for d in DRAFTS)] == []


def test_text_fields_are_shown_exactly_as_typed(hostile: Built) -> None:
    page = hostile.page("arquivo/posts/titulo-myst")
    title = '(pwn-label)= % PWN <!-- $x$ {{ 7*7 }} ``` :::{note} {raw}`PWN` [x](javascript:PWN) -- "aspas"'
    assert _h1(page) == title
    assert _unescape(re.search(r"<title>(.*?)</title>", page).group(1)).startswith(title + " ")
    assert 'id="pwn-label"' not in page
    marked = hostile.page("arquivo/posts/marcacao-nos-campos")
    assert _h1(marked) == "<script>alert('PWN')</script> & <pwn-a class=PWN>negrito</pwn-a>"
    assert "&lt;img src=x onerror=alert(&#x27;PWN&#x27;)&gt; &quot;&gt;&lt;pwn-b&gt;" in marked.replace("'", "&#x27;")


def test_post_text_is_never_evaluated(hostile: Built) -> None:
    page = hostile.page("arquivo/posts/execucao")
    assert "PWN-SUBST-{{ 7*7 }}" in page
    assert "PWN-SUBST-49" not in page
    assert "{{ env.config.project }}" in page
    assert "$\\href" in page  # math is text in a post: MathJax never sees it
    assert "mathjax" not in page.lower()


def test_an_unclosed_code_fence_swallows_only_its_own_post(hostile: Built) -> None:
    page = hostile.page("arquivo/posts/cerca-aberta")
    text = re.sub(r"<[^>]+>", "", page)
    assert "nunca fechada" in text
    assert page.index("nunca") < page.index("nl-author-box")
    assert "Controle" in hostile.page("arquivo/edicoes/1")


def test_control_characters_are_removed_from_fields(hostile: Built) -> None:
    page = hostile.page("arquivo/posts/controle")
    assert _h1(page) == "Controle [31m fim"
    expected = "posts/2024-01-07-controle.md:2: WARNING: control characters removed from 'title'"
    assert any(expected in line for line in hostile.warnings)


def _line(path: Path, needle: str) -> int:
    return next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in text)


@pytest.mark.parametrize(
    ("post", "needle", "message"),
    [
        ("execucao", "```{eval-rst}", "the {eval-rst} block is not allowed in a post"),
        ("execucao", "```{raw} html", "the directive 'raw' is not allowed in a post"),
        ("execucao", "{raw-html}", "the role 'raw-html' is not allowed in a post"),
        ("execucao", "```{meta}", "the directive 'meta' is not allowed in a post"),
        ("execucao", "```{toctree}", "the directive 'toctree' is not allowed in a post"),
        ("execucao", "{math}", "the role 'math' is not allowed in a post"),
        ("arquivos", "![a]", "image '../../secret/passwd.txt' removed"),
        ("arquivos", "![c]", "image '../../../../../../../../etc/passwd' removed"),
        ("arquivos", "[f]", "link to a local file '../../secret/passwd.txt' removed"),
        ("arquivos", "{download}", "the role 'download' is not allowed in a post"),
        ("arquivos", "```{include}", "the directive 'include' is not allowed in a post"),
        ("arquivos", "```{literalinclude}", "the directive 'literalinclude' is not allowed"),
        ("arquivos", "```{figure}", "image '../../secret/passwd.txt' removed"),
        ("arquivos", "![script]", "image '/images/script.svg' removed"),
        ("marcacao-nos-campos", "highlight_url", "URL \"javascript:alert('PWN')\" uses the scheme 'javascript:'"),
        ("imagens", "image:", "image '/images/onload.svg' is an SVG: post images must be PNG"),
        ("imagens", "![s]", "image '/images/stylesheet.svg' removed: it is an SVG"),
    ],
)
def test_messages_name_the_post_file_and_line(hostile: Built, post: str, needle: str, message: str) -> None:
    path = next((hostile.src / "posts").glob(f"*-{post}.md"))
    where = f"posts/{path.name}:{_line(path, needle)}: WARNING: "
    assert any(where in line and message in line for line in hostile.warnings), (where, message)


def test_no_message_points_at_a_generated_page(hostile: Built) -> None:
    generated = [line for line in hostile.warnings if "arquivo/posts/" in line]
    assert generated == []


def _h1(page: str) -> str:
    match = re.search(r"<h1>(.*?)<a class=\"headerlink\"", page, re.S)
    assert match, "no h1"
    return _unescape(match.group(1))


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


# --- refused posts -------------------------------------------------------------------

#: file name -> (content, line, message): what a pull request may carry that must be refused.
REFUSED: dict[str, tuple[bytes, int, str]] = {
    "2024-02-04-latin1.md": (b'---\ntitle: "Caf\xe9"\n---\n', 2, "the file is not UTF-8 (byte 0xe9)"),
    "2024-02-04-vazio.md": (b"", 1, "the file is empty"),
    "2024-02-04-sem-cerca.md": (b"title: x\n\ntexto\n", 1, "does not start with a '---'"),
    "2024-02-04-cerca-aberta.md": (b"---\ntitle: x\n", 1, "never closed with '---'"),
    "2024-02-04-lista.md": (b"---\n- a\n- b\n---\n", 2, "must be a mapping of keys to values, not a list"),
    "2024-02-04-alias.md": (b"---\na: &x [1, 2]\ntitle: *x\n---\n", 3, "aliases (*name) are not allowed"),
    "2024-02-04-python.md": (
        b'---\ntitle: !!python/object/apply:os.system ["echo PWN"]\n---\n',
        2,
        "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "2024-02-04-fundo.md": (b"---\ntitle: " + b"[" * 60 + b"]" * 60 + b"\n---\n", 2, "nesting deeper than 20"),
    "2024-02-04-grande.md": (b"---\ntitle: x\n---\n" + b"a" * 1_000_001, 1, "over the limit of 1000000"),
    "sem-data.md": (b"---\ntitle: x\ndate: 2022-02-30\n---\n", 3, "'date' is not a real date"),
    "2024-02-04-index.md": (b"---\ntitle: x\n---\n", 1, "the page name 'index', which is empty or reserved"),
    "2024-02-04-!!!.md": (b"---\ntitle: x\n---\n", 1, "the page name '', which is empty or reserved"),
}
#: The same slug after Unicode normalisation and case folding: NFC and NFD spellings.
COLLIDING = ("2024-02-04-Café.md", "2024-02-04-cafe\u0301.md")


def _refused_posts(src: Path) -> None:
    posts = src / "posts"
    for name, (data, _line, _message) in REFUSED.items():
        (posts / name).write_bytes(data)
    (posts / "2024-02-04-atalho.md").symlink_to(src / "conf.py")
    for name in COLLIDING:
        (posts / name).write_text('---\ntitle: "Café"\n---\nCorpo.\n', encoding="utf-8")


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory):
    built = build_root("test-hostile-refused", tmp_path_factory.mktemp("refused"), _refused_posts)
    yield built
    built.app.cleanup()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_refused_post_gets_one_clear_error_at_its_line(refused: Built, name: str) -> None:
    _data, line, message = REFUSED[name]
    errors = [w for w in refused.warnings if f"posts/{name}:" in w and ": ERROR: " in w]
    assert len(errors) == 1, errors
    assert f"posts/{name}:{line}: ERROR: " in errors[0]
    assert message in errors[0]


def test_symlinked_posts_are_refused(refused: Built) -> None:
    assert any("posts/2024-02-04-atalho.md:1: ERROR: symbolic links" in w for w in refused.warnings)


def test_a_collision_names_every_file_involved(refused: Built) -> None:
    errors = [w for w in refused.warnings if "slug-collision" in w]
    assert len(errors) == 2
    for name in COLLIDING:
        assert all(name in error for error in errors)


def test_refused_posts_are_skipped_the_build_goes_on_and_fails_at_the_end(refused: Built) -> None:
    assert refused.error is None  # an error message and exit status 1, not an exception
    assert refused.app.statuscode == 1
    summary = refused.warnings[-1]
    assert summary.endswith("[newsletter.refused]")
    for name in [*REFUSED, "2024-02-04-atalho.md"]:
        assert f"posts/{name}" in summary
    assert "Este post é publicado" in refused.page("arquivo/posts/bom")
    assert not any("Traceback" in w for w in refused.warnings)
