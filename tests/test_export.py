"""archive.json, and drafts absent from every output."""

from __future__ import annotations

import json

import pytest
from sitetools import warnings_of

BASE = "https://example.org/news/"


@pytest.mark.sphinx("html", testroot="site")
def test_archive_json_has_every_published_post(app):
    app.build()
    assert warnings_of(app) == []
    data = json.loads((app.outdir / "archive.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert [p["slug"] for p in data["posts"]] == ["terceiro-post", "segundo-post", "erros-e-alertas"]
    post = data["posts"][2]
    assert post == {
        "slug": "erros-e-alertas",
        "old_slug": "Erros-e-Alertas",
        "url": BASE + "arquivo/posts/erros-e-alertas.html",
        "path": "arquivo/posts/erros-e-alertas.html",
        "title": 'Erros & <alertas> "reais"',
        "date": "2024-02-05T08:00:00-03:00",
        "edition": 1,
        "edition_date": "2024-02-05",
        "headline": "Quando alertar & quando não",
        "article": {"title": "Alerting <on> SLOs", "url": "https://example.org/slo?a=1&b=2", "author": "Jane Doe"},
        "commentator": {
            "name": "Maria Souza",
            "profile": "https://www.linkedin.com/in/maria-souza",
            "page": BASE + "arquivo/autores/maria-souza.html",
        },
        "image": BASE + "_images/um.png",
        "excerpt": post["excerpt"],
        "categories": ["Observabilidade"],
        "reading_minutes": 1,
    }
    assert post["excerpt"].startswith("Um comentário sobre alertas")


@pytest.mark.sphinx("dirhtml", testroot="site")
def test_archive_json_urls_under_dirhtml(app):
    app.build()
    data = json.loads((app.outdir / "archive.json").read_text(encoding="utf-8"))
    assert data["posts"][0]["url"] == BASE + "arquivo/posts/terceiro-post/"


@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_drafts_are_absent_from_every_output(make_app, rootdir, tmp_path, builder):
    """The draft's slug, title, author, category and text appear in no file: pages,
    feeds, sitemap, archive.json, redirects, search index, objects.inv, sources."""
    import shutil

    shutil.copytree(rootdir / "test-site", tmp_path / "site")
    app = make_app(builder, srcdir=tmp_path / "site")
    app.build()
    outputs = [p for p in app.outdir.rglob("*") if p.is_file()]
    names = {p.relative_to(app.outdir).as_posix() for p in outputs}
    for must in ("feed.xml", "atom.xml", "sitemap.xml", "archive.json", "searchindex.js", "objects.inv"):
        assert must in names
    assert not [n for n in names if "zzdraftzz" in n.lower()]
    import zlib

    for path in outputs:
        data = path.read_bytes()
        if path.name == "objects.inv":
            data = zlib.decompress(data.split(b"\n", 4)[4])
        assert b"zzdraftzz" not in data.lower(), path
    assert not any("zzdraftzz" in n.lower() for n in app.env.all_docs)
