"""What the capture scripts share: run read-only commands in booted lab hosts and keep their output.

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it. Its stdout
goes, byte for byte, to <output>/<host>/<name>; when it fails (or when asked)
its stderr goes to <name>.stderr, and a failure's exit status to <name>.rc.
A host's directory is emptied first, and its overlay upper directory is
snapshotted around the captures: any change is reported and the script exits 1.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .lab import Lab
from .progress import LabError
from .snapshot import diff, snapshot

TIMEOUT = 300


def running_lab(prefix: str) -> Lab:
    """The lab of that prefix, with the hosts it was brought up with."""
    lab = Lab(prefix=prefix)
    if not lab.is_up():
        raise LabError(f"lab {prefix!r} is not up: python -m tests.lab --prefix={prefix} up HOST...")
    return Lab(hosts=lab.hosts_in_state(), prefix=prefix)


def build_machine_mentions(directory: Path, values_only: tuple[str, ...] = ()) -> list[str]:
    """Captured files naming the build machine (its host name): to look at by hand.

    In the files named in values_only (``key = value`` lines, e.g. sysctl -a) only the
    values are searched: a machine named "vm" would otherwise match every vm.* key.
    """
    names = {socket.gethostname(), socket.getfqdn()} - {"localhost", ""}
    patterns = {name: re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-])") for name in names}
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace")
            if path.name in values_only:
                text = "\n".join(line.partition(" = ")[2] for line in text.splitlines())
            found += [f"{path}: mentions {name!r}" for name, pattern in patterns.items() if pattern.search(text)]
    return found


@dataclass(frozen=True)
class Capture:
    name: str
    command: str
    keep_stderr: bool = False


def run_capture(lab: Lab, host: str, directory: Path, capture: Capture) -> str:
    started = time.monotonic()
    result = lab.exec(host, ["sh", "-c", capture.command], text=False, timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    (directory / capture.name).write_bytes(result.stdout)
    if capture.keep_stderr or result.returncode != 0:
        (directory / f"{capture.name}.stderr").write_bytes(result.stderr)
    if result.returncode != 0:
        (directory / f"{capture.name}.rc").write_text(f"{result.returncode}\n")
        message = result.stderr.decode(errors="replace").strip().splitlines()
        return f"  {capture.name}: exit {result.returncode} ({elapsed:.2f} s): {message[-1] if message else '(no stderr)'}"
    return f"  {capture.name}: {len(result.stdout)} bytes ({elapsed:.2f} s)"


# Captures whose commands depend on what the first ones found on the host.
MoreCaptures = Callable[[Lab, str, Path], Iterable[Capture]]


def capture_host(lab: Lab, host: str, directory: Path, captures: Iterable[Capture],
                 more: MoreCaptures | None = None) -> tuple[list[str], list[str]]:
    """Every capture of host into directory (emptied first); returns (summary lines, changes made)."""
    state = lab.exec(host, ["systemctl", "is-system-running", "--wait"], timeout=TIMEOUT).stdout.strip()
    lines = [f"  (system {state})"]
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file():
            old.unlink()
    before = snapshot(lab.upper_dir(host))
    lines += [run_capture(lab, host, directory, capture) for capture in captures]
    if more is not None:
        lines += [run_capture(lab, host, directory, capture) for capture in more(lab, host, directory)]
    changes = [f"{host}: {change}" for change in diff(before, snapshot(lab.upper_dir(host)))]
    return lines, changes


def capture_main(argv: list[str] | None, *, prog: str, description: str, output: Path, hosts: tuple[str, ...],
                 captures: Iterable[Capture], more: MoreCaptures | None = None,
                 values_only: tuple[str, ...] = ()) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--prefix", default="ha", help="prefix of the running lab (default: ha)")
    parser.add_argument("--output", type=Path, default=output, help=f"default: {output}")
    parser.add_argument("hosts", nargs="*", metavar="HOST", help=f"default: {' '.join(hosts)}")
    options = parser.parse_args(argv)
    captures = list(captures)
    changes: list[str] = []
    try:
        lab = running_lab(options.prefix)
        chosen = options.hosts or list(hosts)
        missing = [host for host in chosen if host not in lab.booted_hosts]
        if missing:
            raise LabError(
                f"not booted in lab {options.prefix!r}: {', '.join(missing)} "
                f"(python -m tests.lab --prefix={options.prefix} up {' '.join(chosen)})"
            )
        for host in chosen:
            print(f"{host}:")
            lines, found = capture_host(lab, host, options.output / host, captures, more)
            print("\n".join(lines))
            changes += found
    except LabError as error:
        print(f"capture: error: {error}", file=sys.stderr)
        return 1
    for leak in build_machine_mentions(options.output, values_only):
        print(f"capture: warning: {leak}", file=sys.stderr)
    for change in changes:
        print(f"capture: not read-only: {change}", file=sys.stderr)
    return 1 if changes else 0
