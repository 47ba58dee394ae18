"""Speed-ups that reach into Sphinx internals (see :mod:`.gates`)."""
