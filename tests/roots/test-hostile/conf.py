# A site whose posts attack it; see tests/test_hostile.py.
extensions = ["sphinx_newsletter"]
project = "Hostil"
language = "pt_BR"
html_theme = "furo"
html_search_language = "pt"
html_baseurl = "https://example.org/"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
exclude_patterns = ["secret"]
