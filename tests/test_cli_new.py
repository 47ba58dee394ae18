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
from test_cli import AUTHORS as AUTHORS_ANA_SOUZA
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

### Título do post (em português)

Como um *script* derrubou a produção

### Título original do artigo

How we <script>alert(1)</script> broke prod

### Autor(a) original do artigo

_No response_

### URL do artigo

https://example.org/prod

### Chamada (opcional)

_No response_

### Imagem (opcional)

![captura](https://github.com/user-attachments/assets/0b4e-prod.png)

### Seu comentário

Vale a leitura:

- um
- dois
"""


def test_new_from_an_issue_form_body(root: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "issue.md").write_text(ISSUE, encoding="utf-8")
    code, printed = new(root, "--from-issue", str(tmp_path / "issue.md"))
    assert code == 0
    path = Path(printed)
    # The post's own title, in Portuguese, names the file (without its markup)...
    assert path.name == "2024-01-14-como-um-script-derrubou-a-producao.md"
    text = path.read_text(encoding="utf-8")
    fields, _ = load_mapping(text.split("\n---\n")[0].removeprefix("---\n"))
    assert fields["title"].value == "Como um *script* derrubou a produção"
    # ...the article keeps its own, and the headline is not a third copy of a title.
    assert fields["highlight_title"].value == "How we <script>alert(1)</script> broke prod"
    assert "headline" not in fields
    assert fields["comentado_por"].value == "Bruno Lima"
    assert fields["comentado_por_linkedin"].value == "https://linkedin.com/in/blima"  # fixed, and said so
    assert "highlight_autor" not in fields and "image" not in fields
    assert text.endswith("Vale a leitura:\n\n- um\n- dois\n")
    err = capsys.readouterr().err
    assert (
        "newsletter new: warning: profile link 'linkedin.com/in/blima' written as 'https://linkedin.com/in/blima'"
        in err
    )
    assert "the image is a link (https://github.com/user-attachments/assets/0b4e-prod.png)" in err


def test_a_registered_name_with_another_link_keeps_the_link_and_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Attack 3 #13: a submitter types a registered commentator's name and their own LinkedIn."""
    monkeypatch.chdir(tmp_path)
    registry = (REPO / "posts" / "authors.yml").read_text(encoding="utf-8")
    root = make_site(tmp_path, {"2024-01-07-a.md": post()}, registry + "\n" + AUTHORS_ANA_SOUZA)
    spoof = ISSUE.replace("Bruno Lima", "Ana Beatriz Lima").replace(
        "linkedin.com/in/blima", "https://www.linkedin.com/in/attacker-profile"
    )
    (tmp_path / "issue.md").write_text(spoof, encoding="utf-8")
    code, printed = new(root, "--from-issue", str(tmp_path / "issue.md"))
    assert code == 0
    text = Path(printed).read_text(encoding="utf-8")
    assert 'comentado_por_linkedin: "https://www.linkedin.com/in/attacker-profile"' in text
    err = capsys.readouterr().err
    assert (
        "newsletter new: warning: 'Ana Beatriz Lima' is in the authors registry with the profile link "
        "https://www.linkedin.com/in/anabeatrizlima-sre, but this post gives "
        "'https://www.linkedin.com/in/attacker-profile': the post keeps the given link" in err
    )
    out = io.StringIO()
    assert main(["--conf-dir", str(root), "check", "--strict", printed], out=out) == 1
    assert f"{Path(printed).relative_to(tmp_path).as_posix()}:" in out.getvalue()
    assert "[author-link]" in out.getvalue()


def test_a_registered_name_with_their_own_link_gets_the_registrys_spelling(root: Path, capsys) -> None:
    code, printed = new(root, *FLAGS[:6], "--by", "Ana Souza", "--profile", "linkedin.com/in/ana-souza/")
    assert code == 0
    assert 'comentado_por_linkedin: "https://www.linkedin.com/in/ana-souza"' in Path(printed).read_text(
        encoding="utf-8"
    )
    assert "registry with the profile link" not in capsys.readouterr().err
    assert main(["--conf-dir", str(root), "check", "--strict"], out=io.StringIO()) == 0


def test_an_issue_from_the_old_form_still_works(root: Path, tmp_path: Path) -> None:
    """Issues filed before the form asked for the post's title: the article's title stands in."""
    old = ISSUE.replace("### Título do post (em português)\n\nComo um *script* derrubou a produção\n\n", "")
    (tmp_path / "issue.md").write_text(old, encoding="utf-8")
    code, printed = new(root, "--from-issue", str(tmp_path / "issue.md"))
    assert code == 0
    assert Path(printed).name == "2024-01-14-how-we-alert-1-broke-prod.md"  # no "script" from the tag


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("How we <script>alert(1)</script> broke prod", "how-we-alert-1-broke-prod"),
        ("**SLOs** na _prática_", "slos-na-pratica"),
        ("[Postmortem](https://example.org/x): o `DNS` de novo", "postmortem-o-dns-de-novo"),
        ("Tom &amp; Jerry <b>on call</b>", "tom-jerry-on-call"),
        ("a<b", "a-b"),
    ],
)
def test_titles_with_markup_give_clean_slugs(root: Path, title: str, slug: str) -> None:
    code, printed = new(
        root, "--post-title", title, "--title", "An article", "--url", "https://x.org/a", "--by", "Ana S."
    )
    assert code == 0
    assert Path(printed).name == f"2024-01-14-{slug}.md"


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("linkedin.com/in/ana", "https://linkedin.com/in/ana"),
        ("www.linkedin.com/in/ana/", "https://www.linkedin.com/in/ana/"),
        ("http://ana.example.org", "https://ana.example.org"),
        ("https://ana.example.org/perfil", "https://ana.example.org/perfil"),
    ],
)
def test_a_profile_link_without_https_is_fixed(root: Path, given: str, written: str) -> None:
    code, printed = new(root, *FLAGS[:6], "--by", "Pessoa Nova", "--profile", given)
    assert code == 0
    assert f'comentado_por_linkedin: "{written}"' in Path(printed).read_text(encoding="utf-8")


def test_a_profile_that_is_no_web_link_is_refused(root: Path, capsys) -> None:
    code, _ = new(root, *FLAGS[:6], "--by", "Pessoa Nova", "--profile", "javascript:alert(1)")
    assert code == 1
    assert "the profile link 'javascript:alert(1)' is not a web address" in capsys.readouterr().err
    assert list((root / "posts").glob("2024-01-14-*")) == []


def test_an_image_given_as_a_path_becomes_its_name_in_the_images_folder(root: Path, capsys) -> None:
    from test_cli import PNG

    (root / "posts" / "images" / "capas").mkdir(parents=True)
    (root / "posts" / "images" / "capas" / "x.png").write_bytes(PNG)
    code, printed = new(root, *FLAGS, "--image", "posts/images/capas/x.png")
    assert code == 0
    assert 'image: "/images/capas/x.png"' in Path(printed).read_text(encoding="utf-8")
    assert capsys.readouterr().err == ""  # the file is there: nothing to warn about


def test_a_missing_image_is_warned_about_at_once(root: Path, capsys) -> None:
    code, printed = new(root, *FLAGS, "--image", "posts/images/falta.png")
    assert code == 0
    assert 'image: "/images/falta.png"' in Path(printed).read_text(encoding="utf-8")
    assert (
        "newsletter new: warning: image 'falta.png' is not in posts/images/: add the file before the pull request"
        in capsys.readouterr().err
    )


def test_an_image_outside_the_images_folder_is_refused(root: Path, capsys) -> None:
    from test_cli import PNG

    (root / "foto.png").write_bytes(PNG)
    (root / "posts" / "foto.png").write_bytes(PNG)
    for value in ("posts/foto.png", str(root / "foto.png"), "../foto.png"):
        code, _ = new(root, *FLAGS, "--image", value)
        assert code == 1, value
        assert "newsletter new: error: " in capsys.readouterr().err
    assert list((root / "posts").glob("2024-01-14-*")) == []


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
