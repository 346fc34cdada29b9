# The two commands the README opens with: `make audit` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
REPORT_DIR ?= reports
# Extra pytest arguments, e.g. make audit ARGS="--baseline=strict"
ARGS ?=
# chromium: the self-test that opens the compliance report in a headless browser; fdisk (sfdisk) and
# podman: the partitioned disk image and the podman images of the image-gate self-tests.
LAB_PACKAGES := systemd-container debootstrap iproute2 openssh-client debian-archive-keyring chromium fdisk podman

.PHONY: audit test unit lab-up lab-down lab-status bench bench-deps venv system-deps lab-deps clean

venv: $(BIN)/.installed

$(BIN)/.installed: requirements.txt
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || $(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

# Debian's python3 ships without venv; install it when we are root.
system-deps:
	@if [ "$$(id -u)" -ne 0 ]; then echo "python3-venv is missing: run 'apt-get install python3-venv' as root" >&2; exit 2; fi
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv

# Audit this machine; the report is written even when controls fail (exit 1 of
# pytest means findings, not a broken run).
audit: venv
	@$(BIN)/pytest --report-dir=$(REPORT_DIR) $(ARGS); status=$$?; \
	echo "Report: $(REPORT_DIR)/compliance.html  (machine-readable: $(REPORT_DIR)/results.json, $(REPORT_DIR)/junit.xml)"; \
	[ $$status -le 1 ]

lab-deps:
	@missing=$$(for p in $(LAB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing lab packages:" $$missing; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# Every self-test: unit tests, then the suite against real lab hosts (needs root).
test: venv lab-deps
	cd tests && ../$(BIN)/python -m pytest $(ARGS)

unit: venv
	cd tests && ../$(BIN)/python -m pytest unit $(ARGS)

lab-up: venv lab-deps
	$(BIN)/python -m tests.lab up

lab-down: venv
	$(BIN)/python -m tests.lab down

lab-status: venv
	$(BIN)/python -m tests.lab status

# Benchmarks (bench/): measured figures with their peers, written to bench/results/.
# openscap-utils: oscap-ssh, the peer of the fleet benchmark.
BENCH_PACKAGES := openscap-utils

bench: venv lab-deps bench-deps
	$(BIN)/python -m bench.fs_scan
	$(BIN)/python -m bench.report_load
	$(BIN)/python -m bench.fleet

bench-deps:
	@$(MAKE) --no-print-directory lab-deps LAB_PACKAGES="$(BENCH_PACKAGES)"

clean:
	rm -rf $(VENV) $(REPORT_DIR)/*.html $(REPORT_DIR)/*.json $(REPORT_DIR)/*.xml
