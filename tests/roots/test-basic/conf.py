extensions = ["sphinx_newsletter"]
language = "pt_BR"
html_theme = "furo"
html_search_language = "pt"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
