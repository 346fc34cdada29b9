"""Small comparisons shared by checks of several domains."""

from __future__ import annotations

import fnmatch

from .parsers.listing import FileStat


def describe(stat: FileStat) -> str:
    return f"{stat.path} is {stat.mode_text} {stat.owner}:{stat.group}"


def excess_permissions(stat: FileStat, allowed_mode: int) -> int:
    """Permission bits the file has beyond ``allowed_mode`` (0 when it is that strict or stricter)."""
    return stat.mode & 0o7777 & ~allowed_mode


def outside(found: list[str] | tuple[str, ...], allowed: list[str]) -> list[str]:
    """Values found that the allowlist does not contain, in the order found."""
    allowed_set = set(allowed)
    return [value for value in found if value not in allowed_set]


def max_startups_fields(value: str) -> list[int]:
    """MaxStartups as start:rate:full; a bare N means N:100:N (refuse beyond N)."""
    fields = [int(v) for v in value.split(":")]
    return fields if len(fields) == 3 else [fields[0], 100, fields[0]]


def max_startups_above(found: str, limit: str) -> bool:
    """CIS 5.1.18 compares each field: any one above the limit fails."""
    return any(f > l for f, l in zip(max_startups_fields(found), max_startups_fields(limit)))


def listed(items, separator: str = ", ", limit: int = 10) -> str:
    """The first items of a finding, and how many more there are: messages stay one readable line."""
    items = list(items)
    shown = separator.join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def unit_allowed(unit: str, service: str, patterns: list[str]) -> bool:
    """Whether an allowlist of unit names or globs (with or without the suffix) covers a unit,
    or the service it stands for (a timer, socket or path unit stands for the unit it triggers)."""
    names = {unit, service, unit.rsplit(".", 1)[0], service.rsplit(".", 1)[0]}
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)
