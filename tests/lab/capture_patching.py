"""Capture real apt and dpkg output from booted lab hosts, for the patching parsers' unit tests.

    python -m tests.lab up hardened pat-weak pat-stale    # (or with --prefix=NAME; brings apt-mirror, backup-server)
    python -m tests.lab.capture_patching [--prefix=NAME] [HOST ...]

Each command runs as root inside the booted host (Lab.exec: the host's own
binaries and files), through `sh -c` as the audit's sudo runs it.  Its stdout
goes, byte for byte, to tests/data/captured/patching/<host>/<name>; when it
fails its stderr goes to <name>.stderr and its exit status to <name>.rc as
well.  `dpkg --verify` (dpkg 1.21) exits 0 even when it reports files, and
reports changed conffiles too (with "c" in the second column).  A host's
directory is emptied first.

apt runs with LANG=C and without its binary caches (Dir::Cache::pkgcache and
srcpkgcache empty) and apt-get with Debug::NoLocking and no planner log
(Dir::Log::Planner empty): nothing is written on the host.  apt-cache-policy-pending.txt is `apt-cache policy` of the packages
that the captured `apt-get -s dist-upgrade` would upgrade ("Inst" lines).
`apt-get --print-uris update` downloads nothing: it names, for every source,
the InRelease file apt keeps under /var/lib/apt/lists (with _Release in its
place for a repository without InRelease), fetched or not; `apt-get
indextargets` lists only the indexes that were fetched.  lists-stat.txt is
`%Z %Y %n` of every InRelease and Release file: ctime (when apt last
fetched it), mtime (the server's Last-Modified), name; epoch seconds of the
lab run.

The lab's sources name http://apt-mirror/ (the lab mirror, 198.18.0.x):
host names and addresses of the lab only.  The overlay upper directory of
each host is snapshotted around its captures: any change is reported and
makes the script exit 1.  Nothing is edited afterwards; the script only warns
if the build machine's host name shows up in a capture.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

from .capture import Capture, capture_main
from .lab import Lab

OUTPUT_DIR = Path(__file__).resolve().parents[1] / "data" / "captured" / "patching"
HOSTS = ("hardened", "pat-weak", "pat-stale")

# PAT-07: the security-relevant packages whose files dpkg --verify checks.
VERIFIED_PACKAGES = (
    "openssh-server", "openssh-client", "sudo", "passwd", "login", "libpam-modules", "libpam-runtime",
    "coreutils", "util-linux", "systemd", "apt", "dpkg",
)

APT_NO_CACHE = "-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache="
# Even a simulation run as root rewrites apt's planner log (/var/log/apt/eipp.log.xz) unless told not to.
APT_GET = f"LANG=C apt-get -o Debug::NoLocking=1 -o Dir::Log::Planner= {APT_NO_CACHE}"
APT_CACHE = f"LANG=C apt-cache {APT_NO_CACHE}"
SIMULATED_UPGRADE = "dist-upgrade.txt"

SOURCES_FILES = (
    "for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; "
    'do [ -f "$f" ] && { printf "### %s\\n" "$f"; cat -- "$f"; echo; }; done; true'
)

REBOOT_FILES = (
    "for f in /run/reboot-required /run/reboot-required.pkgs; "
    'do [ -f "$f" ] && { printf "### %s\\n" "$f"; cat -- "$f"; }; done; true'
)

CAPTURES = (
    Capture("apt-config-dump.txt", "LANG=C apt-config dump"),
    Capture("apt-cache-policy.txt", f"{APT_CACHE} policy"),
    Capture("apt-cache-policy-ha-lab-tool.txt", f"{APT_CACHE} policy ha-lab-tool"),
    Capture(SIMULATED_UPGRADE, f"{APT_GET} -s dist-upgrade"),
    Capture("dpkg-verify.txt", f"dpkg --verify {' '.join(VERIFIED_PACKAGES)}"),
    Capture("sources.txt", SOURCES_FILES),
    Capture("lists-stat.txt", "stat -c '%Z %Y %n' /var/lib/apt/lists/*Release"),
    Capture("apt-get-print-uris-update.txt", f"{APT_GET} --print-uris update"),
    Capture("apt-get-indextargets.txt", f"{APT_GET} indextargets"),
    Capture(
        "dpkg-query-unattended-upgrades.txt",
        "dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' unattended-upgrades",
    ),
    Capture(
        "timers.txt",
        "systemctl show -p Id -p UnitFileState -p ActiveState apt-daily.timer apt-daily-upgrade.timer",
    ),
    Capture("reboot-required.txt", REBOOT_FILES),
)

_INST = re.compile(r"^Inst (\S+) ", re.MULTILINE)


def pending_captures(lab: Lab, host: str, directory: Path) -> Iterable[Capture]:
    """apt-cache policy of what the simulated dist-upgrade would install or upgrade."""
    packages = sorted(set(_INST.findall((directory / SIMULATED_UPGRADE).read_text(errors="replace"))))
    if packages:
        yield Capture("apt-cache-policy-pending.txt", f"{APT_CACHE} policy {shlex.join(packages)}")


def main(argv: list[str] | None = None) -> int:
    return capture_main(argv, prog="python -m tests.lab.capture_patching", description=__doc__.split("\n")[0],
                        output=OUTPUT_DIR, hosts=HOSTS, captures=CAPTURES, more=pending_captures)


if __name__ == "__main__":
    sys.exit(main())
