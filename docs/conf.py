"""The archive site: sphinx-newsletter over the posts in ../posts."""

project = "Destaques da Newsletter"
author = "sphinx-newsletter"
copyright = "2025, os autores"

extensions = ["sphinx_newsletter"]

language = "pt_BR"
html_theme = "furo"
html_title = "Destaques da Newsletter"
html_search_language = "pt"
exclude_patterns = ["_build"]

newsletter_posts_dir = "../posts"
newsletter_images_dir = "../posts/images"
newsletter_timezone = "America/Sao_Paulo"
