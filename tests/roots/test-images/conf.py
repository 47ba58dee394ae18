extensions = ["sphinx_newsletter"]
project = "Imagens"
language = "pt_BR"
html_theme = "furo"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
