"""Parse PAM configuration files (``/etc/pam.d/*``)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PamLine:
    type: str  # auth, account, password, session, or @include
    control: str
    module: str
    args: tuple[str, ...]

    def arg(self, name: str) -> str | None:
        """The value of ``name=value`` ("" for a bare flag), None when absent."""
        for arg in self.args:
            key, sep, value = arg.partition("=")
            if key == name:
                return value if sep else ""
        return None


def parse_pam(text: str) -> list[PamLine]:
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@include"):
            lines.append(PamLine("@include", "", line.split(None, 1)[1].strip(), ()))
            continue
        match = re.match(r"-?(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$", line)
        if not match:
            raise ValueError(f"unexpected PAM line: {line!r}")
        kind, control, module, rest = match.groups()
        lines.append(PamLine(kind, control, module.rsplit("/", 1)[-1], tuple(re.findall(r"\[[^\]]*\]|\S+", rest))))
    return lines


def modules(lines: list[PamLine], kind: str, module: str) -> list[PamLine]:
    return [line for line in lines if line.type == kind and line.module == module]
