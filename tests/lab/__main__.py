"""python -m tests.lab up [HOST ...] | down | status   (from the repository root, as root)"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys

from .hosts import HOSTS
from .lab import Lab
from .progress import LabError


def _pytest_command() -> list[str]:
    """pytest of the interpreter running this (the project's virtual environment under make)."""
    return [sys.executable, "-m", "pytest"]


def _audit_hint(lab: Lab) -> str:
    booted = lab.booted_hosts
    lines = []
    if booted:
        pytest_line = lab.ns_command(
            [
                *_pytest_command(),
                f"--hosts={','.join('ssh://' + name for name in booted)}",
                f"--ssh-config={lab.ssh_config}",
                "--sudo",
            ]
        )
        lines += [
            "Audit the booted hosts:",
            "  " + shlex.join(pytest_line),
            "Log in by hand:",
            "  " + shlex.join(lab.ns_command(["ssh", "-F", str(lab.ssh_config), booted[0]])),
        ]
    for name, host in lab.hosts.items():
        if not host.spec.boot:
            lines += [
                f"Image-only host {name} (testinfra's chroot backend, no namespace needed):",
                "  " + shlex.join([*_pytest_command(), "--connection=chroot", f"--hosts={host.root}"]),
            ]
    lines += ["Tear down:", "  make lab-down"]
    return "\n".join(lines)


def _status(prefix: str) -> int:
    lab = Lab(prefix=prefix)
    if not lab.is_up():
        leftovers = lab.leftover_report()
        print(f"lab {prefix!r} is down")
        if leftovers:
            print("leftovers of an earlier run (python -m tests.lab down removes them):")
            print("\n".join(f"  {item}" for item in leftovers))
        return 1
    lab = Lab(hosts=lab.hosts_in_state(), prefix=prefix)
    print("\n".join(lab.status()))
    print(f"ssh_config: {lab.ssh_config}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab", description="hardening-audit self-test lab")
    parser.add_argument("--prefix", default="ha", help="lab name prefix (namespaces, machines, runtime dir)")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="build/reuse images and boot the hosts")
    up.add_argument("hosts", nargs="*", metavar="HOST", help=f"default: all ({', '.join(spec.name for spec in HOSTS)})")
    commands.add_parser("down", help="stop and remove everything of the lab")
    commands.add_parser("status", help="show the lab's hosts")
    options = parser.parse_args(argv)

    # SIGTERM unwinds like Ctrl-C, so a half-made lab is torn down.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if options.command == "up":
            lab = Lab(hosts=options.hosts or None, prefix=options.prefix)
            lab.up()
            print(_audit_hint(lab))
        elif options.command == "down":
            Lab(prefix=options.prefix).down()
        else:
            return _status(options.prefix)
    except LabError as error:
        print(f"lab: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lab: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
