# pyganeti: build, demo, tests, man pages, benchmarks.
#
#   make demo       set up everything and start a 3-node virtual cluster
#   make demo-down  stop every daemon the demo started
#   make check      run the whole test suite

PYTHON ?= python3
VENV ?= .venv
DEMO_DIR ?= $(CURDIR)/demo
DEMO_NODES ?= 3
DEMO_PREFIX ?= 127.0.1
VPY = $(VENV)/bin/python
STAMP = $(VENV)/.installed

.PHONY: all deps demo demo-down check check-fast man man-check bench clean lint

all: $(STAMP)

MAN_RST2MAN = $(VPY) -c 'from docutils.core import publish_cmdline; publish_cmdline(writer_name="manpage")'
include Makefile.man
man man-check: $(STAMP)

# System packages (Debian): the noop OS definition, iproute2, flock
# (util-linux); for the node-VM tests (test/nodevm, doc/nodevm.rst) qemu,
# debootstrap, mkfs.ext4, a static busybox and kmod
DEB_DEPS = ganeti-os-noop iproute2 util-linux procps \
  ganeti-instance-debootstrap \
  qemu-system-x86 qemu-utils socat debootstrap e2fsprogs busybox-static kmod \
  lxc fdisk openssh-server
# upstream's Haskell htools: the oracle of the htools differential tests
DEB_DEPS += ganeti-htools-3.0
deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  if ! dpkg -s $(DEB_DEPS) >/dev/null 2>&1; then \
	    apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(DEB_DEPS); \
	  fi; \
	fi

$(STAMP): setup.py requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	$(VPY) -m pip install -q -e .
	touch $(STAMP)

demo: deps $(STAMP)
	@PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) tools/vcluster-setup down --dir $(DEMO_DIR) --purge >/dev/null
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) tools/vcluster-setup up --nodes $(DEMO_NODES) --dir $(DEMO_DIR) --ip-prefix $(DEMO_PREFIX)
	@. $(DEMO_DIR)/env && PATH=$(CURDIR)/$(VENV)/bin:$$PATH && \
	  set -x && \
	  gnt-instance add -n node1 -t file -s 1G -o noop --no-name-check --no-ip-check demo1 && \
	  gnt-node list && \
	  gnt-instance list && \
	  $(VPY) tools/rapi-get /2/instances
	@echo
	@echo "The virtual cluster keeps running. Use it with:  . $(DEMO_DIR)/env"
	@echo "Stop it with:  make demo-down"

demo-down:
	@if [ -x $(VPY) ]; then PY=$(VPY); else PY=$(PYTHON); fi; \
	  PATH=$(CURDIR)/$(VENV)/bin:$$PATH $$PY tools/vcluster-setup down --dir $(DEMO_DIR)

check: deps $(STAMP) lint
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check lib test tools bench

check-fast: $(STAMP)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) -m pytest -q -m "not cluster"

bench: $(STAMP)
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) bench/bench_jobs.py
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) bench/bench_list.py
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) bench/bench_kvm.py
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) bench/bench_rapi.py
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) bench/bench_htools.py

# The OpenAPI description of RAPI, generated from the URI and opcode tables
.PHONY: openapi
openapi: $(STAMP)
	$(VPY) -c 'import sys; from ganeti.rapi import openapi; sys.exit(openapi.Main())' doc/rapi-openapi.json doc/rapi.rst

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
