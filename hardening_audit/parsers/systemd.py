"""Parse systemctl listings: unit file states and loaded units."""

from __future__ import annotations

from dataclasses import dataclass

# list-unit-files states of a unit that starts at boot (generated: SysV scripts enabled by rc links).
ENABLED_STATES = {"enabled", "enabled-runtime", "generated"}


def parse_unit_files(text: str) -> dict[str, str]:
    """``systemctl list-unit-files --no-legend --no-pager``: unit name to its state."""
    states = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2:
            states[fields[0]] = fields[1]
    return states


@dataclass(frozen=True)
class Unit:
    name: str
    load: str
    active: str
    sub: str


def parse_units(text: str) -> dict[str, Unit]:
    """``systemctl list-units --all --no-legend --no-pager --plain``."""
    units = {}
    for line in text.splitlines():
        fields = line.split(None, 4)
        if len(fields) >= 4:
            name = fields[0].lstrip("●* ")
            units[name] = Unit(name, fields[1], fields[2], fields[3])
    return units


def parse_show(text: str) -> list[dict[str, str]]:
    """``systemctl show --property=... UNIT...``: one dict per unit (blocks separated by blank lines)."""
    blocks: list[dict[str, str]] = [{}]
    for line in text.splitlines():
        if not line.strip():
            if blocks[-1]:
                blocks.append({})
            continue
        key, _, value = line.partition("=")
        blocks[-1][key] = value
    return [block for block in blocks if block]


def parse_cat_config(text: str, section: str) -> dict[str, str]:
    """``systemd-analyze cat-config NAME``: the settings of one section, as the daemon ends up with them
    (for a setting given more than once, the last assignment wins)."""
    return {key: values[-1] for key, values in parse_cat_config_lists(text, section).items()}


def parse_cat_config_lists(text: str, section: str) -> dict[str, list[str]]:
    """``systemd-analyze cat-config NAME``: every assignment of each setting of one section, in order.

    cat-config prints the main file then the drop-ins in the order systemd applies them, each headed
    by a ``# /path`` comment. An empty assignment (``Storage=``, ``OnCalendar=``) resets the setting:
    what came before it is dropped. Each file starts outside any section, so a drop-in without its
    own ``[Section]`` header sets nothing.
    """
    settings: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("# /") and " " not in line[2:]:
            current = None
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
        elif current == section and "=" in line:
            key, _, value = line.partition("=")
            key, value = key.strip(), value.strip()
            if value:
                settings.setdefault(key, []).append(value)
            else:
                settings.pop(key, None)
    return settings
