"""Capture real backup tool and systemd output from booted lab hosts, for parser unit tests.

    python -m tests.lab up hardened bak-weak bak-borg-weak    # (or with --prefix=NAME; brings backup-server)
    python -m tests.lab.capture_backups [--prefix=NAME] [HOST ...]

The jobs come from the `hosts:` section of tests/data/lab-baseline.yaml.  For
each job, every repository command the audit runs (restic snapshots/check/
dump/cat config, borg list/info/check/extract, systemctl show/cat, find,
findmnt, stat) runs as root inside the host (Lab.exec), through `sh -c`, with
the job's environment file sourced and its password file named as the job
does.  Its stdout goes, byte for byte, to
tests/data/captured/backups/<host>/<job>/<name>; when it fails its stderr
goes to <name>.stderr and its exit status to <name>.rc as well.  Commands
about the host rather than a job (systemd-analyze calendar) write to
tests/data/captured/backups/<host>/.  A host's directory is emptied first.

Each command is also proven read-only: around it the script records the
repository's listing (type, mode, owner, size and mtime of every entry,
directories included, so a lock file made and removed again shows) on the
host that holds it, and a snapshot (tests.lab.snapshot) of the overlay upper
directory of the client host and, for a remote repository, of the backup
server.  Any difference is reported and makes the script exit 1, except
the writes KNOWN_WRITES expects of `borg check`, which borg 1.2 cannot do
read-only (borg-extract-dry-run.txt is the read-only stand-in).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .capture import build_machine_mentions, running_lab
from .lab import Lab
from .progress import LabError
from .snapshot import diff, snapshot

REPO_ROOT = Path(__file__).resolve().parents[2]
OUTPUT_DIR = REPO_ROOT / "tests" / "data" / "captured" / "backups"
BASELINE = REPO_ROOT / "tests" / "data" / "lab-baseline.yaml"
TIMEOUT = 300

# Scratch state for borg, removed when the command ends: borg would otherwise
# create ~/.cache/borg (chunk index), ~/.config/borg/security/<repo id>
# (location, key type, manifest time) and keys.
BORG_SCRATCH = (
    'scratch=$(mktemp -d) || exit 125; trap \'rm -rf "$scratch"\' EXIT; '
    'export BORG_CACHE_DIR="$scratch/cache" BORG_CONFIG_DIR="$scratch/config" '
    'BORG_SECURITY_DIR="$scratch/security" '
    "BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes; "
)
RESTIC_READ_ONLY = "--no-lock --no-cache"
BORG_READ_ONLY = "--bypass-lock"


@dataclass(frozen=True)
class Job:
    host: str
    name: str
    tool: str
    repository: str
    paths: tuple[str, ...]
    schedule: str
    service: str
    password_file: str | None
    environment_file: str | None
    restore_probe: str | None

    @property
    def remote(self) -> tuple[str, str] | None:
        """(lab host, path) of a repository reached over SSH, None for a local one."""
        match = re.fullmatch(r"sftp:(?:[^@/]+@)?([^:/]+):(/.*)", self.repository) or re.fullmatch(
            r"ssh://(?:[^@/]+@)?([^:/]+)(?::\d+)?(/.*)", self.repository
        )
        return (match.group(1), match.group(2)) if match else None

    def environment(self) -> str:
        """Shell prefix: the job's environment as its unit gets it, then repository and password."""
        parts = []
        if self.environment_file:
            parts.append(f"set -a; . {shlex.quote(self.environment_file)}; set +a; ")
        if self.tool == "restic":
            parts.append(f"export RESTIC_REPOSITORY={shlex.quote(self.repository)}; ")
            if self.password_file:
                parts.append(f"export RESTIC_PASSWORD_FILE={shlex.quote(self.password_file)}; ")
        else:
            parts.append(f"export BORG_REPO={shlex.quote(self.repository)}; ")
            if self.password_file:
                parts.append(f"export BORG_PASSCOMMAND={shlex.quote('cat ' + self.password_file)}; ")
            parts.append(BORG_SCRATCH)
        return "".join(parts)


def load_jobs(baseline: Path = BASELINE) -> list[Job]:
    data = yaml.safe_load(baseline.read_text())
    jobs = []
    for host, settings in (data.get("hosts") or {}).items():
        for job in ((settings or {}).get("backups") or {}).get("jobs") or []:
            jobs.append(
                Job(
                    host=host,
                    name=job["name"],
                    tool=job["tool"],
                    repository=job["repository"],
                    paths=tuple(job["paths"]),
                    schedule=job["schedule"],
                    service=job.get("service") or job["schedule"].replace(".timer", ".service"),
                    password_file=job.get("password_file"),
                    environment_file=job.get("environment_file"),
                    restore_probe=job.get("restore_probe"),
                )
            )
    return jobs


def _path_name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "root-fs"


def job_commands(job: Job, archive: str | None = None) -> list[tuple[str, str]]:
    """(file name, shell command) for every capture of a job; borg's per-archive ones need the archive."""
    env = job.environment()
    probe = job.restore_probe or (job.paths[0] if job.paths else "/etc/hostname")
    commands: list[tuple[str, str]] = []
    if job.tool == "restic":
        commands += [
            ("restic-snapshots.json", f"{env}restic snapshots --json {RESTIC_READ_ONLY}"),
            ("restic-check.txt", f"{env}restic check {RESTIC_READ_ONLY}"),
            ("restic-dump.txt", f"{env}restic dump {RESTIC_READ_ONLY} latest {shlex.quote(probe)}"),
            ("restic-config.json", f"{env}restic cat config {RESTIC_READ_ONLY}"),
        ]
    elif job.tool == "borg":
        # borg-list.json first: it names the newest archive, which the per-archive commands need.
        commands += [
            ("borg-list.json", f"{env}borg list --json --last 1 {BORG_READ_ONLY}"),
            ("borg-info-repo.json", f"{env}borg info --json {BORG_READ_ONLY}"),
        ]
        if archive is not None:
            target = shlex.quote(f"::{archive}")
            first_path = shlex.quote(job.paths[0].lstrip("/"))
            commands += [
                ("borg-info-archive.json", f"{env}borg info --json {BORG_READ_ONLY} {target}"),
                ("borg-list-path.txt", f"{env}borg list --short {BORG_READ_ONLY} {target} {first_path}"),
                ("borg-extract.txt",
                 f"{env}borg extract --stdout {BORG_READ_ONLY} {target} {shlex.quote(probe.lstrip('/'))}"),
                # The read-only stand-in for borg check (see KNOWN_WRITES): reads, decrypts and
                # authenticates every chunk of the newest archive; exit 0 and no output when sound.
                ("borg-extract-dry-run.txt", f"{env}borg extract --dry-run {BORG_READ_ONLY} {target}"),
            ]
        # Last: the one capture that writes to the repository (see KNOWN_WRITES).
        commands.append(("borg-check.txt", f"{env}borg check {BORG_READ_ONLY}"))
    commands += [
        ("show-service.txt",
         "systemctl show --property=Id,Result,ExecMainStatus,ExecMainExitTimestamp,ActiveState,UnitFileState "
         + shlex.quote(job.service)),
        ("cat-service.txt", f"systemctl cat {shlex.quote(job.service)}"),
    ]
    if job.schedule.endswith(".timer"):
        commands.append((
            "show-timer.txt",
            "systemctl show --property=Id,UnitFileState,ActiveState,TimersCalendar,TimersMonotonic,LastTriggerUSec "
            + shlex.quote(job.schedule),
        ))
    local_repository = None if job.remote else job.repository
    secrets = [path for path in (job.password_file, job.environment_file, local_repository) if path]
    commands.append((
        "find-secrets.txt",
        f"find {' '.join(shlex.quote(path) for path in secrets)} -maxdepth 1 -printf '%m %u %g %y %p\\n'",
    ))
    places = ([("repository", local_repository)] if local_repository else []) + [
        (_path_name(path), path) for path in job.paths
    ]
    for name, path in places:
        commands.append((f"findmnt-{name}.txt", f"findmnt -n -o TARGET,SOURCE,FSTYPE -T {shlex.quote(path)}"))
    stat_paths = ([local_repository] if local_repository else []) + list(job.paths)
    commands.append(("stat-devices.txt", f"stat -c '%d %m %n' {' '.join(shlex.quote(p) for p in stat_paths)}"))
    return commands


HOST_COMMANDS = (
    ("calendar-daily.txt", "systemd-analyze calendar --iterations=2 daily"),
    ("calendar-weekly.txt", "systemd-analyze calendar --iterations=2 weekly"),
)


# ------------------------------------------------------------------ read-only proof

# The only captures that write, and exactly what they may change (regular
# expressions over the change lines); anything else they change is reported.
# borg 1.2's check cannot be made read-only, --bypass-lock or not, local or
# remote: Repository.check() ends with save_config() (the repository's
# `config` is rewritten, same content, new inode and mtime: --repository-only
# does this too), and the archive check re-encrypts every archive's metadata
# to recompute its id, which reserves nonce space (`nonce` rewritten with a
# new value on encrypted repositories: --archives-only does this too).
KNOWN_WRITES = {
    "borg-check.txt": re.compile(
        r"repository [^:]+:(?P<repo>/\S+): [-+] [df] .* (?P=repo)(/config|/nonce)?"
        r"|upper of [^:]+: changed \S+/nonce \(content\)"
    ),
}

REPOSITORY_LISTING = "find {path} -printf '%y %m %u %g %s %T@ %p\\n' | sort -k7"


class Watch:
    """What a command could change: the client's upper dir, the repository, the server's upper dir."""

    def __init__(self, lab: Lab, job: Job | None, client: str):
        self.lab = lab
        self.client = client
        self.repository: tuple[str, str] | None = None
        if job is not None:
            self.repository = job.remote or (client, job.repository)
        self.hosts = [client] + ([self.repository[0]] if self.repository and self.repository[0] != client else [])

    def state(self) -> dict:
        state = {f"upper of {host}": snapshot(self.lab.upper_dir(host)) for host in self.hosts}
        if self.repository is not None:
            host, path = self.repository
            listing = self.lab.exec(host, ["sh", "-c", REPOSITORY_LISTING.format(path=shlex.quote(path))],
                                    timeout=TIMEOUT)
            if listing.returncode != 0:
                raise LabError(f"cannot list {path} on {host}: {listing.stderr.strip()}")
            state[f"repository {host}:{path}"] = listing.stdout
        return state

    @staticmethod
    def changes(before: dict, after: dict) -> list[str]:
        found = []
        for what, old in before.items():
            new = after[what]
            if isinstance(old, dict):
                found += [f"{what}: {line}" for line in diff(old, new)]
            elif old != new:
                old_lines, new_lines = set(old.splitlines()), set(new.splitlines())
                found += [f"{what}: - {line}" for line in sorted(old_lines - new_lines)]
                found += [f"{what}: + {line}" for line in sorted(new_lines - old_lines)]
        return found


# ------------------------------------------------------------------ running


def _run(lab: Lab, host: str, directory: Path, name: str, command: str, watch: Watch) -> tuple[str, list[str]]:
    """Run one capture; returns its summary line and the changes it made that it should not have."""
    before = watch.state()
    result = lab.exec(host, ["sh", "-c", command], text=False, timeout=TIMEOUT)
    changes = Watch.changes(before, watch.state())
    allowed = KNOWN_WRITES.get(name)
    known = [change for change in changes if allowed is not None and allowed.fullmatch(change)]
    changes = [change for change in changes if change not in known]
    (directory / name).write_bytes(result.stdout)
    if result.returncode != 0:
        (directory / f"{name}.stderr").write_bytes(result.stderr)
        (directory / f"{name}.rc").write_text(f"{result.returncode}\n")
        message = result.stderr.decode(errors="replace").strip().splitlines()
        line = f"    {name}: exit {result.returncode}: {message[-1] if message else ''}"
    else:
        line = f"    {name}: {len(result.stdout)} bytes"
    if known:
        line += f"  (known writes: {'; '.join(sorted({_short(change) for change in known}))})"
    return line + ("" if not changes else f"  NOT READ-ONLY ({len(changes)} change(s))"), changes


def _short(change: str) -> str:
    """'config' / 'nonce' / 'repository directory' for a known write."""
    path = change.split()[-1] if change.startswith("repository") else change.split()[-2]
    return {"config": "config rewritten", "nonce": "nonce changed"}.get(path.rsplit("/", 1)[-1], "directory mtime")


def _empty(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.is_file():
            old.unlink()
        elif old.is_dir():
            _empty(old)
            old.rmdir()


def capture_host(lab: Lab, host: str, jobs: list[Job], directory: Path) -> tuple[list[str], list[str]]:
    """Every capture of host's jobs; returns (summary lines, read-only violations)."""
    state = lab.exec(host, ["systemctl", "is-system-running", "--wait"], timeout=TIMEOUT).stdout.strip()
    lines = [f"  (system {state})"]
    violations: list[str] = []
    _empty(directory)
    for name, command in HOST_COMMANDS:
        line, changes = _run(lab, host, directory, name, command, Watch(lab, None, host))
        lines.append(line)
        violations += [f"{host} {name}: {change}" for change in changes]
    for job in jobs:
        job_dir = directory / job.name
        job_dir.mkdir()
        lines.append(f"  job {job.name} ({job.tool}, {job.repository}):")
        watch = Watch(lab, job, host)
        done: set[str] = set()
        archive = None
        for name, command in job_commands(job)[:1] if job.tool == "borg" else []:
            line, changes = _run(lab, host, job_dir, name, command, watch)
            lines.append(line)
            violations += [f"{host}/{job.name} {name}: {change}" for change in changes]
            done.add(name)
            if not (job_dir / f"{name}.rc").exists():
                archives = json.loads((job_dir / name).read_text())["archives"]
                archive = archives[-1]["name"] if archives else None
        for name, command in job_commands(job, archive):
            if name in done:
                continue
            line, changes = _run(lab, host, job_dir, name, command, watch)
            lines.append(line)
            violations += [f"{host}/{job.name} {name}: {change}" for change in changes]
    return lines, violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lab.capture_backups", description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", default="ha", help="prefix of the running lab (default: ha)")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help=f"default: {OUTPUT_DIR}")
    parser.add_argument("hosts", nargs="*", metavar="HOST", help="default: every host with jobs in the lab baseline")
    options = parser.parse_args(argv)
    jobs = load_jobs()
    all_hosts = list(dict.fromkeys(job.host for job in jobs))
    violations: list[str] = []
    try:
        lab = running_lab(options.prefix)
        hosts = options.hosts or all_hosts
        missing = [host for host in hosts if host not in lab.booted_hosts]
        missing += [host for job in jobs if job.host in hosts and job.remote for host in [job.remote[0]]
                    if host not in lab.booted_hosts]
        if missing:
            raise LabError(
                f"not booted in lab {options.prefix!r}: {', '.join(dict.fromkeys(missing))} "
                f"(python -m tests.lab --prefix={options.prefix} up {' '.join(hosts)})"
            )
        for host in hosts:
            print(f"{host}:")
            lines, found = capture_host(lab, host, [job for job in jobs if job.host == host], options.output / host)
            print("\n".join(lines))
            violations += found
    except LabError as error:
        print(f"capture: error: {error}", file=sys.stderr)
        return 1
    for leak in build_machine_mentions(options.output):
        print(f"capture: warning: {leak}", file=sys.stderr)
    for violation in violations:
        print(f"capture: not read-only: {violation}", file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
