"""The lab's hosts, as data: adding a host is adding one line to HOSTS.

Each host applies base/auditor first, then its scenarios in order.  Hosts keep
their position here as their address (198.18.0.10 + index), so a host's
address does not change when only some hosts are brought up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scenarios import Scenario, load_scenario

IMPLICIT_SCENARIOS = ("base/auditor",)


@dataclass(frozen=True)
class HostSpec:
    name: str
    scenarios: tuple[str, ...]
    # False: only the prepared root is made (no network, not booted), for testinfra's chroot:// backend.
    boot: bool = True
    # True: brought up only when named (python -m tests.lab up NAME, a benchmark), never by default.
    on_request: bool = False

    def all_scenarios(self) -> list[Scenario]:
        return [load_scenario(name) for name in (*IMPLICIT_SCENARIOS, *self.scenarios)]

    def packages(self) -> tuple[str, ...]:
        return tuple(sorted({package for scenario in self.all_scenarios() for package in scenario.packages}))

    def purges(self) -> tuple[str, ...]:
        return tuple(package for scenario in self.all_scenarios() for package in scenario.purge)


HARDENED = ("ssh/hardened", "fw/nftables-hardened", "bak/ssh-client", "bak/restic-sftp", "bak/borg-ssh",
            "acc/hardened", "krn/sysctl-hardened", "fs/hardened", "svc/hardened", "pat/mirror-client",
            "pat/hardened", "log/chrony-in-container", "log/hardened")

HOSTS: tuple[HostSpec, ...] = (
    HostSpec("hardened", HARDENED),
    HostSpec("ssh-weak", ("ssh/weak",)),
    HostSpec("no-sshd", ("ssh/absent",), boot=False),
    HostSpec("fw-iptables", ("fw/iptables-persistent",)),
    HostSpec("fw-ufw", ("fw/ufw",)),
    HostSpec("fw-firewalld", ("fw/firewalld",)),
    HostSpec("fw-none", ("fw/no-firewall-listener",)),
    HostSpec("fw-accept-all", ("fw/nftables-accept-all",)),
    HostSpec("backup-server", ("bak/server",)),
    HostSpec("bak-weak", ("bak/restic-local-weak", "bak/archive-cron")),
    HostSpec("bak-borg-weak", ("bak/borg-local-weak",)),
    HostSpec("acc-weak", ("acc/weak",)),
    HostSpec("krn-weak", ("krn/weak",)),
    HostSpec("fs-weak", ("fs/weak",)),
    HostSpec("svc-weak", ("svc/weak",)),
    HostSpec("apt-mirror", ("pat/mirror",)),
    HostSpec("pat-weak", ("pat/mirror-client", "pat/weak")),
    HostSpec("pat-stale", ("pat/mirror-client", "pat/stale")),
    HostSpec("log-server", ("log/chrony-in-container", "log/server")),
    HostSpec("log-weak", ("log/weak",)),
    HostSpec("log-udp", ("log/udp-forward",)),

    # Offline images (tests/test_images.py): the hardened root as image builders leave it, and a weak one.
    HostSpec("img-hardened", (*HARDENED, "img/no-host-keys"), boot=False),
    HostSpec("img-weak", ("ssh/weak", "fs/weak", "krn/weak"), boot=False),

    # The fleet benchmark (bench/fleet.py): hardened plus the peers it is measured against.
    HostSpec("bench-peers", (*HARDENED, "bench/peers"), on_request=True),
)
