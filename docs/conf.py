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
exclude_patterns = ["_build"]

newsletter_posts_dir = "../posts"
newsletter_images_dir = "../posts/images"
newsletter_timezone = "America/Sao_Paulo"
# The maintainers' reference (English) stays out of readers' search results.
newsletter_search_exclude = [
    "guide/posts",
    "guide/configuration",
    "guide/references",
    "guide/outputs",
    "guide/search",
    "performance",
    "security",
    "faults",
]
