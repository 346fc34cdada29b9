"""Capture real account, PAM and sudo configuration from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened acc-weak ssh-weak    # (or with --prefix=NAME; brings backup-server)
    python -m tests.lab.capture_accounts [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it.  Its stdout
goes, byte for byte, to tests/data/captured/accounts/<host>/<name>; when it
fails its stderr goes to <name>.stderr and its exit status to <name>.rc as
well (e.g. `cat` of pwquality files that do not exist, `grep` finding no umask
line: exit 1).  A host's directory is emptied first.

Some commands depend on the host: one `sudoers.d-<name>.txt` per file in
/etc/sudoers.d, and the homes `find-homes.txt` and `find-dotfiles.txt` look
at are those of the accounts in passwd.txt whose shell is listed in
shells.txt (in passwd order, each once), as the audit picks them.

The overlay upper directory of each host is snapshotted around its captures:
any change is reported and makes the script exit 1.  shadow.txt and
gshadow.txt hold the hashes of the lab's throw-away passwords (see the
README next to the captures).  Nothing is edited afterwards; the script only
warns if the build machine's host name shows up in a capture.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from .capture import TIMEOUT, Capture, capture_main
from .lab import Lab
from .progress import LabError

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "accounts"
HOSTS = ("hardened", "acc-weak", "ssh-weak")

FIND_FORMAT = "-printf '%m %u %g %y %p\\n'"

CAPTURES = tuple(Capture(name, command) for name, command in (
    ("passwd.txt", "getent passwd"),
    ("group.txt", "getent group"),
    ("shadow.txt", "getent shadow"),
    ("gshadow.txt", "getent gshadow"),
    ("login.defs.txt", "cat /etc/login.defs"),
    ("shells.txt", "cat /etc/shells"),
    ("useradd-D.txt", "useradd -D"),
    ("common-auth.txt", "cat /etc/pam.d/common-auth"),
    ("common-account.txt", "cat /etc/pam.d/common-account"),
    ("common-password.txt", "cat /etc/pam.d/common-password"),
    ("common-session.txt", "cat /etc/pam.d/common-session"),
    ("pam-su.txt", "cat /etc/pam.d/su"),
    ("pwquality.txt", "cat /etc/security/pwquality.conf /etc/security/pwquality.conf.d/*.conf"),
    ("faillock.conf.txt", "cat /etc/security/faillock.conf"),
    ("find-sudoers.txt", f"find /etc/sudoers /etc/sudoers.d -maxdepth 1 {FIND_FORMAT}"),
    ("sudoers.txt", "cat /etc/sudoers"),
    (
        "umask-lines.txt",
        "grep -H -E '^[[:space:]]*(UMASK|umask)' /etc/login.defs /etc/profile /etc/bash.bashrc /etc/profile.d/*.sh",
    ),
))


def login_homes(passwd: str, shells: str) -> list[str]:
    """Homes of the accounts whose shell /etc/shells lists, in passwd order, each once."""
    listed = {line.strip() for line in shells.splitlines() if line.strip() and not line.lstrip().startswith("#")}
    homes: list[str] = []
    for line in passwd.splitlines():
        fields = line.split(":")
        if len(fields) == 7 and fields[6] in listed and fields[5] and fields[5] not in homes:
            homes.append(fields[5])
    return homes


def host_captures(lab: Lab, host: str, directory: Path) -> list[Capture]:
    """The captures that depend on the host: sudoers.d files, homes of login accounts."""
    listing = lab.exec(host, ["find", "/etc/sudoers.d", "-mindepth", "1", "-maxdepth", "1", "-type", "f",
                              "-printf", "%f\\n"], timeout=TIMEOUT)
    if listing.returncode != 0:
        raise LabError(f"{host}: cannot list /etc/sudoers.d: {listing.stderr.strip()}")
    captures = [
        Capture(f"sudoers.d-{name}.txt", f"cat {shlex.quote('/etc/sudoers.d/' + name)}")
        for name in sorted(listing.stdout.split())
    ]
    homes = " ".join(shlex.quote(home) for home in login_homes(
        (directory / "passwd.txt").read_text(), (directory / "shells.txt").read_text()))
    captures += [
        Capture("find-homes.txt", f"find {homes} -maxdepth 0 {FIND_FORMAT}"),
        Capture(
            "find-dotfiles.txt",
            f"find {homes} -maxdepth 1 \\( -name .rhosts -o -name .netrc -o -name .forward \\) -printf '%p\\n'",
        ),
    ]
    return captures


def main(argv: list[str] | None = None) -> int:
    return capture_main(argv, prog="python -m tests.lab.capture_accounts", description=__doc__.split("\n")[0],
                        output=OUTPUT_DIR, hosts=HOSTS, captures=CAPTURES, more=host_captures)


if __name__ == "__main__":
    sys.exit(main())
