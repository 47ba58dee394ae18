"""``nl:toctree`` (toctrees.py) makes the toctree Sphinx's ``toctree`` makes, without its scan of every page."""

from __future__ import annotations

import shutil

import pytest
from sitetools import ROOTS, warnings_of
from sphinx import addnodes
from sphinx.directives.other import TocTree
from sphinx.testing.util import SphinxTestApp

PAGES = ("um", "dois", "tres")
#: name -> toctree options and entries (one per line)
CASES = {
    "plain": ":hidden:\n\num\ndois\ntres",
    "reversed": ":reversed:\n:maxdepth: 1\n\num\ndois",
    "relative": "\n./um\nguia/../dois",
    "suffix": "\num.md\ndois",
    "titled": "\nO primeiro <um>\ndois",
    "glob": ":glob:\n\nt*",
    "missing": "\num\nnao-existe",
    "repeated": "\num\ndois\num",
    "url": "\nhttps://example.org\num",
    "self": "\nself\num",
}


def _toctree(tmp_path, name: str, directive: str):
    src = tmp_path / f"{name}-{directive.replace(':', '-')}"
    shutil.copytree(ROOTS / "test-basic", src)
    for page in PAGES:
        (src / f"{page}.md").write_text(f"# Página {page}\n", encoding="utf-8")
    (src / "index.md").write_text(
        f"# Início\n\n```{{{directive}}}\n{CASES[name]}\n```\n\n"
        "```{toctree}\n:hidden:\n\narquivo/index\narquivo/autores/index\n```\n",
        encoding="utf-8",
    )
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
        first = next(iter(app.env.get_doctree("index").findall(addnodes.toctree)))
        attributes = {k: v for k, v in first.attributes.items() if k not in ("source", "line")}
        warnings = [w.replace(str(src), "SRC") for w in warnings_of(app)]
        return attributes, warnings, app.env.toctree_includes.get("index")
    finally:
        app.cleanup()


@pytest.mark.parametrize("name", CASES)
def test_the_toctree_is_the_one_sphinx_makes(tmp_path, name):
    ours, sphinx_ = _toctree(tmp_path, name, "nl:toctree"), _toctree(tmp_path, name, "toctree")
    assert ours == sphinx_


def test_generated_pages_skip_sphinx_s_parsing(tmp_path, monkeypatch):
    parsed = []
    parse = TocTree.parse_content

    def counted(self, toctree):
        parsed.append(self.env.current_document.docname)
        return parse(self, toctree)

    monkeypatch.setattr(TocTree, "parse_content", counted)
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    app = SphinxTestApp("html", srcdir=src)
    try:
        app.build()
        assert warnings_of(app) == []
        generated = [d for d in app.env.toctree_includes if d.startswith("arquivo/")]
    finally:
        app.cleanup()
    assert "arquivo/edicoes/1" in generated and "arquivo/index" in generated
    assert parsed == ["index"]  # the one hand-written toctree
