"""Backups: a recent, complete, restorable, protected backup exists.

The baseline declares each backup job (tool, repository, secrets, paths,
schedule); every check judges every declared job and names the job in its
message. Repository commands are read-only (restic --no-lock --no-cache,
borg --bypass-lock with a throw-away cache).
"""

from hardening_audit.controls import control
from hardening_audit.facts.backups import Job
from hardening_audit.judge import describe, excess_permissions
from hardening_audit.outcomes import NotApplicable

NO_JOB = "no backup job declared"


def _jobs(baseline):
    jobs = Job.declared(baseline.backups)
    if not jobs:
        raise NotApplicable(NO_JOB)
    return jobs


def _assert_every_job(jobs, finding):
    """finding(job) names what is wrong with one job, or returns nothing when the job complies."""
    problems = [problem for problem in map(finding, jobs) if problem]
    assert not problems, "; ".join(problems)


@control(
    "BAK-01", title="Each backup job is scheduled often enough", severity="high", level=1,
    seed=["automatic back-up"],
    remediation="Enable the job's timer (systemctl enable --now NAME.timer) with an OnCalendar at least as "
    "frequent as the baseline's max_interval_hours, or add the job to a crontab cron runs.",
)
def test_bak_01_scheduled(facts, baseline):
    """A backup that depends on someone remembering to run it stops being made.
    The timer must be enabled (or the cron entry present with cron enabled),
    and the longest gap between two of its runs (systemd-analyze calendar
    over eight iterations, or the cron fields) at most max_interval_hours.
    Without declared jobs the control fails when backups.required is true."""
    if not baseline.backups.jobs:
        assert not baseline.backups.required, "expected at least one backup job (backups.required), found none declared"
        raise NotApplicable(NO_JOB)
    def finding(job):
        schedule = facts.of("backup_schedule", job)
        if not schedule.enabled:
            return f"job '{job.name}': {schedule.source} is {schedule.state}"
        if schedule.interval_hours is None:
            return f"job '{job.name}': the interval of {schedule.source} cannot be determined"
        if schedule.interval_hours > job.max_interval_hours:
            return (f"job '{job.name}': {schedule.source} runs every {schedule.interval_hours:g} h "
                    f"(max {job.max_interval_hours} h)")

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-02", title="The newest backup is younger than its maximum age", severity="high", level=1,
    runtime=True,
    remediation="Find why the job stopped (journalctl -u NAME.service), fix it and run it once by hand.",
)
def test_bak_02_recent(facts, baseline):
    """A schedule proves intent, a fresh backup proves it works: what would be
    lost in an incident is everything since the newest backup. The age is
    measured with the host's own clock."""
    now, _ = facts.host_clock

    def finding(job):
        snapshots = facts.of("backup_snapshots", job)
        if not snapshots:
            return f"job '{job.name}' has no backup in {job.repository}"
        age = (now - snapshots[-1].time).total_seconds() / 3600
        if age > job.max_age_hours:
            return f"newest {job.tool} backup of job '{job.name}' is {age:.0f} h old (max {job.max_age_hours} h)"

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-03", title="The newest backup covers every required path", severity="high", level=1,
    runtime=True,
    remediation="Add the missing paths to the job's backup command and run it.",
)
def test_bak_03_complete(facts, baseline):
    """A backup that silently lost a directory (a changed include list, a new
    data location) fails exactly when it is needed. Each required path must be
    in the newest backup itself, not only in an older one."""
    def finding(job):
        missing = [path for path, present in facts.of("backup_newest_paths", job).items() if not present]
        if missing:
            return f"newest backup of job '{job.name}' lacks {', '.join(missing)}"

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-04", title="The repository passes the tool's integrity check", severity="medium", level=1,
    runtime=True,
    remediation="Run the tool's repair as its documentation says (restic repair / borg check --repair) and "
    "make a new backup; find the cause (disk, network, concurrent writers).",
)
def test_bak_04_integrity(facts, baseline):
    """Corruption in a repository is found at restore time unless it is looked
    for. restic check verifies the repository's structure (with backups.verify:
    data it also reads back every stored pack). For borg, whose check writes to
    the repository, the newest archive is extracted in dry-run mode, which
    reads and authenticates every chunk it references."""
    verify_data = Job.integrity_reads_data(baseline.backups)

    def finding(job):
        passed, summary = facts.of("backup_integrity", job, verify_data)
        if not passed:
            return f"integrity check of job '{job.name}' failed: {summary}"

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-05", title="A restore works", severity="medium", level=2,
    runtime=True,
    remediation="Set restore_probe to a file the job backs up; investigate the repository if it cannot be read.",
)
def test_bak_05_restore(facts, baseline):
    """The only proof that a backup can be restored is a restore. The probe
    file is read back from the newest backup (only its size and SHA-256 are
    kept as evidence, never its content) and must be non-empty; with
    restore_static it must equal the live file."""
    jobs = [job for job in _jobs(baseline) if job.restore_probe]
    if not jobs:
        raise NotApplicable("no job declares a restore_probe")
    def finding(job):
        restored, live = facts.of("backup_restore", job)
        if restored.startswith("0 bytes"):
            return f"job '{job.name}': {job.restore_probe} restored empty"
        if live is not None and live != restored:
            return f"job '{job.name}': restored {job.restore_probe} ({restored}) differs from the live file ({live})"

    _assert_every_job(jobs, finding)


@control(
    "BAK-06", title="Backups are encrypted at rest", severity="high", level=1,
    runtime=True,
    remediation="Create a new repository with encryption (borg init --encryption=repokey-blake2; restic always "
    "encrypts) and move the job to it; for plain archives use an encrypting destination.",
)
def test_bak_06_encrypted(facts, baseline):
    """A backup holds every secret of the host; on a disk, a tape or a backup
    server it must not be readable without the key. borg's none and
    authenticated modes do not encrypt."""
    def finding(job):
        mode = facts.of("backup_encryption", job)
        if mode in ("none", "authenticated", "authenticated-blake2") or mode.startswith("none "):
            return f"job '{job.name}': repository encryption is {mode}"

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-07", title="The repository is not on the filesystem it protects", severity="medium", level=1,
    runtime=True,
    remediation="Send the backup to another host (sftp:, ssh://, rest:, s3:) or at least another disk.",
)
def test_bak_07_separate(facts, baseline):
    """A backup on the same filesystem as its data dies with it: disk failure,
    ransomware, an rm -rf. A remote repository passes; a local one must be on
    a different filesystem (device) than every path it protects."""
    def finding(job):
        if job.local_repository is None:
            return None
        devices = facts.of("backup_devices", job)
        repository = devices[job.local_repository]
        shared = [p for p in job.paths if devices.get(p) == repository]
        if shared:
            return (f"job '{job.name}': repository {job.local_repository} is on the same filesystem "
                    f"({repository.split()[1]}) as {', '.join(shared)}")

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-08", title="Repository files and backup secrets are root-only", severity="high", level=1,
    remediation="chown root:root and chmod 0600 the password and environment files (0700 for directories); "
    "the same for a local repository's top level.",
)
def test_bak_08_protected(facts, baseline):
    """Whoever reads the password file can read, and usually delete, every
    backup; whoever writes the repository can poison it. Each must belong to
    root and give group and others no access at all."""
    def finding(job):
        exposed = [describe(stat) for stat in facts.of("backup_secrets", job)
                   if stat.owner != "root" or excess_permissions(stat, 0o700 if stat.kind == "d" else 0o600)]
        if exposed:
            return f"job '{job.name}': expected root-owned, group/other without access, found {'; '.join(exposed)}"

    _assert_every_job(_jobs(baseline), finding)


@control(
    "BAK-09", title="The last scheduled run succeeded", severity="medium", level=1,
    runtime=True,
    remediation="Read the failure (journalctl -u NAME.service), fix it and run the service again.",
)
def test_bak_09_last_run(facts, baseline):
    """A failing job produces no backup while its timer still looks healthy.
    Read from systemd: the service's Result and main exit status; a service
    that never ran fails too. Jobs run by cron have no recorded result."""
    jobs = [job for job in _jobs(baseline) if job.unit is not None]
    if not jobs:
        raise NotApplicable("every job runs from cron, which records no result")

    def finding(job):
        run = facts.of("backup_last_run", job)
        if not run.finished:
            return f"job '{job.name}': {run.unit} never ran"
        if run.result != "success" or run.exit_status != "0":
            return (f"job '{job.name}': last run of {run.unit} ended with {run.result} "
                    f"(exit status {run.exit_status}) at {run.finished}")

    _assert_every_job(jobs, finding)


RETENTION_STEP = {"restic": "forget", "borg": "prune", "archive": "-delete"}


@control(
    "BAK-10", title="A retention policy is applied", severity="low", level=2,
    remediation="Add `restic forget --keep-daily 7 --keep-weekly 4 --prune` (or `borg prune --keep-daily 7 "
    "--keep-weekly 4` then `borg compact`) to the job.",
)
def test_bak_10_retention(facts, baseline):
    """Without retention a repository grows until it fills its disk, and the
    job fails on the day it is needed. Read as the job's own commands: its
    unit (and the scripts its ExecStart runs) or its cron line must call the
    tool's forget/prune step."""
    def finding(job):
        step = RETENTION_STEP[job.tool]
        if step not in facts.of("backup_job_definition", job):
            return f"job '{job.name}' runs no {step} step"

    _assert_every_job(_jobs(baseline), finding)
