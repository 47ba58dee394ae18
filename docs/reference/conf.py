"""The extension's reference for maintainers: a Sphinx project of its own.

English, built with ``make reference`` (``-W``) and by ``tests/test_reference.py``.
Its live examples render from a small made-up archive in ``_fixture/``, so they
never depend on the posts the newsletter's own site happens to have; the
archive site (``docs/conf.py``) excludes this folder.
"""

project = "sphinx-newsletter reference"
author = "sphinx-newsletter"
copyright = "2025, the sphinx-newsletter authors"

extensions = ["sphinx_newsletter"]

language = "en"
html_theme = "furo"
html_title = "sphinx-newsletter reference"
exclude_patterns = ["_build", "_fixture"]
# Feeds, sitemap and redirects need an absolute address; the fixture's is made up.
html_baseurl = "https://reference.example.org/"

newsletter_posts_dir = "_fixture/posts"
newsletter_images_dir = "_fixture/posts/images"
newsletter_authors_file = "_fixture/posts/authors.yml"
newsletter_baseline_file = ""
newsletter_timezone = "America/Sao_Paulo"

# `newsletter email` (email.md): who the edition's email comes from. The build
# writes the latest edition's email to email/latest.html, which email.md shows.
newsletter_email = {
    "from": "Destaques da Newsletter <newsletter@example.org>",
    "reply_to": "contato@example.org",
    "list_unsubscribe": ["mailto:newsletter@example.org?subject=cancelar"],
    "smtp_host": "smtp.example.org",
    "smtp_user": "newsletter@example.org",
    "preview": True,
}
