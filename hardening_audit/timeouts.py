"""Per-host time limits: a host that does not answer costs its own results, never the others'.

``--connect-timeout`` bounds connecting (TCP, the SSH banner, authentication); ``--command-timeout``
bounds each remote command, from start to exit status. A command that overruns is abandoned (its
local ssh process killed, its paramiko channel closed) and raises ``CommandTimeout``; the host's
remaining controls then report error with that reason, without being tried again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

from testinfra.backend.base import CommandResult

DEFAULT_CONNECT_TIMEOUT = 10.0
# A round of facts runs as one command; on a host with large backup repositories it includes
# reading their structure, which takes minutes rather than seconds.
DEFAULT_COMMAND_TIMEOUT = 300.0


class Limits:
    """The run's limits, set once from the command line before any backend exists."""

    connect = DEFAULT_CONNECT_TIMEOUT
    command = DEFAULT_COMMAND_TIMEOUT

    @classmethod
    def connect_seconds(cls, host_timeout) -> float:
        """A host's own ``?timeout=`` when it gives one, else --connect-timeout."""
        return cls.connect if host_timeout is None else float(host_timeout)


class CommandTimeout(TimeoutError):
    def __init__(self, seconds: float):
        super().__init__(f"a command ran longer than {seconds:g} s (--command-timeout)")


def parse_seconds(option: str, text: str) -> float:
    """A positive number of seconds, or ValueError with a one-line message naming the option."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{option} {text}: expected a positive number of seconds")
    return seconds


class TimedLocalRun:
    """For backends that run a local process per command (ssh, local, image): the process and its
    children are killed when the command overruns."""

    def run_local(self, command: str, *args: str) -> CommandResult:
        cmd = self.encode(self.quote(command, *args))
        process = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=Limits.command)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise CommandTimeout(Limits.command) from None
        return self.result(process.returncode, cmd, stdout, stderr)


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def read_channel(channel, seconds: float) -> tuple[int, bytes, bytes]:
    """A paramiko channel's stdout, stderr and exit status, all within ``seconds``."""
    deadline = time.monotonic() + seconds
    try:
        stdout = _read_until_eof(channel.recv, channel, deadline)
        stderr = _read_until_eof(channel.recv_stderr, channel, deadline)
        if not channel.status_event.wait(_remaining(deadline)):
            raise socket.timeout()
    except socket.timeout:
        channel.close()
        raise CommandTimeout(seconds) from None
    return channel.recv_exit_status(), stdout, stderr


def _read_until_eof(receive, channel, deadline: float) -> bytes:
    chunks = []
    while True:
        channel.settimeout(_remaining(deadline))
        chunk = receive(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _remaining(deadline: float) -> float:
    return max(deadline - time.monotonic(), 0.001)
