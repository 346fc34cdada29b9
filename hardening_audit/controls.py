"""Control metadata: one decorator beside each check, read by every output."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import pytest

SEVERITIES = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

DOMAINS = {
    "FW": "firewall",
    "BAK": "backups",
    "PAT": "patching",
    "ACC": "accounts",
    "LOG": "logging",
    "SSH": "ssh",
    "SVC": "services",
    "KRN": "kernel",
    "FS": "filesystem",
    "DET": "detection",
}

REFERENCE_KINDS = ("cis", "ssg", "seed")


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    severity: str
    level: int
    remediation: str
    references: dict[str, list[str]] = field(default_factory=dict)
    rationale: str = ""
    # True: only a running system has the evidence, so on an offline image the control is not applicable.
    runtime: bool = False

    @property
    def domain(self) -> str:
        return DOMAINS[self.id.split("-", 1)[0]]

    def matches(self, patterns: list[str]) -> bool:
        return any(fnmatch.fnmatchcase(self.id, p.strip().upper()) for p in patterns if p.strip())


def control(
    id: str,
    *,
    title: str,
    severity: str,
    level: int,
    remediation: str,
    cis: list[str] | None = None,
    ssg: list[str] | None = None,
    seed: list[str] | None = None,
    runtime: bool = False,
):
    """Attach a control's metadata to its check and mark it with its domain.

    The check's docstring is the rationale shown to auditors. ``runtime=True``
    declares that the requirement can only be judged on a running system; any
    other control is judged on offline images from persisted state (the
    facts it reads know how).
    """
    prefix = id.split("-", 1)[0]
    if prefix not in DOMAINS:
        raise ValueError(f"{id}: unknown domain prefix {prefix!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"{id}: severity {severity!r} is not one of {SEVERITIES}")
    if level not in (1, 2):
        raise ValueError(f"{id}: level must be 1 or 2")
    references = {
        kind: list(values)
        for kind, values in (("cis", cis), ("ssg", ssg), ("seed", seed))
        if values
    }

    def attach(check):
        rationale = " ".join((check.__doc__ or "").split())
        if not rationale:
            raise ValueError(f"{id}: the check needs a docstring with its rationale")
        check.control = Control(id, title, severity, level, remediation, references, rationale, runtime)
        return getattr(pytest.mark, DOMAINS[prefix])(check)

    return attach


def control_of(item) -> Control | None:
    """The control a collected pytest item checks, or None for other tests."""
    function = getattr(item, "function", None)
    return getattr(function, "control", None)
