"""A small site made for the ``newsletter email`` tests: posts, a conf.py, one real build.

:func:`make_site` writes the site into a folder (posts of one or two
editions, a PNG per post, ``newsletter_email`` settings), builds it with
``python -m sphinx`` in a subprocess (the command reads the built site's
``archive.json``) and returns where things are.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

LOREM = (
    "Um comentário sobre o artigo, com algumas frases para que o resumo tenha o tamanho de um comentário "
    "de verdade: o que o texto diz, por que ele importa e o que levar para o trabalho da equipe. "
)


@dataclass(frozen=True, slots=True)
class EmailSite:
    confdir: Path
    outdir: Path
    base: str


def post(
    n: int,
    *,
    edition: int = 1,
    date: str = "2024-02-05",
    title: str = "",
    url: str = "",
    extra: str = "",
    body: str = "",
) -> str:
    """One post file's text; *extra* lines go into its front matter as they are."""
    title = title or f"Título do post número {n} sobre confiabilidade"
    url = url or f"https://example.org/artigo-{n}"
    return (
        "---\n"
        f'title: "{title}"\n'
        f"date: {date} 08:{n:02d}:00 -0300\n"
        f'tag: "Edição #{edition} - 05.02.2024"\n'
        f'headline: "Resumo do post {n}"\n'
        f'highlight_title: "Artigo {n}"\n'
        f'highlight_url: "{url}"\n'
        f'highlight_autor: "Autora {n}"\n'
        f"image: /images/p{n}.png\n"
        f'comentado_por: "Comentarista Número {n}"\n'
        f'comentado_por_linkedin: "https://www.linkedin.com/in/pessoa-{n}"\n'
        f"{extra}"
        "---\n" + (body or LOREM * 2) + "\n"
    )


def make_site(
    root: Path, posts: dict[str, str], *, base: str, email: str = "", language: str = "pt_BR", site_yml: str = ""
) -> EmailSite:
    """Write and build a site with *posts* (file name -> text); *email* is the ``newsletter_email`` dict's text.

    With *site_yml*, the site's title and address come from ``posts/site.yml``, not conf.py.
    """
    confdir = root / "site"
    images = confdir / "posts" / "images"
    images.mkdir(parents=True)
    for name, text in posts.items():
        (confdir / "posts" / name).write_text(text, encoding="utf-8")
    for n in range(1, 21):
        Image.new("RGB", (1200, 630), (20 * (n % 12), 90, 160)).save(images / f"p{n}.png")
    email = email or (
        '{"from": "Destaques <news@example.org>", "reply_to": "editor@example.org", '
        '"list_unsubscribe": ["mailto:news@example.org?subject=sair", "https://example.org/sair"]}'
    )
    if site_yml:
        (confdir / "posts" / "site.yml").write_text(site_yml, encoding="utf-8")
    identity = 'project = "Destaques de Teste"\n' + f"html_baseurl = {base!r}\n"
    (confdir / "conf.py").write_text(
        'extensions = ["sphinx_newsletter"]\n'
        + ('newsletter_site_file = "posts/site.yml"\n' if site_yml else identity)
        + f"language = {language!r}\n"
        'html_theme = "furo"\n'
        'newsletter_posts_dir = "posts"\n'
        'newsletter_images_dir = "posts/images"\n'
        f"newsletter_email = {email}\n",
        encoding="utf-8",
    )
    (confdir / "index.md").write_text("# Início\n\n```{toctree}\n:hidden:\n\narquivo/index\n```\n", encoding="utf-8")
    outdir = confdir / "_build" / "html"
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(confdir), str(outdir)],
        check=True,
        capture_output=True,
    )
    return EmailSite(confdir=confdir, outdir=outdir, base=base)


def ten_posts(edition: int = 1) -> dict[str, str]:
    return {f"2024-02-05-post-{n}.md": post(n, edition=edition) for n in range(1, 11)}
