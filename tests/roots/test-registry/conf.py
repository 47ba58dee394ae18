extensions = ["sphinx_newsletter"]
language = "pt_BR"
html_theme = "furo"
html_search_language = "pt"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
newsletter_authors_file = "posts/authors.yml"
# Not the defaults, so the CLI test proves it reads this file.
newsletter_timezone = "America/Sao_Paulo"
newsletter_edition_max_days = 9
newsletter_fields = {"author": "comentado_por"}
