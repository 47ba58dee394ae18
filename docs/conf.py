"""The archive site: sphinx-newsletter over the posts in ../posts."""

project = "Destaques da Newsletter"
author = "sphinx-newsletter"
copyright = "2025, os autores"

extensions = ["sphinx_newsletter"]

language = "pt_BR"
html_theme = "furo"
html_title = "Destaques da Newsletter"
html_favicon = "_static/favicon.svg"
html_search_language = "pt"
# Absolute links in feeds, sitemap, canonical and OpenGraph tags (the old site's address).
html_baseurl = "https://destaque.srebrasil.com/"
# reference/ is the extension's reference for maintainers: a Sphinx project of its own.
exclude_patterns = ["_build", "reference"]

newsletter_posts_dir = "../posts"
newsletter_images_dir = "../posts/images"
newsletter_timezone = "America/Sao_Paulo"
# `newsletter email` (the reference's email page, docs/reference/email.md): who the edition's email comes from.
newsletter_email = {
    "from": "Destaques da Newsletter <newsletter@srebrasil.com>",
    "reply_to": "contato@srebrasil.com",
    "list_unsubscribe": ["mailto:newsletter@srebrasil.com?subject=cancelar"],
    "smtp_host": "smtp.srebrasil.com",
    "smtp_user": "newsletter@srebrasil.com",
}
