"""Capture real firewall command output from booted lab hosts, for parser unit tests.

    python -m tests.lab up                         # (or with --prefix=NAME)
    python -m tests.lab.capture_firewall [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it.  Its stdout
goes, byte for byte, to tests/data/captured/firewall/<host>/<name>; when it
fails (or is absent: `sh: 1: nft: not found`, exit 127) its stderr goes to
<name>.stderr and its exit status to <name>.rc as well.  A host's directory is
emptied first, so files of commands that no longer apply do not linger.

Commands with a condition run only where it holds (a file or a command
exists on the host).  Nothing is edited afterwards; the script only warns if
the build machine's host name shows up in a capture.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from .capture import build_machine_mentions, running_lab
from .lab import Lab
from .progress import LabError

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "firewall"
HOSTS = ("hardened", "fw-iptables", "fw-ufw", "fw-firewalld", "fw-none", "fw-accept-all", "ssh-weak")
TIMEOUT = 60


@dataclass(frozen=True)
class Capture:
    name: str
    command: str
    # A shell test run first on the host; the capture is skipped when it fails.
    only_if: str | None = None


def _file(name: str, path: str) -> Capture:
    return Capture(name, f"cat {shlex.quote(path)}", only_if=f"test -e {shlex.quote(path)}")


def _has(command: str) -> str:
    return f"command -v {command} >/dev/null"


CAPTURES: tuple[Capture, ...] = (
    Capture("nft-j-list-ruleset.json", "nft -j list ruleset"),
    Capture("nft-list-ruleset.txt", "nft list ruleset"),
    Capture("iptables-V.txt", "iptables -V"),
    Capture("iptables-save.txt", "iptables-save"),
    Capture("ip6tables-save.txt", "ip6tables-save"),
    Capture("iptables-legacy-save.txt", "iptables-legacy-save"),
    Capture("ip6tables-legacy-save.txt", "ip6tables-legacy-save"),
    Capture("ss-Htulnp.txt", "ss -Htulnp"),
    Capture("unit-files.txt", "systemctl list-unit-files --no-legend --no-pager"),
    Capture("units.txt", "systemctl list-units --all --no-legend --no-pager --plain"),
    Capture("disable_ipv6.txt", "cat /proc/sys/net/ipv6/conf/all/disable_ipv6"),
    # What boot would load: the saved ruleset, loaded into a throw-away network namespace.
    Capture(
        "saved-nftables.json",
        "unshare --net sh -c 'nft -f /etc/nftables.conf && nft -j list ruleset'",
        only_if="test -e /etc/nftables.conf",
    ),
    _file("rules.v4.txt", "/etc/iptables/rules.v4"),
    _file("rules.v6.txt", "/etc/iptables/rules.v6"),
    # ufw hosts
    Capture("ufw-status-verbose.txt", "ufw status verbose", only_if=_has("ufw")),
    _file("ufw.conf.txt", "/etc/ufw/ufw.conf"),
    _file("default-ufw.txt", "/etc/default/ufw"),
    _file("user.rules.txt", "/etc/ufw/user.rules"),
    _file("user6.rules.txt", "/etc/ufw/user6.rules"),
    # firewalld hosts
    Capture("firewall-cmd-state.txt", "firewall-cmd --state", only_if=_has("firewall-cmd")),
    Capture("firewall-cmd-get-default-zone.txt", "firewall-cmd --get-default-zone", only_if=_has("firewall-cmd")),
    Capture("firewall-cmd-get-active-zones.txt", "firewall-cmd --get-active-zones", only_if=_has("firewall-cmd")),
    Capture("firewall-cmd-list-all.txt", "firewall-cmd --list-all", only_if=_has("firewall-cmd")),
    Capture(
        "firewall-cmd-permanent-list-all.txt", "firewall-cmd --permanent --list-all", only_if=_has("firewall-cmd")
    ),
    Capture(
        "firewall-cmd-zone-target.txt",
        "firewall-cmd --permanent --zone=public --get-target",
        only_if=_has("firewall-cmd"),
    ),
    _file("firewalld.conf.txt", "/etc/firewalld/firewalld.conf"),
)


def capture_host(lab: Lab, host: str, directory: Path) -> list[str]:
    """Run every capture on host into directory (emptied first); returns one summary line per file set."""
    # Boot finished (firewalld, ufw... have loaded their rules), or degraded: then say so.
    state = lab.exec(host, ["systemctl", "is-system-running", "--wait"], timeout=TIMEOUT).stdout.strip()
    if state != "running":
        failed = lab.exec(host, ["systemctl", "--failed", "--no-legend", "--plain"], timeout=TIMEOUT).stdout
        raise LabError(f"{host} is {state!r}, not running; failed units:\n{failed}")
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file():
            old.unlink()
    lines = []
    for capture in CAPTURES:
        if capture.only_if is not None:
            check = lab.exec(host, ["sh", "-c", capture.only_if], timeout=TIMEOUT)
            if check.returncode != 0:
                continue
        result = lab.exec(host, ["sh", "-c", capture.command], text=False, timeout=TIMEOUT)
        (directory / capture.name).write_bytes(result.stdout)
        if result.returncode != 0:
            (directory / f"{capture.name}.stderr").write_bytes(result.stderr)
            (directory / f"{capture.name}.rc").write_text(f"{result.returncode}\n")
            message = result.stderr.decode(errors="replace").strip()
            lines.append(f"  {capture.name}: exit {result.returncode}: {message}")
        else:
            lines.append(f"  {capture.name}: {len(result.stdout)} bytes")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab.capture_firewall", description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="ha", help="prefix of the running lab (default: ha)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help=f"default: {OUTPUT_DIR}")
    parser.add_argument("hosts", nargs="*", metavar="HOST", help=f"default: {' '.join(HOSTS)}")
    options = parser.parse_args(argv)
    try:
        lab = running_lab(options.prefix)
        hosts = options.hosts or list(HOSTS)
        missing = [host for host in hosts if host not in lab.booted_hosts]
        if missing:
            raise LabError(
                f"not booted in lab {options.prefix!r}: {', '.join(missing)} "
                f"(python -m tests.lab --prefix={options.prefix} up {' '.join(hosts)})"
            )
        for host in hosts:
            print(f"{host}:")
            print("\n".join(capture_host(lab, host, options.output / host)))
    except LabError as error:
        print(f"capture: error: {error}", file=sys.stderr)
        return 1
    for leak in build_machine_mentions(options.output):
        print(f"capture: warning: {leak}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
