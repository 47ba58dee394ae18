"""``newsletter``: check, new and import, on the pure core only (no Sphinx import at load)."""
