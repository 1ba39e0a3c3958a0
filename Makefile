# The README's two commands are `make run` and `make test`; each installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: install install-dev browser run test lint eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The app: creates .venv and installs the project into it (so .venv/bin/hqbot exists).
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

# Tests: the app plus the optional extras they exercise and the test tools.
install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,st,llm]'
	touch $@ $(VENV)/.installed

# Debian's Chromium for the browser test (a test tool's own browser download fails offline).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "Chromium is missing and cannot be installed here; the browser test will be skipped."; fi; \
	fi

run: install
	$(BIN)/python app.py

test: install-dev browser
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

eval: install
	$(BIN)/hqbot eval --out $(OUT)/eval

bench: install
	$(BIN)/hqbot bench --out $(OUT)/bench

clean:
	rm -rf $(VENV) data $(OUT) .pytest_cache .ruff_cache *.egg-info
