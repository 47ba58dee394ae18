"""The archive site: sphinx-newsletter over the posts in ../posts."""

# The site's title (project, html_title), description, address (html_baseurl)
# and copyright live in ../posts/site.yml (newsletter_site_file), which
# `newsletter import SITE --replace` writes; a value set here wins over it.
# Without a copyright anywhere, the footer shows the archive's years.
author = "sphinx-newsletter"

extensions = ["sphinx_newsletter"]

language = "pt_BR"
html_theme = "furo"
html_favicon = "_static/favicon.svg"
html_search_language = "pt"
# reference/ is the extension's reference for maintainers: a Sphinx project of its own.
exclude_patterns = ["_build", "reference"]

newsletter_posts_dir = "../posts"
newsletter_images_dir = "../posts/images"
newsletter_timezone = "America/Sao_Paulo"
# The home page's "Sugira um post" links to the contributor guide; with the issue form's
# address it links there instead (reference: sharing.md):
# newsletter_suggest_url = "https://github.com/OWNER/REPO/issues/new?template=sugerir-post.yml"
# `newsletter email` needs newsletter_email (From, SMTP server...): see the reference's email page.
