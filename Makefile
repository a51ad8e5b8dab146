# Every target sets up what it needs: a virtual environment in .venv with the package installed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: venv train test test-fast bench data notebook clean check submit

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

train: $(STAMP)          ## train the softmax classifier on CIFAR-10 (make train ARGS="--help")
	$(PY) -m classifiers train $(ARGS)

test: $(STAMP)           ## the whole test suite, notebooks included
	$(PY) -m pytest $(ARGS)

test-fast: $(STAMP)      ## skip the slow tests (full data set, notebooks)
	$(PY) -m pytest -m "not slow" $(ARGS)

bench: $(STAMP)          ## speed and accuracy figures (needs the full data set)
	$(PY) -m pip install -e ".[bench]"
	$(PY) benchmarks/bench_loss.py
	$(PY) benchmarks/bench_train.py

notebook: $(STAMP)       ## open the notebooks in Jupyter
	$(PY) -m pip install -e ".[notebooks]"
	$(VENV)/bin/jupyter notebook notebooks/

data: $(STAMP)           ## download CIFAR-10 into datasets/
	PYTHON=$(PY) bash datasets/get_datasets.sh

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

check: $(STAMP)          ## the exercises' self-checks, in seconds (make check ARGS=softmax_loss_naive)
	$(PY) -m checks $(ARGS)

submit: $(STAMP)         ## write submission.zip: your edited files, executed notebooks, MANIFEST.json
	$(PY) -m checks.submit $(ARGS)
