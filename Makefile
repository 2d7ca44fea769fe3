# Set-up and everyday commands. `make run` and `make test` work on a fresh machine: they create the
# virtual environment, install what is pinned, and (for tests) Debian's Chromium for the browser test and
# LibreOffice for the tests that open the app's files.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Loopback by default: nobody else on the network reaches the app. To serve a network, set ADDRESS=0.0.0.0
# and configure sign-in ([auth]); without it the app refuses a real spreadsheet there (README, Sign-in).
ADDRESS ?= 127.0.0.1

.PHONY: run test lint format bench demo browser-deps office-deps clean help

help:
	@echo "make run          start the app on http://127.0.0.1:8501 (PORT=…, ADDRESS=… to change; demo workbook unless configured)"
	@echo "make test         install everything and run ruff + the whole pytest suite"
	@echo "make lint         ruff check and format check"
	@echo "make format       ruff format and fix"
	@echo "make bench        run the benchmarks under bench/ (figures in bench/README.md)"
	@echo "make demo         write the demo workbook to data/demo-2023.xlsx"

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Debian's Chromium for the Playwright end-to-end test (Playwright's own browser download cannot work here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium.sh

# LibreOffice, to open the app's .xlsx and .docx files in tests as a person would (and print them to PDF).
office-deps:
	@(command -v soffice && command -v pdftotext && fc-list | grep -q 'Liberation Serif') >/dev/null 2>&1 || scripts/install-libreoffice.sh

# The demo workbook is written before the server starts, so the first page a newcomer opens is quick.
run: $(VENV)/.runtime
	@test -f data/demo-2023.xlsx || $(BIN)/python -m reporting demo --out data/demo-2023.xlsx
	$(BIN)/python serve.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: $(VENV)/.dev browser-deps office-deps lint
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev
	$(BIN)/python -m bench.run_all

demo: $(VENV)/.runtime
	$(BIN)/python -m reporting demo --out data/demo-2023.xlsx

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache data
