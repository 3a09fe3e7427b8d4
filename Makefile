# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DATA := .ipe-data/demo
export LANGSMITH_TEST_TRACKING ?= false

.PHONY: demo test lint typecheck imports unit eval bench simulate clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	@rm -rf $(DEMO_DATA)
	@for p in examples/prospects/*.json; do \
		echo "=== $$p"; \
		IPE_LLM=none $(BIN)/ipe personalize --prospect $$p --template examples/template.json \
			--data-dir $(DEMO_DATA) --user-id demo || exit $$?; \
		echo; \
	done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/python .ci/typecheck.py

# import-linter's contracts ([tool.importlinter] in pyproject.toml): imports run one way, no cycles.
imports: $(STAMP)
	$(BIN)/python .ci/lint_imports.py

unit: $(STAMP)
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/pytest

test: lint typecheck imports unit

# The prompt-regression scorecard (tests/eval): the golden set offline and with a scripted model,
# the manager drafts through `ipe personalize --json` against the scripted local test server,
# then the same cases as LangSmith tests (an experiment when LANGSMITH_API_KEY is set).
eval: $(STAMP)
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python -m tests.eval.scorecard
	$(BIN)/python bench/manager_drafts.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/reply_report.py tests/eval/replies.jsonl
	IPE_LLM=none OPENAI_API_KEY= LANGSMITH_TEST_TRACKING=$(if $(LANGSMITH_API_KEY),true,false) \
		$(BIN)/pytest tests/eval -q

# The backend tests on real services: PostgreSQL (Debian's package, installed when missing) and
# `chroma run`, started on loopback in a temporary directory and stopped afterwards.
test-services: $(STAMP)
	@dir=$$(mktemp -d /tmp/ipe-services.XXXXXX) && chmod 755 $$dir && \
	trap 'VENV_BIN=$(BIN) .ci/services.sh stop '"$$dir"' ; rm -rf '"$$dir" EXIT && \
	eval "$$(VENV_BIN=$(BIN) .ci/services.sh start $$dir)" && \
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/pytest -m services

bench: $(STAMP)
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_engine.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_model_path.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_rate_limits.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_feedback.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/trust_report.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_learning.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_policy_eval.py
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/python bench/bench_scale.py

simulate: $(STAMP)
	IPE_LLM=none OPENAI_API_KEY= $(BIN)/ipe simulate --sends 2000 --seed 11 --plot simulation.png

clean:
	rm -rf $(VENV) .ipe-data .mypy_cache .ruff_cache .pytest_cache
