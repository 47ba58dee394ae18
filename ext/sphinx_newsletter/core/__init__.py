"""The pure core: posts, archive, pages as text. Imports nothing from Sphinx or docutils.

Read (:mod:`.frontmatter`, :mod:`.loader`: files -> posts), model
(:mod:`.model`, :mod:`.browse`, :mod:`.dependencies`: posts -> archive) and
render (:mod:`.render`: archive -> generated MyST), with the small rules they
share in the modules their names say (:mod:`.dates`, :mod:`.text`,
:mod:`.urls`, :mod:`.paths`, :mod:`.images`, :mod:`.yamlsafe`); :mod:`.background` runs
work (image variants, social cards) in a forked child beside the build. The build and
``newsletter check`` share this one reader. ``tests/test_layers.py`` imports it
with Sphinx and docutils blocked.
"""
