"""What the independent attack on issue 17 found in post bodies, kept as tests.

Each post here got through the first round of fixes: a number in an allowed
option that costs the build gigabytes, Sphinx's own directive warnings located
at ``<page>.md.rst`` (so neither named after the post nor capped), and links
the doctree pass removed while ``newsletter check`` said nothing.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from io import StringIO
from pathlib import Path

import pytest
from sitetools import without_share_links
from sphinx.errors import SphinxError
from sphinx.testing.util import SphinxTestApp
from sphinx_newsletter.cli.main import main
from test_hostile import ROOTS

HEAD = '---\ntitle: "Ataque"\ndate: 2024-03-04\ntag: "Edição #1 - 04.03.2024"\n---\n'


def _site(tmp_path: Path, body: str, name: str = "2024-03-04-ataque.md") -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-bodies", src)
    for post in (src / "posts").glob("*.md"):
        post.unlink()
    (src / "posts" / name).write_text(HEAD + body, encoding="utf-8")
    return src


def _build(src: Path) -> tuple[list[str], int]:
    app = SphinxTestApp("html", srcdir=src, status=StringIO(), warning=StringIO())
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*MystReferenceResolver\.app")
            app.build()
    except SphinxError:
        pass
    finally:
        app.cleanup()
    return app.warning.getvalue().splitlines(), app.statuscode


def _check(src: Path) -> set[tuple[str, int, str]]:
    out = StringIO()
    main(["--conf-dir", str(src), "check", "--format", "json", str(src / "posts")], out)
    return {(Path(p["path"]).name, p["line"], p["code"]) for p in json.loads(out.getvalue())["problems"]}


COSTLY = {
    "hlist": "```{hlist}\n:columns: 1000000\n\n- a\n- b\n```\n",
    "emphasize-lines": "```{code-block} python\n:emphasize-lines: 1-300000000\n\nx = 1\n```\n",
    "lineno-start": "```{code-block} python\n:lineno-start: 99999999999\n:linenos:\n\nx = 1\n```\n",
    "long-alt": "```{image} /images/ok.png\n:alt: " + "a" * 5000 + "\n```\n",
}


@pytest.mark.parametrize("name", sorted(COSTLY))
def test_an_option_value_that_would_cost_the_build_is_refused_at_its_line(tmp_path: Path, name: str) -> None:
    src = _site(tmp_path, "Texto.\n\n" + COSTLY[name])
    started = time.perf_counter()
    logged, _status = _build(src)
    assert time.perf_counter() - started < 30  # the attack took 76 s to hours
    refusals = [w for w in logged if "[newsletter.body-option]" in w]
    assert len(refusals) == 1 and "2024-03-04-ataque.md:8: WARNING: the option" in refusals[0], logged
    assert ("2024-03-04-ataque.md", 8, "body-option") in _check(src)
    page = src / "_build" / "html" / "arquivo" / "posts" / "ataque.html"
    assert page.stat().st_size < 200_000


def test_an_emphasized_line_outside_the_block_is_refused_like_check_says() -> None:
    from sphinx_newsletter.bodyscan import option_value_problem

    assert option_value_problem("emphasize-lines", "1,2", 2) == ""
    assert "past the block's lines" in option_value_problem("emphasize-lines", "3", 2)
    assert "past 12" in option_value_problem("columns", "13", 0)
    assert option_value_problem("alt", "2024 em 12 colunas", 0) == ""  # no bound on text options


def test_sphinx_directive_warnings_name_the_post_and_are_capped(tmp_path: Path) -> None:
    """An image width Sphinx can't read warns from inside the directive (``<page>.md.rst``)."""
    block = "```{image} /images/ok.png\n:width: abc\n```\n\n"
    src = _site(tmp_path, block * 80)
    logged, _status = _build(src)
    about = [w for w in logged if "ataque.md" in w]
    assert not [w for w in logged if ".md.rst" in w]
    assert len(about) <= 51, len(about)  # newsletter_max_warnings_per_post = 50, then one summary line
    assert any("more warnings about" in w for w in about)


def test_links_into_the_sites_files_are_refused_alike_by_check_and_build(tmp_path: Path) -> None:
    body = (
        "Texto.\n\n[r1](project:../../_static/favicon.svg)\n\n<project:../../../pyproject.toml>\n\n"
        "[r3](outro-post.md)\n\n[r4](inv:python#os.path)\n\n[r5](../../../README.md)\n\n[ok](#top)\n"
    )
    src = _site(tmp_path, body)
    logged, _status = _build(src)
    built = set()
    for line in logged:
        if "[newsletter.body-" in line and "ataque.md:" in line:
            number = int(line.split("ataque.md:", 1)[1].split(":", 1)[0])
            built.add(("2024-03-04-ataque.md", number, line.rsplit("[newsletter.", 1)[1].split("]", 1)[0]))
    assert {n for _f, n, _c in built} == {8, 10, 12, 14, 16}
    assert {r for r in _check(src) if r[2].startswith("body-")} == built
    page = (src / "_build" / "html" / "arquivo" / "posts" / "ataque.html").read_text(encoding="utf-8")
    for bad in ("favicon.svg", "pyproject", "outro-post", "python#", "README"):
        assert f'href="{bad}' not in page and not [h for h in page.split('href="')[1:] if bad in h.split('"')[0]]


def _deep(depth: int) -> str:
    opening = ["`" * (3 + depth - i) + "{note}" for i in range(depth)]
    closing = ["`" * (3 + depth - i) for i in range(depth - 1, -1, -1)]
    return "\n".join(["Texto.", "", *opening, "fundo", *closing]) + "\n"


def test_deeply_nested_directives_are_refused_not_a_crash(tmp_path: Path) -> None:
    """Round 2 of the attack: 120 nested ``{note}`` blocks were a RecursionError and no file:line."""
    src = _site(tmp_path, _deep(120))
    logged, _status = _build(src)
    assert not [w for w in logged if "Recursion" in w or "Traceback" in w]
    refused = [w for w in logged if "[newsletter.body-directive]" in w]
    assert len(refused) == 1 and "nested more than 20 deep" in refused[0]
    line = int(refused[0].split("ataque.md:", 1)[1].split(":", 1)[0])
    assert line == 6 + 2 + 20  # the 21st opening fence
    assert {r for r in _check(src) if r[2].startswith("body-")} == {("2024-03-04-ataque.md", line, "body-directive")}
    assert (src / "_build" / "html" / "arquivo" / "posts" / "ataque.html").is_file()


ARGUMENTS = """Texto.

```{admonition} Título [x](http://127.0.0.1/a) aqui
Corpo.
```

```{code-block} python
:caption: legenda [z](http://localhost/) texto

x = 1
```

```{topic} Tópico [v](http:/x)
T.
```

```{sidebar} Lado
:subtitle: sub [u](ftp://example.org/)

S.
```

```{rubric} Rubrica [t](mailto:a@example.org)
```

```{card} Cartão
:link: http://127.0.0.1/x
:link-type: URL

corpo
```

```{note} Primeira linha [y](https://intranet/x) aqui
```
"""


def test_links_in_directive_titles_and_captions_are_refused_alike(tmp_path: Path) -> None:
    src = _site(tmp_path, ARGUMENTS)
    logged, _status = _build(src)
    built = set()
    for line in logged:
        if "[newsletter.body-" in line and "ataque.md:" in line:
            number = int(line.split("ataque.md:", 1)[1].split(":", 1)[0])
            built.add(("2024-03-04-ataque.md", number, line.rsplit("[newsletter.", 1)[1].split("]", 1)[0]))
    assert len(built) == 7, logged
    assert {r for r in _check(src) if r[2].startswith("body-")} == built
    page = (src / "_build" / "html" / "arquivo" / "posts" / "ataque.html").read_text(encoding="utf-8")
    page = without_share_links(page)
    for bad in ("127.0.0.1", "localhost", "ftp:", "mailto:", "intranet", 'href="http:/x'):
        assert f'href="{bad}' not in page and bad not in "".join(h.split('"')[0] for h in page.split('href="')[1:])


def test_a_dropdown_is_refused_as_a_directive_not_shown_as_raw_svg(tmp_path: Path) -> None:
    src = _site(tmp_path, "Texto.\n\n```{dropdown} Simples\nDentro.\n```\n")
    logged, _status = _build(src)
    about = [w for w in logged if "ataque.md" in w]
    assert len(about) == 1 and "ataque.md:8: WARNING: the directive 'dropdown' is not allowed" in about[0]
    assert ("2024-03-04-ataque.md", 8, "body-directive") in _check(src)


def test_raw_html_in_a_body_is_reported_by_the_build_as_by_check(tmp_path: Path) -> None:
    src = _site(
        tmp_path,
        'Olá <b>negrito</b> e <img src="/images/x.png" onerror=alert(1)>.\n\n<div style="position:fixed">x</div>\n',
    )
    logged, _status = _build(src)
    built = [w for w in logged if "[newsletter.raw-html]" in w]
    assert len(built) == 1 and "ataque.md:6: WARNING: raw HTML '<b>' in the body (and on 1 more lines)" in built[0]
    assert ("2024-03-04-ataque.md", 6, "raw-html") in _check(src)
