"""Port specifications of the baseline: ``tcp/22``, ``udp/60000-61000``."""

from __future__ import annotations

from .parsers.firewall_model import PortRange


def parse_port_spec(spec: str) -> tuple[str, int, int]:
    protocol, _, ports = spec.partition("/")
    low, _, high = ports.partition("-")
    return protocol, int(low), int(high or low)


def is_allowed(protocol: str, port: int, allowed: list[str]) -> bool:
    return range_allowed(protocol, (port, port), allowed)


def range_allowed(protocol: str, ports: PortRange, allowed: list[str]) -> bool:
    """Is every port of the range inside one allowed range of the same protocol?"""
    low, high = ports
    return any(p == protocol and a <= low and high <= b for p, a, b in map(parse_port_spec, allowed))
