# Posts that must be refused, each with a clear message; see tests/test_hostile.py.
extensions = ["sphinx_newsletter"]
project = "Recusados"
language = "pt_BR"
html_theme = "furo"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
