"""Schedules and backup tool output: systemd calendars, cron lines, time spans, restic and borg JSON."""

import datetime as dt
from pathlib import Path

import pytest

from hardening_audit.parsers.backups import (
    cron_interval_hours,
    longest_calendar_gap,
    parse_borg_archives,
    parse_borg_encryption,
    parse_cron_file,
    parse_restic_snapshots,
    parse_systemctl_show,
    parse_timespan,
    parse_timestamp,
    paths_covered,
    timer_expressions,
    timer_file_expressions,
)
from hardening_audit.parsers.systemd import parse_cat_config_lists

SYSTEMD = Path(__file__).resolve().parent.parent / "data" / "captured" / "systemd"


def test_calendar_gaps_from_systemd_analyze():
    assert longest_calendar_gap((SYSTEMD / "calendar-daily.txt").read_text()) == 24
    # Friday 03:00 to Monday 03:00
    assert longest_calendar_gap((SYSTEMD / "calendar-weekdays.txt").read_text()) == 72
    assert longest_calendar_gap((SYSTEMD / "calendar-berlin.txt").read_text()) == 24
    assert longest_calendar_gap("Failed to parse calendar specification") is None


def test_timer_expressions_from_systemctl_show():
    show = parse_systemctl_show(
        "Id=restic-etc.timer\n"
        "TimersCalendar={ OnCalendar=*-*-* 00:00:00 ; next_elapse=Wed 2026-12-02 00:00:00 UTC }\n"
        "TimersMonotonic={ OnUnitActiveUSec=1d 12h ; next_elapse=n/a }\n"
    )
    assert timer_expressions(show) == (["*-*-* 00:00:00"], [36 * 3600.0])
    assert timer_expressions({"TimersCalendar": "", "TimersMonotonic": ""}) == ([], [])


def test_timer_expressions_from_the_unit_file_on_an_image():
    """Without a service manager the timer's file and drop-ins are read: an empty OnCalendar= drops the
    main file's weekly, OnBootSec fires once and is no interval."""
    unit = parse_cat_config_lists((SYSTEMD / "cat-config-restic-etc-timer.txt").read_text(), "Timer")
    assert timer_file_expressions(unit) == (["daily"], [])
    dropin = parse_cat_config_lists((SYSTEMD / "cat-config-timer-dropin.txt").read_text(), "Timer")
    assert dropin["OnCalendar"] == ["*-*-* 02:30:00", "*-*-* 14:30:00"]
    assert timer_file_expressions(dropin) == (["*-*-* 02:30:00", "*-*-* 14:30:00"], [12 * 3600.0])


@pytest.mark.parametrize("text, seconds", [("1d 12h", 129600), ("30min", 1800), ("1h 30min", 5400), ("90", 90),
                                           ("1w", 604800), ("500ms", 0.5)])
def test_timespans(text, seconds):
    assert parse_timespan(text) == seconds


@pytest.mark.parametrize("schedule, hours", [
    ("@daily", 24), ("@weekly", 168), ("@reboot", None),
    ("0 3 * * *", 24), ("15 */6 * * *", 6), ("0 * * * *", 1), ("0 2,14 * * *", 12), ("0 1-3 * * *", 22),
    ("0 3 * * 1-5", 72), ("0 3 * * 0", 168), ("0 3 1 * *", 744),
])
def test_cron_intervals(schedule, hours):
    assert cron_interval_hours(schedule.split()) == hours


def test_cron_files_system_and_user():
    system = parse_cron_file("SHELL=/bin/sh\n# comment\n30 2 * * * root /usr/local/bin/restic-etc\n"
                             "@weekly root borg prune\n", system=True)
    assert [(e.schedule, e.command) for e in system] == [
        (("30", "2", "*", "*", "*"), "/usr/local/bin/restic-etc"), (("@weekly",), "borg prune")]
    user = parse_cron_file("0 4 * * * restic backup /etc\n", system=False)
    assert user[0].command == "restic backup /etc"


def test_timestamps():
    assert parse_timestamp("2026-12-01T05:30:01.123456789+01:00") == dt.datetime(
        2026, 12, 1, 4, 30, 1, 123456, tzinfo=dt.timezone.utc)
    assert parse_timestamp("2026-12-01T05:30:01.000000").tzinfo == dt.timezone.utc
    with pytest.raises(ValueError):
        parse_timestamp("yesterday")


BACKUPS = Path(__file__).resolve().parent.parent / "data" / "captured" / "backups"


def backups(path: str) -> str:
    return (BACKUPS / path).read_text()


def test_restic_snapshots_of_the_lab_hosts():
    (fresh,) = parse_restic_snapshots(backups("hardened/etc/restic-snapshots.json"))
    assert fresh.paths == ("/etc", "/home") and fresh.time.tzinfo == dt.timezone.utc
    (old,) = parse_restic_snapshots(backups("bak-weak/etc/restic-snapshots.json"))
    assert old.time.year == 2024 and old.paths == ("/etc",)
    assert parse_restic_snapshots("null") == [] and parse_restic_snapshots("[]") == []


def test_borg_archives_and_encryption():
    (archive,) = parse_borg_archives(backups("hardened/srv/borg-list.json"))
    assert archive.id.startswith("hardened-") and archive.time.tzinfo == dt.timezone.utc
    shifted = parse_borg_archives(backups("hardened/srv/borg-list.json"), dt.timedelta(hours=1))[0]
    assert archive.time - shifted.time == dt.timedelta(hours=1)
    assert parse_borg_encryption(backups("hardened/srv/borg-info-repo.json")) == "repokey"
    assert parse_borg_encryption(backups("bak-borg-weak/srv/borg-info-repo.json")) == "none"
    # borg list --json, which the audit reads for both, reports the same mode as borg info --json.
    assert parse_borg_encryption(backups("hardened/srv/borg-list.json")) == "repokey"
    assert parse_borg_encryption(backups("bak-borg-weak/srv/borg-list.json")) == "none"


def test_paths_covered_by_an_archive_listing():
    members = backups("hardened/srv/borg-list-path.txt").splitlines()  # borg list --short of srv/data
    assert paths_covered(("/srv/data", "/srv", "/srv/dat", "/etc/hostname"), members) == {
        "/srv/data": True, "/srv": True, "/srv/dat": False, "/etc/hostname": False}
    # tar -tf lists directories with a trailing slash.
    assert paths_covered(("/etc/",), ["etc/", "etc/hostname"]) == {"/etc/": True}


def test_systemctl_show_of_a_failed_service_and_a_weekly_timer():
    service = parse_systemctl_show(backups("bak-weak/etc/show-service.txt"))
    assert (service["Result"], service["ExecMainStatus"]) == ("exit-code", "1")
    timer = parse_systemctl_show(backups("bak-borg-weak/srv/show-timer.txt"))
    assert timer_expressions(timer) == (["Mon *-*-* 00:00:00"], [])
    assert longest_calendar_gap(backups("bak-borg-weak/calendar-weekly.txt")) == 168
