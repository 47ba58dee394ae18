# sphinx-newsletter: `make html` builds the archive, `make test` runs the tests.
# Both create .venv on first use, so a fresh machine needs only Python 3.11+.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SPHINXOPTS ?=
BUILDDIR ?= docs/_build

.PHONY: html dirhtml test test-oldest serve bench check clean venv locale

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

html: $(STAMP)
	$(PY) -m sphinx -b html docs $(BUILDDIR)/html $(SPHINXOPTS)

dirhtml: $(STAMP)
	$(PY) -m sphinx -b dirhtml docs $(BUILDDIR)/dirhtml $(SPHINXOPTS)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# `make test-oldest`: the tests (browser tests aside) against the oldest Sphinx
# we support, in a venv of its own. CI runs it after `make test`.
OLDEST_SPHINX ?= 8.2.3
OLDEST := .venv-sphinx-oldest

$(OLDEST)/.installed: pyproject.toml
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet 'sphinx==$(OLDEST_SPHINX)' -e '.[test]'
	touch $@

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -m pytest --ignore=tests/browser $(PYTEST_ARGS)

clean:
	rm -rf $(BUILDDIR) docs/arquivo

# `make bench`: issue 7's benchmark of ours vs the floor vs ABlog (not a test,
# never part of `make test`). `make bench N=10000`, or any flags of
# `python -m bench --help` in BENCH_ARGS, e.g. BENCH_ARGS="-n 100,10000 --repeat 1".
N ?= 1000
BENCH_ARGS ?=

bench: $(STAMP)
	$(PY) -m bench -n $(N) --project-python $(PY) $(BENCH_ARGS)

# `make locale`: extract every _("...") of the extension, merge new messages
# into the pt_BR catalog (translate them there: tests/test_i18n.py fails on an
# untranslated or fuzzy one), then compile the .mo that is committed with it.
LOCALE := ext/sphinx_newsletter/locale
PYBABEL := $(PY) -m babel.messages.frontend

locale: $(STAMP)
	mkdir -p $(BUILDDIR)
	$(PYBABEL) extract -k _ --no-location --sort-output --project sphinx-newsletter -o $(BUILDDIR)/sphinx_newsletter.pot ext/sphinx_newsletter
	$(PYBABEL) update -i $(BUILDDIR)/sphinx_newsletter.pot -d $(LOCALE) -D sphinx_newsletter -l pt_BR --no-fuzzy-matching -w 100
	$(PYBABEL) compile -d $(LOCALE) -D sphinx_newsletter -l pt_BR --statistics
