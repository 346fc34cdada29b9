"""Parse ``ss -Htulnp``: the sockets that accept connections or datagrams."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_PROCESS = re.compile(r'\("([^"]+)",pid=\d+')


@dataclass(frozen=True)
class ListeningSocket:
    protocol: str  # tcp or udp
    address: str  # as ss prints it, without brackets and interface scope
    port: int
    processes: tuple[str, ...]

    @property
    def loopback_only(self) -> bool:
        try:
            return ipaddress.ip_address(self.address).is_loopback
        except ValueError:
            return False  # "*" and other wildcards listen everywhere

    @property
    def endpoint(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.protocol}/{self.port} on {host}"


def parse_ss(text: str) -> list[ListeningSocket]:
    sockets = []
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        if len(fields) < 5:
            raise ValueError(f"unexpected ss line: {line!r}")
        protocol, local = fields[0], fields[4]
        host, _, port = local.rpartition(":")
        host = host.strip("[]").split("%", 1)[0]
        processes = tuple(dict.fromkeys(_PROCESS.findall(line)))
        sockets.append(ListeningSocket(protocol, host, int(port) if port.isdigit() else 0, processes))
    return sockets
