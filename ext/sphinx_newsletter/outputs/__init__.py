"""Whole-site outputs written at ``build-finished``: feeds, sitemap, archive.json, redirects, meta tags."""
