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
    page = (src / "_build" / "html" / "arquivo" / "posts" / "ataque.html")
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
    body = ("Texto.\n\n[r1](project:../../_static/favicon.svg)\n\n<project:../../../pyproject.toml>\n\n"
            "[r3](outro-post.md)\n\n[r4](inv:python#os.path)\n\n[r5](../../../README.md)\n\n[ok](#top)\n")
    src = _site(tmp_path, body)
    logged, _status = _build(src)
    built = set()
    for line in logged:
        if "[newsletter.body-" in line and "ataque.md:" in line:
            number = int(line.split("ataque.md:", 1)[1].split(":", 1)[0])
            built.add(("2024-03-04-ataque.md", number, line.rsplit("[newsletter.", 1)[1].rstrip("]\x1b[39;49;00m")))
    assert {n for _f, n, _c in built} == {8, 10, 12, 14, 16}
    assert {r for r in _check(src) if r[2].startswith("body-")} == built
    page = (src / "_build" / "html" / "arquivo" / "posts" / "ataque.html").read_text(encoding="utf-8")
    for bad in ("favicon.svg", "pyproject", "outro-post", "python#", "README"):
        assert f'href="{bad}' not in page and not [h for h in page.split('href="')[1:] if bad in h.split('"')[0]]
