"""Shared fixtures.  `lab`: the self-test lab, up once per session and always torn down."""

from __future__ import annotations

import atexit
import os
import signal
from collections.abc import Iterator

import pytest

from tests.audit_runs import full_audit_run
from tests.lab import Lab


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """All hosts of tests/lab/hosts.py, booted and reachable (needs root).

    HA_LAB_PREFIX names the lab (default "ha"), so that two labs can run side by side.
    """
    lab = Lab(prefix=os.environ.get("HA_LAB_PREFIX", "ha"))
    # try/finally covers test failures and Ctrl-C (pytest tears fixtures down
    # on KeyboardInterrupt); SIGTERM/SIGHUP are turned into KeyboardInterrupt so
    # they unwind the same way; atexit catches an exit that skips teardown.
    previous = {sig: signal.signal(sig, _raise_keyboard_interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    atexit.register(lab.down)
    try:
        lab.up()
        yield lab
    finally:
        try:
            lab.down()
        finally:
            atexit.unregister(lab.down)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


@pytest.fixture(scope="session")
def full_audit(lab, tmp_path_factory):
    """(process, results document, report directory, disk snapshots before, after) of one audit of every
    booted host over the whole catalog: shared by the tests that read its outputs."""
    return full_audit_run(lab, tmp_path_factory.mktemp("full-audit"))
