"""Capture real kernel parameters and sysctl configuration from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened krn-weak ssh-weak    # (or with --prefix=NAME; brings backup-server)
    python -m tests.lab.capture_kernel [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it.  Its stdout
goes, byte for byte, to tests/data/captured/kernel/<host>/<name>; when it
fails its stderr goes to <name>.stderr and its exit status to <name>.rc as
well.  kernel-values.txt keeps its stderr in any case: `sysctl -n` of a key
the kernel lacks (kernel.yama.ptrace_scope on a kernel without Yama, as on
the machine these were captured on) prints "sysctl: cannot stat ..." to
stderr, still prints the other values in order, one a line, without the
missing one (so lines cannot be matched to keys by position alone), and
exits 1.  A host's directory is emptied first.

Inside systemd-nspawn the net.* values are the host's own network namespace;
kernel.* values (sysctl-a.txt, kernel-values.txt) are those of the machine the
lab runs on, read-only in the container: they differ from one build machine
to the next.  sysctl-files.txt lists /etc/sysctl.d/99-sysctl.conf and
/etc/sysctl.conf both: Debian's 99-sysctl.conf is a symlink to it.

The overlay upper directory of each host is snapshotted around its captures:
any change is reported and makes the script exit 1.  Nothing is edited
afterwards; the script only warns if the build machine's host name shows up
in a capture (in sysctl-a.txt only the values are searched: a machine named
"vm" would otherwise match every vm.* key).
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
from pathlib import Path

from .capture_firewall import _running_lab
from .lab import Lab
from .progress import LabError
from .snapshot import diff, snapshot

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "kernel"
HOSTS = ("hardened", "krn-weak", "ssh-weak")
TIMEOUT = 60

KERNEL_KEYS = (
    "kernel.randomize_va_space",
    "kernel.kptr_restrict",
    "kernel.dmesg_restrict",
    "kernel.yama.ptrace_scope",
    "kernel.unprivileged_bpf_disabled",
    "kernel.perf_event_paranoid",
)

SYSCTL_FILES = (
    "for f in /usr/lib/sysctl.d/*.conf /run/sysctl.d/*.conf /etc/sysctl.d/*.conf /etc/sysctl.conf; "
    'do [ -f "$f" ] && { printf "### %s\\n" "$f"; cat -- "$f"; echo; }; done; true'
)

# (file name, command, keep stderr even on success)
CAPTURES: tuple[tuple[str, str, bool], ...] = (
    ("sysctl-a.txt", "sysctl -a --ignore 2>/dev/null", False),
    ("kernel-values.txt", f"sysctl -n {' '.join(KERNEL_KEYS)}", True),
    ("sysctl-files.txt", SYSCTL_FILES, False),
    ("ip-link.txt", "ip -o link show", False),
)


def _leaks(directory: Path) -> list[str]:
    """Captured files naming the build machine (its host name), sysctl keys left out: to look at by hand."""
    names = {socket.gethostname(), socket.getfqdn()} - {"localhost", ""}
    patterns = {name: re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w-])") for name in names}
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace")
            if path.name == "sysctl-a.txt":
                text = "\n".join(line.partition(" = ")[2] for line in text.splitlines())
            found += [f"{path}: mentions {name!r}" for name, pattern in patterns.items() if pattern.search(text)]
    return found


def _run(lab: Lab, host: str, directory: Path, name: str, command: str, keep_stderr: bool) -> str:
    result = lab.exec(host, ["sh", "-c", command], text=False, timeout=TIMEOUT)
    (directory / name).write_bytes(result.stdout)
    if keep_stderr or result.returncode != 0:
        (directory / f"{name}.stderr").write_bytes(result.stderr)
    if result.returncode != 0:
        (directory / f"{name}.rc").write_text(f"{result.returncode}\n")
        message = result.stderr.decode(errors="replace").strip().splitlines()
        return f"  {name}: exit {result.returncode}: {message[-1] if message else '(no stderr)'}"
    return f"  {name}: {len(result.stdout)} bytes"


def capture_host(lab: Lab, host: str, directory: Path) -> tuple[list[str], list[str]]:
    """Every capture of host into directory (emptied first); returns (summary lines, changes made)."""
    state = lab.exec(host, ["systemctl", "is-system-running", "--wait"], timeout=TIMEOUT).stdout.strip()
    lines = [f"  (system {state})"]
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file():
            old.unlink()
    before = snapshot(lab.upper_dir(host))
    for name, command, keep_stderr in CAPTURES:
        lines.append(_run(lab, host, directory, name, command, keep_stderr))
    changes = [f"{host}: {change}" for change in diff(before, snapshot(lab.upper_dir(host)))]
    return lines, changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab.capture_kernel", description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="ha", help="prefix of the running lab (default: ha)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help=f"default: {OUTPUT_DIR}")
    parser.add_argument("hosts", nargs="*", metavar="HOST", help=f"default: {' '.join(HOSTS)}")
    options = parser.parse_args(argv)
    changes: list[str] = []
    try:
        lab = _running_lab(options.prefix)
        hosts = options.hosts or list(HOSTS)
        missing = [host for host in hosts if host not in lab.booted_hosts]
        if missing:
            raise LabError(
                f"not booted in lab {options.prefix!r}: {', '.join(missing)} "
                f"(python -m tests.lab --prefix={options.prefix} up {' '.join(hosts)})"
            )
        for host in hosts:
            print(f"{host}:")
            lines, found = capture_host(lab, host, options.output / host)
            print("\n".join(lines))
            changes += found
    except LabError as error:
        print(f"capture: error: {error}", file=sys.stderr)
        return 1
    for leak in _leaks(options.output):
        print(f"capture: warning: {leak}", file=sys.stderr)
    for change in changes:
        print(f"capture: not read-only: {change}", file=sys.stderr)
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
