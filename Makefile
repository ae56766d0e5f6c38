# ServeScale: `make demo` runs the sandbox fleet with Prometheus; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Three pytest workers, one test module each: integration tests mostly wait on Prometheus, so a
# third worker fills the idle CPU of a 2-core machine; the longest modules start first (tests/conftest.py).
PYTEST_WORKERS ?= -n 3 --dist loadfile

.PHONY: all venv install tools lint typecheck layers unit test demo bench clean image deploy-generated

all: test

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

venv install: $(STAMP)

# Real Prometheus, promtool, Alertmanager and amtool from Debian's packages.
tools:
	@bash scripts/install-tools.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q -m 'not integration'

test: $(STAMP) tools lint typecheck layers
	bash scripts/run-pytest.sh $(BIN)/pytest -q $(PYTEST_WORKERS)

demo: $(STAMP) tools
	$(BIN)/servescale demo

bench: $(STAMP) tools
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# The container image, built offline from Debian packages with buildah (scripts/build-image.sh),
# then run: `servescale --version` and `servescale serve` against the sandbox's Prometheus.
image: $(STAMP) tools
	bash scripts/build-image.sh
	SERVESCALE_IMAGE_TEST=1 $(BIN)/pytest -q tests/integration/test_image.py

# Rewrite deploy/overlays/prometheus-operator/generated/ after a change to the rules or dashboards.
deploy-generated: $(STAMP)
	$(BIN)/python -m servescale.deploy.refresh deploy
