# Fieldmark: `make run` starts the platform on embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NPM_STAMP := frontend/node_modules/.installed-$(shell cksum frontend/package-lock.json 2>/dev/null | cut -d' ' -f1)
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

.PHONY: install frontend run test test-python test-frontend lint format compose-check clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund
	rm -f frontend/node_modules/.installed-*
	touch $@

frontend/dist/index.html: $(NPM_STAMP) $(FRONTEND_SRC)
	npm run build --prefix frontend

frontend: frontend/dist/index.html

run: install frontend
	$(BIN)/python -m fieldmark.launcher

test: install frontend
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	npm test --prefix frontend

test-python: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-frontend: $(NPM_STAMP)
	npm test --prefix frontend

lint: install $(NPM_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy .
	npm run typecheck --prefix frontend

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

compose-check:
	docker-compose -f docker-compose.yml config -q

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
