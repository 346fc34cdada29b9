"""Time limits on the local side: option values, and a local command that overruns is killed with
everything it started."""

import os
import subprocess
import time

import pytest
from testinfra.backend import get_backend

from hardening_audit import transport
from hardening_audit.timeouts import DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, CommandTimeout, parse_seconds


def test_seconds_must_be_a_positive_number():
    assert parse_seconds("--command-timeout", "2.5") == 2.5
    for text in ("0", "-1", "abc", "inf", "nan", ""):
        with pytest.raises(ValueError, match=f"^--command-timeout {text}: expected a positive number of seconds$"):
            parse_seconds("--command-timeout", text)


def test_a_local_command_that_overruns_is_killed_with_its_children(tmp_path):
    marker = tmp_path / "still-running"
    transport.install(True, DEFAULT_CONNECT_TIMEOUT, 2)
    try:
        # A backend of its own: testinfra.get_host would hand back a cached host of another test.
        host = get_backend("local://")
        with pytest.raises(CommandTimeout, match=r"^a command ran longer than 2 s \(--command-timeout\)$"):
            # The child outlives its shell unless the whole process group is killed.
            host.run("sh -c %s", f"sleep 30 & echo $! > {marker}; wait")
        child = int(marker.read_text())
        deadline = time.monotonic() + 5
        while _alive(child):
            assert time.monotonic() < deadline, "the overrunning command's child was left running"
            time.sleep(0.1)
        assert host.run("echo %s", "answers again").stdout == "answers again\n"
    finally:
        transport.install(True, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(state) and not state.startswith("Z")
