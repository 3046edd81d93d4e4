# Two commands: `make run` (set up and start the receptionist) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODELS := models/.placed

.PHONY: run test models models-base bench soak lint venv clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

venv: $(STAMP)

$(MODELS): $(STAMP) models/manifest.toml
	$(BIN)/python -m receptionist.app.model_files
	touch $(MODELS)

models: $(MODELS)

models-base: $(STAMP)
	$(BIN)/python -m receptionist.app.model_files --optional

run: $(MODELS)
	$(BIN)/receptionist serve

test: $(MODELS)
	$(BIN)/python -m pytest -q

bench: $(MODELS)
	$(BIN)/python -m receptionist.harness.bench

# The real daemon under SOAK_CALLS concurrent calls through the fake Asterisk and FreeSWITCH.
SOAK_MINUTES ?= 10
SOAK_CALLS   ?= 4
soak: $(MODELS)
	$(BIN)/python -m tests.soak --calls $(SOAK_CALLS) --minutes $(SOAK_MINUTES)

lint: $(STAMP)
	$(BIN)/ruff check receptionist tests
	$(BIN)/ruff format --check receptionist tests
	$(BIN)/mypy receptionist

clean:
	rm -rf $(VENV) models/.placed models/whisper-* models/piper models/*.gguf models/*.onnx
