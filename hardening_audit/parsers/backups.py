"""Parse backup tool and scheduler output: restic and borg JSON, systemd timers, cron lines."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Snapshot:
    id: str
    time: dt.datetime
    paths: tuple[str, ...]


def parse_timestamp(text: str) -> dt.datetime:
    """restic's RFC 3339 times carry nanoseconds; borg's ISO times have no zone (local time of the host)."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", text.strip())
    if not match:
        raise ValueError(f"unexpected timestamp {text!r}")
    base, fraction, zone = match.groups()
    stamp = dt.datetime.fromisoformat(base + ((fraction or "")[:7]))
    if zone in (None, "Z"):
        return stamp.replace(tzinfo=UTC)
    return stamp.replace(tzinfo=dt.datetime.fromisoformat(f"2000-01-01T00:00:00{zone}").tzinfo)


def parse_restic_snapshots(text: str) -> list[Snapshot]:
    """``restic snapshots --json``, oldest first."""
    data = json.loads(text or "[]")
    if data is None:
        return []
    snapshots = [Snapshot(s.get("short_id") or s["id"][:8], parse_timestamp(s["time"]), tuple(s.get("paths", ())))
                 for s in data]
    return sorted(snapshots, key=lambda s: s.time)


def parse_borg_archives(text: str, utc_offset: dt.timedelta = dt.timedelta(0)) -> list[Snapshot]:
    """``borg list --json``: archive names and start times (borg prints the host's local time)."""
    archives = json.loads(text).get("archives", [])
    snapshots = []
    for archive in archives:
        local = parse_timestamp(archive["start"]).replace(tzinfo=None)
        snapshots.append(Snapshot(archive["name"], (local - utc_offset).replace(tzinfo=UTC), ()))
    return sorted(snapshots, key=lambda s: s.time)


def parse_borg_encryption(text: str) -> str:
    """``borg list --json`` (or ``borg info --json``) of a repository: its encryption mode (none,
    authenticated, repokey, keyfile...)."""
    return json.loads(text)["encryption"]["mode"]


def paths_covered(paths: tuple[str, ...], members: list[str]) -> dict[str, bool]:
    """For each absolute path: is it, or anything under it, among an archive's members (relative paths)?"""
    relative = {member.rstrip("/") for member in members}
    found = {}
    for path in paths:
        wanted = path.strip("/")
        found[path] = any(m == wanted or m.startswith(wanted + "/") for m in relative)
    return found


def parse_systemctl_show(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key] = value
    return values


_TIMESPAN_UNITS = {
    "us": 1e-6, "usec": 1e-6, "ms": 1e-3, "msec": 1e-3, "s": 1, "sec": 1, "second": 1, "seconds": 1,
    "min": 60, "m": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400, "w": 604800, "week": 604800, "weeks": 604800,
    "month": 2629800, "months": 2629800, "y": 31557600, "year": 31557600, "years": 31557600,
}


def parse_timespan(text: str) -> float:
    """A systemd time span (``1d 2h``, ``30min``, ``1h 30min``) in seconds."""
    total = 0.0
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text.strip().lower())
    if not parts:
        raise ValueError(f"unexpected time span {text!r}")
    for number, unit in parts:
        if unit not in _TIMESPAN_UNITS and unit:
            raise ValueError(f"unknown time unit {unit!r} in {text!r}")
        total += float(number) * _TIMESPAN_UNITS.get(unit or "s", 1)
    return total


# Monotonic timer settings that repeat (OnBootSec and the like fire once).
REPEATING_TIMER_SETTINGS = ("OnUnitActiveSec", "OnUnitInactiveSec")


def timer_expressions(show: dict[str, str]) -> tuple[list[str], list[float]]:
    """The OnCalendar expressions and monotonic intervals (seconds) of ``systemctl show`` of a timer."""
    calendars = re.findall(r"OnCalendar=([^;]+?)\s*;", show.get("TimersCalendar", ""))
    monotonic = [
        parse_timespan(span)
        for key, span in re.findall(r"(On\w+Sec)=([^;]+?)\s*;", show.get("TimersMonotonic", ""))
        if key.replace("USec", "Sec") in REPEATING_TIMER_SETTINGS
    ]
    return [c.strip() for c in calendars], monotonic


def timer_file_expressions(timer_settings: dict[str, list[str]]) -> tuple[list[str], list[float]]:
    """The same from the timer unit's own [Timer] settings (its file and drop-ins), for when no
    service manager runs to answer ``systemctl show``."""
    monotonic = [parse_timespan(span) for key in REPEATING_TIMER_SETTINGS for span in timer_settings.get(key, [])]
    return list(timer_settings.get("OnCalendar", [])), monotonic


_ELAPSE = re.compile(r"^\s*(?:Next elapse|Iter\. #\d+|\(in UTC\)):\s+\w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", re.M)


def longest_calendar_gap(text: str) -> float | None:
    """Longest gap in hours between the elapses ``systemd-analyze calendar --iterations=N`` lists.

    When the expression is not in UTC, systemd adds an "(in UTC)" line after each
    elapse; the gaps are the same either way, so every listed time is used.
    """
    times = [dt.datetime.strptime(t, "%Y-%m-%d %H:%M:%S") for t in _ELAPSE.findall(text)]
    if "(in UTC)" in text:
        times = times[1::2]
    if len(times) < 2:
        return None
    return max((b - a).total_seconds() for a, b in zip(times, times[1:])) / 3600


_CRON_MACROS = {"@hourly": 1, "@daily": 24, "@midnight": 24, "@weekly": 168, "@monthly": 744, "@yearly": 8784,
                "@annually": 8784}


def cron_interval_hours(schedule: list[str]) -> float | None:
    """Longest interval of a cron schedule (five fields or a macro), for the common forms.

    None when the form is not one this recognises (e.g. @reboot).
    """
    if len(schedule) == 1:
        return _CRON_MACROS.get(schedule[0])
    minute, hour, day, month, weekday = schedule
    if month != "*" or (day != "*" and weekday == "*"):
        return 744.0 if month == "*" else 8784.0
    if weekday != "*":
        days = _field_values(weekday, 0, 7)
        if days is None:
            return None
        days = sorted({d % 7 for d in days})
        gaps = [(b - a) for a, b in zip(days, days[1:] + [days[0] + 7])]
        return 24.0 * max(gaps)
    if hour == "*" or hour.startswith("*/"):
        step = int(hour[2:]) if hour.startswith("*/") else 1
        return float(step)
    hours = _field_values(hour, 0, 23)
    if hours is None:
        return None
    hours = sorted(set(hours))
    return float(max(b - a for a, b in zip(hours, hours[1:] + [hours[0] + 24])))


def _field_values(field: str, low: int, high: int) -> list[int] | None:
    values: list[int] = []
    for part in field.split(","):
        if re.fullmatch(r"\d+", part):
            values.append(int(part))
        elif re.fullmatch(r"\d+-\d+", part):
            a, b = map(int, part.split("-"))
            values.extend(range(a, b + 1))
        else:
            return None
    return values


@dataclass(frozen=True)
class CronEntry:
    schedule: tuple[str, ...]
    command: str


def parse_cron_file(text: str, system: bool) -> list[CronEntry]:
    """Entries of a crontab; system crontabs (/etc/crontab, /etc/cron.d) have a user field."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", line):
            continue
        if line.startswith("@"):
            fields = line.split(None, 2 if system else 1)
            schedule, rest = fields[:1], fields[1:]
        else:
            fields = line.split(None, 6 if system else 5)
            schedule, rest = fields[:5], fields[5:]
        if system:
            rest = rest[1:]  # the user the command runs as
        entries.append(CronEntry(tuple(schedule), " ".join(rest)))
    return entries
