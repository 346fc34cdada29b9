"""Running the audit as an operator does, in the lab's network namespace, and reading its outputs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tests.expectations import EXPECTED
from tests.lab.snapshot import diff, snapshot

REPO = Path(__file__).resolve().parent.parent
LAB_BASELINE = Path(__file__).resolve().parent / "data" / "lab-baseline.yaml"
# Each booted host over one of the two SSH transports (ssh-weak's PAM delay makes
# every OpenSSH connection to it take seconds; paramiko skips that round).
TRANSPORTS = {
    "hardened": "ssh", "ssh-weak": "paramiko", "fw-iptables": "paramiko", "fw-ufw": "ssh",
    "fw-firewalld": "paramiko", "fw-none": "paramiko", "fw-accept-all": "paramiko",
    "backup-server": "paramiko", "bak-weak": "ssh", "bak-borg-weak": "paramiko", "acc-weak": "paramiko",
    "krn-weak": "paramiko", "fs-weak": "paramiko", "svc-weak": "ssh", "apt-mirror": "paramiko",
    "pat-weak": "ssh", "pat-stale": "paramiko", "log-server": "paramiko", "log-weak": "paramiko",
    "log-udp": "ssh",
}
# Repositories the upper-dir snapshots cannot see (a tmpfs inside the host).
TMPFS_REPOSITORIES = {"bak-borg-weak": "/mnt/backup"}


def run_audit(lab, tmp_path: Path, hosts: str, *extra: str, ssh_config: Path | None = None,
              baseline: Path = LAB_BASELINE):
    """Run the suite in the lab namespace; return (exit status, results document, seconds)."""
    report_dir = tmp_path / "report"
    argv = [
        sys.executable, "-m", "pytest", f"--hosts={hosts}",
        f"--ssh-config={ssh_config or lab.ssh_config}", f"--baseline={baseline}",
        f"--report-dir={report_dir}", "-p", "no:randomly", *extra,
    ]
    started = time.monotonic()
    proc = lab.run_in_ns(argv, cwd=REPO, capture_output=True, text=True, timeout=600)
    elapsed = time.monotonic() - started
    results_file = report_dir / "results.json"
    assert results_file.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc, json.loads(results_file.read_text()), elapsed


def verdicts(document: dict, host: str) -> dict[str, str]:
    return {r["control"]: r["status"] for r in document["results"] if r["host"] == host}


def spec(name: str) -> str:
    return f"{TRANSPORTS[name]}://{name}"


def full_audit_run(lab, tmp: Path):
    """Every booted host, the whole catalog, with a snapshot of their disks around the audit.

    A host's cron runs its scheduled jobs at fixed times of day (rkhunter's daily run at 06:25, an
    archive job at 02:30): when one changed a host during the audit, the host's jobs are waited
    for and the audit is run again, so that the snapshots show what the audit alone did."""
    for attempt in (1, 2):
        since = f"@{int(time.time())}"
        before = {name: snapshot(lab.upper_dir(name)) for name in EXPECTED}
        before_tmpfs = {name: tmpfs_listing(lab, name, path) for name, path in TMPFS_REPOSITORIES.items()}
        proc, document, _ = run_audit(lab, tmp, ",".join(spec(name) for name in EXPECTED), "--sudo")
        after = {name: snapshot(lab.upper_dir(name)) for name in EXPECTED}
        after_tmpfs = {name: tmpfs_listing(lab, name, path) for name, path in TMPFS_REPOSITORIES.items()}
        for name in TMPFS_REPOSITORIES:
            before[f"{name} tmpfs"], after[f"{name} tmpfs"] = before_tmpfs[name], after_tmpfs[name]
        scheduled = [name for name in EXPECTED if diff(before[name], after[name]) and cron_jobs_since(lab, name, since)]
        if not scheduled or attempt == 2:
            return proc, document, tmp / "report", before, after
        for name in scheduled:
            wait_for_cron_jobs(lab, name)


def cron_jobs_since(lab, name: str, since: str) -> list[str]:
    """The commands cron started on a host since then (its CMD lines in the host's journal)."""
    out = lab.exec(name, ["journalctl", "-q", "--no-pager", "-o", "cat", "SYSLOG_IDENTIFIER=CRON", "--since", since])
    return [line for line in out.stdout.splitlines() if "CMD (" in line]


def wait_for_cron_jobs(lab, name: str) -> None:
    """Until no job cron started is still running on the host."""
    wait_until_none_runs(lab, name, ["sh", "-c", "pgrep -P \"$(pgrep -x cron | head -n 1)\""], "cron jobs", 300)


def wait_until_none_runs(lab, name: str, pgrep: list[str], what: str, seconds: float) -> None:
    """Until the host's processes that this pgrep command finds have all exited."""
    deadline = time.monotonic() + seconds
    while lab.exec(name, pgrep).returncode == 0:
        assert time.monotonic() < deadline, f"{what} still running on {name} after {seconds} s"
        time.sleep(0.5)


def tmpfs_listing(lab, name: str, path: str) -> str:
    """Every file under a path inside the host with size, mode and modification time."""
    out = lab.exec(name, ["find", path, "-printf", "%p %s %m %T@\\n"])
    assert out.returncode == 0 and out.stdout.strip(), out.stderr
    return out.stdout
