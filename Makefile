# Cercle — the two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
STAMP := $(VENV)/.installed

.PHONY: run test install browser-deps nginx-deps pdf-deps lint translations

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Installs, migrates, seeds the demo on an empty database, serves on 127.0.0.1:$PORT (5000)
# with gunicorn, as in production (app.py: 1 process, 100 threads; Ctrl-C stops it cleanly).
run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(PY) app.py

# Debian's Chromium for the browser tests (never `playwright install`).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Installez Chromium : sudo apt-get install -y chromium"; exit 1; fi; }

# Poppler's pdftoppm for the PDF export's tests (pages rendered to PNG); WeasyPrint's Pango.
pdf-deps:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu >/dev/null; \
	  else echo "Installez : sudo apt-get install -y poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu"; fi; }

# Debian's nginx for tests/scale (each test starts its own on a loopback port with
# deploy/nginx/cercle.conf). policy-rc.d keeps the package from starting the system service.
nginx-deps:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    printf '#!/bin/sh\nexit 101\n' > /tmp/cercle-policy-rc.d; chmod +x /tmp/cercle-policy-rc.d; \
	    [ -e /usr/sbin/policy-rc.d ] || { cp /tmp/cercle-policy-rc.d /usr/sbin/policy-rc.d; touch /tmp/cercle-policy-rc.d.ours; }; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	    status=$$?; [ -e /tmp/cercle-policy-rc.d.ours ] && rm -f /usr/sbin/policy-rc.d /tmp/cercle-policy-rc.d.ours; \
	    rm -f /tmp/cercle-policy-rc.d; exit $$status; \
	  else echo "Installez nginx : sudo apt-get install -y nginx-light (tests/scale sinon ignorés)"; fi; }

# The Node packages of the live editor (also used by the interop tests); skipped without npm.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "npm absent : le bundle n'est pas reconstruit, les tests d'interopérabilité sont ignorés"; fi

# Rebuilds the bundles of static/dist/ (committed) from static/src/, then the .gz beside each
# text asset (static/src/precompress.mjs; tests/integration/test_assets.py checks them).
js: node_modules/.package-lock.json
	npm run build

# Installs what the suite needs and runs all of it (SQLite and PostgreSQL, browser included).
test: install browser-deps nginx-deps pdf-deps node_modules/.package-lock.json
	$(PY) -m pytest -q -p no:cacheprovider

lint: install
	$(VENV)/bin/ruff check .

# Re-extract the French source strings, update the fr/en catalogues and compile them.
translations: install
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs=".venv node_modules" -o wiki/translations/messages.pot .
	for lang in fr en; do \
	  if [ -f wiki/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(VENV)/bin/pybabel update --ignore-obsolete -i wiki/translations/messages.pot -d wiki/translations -l $$lang; \
	  else $(VENV)/bin/pybabel init -i wiki/translations/messages.pot -d wiki/translations -l $$lang; fi; \
	done
	$(VENV)/bin/pybabel compile -d wiki/translations
