# sphinx-newsletter: `make html` builds the archive, `make reference` the extension's
# reference (docs/reference/), `make test` runs the tests.
# Both create .venv on first use, so a fresh machine needs only Python 3.11+.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SPHINXOPTS ?=
BUILDDIR ?= docs/_build
# Sphinx's environment and doctrees, never inside a published folder: Read the
# Docs publishes BUILDDIR/html, and sphinx-build's default is BUILDDIR/html/.doctrees.
DOCTREES ?= docs/_build/doctrees
DOCS ?= docs
POSTS ?= posts

.PHONY: html dirhtml reference test test-oldest serve bench check clean venv locale lint samples

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,serve,lint]'
	touch $(STAMP)

html: $(STAMP)
	$(PY) -m sphinx -b html -d $(DOCTREES)/html $(DOCS) $(BUILDDIR)/html $(SPHINXOPTS)

dirhtml: $(STAMP)
	$(PY) -m sphinx -b dirhtml -d $(DOCTREES)/dirhtml $(DOCS) $(BUILDDIR)/dirhtml $(SPHINXOPTS)

# `make reference`: the extension's reference for maintainers (docs/reference/, a
# Sphinx project of its own over a made-up fixture archive), always with -W.
REFERENCE ?= docs/reference

reference: $(STAMP)
	$(PY) -m sphinx -b html -d $(DOCTREES)/reference $(REFERENCE) $(BUILDDIR)/reference -W --keep-going $(SPHINXOPTS)

# `make serve`: preview while editing, at http://127.0.0.1:8000. Rebuilds after
# every change under docs/ or posts/ and reloads the page (sphinx-autobuild);
# docs/arquivo/ is what the extension generates from the posts, not a source.
HOST ?= 127.0.0.1
PORT ?= 8000

serve: $(STAMP)
	$(PY) -m sphinx_autobuild -d $(DOCTREES)/html $(DOCS) $(BUILDDIR)/html --watch $(POSTS) --ignore $(DOCS)/arquivo --ignore $(DOCS)/reference --host $(HOST) --port $(PORT) $(SPHINXOPTS)

# `make check`: what CI checks of the posts (front matter, authors, links, images).
check: $(STAMP)
	$(VENV)/bin/newsletter check --strict

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

# `make lint`: formatting, lint rules and types, as CI checks them
# (`$(PY) -m ruff format ext tests bench` formats in place).
lint: $(STAMP)
	$(PY) -m ruff format --check ext tests bench
	$(PY) -m ruff check ext tests bench
	$(PY) -m mypy

# `make test-oldest`: the tests (browser tests aside) against the oldest Sphinx
# we support, in a venv of its own. CI runs it after `make test`.
OLDEST_SPHINX ?= 8.2.3
OLDEST := .venv-sphinx-oldest

$(OLDEST)/.installed: pyproject.toml
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet 'sphinx==$(OLDEST_SPHINX)' -e '.[test,serve]'
	touch $@

test-oldest: $(OLDEST)/.installed
	$(OLDEST)/bin/python -m pytest --ignore=tests/browser $(PYTEST_ARGS)

clean:
	rm -rf $(BUILDDIR) $(DOCTREES) docs/arquivo docs/reference/arquivo

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

# `make samples`: after changing a sample post, image or author, the list of
# samples the package ships (core/shipped.py) and posts/samples.yml.
samples: $(STAMP)
	$(PY) -c 'from pathlib import Path; from sphinx_newsletter.core.samples import write_shipped; write_shipped(Path("$(POSTS)"), Path("ext/sphinx_newsletter/core/shipped.py"))'

locale: $(STAMP)
	mkdir -p $(BUILDDIR)
	$(PYBABEL) extract -k _ --no-location --sort-output --project sphinx-newsletter -o $(BUILDDIR)/sphinx_newsletter.pot ext/sphinx_newsletter
	$(PYBABEL) update -i $(BUILDDIR)/sphinx_newsletter.pot -d $(LOCALE) -D sphinx_newsletter -l pt_BR --no-fuzzy-matching -w 100
	$(PYBABEL) compile -d $(LOCALE) -D sphinx_newsletter -l pt_BR --statistics
	$(PYBABEL) compile -d $(LOCALE) -D sphinx -l pt_BR --statistics
