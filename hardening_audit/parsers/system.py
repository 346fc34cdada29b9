"""Parse the host identity probe: ``id -u``, ``uname -n`` and ``/etc/os-release``."""

from __future__ import annotations

from dataclasses import dataclass

from .shell import parse_shell_assignments


@dataclass(frozen=True)
class SystemInfo:
    uid: int
    hostname: str
    addresses: tuple[str, ...]
    os_release: dict[str, str]

    @property
    def os(self) -> str:
        release = self.os_release
        return release.get("PRETTY_NAME") or " ".join(
            v for v in (release.get("NAME"), release.get("VERSION_ID")) if v
        ) or "unknown"

    @property
    def privileged(self) -> bool:
        return self.uid == 0


def parse_system_probe(text: str) -> SystemInfo:
    """Lines: uid, node name, addresses (``hostname -I``, may be empty), then os-release."""
    lines = text.splitlines()
    if len(lines) < 3 or not lines[0].strip().isdigit():
        raise ValueError(f"unexpected identity probe output: {text[:80]!r}")
    return SystemInfo(
        uid=int(lines[0]),
        hostname=lines[1].strip(),
        addresses=tuple(lines[2].split()),
        os_release=parse_shell_assignments("\n".join(lines[3:])),
    )
