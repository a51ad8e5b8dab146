# Every target sets up what it needs: a virtual environment in .venv with the package installed.
# `make` alone lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=
# Jupyter refuses to start as root (containers, cloud notebooks) unless told it may
USER_ID ?= $(shell id -u)
ALLOW_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help venv train test test-fast bench data notebook clean check submit

help:                    ## list the targets
	@echo "usage: make TARGET [ARGS=\"...\"]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 14

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -e ".[test]"
	touch $(STAMP)

# each extra is installed once, again only when setup.cfg changes (precious: make keeps the stamp)
.PRECIOUS: $(VENV)/.extra-%
$(VENV)/.extra-%: $(STAMP)
	$(PY) -m pip install -e ".[$*]"
	touch $@

venv: $(STAMP)           ## create .venv with the package and the test tools
train: $(STAMP)          ## train the softmax classifier on CIFAR-10 (make train ARGS="--help")
	$(PY) -m classifiers train $(ARGS)

test: $(STAMP)           ## the whole test suite, notebooks included
	$(PY) -m pytest $(ARGS)

test-fast: $(STAMP)      ## skip the slow tests (full data set, notebooks)
	$(PY) -m pytest -m "not slow" $(ARGS)

bench: $(VENV)/.extra-bench   ## speed and accuracy figures (needs the full data set)
	$(PY) benchmarks/bench_loss.py
	$(PY) benchmarks/bench_data.py
	$(PY) benchmarks/bench_train.py
	$(PY) benchmarks/bench_two_layer.py
	$(PY) benchmarks/bench_knn.py
	$(PY) benchmarks/bench_fc_net.py

notebook: $(VENV)/.extra-notebooks   ## open the notebooks in Jupyter
	$(VENV)/bin/jupyter notebook $(ALLOW_ROOT) notebooks/

data: $(STAMP)           ## download CIFAR-10 into datasets/
	PYTHON=$(PY) bash datasets/get_datasets.sh

clean:                   ## remove .venv and build leftovers
	rm -rf $(VENV) .pytest_cache build *.egg-info

check: $(STAMP)          ## the exercises' self-checks, in seconds (make check ARGS=NAME: those whose name or file has NAME)
	$(PY) -m assignment_checks $(ARGS)

submit: $(STAMP)         ## write submission.zip (your edited files, executed notebooks, MANIFEST.json) and submission.pdf
	$(PY) -m assignment_checks.submit $(ARGS)
