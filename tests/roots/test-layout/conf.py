# Every part of the layout that can be configured, set to something else: the
# generated pages under site/arq (two segments), images named /assets/img/...
extensions = ["sphinx_newsletter"]
project = "Layout"
language = "pt_BR"
html_theme = "furo"
html_search_language = "pt"
html_baseurl = "https://example.org/news/"
newsletter_posts_dir = "posts"
newsletter_images_dir = "posts/images"
newsletter_authors_file = "posts/authors.yml"
newsletter_output_dir = "site/arq"
newsletter_image_url_prefix = "/assets/img/"
