"""The benchmark harness of issue 7: ``make bench``, or ``python -m bench --help``.

Not a test suite: nothing here is collected by pytest or run by ``make test``.
"""
