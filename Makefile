# The two commands a newcomer needs are `make run` and `make test`; each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` installs what the build needs (`pip install -e .`); the tests', notebook's and
# benchmarks' tools come on top with the first target that needs them (`.[test]`).
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-test
OUT ?= outputs

.PHONY: run test lint format bench screenshot qgis-screenshot browser qgis spreadsheet clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-install when the project's metadata changes; the package itself is editable.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/corridor build --out $(OUT)
	@echo "Outputs are in $(OUT)/ (open $(OUT)/map.html in a browser)."

# A browser test needs Debian's chromium; install it when missing (root on CI, sudo elsewhere).
browser:
	@command -v chromium >/dev/null 2>&1 || { bash scripts/install_debian.sh "the browser tests" chromium && command -v chromium; }

# The QGIS test needs Debian's python3-qgis (QGIS's Python is /usr/bin/python3); install it when missing.
qgis:
	@/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || { bash scripts/install_debian.sh "the QGIS test" python3-qgis qgis-providers && /usr/bin/python3 -c "from qgis.core import Qgis; print('QGIS', Qgis.version())"; }

# The spreadsheet test opens events.csv in Debian's LibreOffice Calc; install it when missing.
spreadsheet:
	@command -v soffice >/dev/null 2>&1 || { bash scripts/install_debian.sh "the spreadsheet test" libreoffice-calc-nogui && command -v soffice; }

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

format: $(STAMP)
	$(BIN)/ruff format src tests scripts bench
	$(BIN)/ruff check --fix src tests scripts bench

test: $(STAMP) browser qgis spreadsheet lint
	$(BIN)/python -m pytest

bench: $(STAMP) browser
	$(BIN)/python bench/run.py

screenshot: $(STAMP) browser
	$(BIN)/python scripts/screenshot.py

qgis-screenshot: $(STAMP) qgis
	$(BIN)/python scripts/qgis_screenshot.py

clean:
	rm -rf $(OUT)/*.geojson $(OUT)/*.json $(OUT)/*.csv $(OUT)/*.gpkg $(OUT)/*.kmz $(OUT)/*.parquet $(OUT)/*.html $(OUT)/*.md
