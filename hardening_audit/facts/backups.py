"""Backup jobs as the host really runs them: repositories, schedules, last runs, secrets.

Every repository command is read-only: restic runs with ``--no-lock
--no-cache``, borg with ``--bypass-lock`` and its cache, config and security
directories in a scratch directory removed afterwards. The job's environment
file is sourced on the host, so no secret crosses the command line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..outcomes import CheckError
from ..parsers.backups import (
    CronEntry,
    Snapshot,
    cron_interval_hours,
    longest_calendar_gap,
    parse_borg_archives,
    parse_borg_encryption,
    parse_cron_file,
    parse_restic_snapshots,
    parse_systemctl_show,
    paths_covered,
    timer_expressions,
    timer_file_expressions,
)
from ..parsers.listing import FIND_FORMAT, FileStat, parse_find_listing
from ..parsers.systemd import ENABLED_STATES, parse_cat_config_lists
from .core import HostContext, fact
from .services import enabled
from .system import require_root

# Runs a backup tool the way the job does, without writing anything that lasts:
#   $1 environment file or "", $2 password file or "", $3 repository, $4 run|digest, then the command.
# "digest" prints the size and SHA-256 of the command's output instead of the output itself.
TOOL_WRAPPER = r"""
env_file=$1 password_file=$2 repository=$3 mode=$4; shift 4
if [ -n "$env_file" ]; then set -a; . "$env_file" || exit 125; set +a; fi
scratch=$(mktemp -d) || exit 125
trap 'rm -rf "$scratch"' EXIT
export RESTIC_CACHE_DIR="$scratch/restic" BORG_BASE_DIR="$scratch/borg" XDG_CACHE_HOME="$scratch/cache"
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
if [ -n "$password_file" ]; then
  export RESTIC_PASSWORD_FILE="$password_file" BORG_PASSCOMMAND="cat $password_file"
fi
export RESTIC_REPOSITORY="$repository" BORG_REPO="$repository"
if [ "$mode" = digest ]; then
  "$@" > "$scratch/out"; status=$?
  printf '%s bytes sha256 %s\n' "$(wc -c < "$scratch/out")" "$(sha256sum < "$scratch/out" | cut -d' ' -f1)"
  exit $status
fi
"$@"
"""
RESTIC_READ_ONLY = ("--no-lock", "--no-cache")
# Size and SHA-256 of one member of a tar archive ($1 archive, $2 member), in the wrapper's digest format.
DIGEST_OF_ARCHIVED_FILE = (
    'printf "%s bytes sha256 %s\\n" "$(tar -xOf "$1" "$2" | wc -c)" "$(tar -xOf "$1" "$2" | sha256sum | cut -d" " -f1)"'
)


@dataclass(frozen=True)
class Job:
    """A backup job as the baseline declares it (hashable: facts are cached per job)."""

    name: str
    tool: str
    repository: str
    paths: tuple[str, ...]
    schedule: str
    max_interval_hours: int
    max_age_hours: int
    password_file: str | None = None
    environment_file: str | None = None
    service: str | None = None
    restore_probe: str | None = None
    restore_static: bool = False
    encrypted_destination: bool = False

    @classmethod
    def from_settings(cls, job: dict[str, Any], defaults: Any) -> "Job":
        return cls(
            name=job["name"], tool=job["tool"], repository=job["repository"], paths=tuple(job["paths"]),
            schedule=job["schedule"],
            max_interval_hours=job.get("max_interval_hours", defaults.max_interval_hours),
            max_age_hours=job.get("max_age_hours", defaults.max_age_hours),
            password_file=job.get("password_file"), environment_file=job.get("environment_file"),
            service=job.get("service"), restore_probe=job.get("restore_probe"),
            restore_static=job.get("restore_static", False),
            encrypted_destination=job.get("encrypted_destination", False),
        )

    @classmethod
    def declared(cls, backups: Any) -> list["Job"]:
        """Every job the baseline's backups settings declare."""
        return [cls.from_settings(job, backups) for job in backups.jobs or []]

    @staticmethod
    def integrity_reads_data(backups: Any) -> bool:
        """backups.verify: data: the integrity check reads back every stored pack, not just the structure."""
        return backups.verify == "data"

    @property
    def unit(self) -> str | None:
        """The service that runs the job: declared, or the one its timer starts."""
        if self.service:
            return self.service
        if self.schedule.endswith(".timer"):
            return self.schedule[: -len(".timer")] + ".service"
        return None

    @property
    def local_repository(self) -> str | None:
        """The repository's path when it is on this host, None when it is remote."""
        repo = self.repository
        if repo.startswith("local:"):
            return repo[len("local:"):]
        if repo.startswith("file://"):
            return repo[len("file://"):]
        return repo if repo.startswith("/") else None


# One borg listing for all of a job's paths: the first entry under each, then stop reading.
FIRST_ENTRY_UNDER_EACH_PATH = (
    'archive=$1; shift; borg list --short --bypass-lock "::$archive" "$@" | awk \''
    'BEGIN { for (i = 1; i < ARGC; i++) { want[ARGV[i]]; left++ } ARGC = 1 } '
    '{ for (p in want) if ($0 == p || index($0, p "/") == 1) { print; delete want[p]; if (--left == 0) exit } }'
    '\' "$@"'
)


def run_tool(ctx: HostContext, job: Job, command: list[str], mode: str = "run", ok=(0,)):
    argv = ["sh", "-c", TOOL_WRAPPER, "sh", job.environment_file or "", job.password_file or "",
            job.repository, mode, *command]
    return ctx.run_argv(argv, ok=ok)


@fact
def host_clock(ctx: HostContext) -> tuple[dt.datetime, dt.timedelta]:
    """The host's time (UTC) and its UTC offset (borg prints local times)."""
    out = ctx.run("date -u +%s; date +%z").stdout.split()
    offset = int(out[1][:3]) * 3600 + (1 if out[1][0] != "-" else -1) * int(out[1][3:]) * 60
    return dt.datetime.fromtimestamp(int(out[0]), dt.timezone.utc), dt.timedelta(seconds=offset)


@fact
def backup_snapshots(ctx: HostContext, job: Job) -> list[Snapshot]:
    """Snapshots (restic) or archives (borg) of the job's repository, oldest first."""
    require_root(ctx)
    if job.tool == "restic":
        out = run_tool(ctx, job, ["restic", "snapshots", "--json", *RESTIC_READ_ONLY])
        return parse_restic_snapshots(out.stdout)
    if job.tool == "borg":
        return parse_borg_archives(ctx.value("borg_repository", job), ctx.value("host_clock")[1])
    return _archive_files(ctx, job)


@fact
def borg_repository(ctx: HostContext, job: Job) -> str:
    """``borg list --json`` of a borg job's repository: its archives and its encryption, in one read."""
    return run_tool(ctx, job, ["borg", "list", "--json", "--bypass-lock"]).stdout


def _archive_files(ctx: HostContext, job: Job) -> list[Snapshot]:
    directory = job.local_repository
    if directory is None:
        raise CheckError(f"archive job {job.name!r}: repository {job.repository} is not a local directory")
    out = ctx.run_argv(["find", directory, "-maxdepth", "1", "-type", "f", "-printf", "%T@ %p\\n"])
    snapshots = []
    for line in out.stdout.splitlines():
        stamp, _, path = line.partition(" ")
        snapshots.append(Snapshot(path, dt.datetime.fromtimestamp(float(stamp), dt.timezone.utc), ()))
    return sorted(snapshots, key=lambda s: s.time)


@fact
def backup_newest_paths(ctx: HostContext, job: Job) -> dict[str, bool]:
    """For each path the job must protect: is it in the newest backup?"""
    snapshots = ctx.value("backup_snapshots", job)
    if not snapshots:
        return dict.fromkeys(job.paths, False)
    newest = snapshots[-1]
    if job.tool == "restic":
        return {p: any(p == q or p.startswith(q.rstrip("/") + "/") for q in newest.paths) for p in job.paths}
    if job.tool == "borg":
        listing = run_tool(ctx, job, ["sh", "-c", FIRST_ENTRY_UNDER_EACH_PATH, "sh", newest.id,
                                      *(path.lstrip("/") for path in job.paths)])
    else:
        listing = ctx.run_argv(["sh", "-c", 'tar -tf "$1" | head -n 100000', "sh", newest.id])
    return paths_covered(job.paths, listing.stdout.splitlines())


@fact
def backup_integrity(ctx: HostContext, job: Job, verify_data: bool) -> tuple[bool, str]:
    """The tool's own check: (passed, last line of its report)."""
    require_root(ctx)
    if job.tool == "restic":
        command = ["restic", "check", *RESTIC_READ_ONLY] + (["--read-data"] if verify_data else [])
    elif job.tool == "borg":
        # `borg check` writes to the repository even with --bypass-lock (it saves the
        # config and reserves nonce space); a dry-run extract of the newest archive reads
        # and authenticates all of its chunks and writes nothing, whatever verify asks.
        newest = ctx.value("backup_snapshots", job)
        if not newest:
            return False, "no archive to verify"
        command = ["borg", "extract", "--dry-run", "--bypass-lock", f"::{newest[-1].id}"]
    else:
        newest = ctx.value("backup_snapshots", job)
        if not newest:
            return False, "no archive file"
        out = ctx.run_argv(["tar", "-tf", newest[-1].id], ok=(0, 1, 2))
        return out.exit_status == 0, (out.stderr.strip().splitlines() or ["archive lists cleanly"])[-1]
    out = run_tool(ctx, job, command, ok=(0, 1, 2, 3))
    last = (out.stdout + out.stderr).strip().splitlines()
    return out.exit_status == 0, last[-1] if last else f"exit status {out.exit_status}"


@fact
def backup_restore(ctx: HostContext, job: Job) -> tuple[str, str | None]:
    """(digest of the probe file read back from the newest backup, digest of the live file or None)."""
    require_root(ctx)
    probe = job.restore_probe
    if job.tool == "restic":
        out = run_tool(ctx, job, ["restic", "dump", *RESTIC_READ_ONLY, "latest", probe], mode="digest")
    elif job.tool == "borg":
        newest = ctx.value("backup_snapshots", job)
        if not newest:
            raise CheckError(f"job {job.name!r} has no archive to restore from")
        out = run_tool(ctx, job, ["borg", "extract", "--stdout", "--bypass-lock", f"::{newest[-1].id}",
                                  probe.lstrip("/")], mode="digest")
    else:
        newest = ctx.value("backup_snapshots", job)
        if not newest:
            raise CheckError(f"job {job.name!r} has no archive to restore from")
        out = ctx.run_argv(["sh", "-c", DIGEST_OF_ARCHIVED_FILE, "sh", newest[-1].id, probe.lstrip("/")])
    live = None
    if job.restore_static:
        live_out = ctx.run_argv(["sh", "-c", 'printf "%s bytes sha256 %s\\n" "$(wc -c < "$1")" '
                                 '"$(sha256sum < "$1" | cut -d" " -f1)"', "sh", probe])
        live = live_out.stdout.strip()
    return out.stdout.strip(), live


@fact
def backup_encryption(ctx: HostContext, job: Job) -> str:
    """The repository's encryption: restic always encrypts; borg reports its mode."""
    if job.tool == "restic":
        ctx.value("backup_snapshots", job)  # proves the repository opens with the job's key
        return "restic (AES-256)"
    if job.tool == "borg":
        return parse_borg_encryption(ctx.value("borg_repository", job))
    return "encrypted destination (declared)" if job.encrypted_destination else "none (plain archive files)"


@dataclass(frozen=True)
class Schedule:
    kind: str  # timer or cron
    source: str  # the timer unit or the cron file
    state: str  # the timer's unit file state, or for cron: enabled / no entry / cron not enabled
    interval_hours: float | None  # longest gap between two runs; None when unknown

    @property
    def enabled(self) -> bool:
        return self.state in ENABLED_STATES


@fact
def backup_schedule(ctx: HostContext, job: Job) -> Schedule:
    if job.schedule.startswith("cron:"):
        return _cron_schedule(ctx, job)
    timer = job.schedule
    state = ctx.value("unit_files").get(timer, "missing")
    if ctx.offline:
        # No service manager runs on an image to answer `show`; the unit file and its drop-ins say the same.
        unit = ctx.run_argv(["systemd-analyze", "cat-config", f"systemd/system/{timer}"]).stdout
        calendars, monotonic = timer_file_expressions(parse_cat_config_lists(unit, "Timer"))
    else:
        show = parse_systemctl_show(ctx.run_argv(["systemctl", "show", "--property=TimersCalendar,TimersMonotonic",
                                                  timer]).stdout)
        calendars, monotonic = timer_expressions(show)
    gaps = [m / 3600 for m in monotonic]
    for expression in calendars:
        out = ctx.run_argv(["systemd-analyze", "calendar", "--iterations=8", expression])
        gap = longest_calendar_gap(out.stdout)
        if gap is not None:
            gaps.append(gap)
    return Schedule("timer", timer, state, min(gaps) if gaps else None)


def _cron_entries(ctx: HostContext, job: Job) -> tuple[str, list[CronEntry]]:
    path = job.schedule[len("cron:"):]
    out = ctx.run_argv(["cat", path], ok=(0, 1))
    system = not path.startswith("/var/spool/cron")
    # The job's entries are the ones that name its repository (or, failing that, the job or its tool).
    markers = [job.local_repository or job.repository, job.name] + ([job.tool] if job.tool != "archive" else [])
    entries = [e for e in parse_cron_file(out.stdout, system) if any(m in e.command for m in markers)]
    return path, entries


def _cron_schedule(ctx: HostContext, job: Job) -> Schedule:
    path, entries = _cron_entries(ctx, job)
    intervals = [i for i in (cron_interval_hours(list(e.schedule)) for e in entries) if i is not None]
    # cron itself must run for its table to mean anything.
    cron_enabled = any(enabled(ctx, unit) for unit in ("cron.service", "cronie.service", "crond.service"))
    state = "enabled" if entries and cron_enabled else "without a matching entry" if not entries else "unused (cron is not enabled)"
    return Schedule("cron", path, state, min(intervals) if intervals else None)


@dataclass(frozen=True)
class LastRun:
    unit: str
    result: str
    exit_status: str
    finished: str  # empty when the unit never ran


@fact
def backup_last_run(ctx: HostContext, job: Job) -> LastRun:
    """The job's service as systemd last saw it (cron jobs have none: cron keeps no result)."""
    out = ctx.run_argv(["systemctl", "show", "--property=Result,ExecMainStatus,ExecMainExitTimestamp,LoadState",
                        job.unit])
    show = parse_systemctl_show(out.stdout)
    if show.get("LoadState") == "not-found":
        raise CheckError(f"job {job.name!r}: unit {job.unit} does not exist")
    return LastRun(job.unit, show.get("Result", ""), show.get("ExecMainStatus", ""),
                   show.get("ExecMainExitTimestamp", ""))


@fact
def backup_job_definition(ctx: HostContext, job: Job) -> str:
    """What the job runs: its unit and the scripts its ExecStart lines call, or its cron lines."""
    if job.unit is None:
        _, entries = _cron_entries(ctx, job)
        return "\n".join(e.command for e in entries)
    unit = ctx.run_argv(["systemctl", "cat", job.unit]).stdout
    texts = [unit]
    for program in re.findall(r"^ExecStart(?:Pre|Post)?=[-@:+!]*(\S+)", unit, re.M):
        if program.split("/")[-1] not in ("restic", "borg", "sh", "bash", "tar", "rsync") and program.startswith("/"):
            script = ctx.run_argv(["cat", program], ok=(0, 1))
            texts.append(script.stdout)
    return "\n".join(texts)


@fact
def backup_secrets(ctx: HostContext, job: Job) -> list[FileStat]:
    """Password and environment files, and the top of a local repository."""
    require_root(ctx)
    paths = [p for p in (job.password_file, job.environment_file, job.local_repository) if p]
    if not paths:
        return []
    out = ctx.run_argv(["find", *paths, "-maxdepth", "1", "-printf", FIND_FORMAT], ok=(0, 1))
    stats = parse_find_listing(out.stdout)
    missing = [p for p in paths if not any(s.path == p for s in stats)]
    if missing:
        raise CheckError(f"job {job.name!r}: cannot find {', '.join(missing)}")
    return stats


@fact
def backup_devices(ctx: HostContext, job: Job) -> dict[str, str]:
    """Filesystem (device number and mount point) of the local repository and of each protected path."""
    paths = [job.local_repository, *job.paths]
    out = ctx.run_argv(["stat", "-c", "%d %m %n", *paths])
    devices = {}
    for line in out.stdout.splitlines():
        device, mount, name = line.split(" ", 2)
        devices[name] = f"{device} {mount}"
    return devices
