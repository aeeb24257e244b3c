# `make run` and `make test` work from a fresh clone; everything lands in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install migrate demo lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/talent migrate
	$(BIN)/talent demo --if-empty
	$(BIN)/talent serve

migrate: install
	$(BIN)/talent migrate

# The suite runs on every core (one database per worker); PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n auto --dist loadfile
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# Re-extract translatable strings into both catalogs (English filled in), then list what zh_CN lacks.
messages: install
	$(BIN)/python -m talent.web.catalogs update
	$(BIN)/python -m talent.web.catalogs check || true

clean:
	rm -rf $(VENV) var .pytest_cache
