"""Parse the host identity probe: ``id -u``, ``uname -n`` and ``/etc/os-release``."""

from __future__ import annotations

import shlex
from dataclasses import dataclass


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


def parse_os_release(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            parts = shlex.split(raw)
        except ValueError:
            parts = [raw.strip("\"'")]
        values[key.strip()] = parts[0] if parts else ""
    return values


def parse_system_probe(text: str) -> SystemInfo:
    """Lines: uid, node name, addresses (``hostname -I``, may be empty), then os-release."""
    lines = text.splitlines()
    if len(lines) < 3 or not lines[0].strip().isdigit():
        raise ValueError(f"unexpected identity probe output: {text[:80]!r}")
    return SystemInfo(
        uid=int(lines[0]),
        hostname=lines[1].strip(),
        addresses=tuple(lines[2].split()),
        os_release=parse_os_release("\n".join(lines[3:])),
    )
