"""``newsletter new``: flags, the GitHub issue form, editions, quoting, no overwrite."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sphinx_newsletter.cli.main import main
from sphinx_newsletter.cli.newpost import ISSUE_FIELDS, parse_issue_form
from sphinx_newsletter.core.yamlsafe import load_mapping, yaml_quote
from test_cli import make_site, post

REPO = Path(__file__).parents[1]
FORM = REPO / ".github" / "ISSUE_TEMPLATE" / "sugerir-post.yml"


def new(root: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--conf-dir", str(root), "new", "--today", "2024-01-10", *args], out=out)
    return code, out.getvalue().strip()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_site(tmp_path, {"2024-01-07-a.md": post()})


FLAGS = [
    "--title",
    'Um "artigo": #1',
    "--url",
    "https://example.org/novo",
    "--article-author",
    "Fulana",
    "--by",
    "Ana S.",
    "--comment",
    "Gostei.\n\n---\n\nDe verdade.",
]


def test_new_from_flags_writes_a_post_the_check_accepts(root: Path) -> None:
    code, printed = new(root, *FLAGS)
    assert code == 0
    path = Path(printed)
    assert path == root / "posts" / "2024-01-14-um-artigo-1.md"
    text = path.read_text(encoding="utf-8")
    assert 'tag: "Edição #2 - 14.01.2024"' in text  # the next edition, a week after #1
    assert 'title: "Um \\"artigo\\": #1"' in text
    assert 'comentado_por_linkedin: "https://www.linkedin.com/in/ana-souza"' in text  # from the registry
    assert text.endswith("---\nGostei.\n\n---\n\nDe verdade.\n")
    assert main(["--conf-dir", str(root), "check", "--strict"], out=io.StringIO()) == 0


def test_new_refuses_to_overwrite_or_reuse_a_page_name(root: Path, capsys) -> None:
    assert new(root, *FLAGS)[0] == 0
    assert new(root, *FLAGS)[0] == 1
    assert "already exists" in capsys.readouterr().err
    assert new(root, *FLAGS, "--date", "2024-01-21", "--edition", "3")[0] == 1  # same page name
    assert new(root, *FLAGS, "--slug", "outro")[0] == 0


def test_new_uses_the_current_edition_when_it_is_not_past(root: Path) -> None:
    code, printed = main_today(root, "2024-01-06")
    assert code == 0 and "2024-01-07-" in printed
    assert 'tag: "Edição #1 - 07.01.2024"' in Path(printed).read_text(encoding="utf-8")


def main_today(root: Path, today: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["--conf-dir", str(root), "new", "--today", today, *FLAGS], out=out)
    return code, out.getvalue().strip()


def test_new_needs_title_url_and_commentator(root: Path, capsys) -> None:
    assert new(root, "--title", "x")[0] == 1
    assert "missing --url, --by" in capsys.readouterr().err


ISSUE = """\
### Seu nome

Bruno Lima

### Seu LinkedIn

linkedin.com/in/blima

### Título original do artigo

How we <script>alert(1)</script> broke prod

### Autor(a) original do artigo

_No response_

### URL do artigo

https://example.org/prod

### Chamada (opcional)

_No response_

### Seu comentário

Vale a leitura:

- um
- dois
"""


def test_new_from_an_issue_form_body(root: Path, tmp_path: Path) -> None:
    (tmp_path / "issue.md").write_text(ISSUE, encoding="utf-8")
    code, printed = new(root, "--from-issue", str(tmp_path / "issue.md"))
    assert code == 0
    text = Path(printed).read_text(encoding="utf-8")
    fields, _ = load_mapping(text.split("\n---\n")[0].removeprefix("---\n"))
    assert fields["title"].value == "How we <script>alert(1)</script> broke prod"
    assert fields["comentado_por"].value == "Bruno Lima"
    assert fields["comentado_por_linkedin"].value == "linkedin.com/in/blima"  # check warns: url-scheme
    assert "highlight_autor" not in fields
    assert text.endswith("Vale a leitura:\n\n- um\n- dois\n")


def test_the_issue_form_and_the_parser_agree() -> None:
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    labels = [item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"]
    from sphinx_newsletter.core.model import slugify

    assert sorted(slugify(label) for label in labels) == sorted(ISSUE_FIELDS)
    body = "".join(f"### {label}\n\nvalor {i}\n\n" for i, label in enumerate(labels))
    draft = parse_issue_form(body)
    assert draft.title and draft.url and draft.by and draft.comment and not draft.extra


@given(st.text(max_size=80))
def test_yaml_quote_round_trips(value: str) -> None:
    fields, _ = load_mapping(f"title: {yaml_quote(value)}")
    assert fields["title"].value == value
