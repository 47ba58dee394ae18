import os

extensions = ["sphinx_newsletter"]
language = "pt_BR"
html_theme = "furo"
html_search_language = "pt"
newsletter_timezone = "America/Sao_Paulo"
# The real corpus lives outside the repo (../shared/corpus/srebrasil); tests set these.
newsletter_posts_dir = os.environ.get("NEWSLETTER_TEST_POSTS", "posts")
newsletter_images_dir = os.environ.get("NEWSLETTER_TEST_IMAGES", "images")
