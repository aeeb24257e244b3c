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

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .

# Re-extract translatable strings and merge them into both catalogs.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy -o locale/messages.pot .
	$(BIN)/pybabel update -i locale/messages.pot -d locale --no-fuzzy-matching

clean:
	rm -rf $(VENV) var .pytest_cache
