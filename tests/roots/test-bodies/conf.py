# Post bodies that attack the site through addresses, options and size; see tests/test_bodies.py.
extensions = ["sphinx_newsletter"]
project = "Corpos"
language = "pt_BR"
html_theme = "furo"
html_baseurl = "https://example.org/"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
newsletter_max_table_cells = 20
exclude_patterns = ["secret"]
