"""The pure core: posts, archive, pages as text. Imports nothing from Sphinx or docutils.

Read (:mod:`.frontmatter`, :mod:`.loader`: files -> posts), model
(:mod:`.model`, :mod:`.browse`, :mod:`.dependencies`: posts -> archive) and
render (:mod:`.render`: archive -> generated MyST), with the small rules they
share in the modules their names say (:mod:`.dates`, :mod:`.text`,
:mod:`.urls`, :mod:`.paths`, :mod:`.images`, :mod:`.yamlsafe`). The build and
``newsletter check`` share this one reader. ``tests/test_layers.py`` imports it
with Sphinx and docutils blocked.
"""
