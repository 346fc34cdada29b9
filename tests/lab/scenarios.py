"""Scenario scripts: each puts a host into one known state for a few controls.

A scenario is tests/lab/scenarios/<domain>/<name>.sh.  Its leading comment
block describes it:

    # One line saying what state this is.
    # packages: nftables          (optional: installed in the host's cached package layer)
    # purge: openssh-server       (optional: dpkg --purge'd at host creation)
    # controls: SSH-01 SSH-02     (controls whose outcome this scenario decides)
    # state: pass|fail            (the outcome those controls must have)
    # needs: backup-server        (optional: hosts the lab brings up along with this one)

The body runs with /bin/sh -eu chrooted into the host's root before boot.

A scenario may have a companion <domain>/<name>.after-boot.sh, for steps that
need the running system (start a service once, talk to another host).  The
lab runs it with /bin/sh -eu inside the booted host (Lab.exec) once every
host of the lab answers SSH, host by host in HOSTS order and, on a host, in
scenario order; a failure fails Lab.up() with the script's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .paths import SCENARIO_DIR
from .progress import LabError

HEADER_KEYS = ("packages", "purge", "controls", "state", "needs")
AFTER_BOOT_SUFFIX = ".after-boot.sh"


@dataclass(frozen=True)
class Scenario:
    name: str  # "<domain>/<name>"
    description: str
    packages: tuple[str, ...]
    purge: tuple[str, ...]
    controls: tuple[str, ...]
    state: str
    script: str
    needs: tuple[str, ...] = ()
    after_boot: str | None = None  # the companion <name>.after-boot.sh, if any


@cache
def load_scenario(name: str) -> Scenario:
    path = SCENARIO_DIR / f"{name}.sh"
    if not path.is_file():
        raise LabError(f"unknown scenario {name!r}: no {path}")
    script = path.read_text()
    fields: dict[str, str] = {}
    description = ""
    for line in script.splitlines():
        if line.startswith("#!"):
            continue
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        key, separator, value = text.partition(":")
        if separator and key.strip() in HEADER_KEYS:
            fields[key.strip()] = value.strip()
        elif text and not description:
            description = text
    state = fields.get("state", "").split()
    if not state or state[0] not in ("pass", "fail"):
        raise LabError(f"scenario {name}: header needs '# state: pass' or '# state: fail'")
    after_boot = SCENARIO_DIR / f"{name}{AFTER_BOOT_SUFFIX}"
    return Scenario(
        name=name,
        description=description,
        packages=tuple(fields.get("packages", "").split()),
        purge=tuple(fields.get("purge", "").split()),
        controls=tuple(fields.get("controls", "").split()),
        state=state[0],
        script=script,
        needs=tuple(fields.get("needs", "").split()),
        after_boot=after_boot.read_text() if after_boot.is_file() else None,
    )


def all_scenarios() -> list[Scenario]:
    return [
        load_scenario(str(path.relative_to(SCENARIO_DIR).with_suffix("")))
        for path in sorted(SCENARIO_DIR.glob("*/*.sh"))
        if not path.name.endswith(AFTER_BOOT_SUFFIX)
    ]
