# Under Watch: build the course and run its tests. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
JB     := $(BIN)/jupyter-book
BUILD_FLAGS := -W -n --keep-going
STAMP  := $(VENV)/.installed

.PHONY: cache-check help setup book html pdf editions offline html-nosolutions test test-fast lock clean \
        wheel labkit student-lock binder release
.DEFAULT_GOAL := help

help:
	@echo "make book       build the whole course: site, PDF, notebooks, wheel, this system's lab kit (installs what it needs)"
	@echo "make test       run every test: library, labs, site build, PDF (installs what it needs)"
	@echo "make html|pdf   build one form of the book"
	@echo "make test-fast  library and lab tests only (no book or PDF builds)"
	@echo "make editions   student and instructor editions of every lab, one zip each (_build/editions)"
	@echo "make offline    one zip with the site, the PDF and the student notebooks, for a USB stick; every system's lab kit"
	@echo "make wheel      the student library's wheel (_build/wheel/survlab-*.whl)"
	@echo "make labkit     the offline lab kit for this system (_build/labkit); LABKIT_SYSTEMS=all for every system"
	@echo "make release    every asset a version tag publishes, under its release name (_build/release)"
	@echo "make student-lock  re-pin src/survlab/requirements-student.lock (and binder/) from the dev lock"
	@echo "make html-nosolutions  the site with every solution removed (_build/nosolutions/_build/html)"
	@echo "make setup      install the Debian packages and the Python environment"
	@echo "make lock       re-pin requirements.lock from requirements.in"
	@echo "make binder     binder/requirements.txt from the student lock"
	@echo "make clean      remove _build"

setup: $(STAMP) tests/browser/node_modules/axe-core/axe.min.js
	@scripts/install-system-packages.sh

# axe-core, pinned in tests/browser/package-lock.json, for the accessibility tests.
tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund

$(STAMP): requirements.lock src/survlab/pyproject.toml src/underwatch/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e src/survlab -e src/underwatch
	@touch $@

# jupyter-cache keys on a notebook's own code, not on the library it imports:
# when src/ changes, drop the cache so figures and outputs are redrawn.
LIB_HASH = $(shell cat $$(find src -name '*.py' | sort) | sha256sum | cut -c1-16)
cache-check:
	@mkdir -p _build
	@if [ "$$(cat _build/.library-hash 2>/dev/null)" != "$(LIB_HASH)" ]; then \
	  rm -rf _build/.jupyter_cache _build/ko/_build/.jupyter_cache; echo "$(LIB_HASH)" > _build/.library-hash; \
	  echo "library changed: labs will be executed again"; fi

# The site's downloads list gives the sizes of the kits in _build/labkit (links to the release: UNDERWATCH_REPOSITORY).
KITS := UNDERWATCH_LABKIT_DIR=_build/labkit
# Notebooks are executed first, on every core, into the cache the Sphinx build reads
# (underwatch/execute.py); the build then only renders. `values` writes what the book says
# (every glued value and answer key) to _build/book-values.json.
EXECUTE := $(BIN)/python -m underwatch execute
# The Korean book (underwatch/translated_book.py) is built from ko/ with its own execution
# cache and sits in the site at ko/; every page links to the same page in the other language.
TRANSLATED := $(BIN)/python -m underwatch translated
html: setup cache-check
	$(EXECUTE)
	UNDERWATCH_TRANSLATIONS=ko $(KITS) $(JB) build . $(BUILD_FLAGS)
	$(BIN)/python -m underwatch values --out _build/book-values.json
	$(KITS) $(TRANSLATED) ko
	rm -rf _build/html/ko && cp -r _build/ko/_build/html _build/html/ko

pdf: setup cache-check
	rm -rf _build/latex _build/ko/_build/latex   # a failed LaTeX run leaves "Nothing to do" behind
	$(EXECUTE)
	$(JB) build . $(BUILD_FLAGS) --builder pdflatex
	$(TRANSLATED) ko --builder pdflatex

# The site links to the PDF at its root, so the PDF is copied in after both builds; the
# kits are made after the site (their notebooks carry its figures), then the site is
# built again (nothing changed but the downloads list: seconds) so that it gives their sizes.
book: html pdf labkit
	UNDERWATCH_TRANSLATIONS=ko $(KITS) $(JB) build . $(BUILD_FLAGS)
	$(KITS) $(TRANSLATED) ko
	rm -rf _build/html/ko && cp -r _build/ko/_build/html _build/html/ko
	cp _build/latex/under-watch.pdf _build/html/under-watch.pdf
	cp _build/ko/_build/latex/under-watch-ko.pdf _build/html/ko/under-watch-ko.pdf
	@echo "site: _build/html/index.html (Korean: ko/index.html)   PDF: _build/html/under-watch.pdf, ko/under-watch-ko.pdf"

editions: html
	$(BIN)/python -m underwatch editions

offline: LABKIT_SYSTEMS = all
offline: book editions
	$(BIN)/python -m underwatch bundle

wheel: setup
	$(BIN)/python -m underwatch wheel

# Downloads every dependency for each system from PyPI (pip's cache keeps them). `make book`
# builds this machine's kit only; `make offline` and the release build every system's.
LABKIT_SYSTEMS ?= host
labkit: html
	$(BIN)/python -m underwatch labkit $(LABKIT_SYSTEMS)

# What .github/workflows/release.yml attaches to a release (underwatch/release.py names them).
release: offline
	$(BIN)/python -m underwatch release --out _build/release

html-nosolutions: setup
	SURVLAB_HIDE_SOLUTIONS=1 $(JB) build . $(BUILD_FLAGS) --path-output _build/nosolutions

# pytest-xdist on every core; tests sharing a build, and the grader's tests (they share a port,
# /tmp canaries and cgroups), each run on one worker (tests/conftest.py).
test: setup
	$(BIN)/pytest -q -n auto --dist loadgroup --no-loadscope-reorder

test-fast: setup
	$(BIN)/pytest -q -n auto --dist loadgroup --no-loadscope-reorder -m "not build and not grader"

lock:
	rm -rf /tmp/under-watch-lock && $(PYTHON) -m venv /tmp/under-watch-lock
	/tmp/under-watch-lock/bin/pip install -q -r requirements.in
	/tmp/under-watch-lock/bin/pip freeze --all --exclude-editable | grep -v '^setuptools==' > requirements.lock  # pip pinned too

STUDENT_LOCK := src/survlab/requirements-student.lock
STUDENT_TMP  := /tmp/under-watch-student-lock
student-lock:
	rm -rf $(STUDENT_TMP) && $(PYTHON) -m venv $(STUDENT_TMP)
	pinned=$$(grep -oE '^[A-Za-z0-9._-]+==' src/survlab/requirements-student.in | tr -d = | paste -sd '|'); \
	  grep -viE "^($${pinned:-^})==" requirements.lock > $(STUDENT_TMP)/constraints.txt
	$(STUDENT_TMP)/bin/pip install -q -c $(STUDENT_TMP)/constraints.txt -r src/survlab/requirements-student.in
	{ echo "# The student environment: survlab's dependencies and JupyterLab, pinned. Made by \`make student-lock\`"; \
	  echo "# from requirements-student.in and requirements.lock (the dev lock); the lab kits (make labkit) and"; \
	  echo "# binder/requirements.txt install these versions. Do not edit by hand."; \
	  $(STUDENT_TMP)/bin/pip freeze; } > $(STUDENT_LOCK)
	$(MAKE) binder

binder:
	{ echo "# Made by \`make binder\` from $(STUDENT_LOCK); do not edit by hand."; \
	  echo "# The student environment, pinned as in the lock (tests/test_labkit.py checks they agree):"; \
	  grep -v '^#' $(STUDENT_LOCK); \
	  echo "# Only a hub needs this: it hands out labs by link (book/instructor/hub.md)."; \
	  echo "nbgitpuller==1.3.0"; } > binder/requirements.txt

clean:
	rm -rf _build
