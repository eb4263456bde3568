# CaseDesk: `make run` starts the app, `make test` runs every test. Both set up what they need first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

# Debian packages: Qt's xcb/offscreen platform libraries, a virtual display, fonts, PDF tools for
# looking at reports, PostgreSQL's server for the server tests, and for `make dist`: binutils (stripping the
# bundled libraries) and ICU's tools (trimming Qt's ICU data to English, packaging/trim_icu.py).
DEBS := xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 \
	libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libxkbcommon0 libegl1 libgl1 \
	libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core poppler-utils postgresql \
	binutils icu-devtools

.PHONY: run test lint dist package deb-check system-deps venv clean screenshots bench chaos

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[server,dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

system-deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian packages: $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "Missing Debian packages: $$missing"; echo "Install them with: sudo apt-get install $$missing"; exit 1; \
		fi; \
	fi

run: venv
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ -z "$$QT_QPA_PLATFORM" ]; then \
		echo "CaseDesk is a desktop app and this machine has no display (DISPLAY is not set)."; \
		echo "Run it on a virtual display instead:  xvfb-run -a make run"; \
		echo "(or use the command line: $(VENV)/bin/casedesk --help)"; \
		exit 1; \
	fi
	$(VENV)/bin/casedesk

lint: venv
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# The type check runs first (about half a minute; its cache makes later runs quicker), then every test.
test: system-deps venv
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

dist: system-deps venv
	$(PY) -m pip install --quiet -e '.[server,dev,build]'
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec

# The app folder `make dist` built, with an area's site profile inside, and its Debian package (dist/site/):
#   make package PROFILE=site.json      (no PROFILE: a package with no profile, every setting at its default)
PROFILE ?=
package: venv
	@test -x dist/casedesk/casedesk || { echo "No app in dist/casedesk: run make dist first."; exit 1; }
	$(PY) -m casedesk_admin package $(if $(PROFILE),--profile $(PROFILE)) --deb

# The .deb of the app `make dist` built (with the example profile), installed on this machine with dpkg -i,
# self-tested, started offscreen, then removed with dpkg -r and checked for leftovers (root; CI runs it).
deb-check: venv
	$(MAKE) --no-print-directory package PROFILE=packaging/site.example.json
	bash packaging/check_deb.sh dist/site/casedesk_*.deb

screenshots: system-deps venv
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) docs/dashboard_screenshots.py

bench: venv
	$(PY) benchmarks/run_all.py

# A long chaos run of sync (tests/sync/chaos.py): real server process, three devices, kill -9 of both at random.
# DATABASE_URL=postgresql+psycopg://… runs the server on PostgreSQL (default: an SQLite file).
ROUNDS ?= 20
SEED ?= 1
chaos: venv
	PYTHONPATH=src:. QT_QPA_PLATFORM=offscreen $(PY) -m tests.sync.chaos --rounds $(ROUNDS) --seed $(SEED) \
		$(if $(DATABASE_URL),--database-url $(DATABASE_URL))

clean:
	rm -rf build dist $(VENV) .pytest_cache .ruff_cache .mypy_cache
