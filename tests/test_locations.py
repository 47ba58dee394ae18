"""Messages about a post body name the post file: installed through public logging names only."""

from __future__ import annotations

import logging
import shutil

from sitetools import ROOTS, warnings_of
from sphinx.testing.util import SphinxTestApp
from sphinx.util.logging import NAMESPACE, WarningStreamHandler
from sphinx_newsletter.locations import PostLocations

#: docutils reports the malformed table at the generated page; the build names line 9 of the post.
POST = """---
title: "Tabela"
date: 2024-01-14 09:00:00 -0300
tag: "Edição #2 - 15.01.2024"
comentado_por: "Maria Souza"
---
Texto.

```{list-table}
não é uma lista
```
"""


def test_a_docutils_message_names_the_post_line_and_sphinxs_filters_are_left_alone(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src)
    (src / "posts" / "2024-01-14-tabela.md").write_text(POST, encoding="utf-8")
    app = SphinxTestApp("html", srcdir=src)
    try:
        (handler,) = [h for h in logging.getLogger(NAMESPACE).handlers if isinstance(h, WarningStreamHandler)]
        # Sphinx's own filters, in Sphinx's order, then ours (appended): nothing inserted between them.
        assert isinstance(handler.filters[-1], PostLocations)
        assert not any(isinstance(f, PostLocations) for f in handler.filters[:-1])
        app.build()
    finally:
        app.cleanup()
    found = [w for w in warnings_of(app) if 'list-table" directive' in w]
    assert len(found) == 1, found
    assert "posts/2024-01-14-tabela.md:9:" in found[0] and "arquivo" not in found[0]
