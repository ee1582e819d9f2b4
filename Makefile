# mallkit — `make demo` runs the demo shop, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_TEST_URL    ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# under `-n 2` the xdist workers take Redis dbs 14 and 15 (base + worker number)
REDIS_TEST_URL ?= redis://127.0.0.1:6379/14
# Two pytest-xdist workers (CI has 2 cores); each takes its own database and Redis db.
PYTEST_ARGS    ?= -n 2

.PHONY: demo test test-embedded test-services test-miniprogram bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mallkit db upgrade
	$(BIN)/mallkit demo --serve

# The suite on the embedded default, then on PostgreSQL + Redis when they answer.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mallkit miniprogram sync --check
	$(BIN)/lint-imports
	$(MAKE) test-embedded
	$(MAKE) test-miniprogram
	@if $(BIN)/python -m tests.services_up "$(PG_TEST_URL)" "$(REDIS_TEST_URL)"; then \
		$(MAKE) test-services; \
	elif [ -n "$$CI" ]; then \
		echo "CI needs PostgreSQL and Redis for the second run" >&2; exit 1; \
	else \
		echo "PostgreSQL/Redis not answering: skipped the second run"; \
	fi

test-embedded: $(STAMP)
	env -u MALLKIT_TEST_DATABASE_URL -u MALLKIT_TEST_REDIS_URL $(BIN)/pytest $(PYTEST_ARGS)

# The reference mini-program's jest tests (miniprogram-simulate); skipped only without npm, outside CI.
test-miniprogram:
	@if command -v npm >/dev/null 2>&1; then \
		cd miniprogram && npm ci --no-audit --no-fund && npx jest; \
	elif [ -n "$$CI" ]; then \
		echo "CI needs npm for the mini-program tests" >&2; exit 1; \
	else \
		echo "npm not found: skipped the mini-program tests (install Node.js and npm)"; \
	fi

test-services: $(STAMP)
	MALLKIT_TEST_DATABASE_URL=$(PG_TEST_URL) MALLKIT_TEST_REDIS_URL=$(REDIS_TEST_URL) \
		$(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
