"""Fleets over the lab: --shard K/N (three runners audit the booted hosts between them, each host
once, and the report's merge joins their results into one) and hosts from Ansible inventories."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.audit_runs import REPO, run_audit, spec, verdicts, wait_until_none_runs
from tests.expectations import EXPECTED

CONTROLS = "--controls=SSH-01,FW-01,ACC-01"


def test_three_shards_audit_the_lab_between_them_and_merge_into_one_report(lab, tmp_path):
    fleet = [spec(name) for name in sorted(EXPECTED, reverse=True)]  # the order given does not matter
    shards = []
    for index in (1, 2, 3):
        # The last runner also audits its shard with two workers: they audit the hosts it selected.
        workers = ["--numprocesses=2"] if index == 3 else []
        proc, document, _ = run_audit(lab, tmp_path / f"shard-{index}", ",".join(fleet), "--sudo", CONTROLS,
                                      f"--shard={index}/3", *workers)
        assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
        hosts = [h["host"] for h in document["hosts"]]
        assert f"shard {index}/3: {len(hosts)} of {len(fleet)} hosts" in proc.stdout
        assert all(len([r for r in document["results"] if r["host"] == host]) == 3 for host in hosts)
        shards.append(hosts)
    every = [host for hosts in shards for host in hosts]
    assert sorted(every) == sorted(fleet), "each host in exactly one shard"
    assert max(map(len, shards)) - min(map(len, shards)) <= 1
    by_name = sorted(fleet, key=lambda s: s.split("://")[1])
    assert sorted(shards[0]) == sorted(by_name[0::3])

    merged_dir = tmp_path / "merged"
    proc = subprocess.run([sys.executable, "-m", "hardening_audit.report", "render", "-o", str(merged_dir),
                           *(str(tmp_path / f"shard-{index}" / "report" / "results.json") for index in (1, 2, 3))],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    merged = json.loads((merged_dir / "results.json").read_text())
    assert sorted(h["host"] for h in merged["hosts"]) == sorted(fleet)
    assert len(merged["results"]) == 3 * len(fleet) and len(merged["run"]["sources"]) == 3
    assert (merged_dir / "compliance.html").is_file()


# Lab hosts under names of their own, reached by address: the ssh_config knows none of these names.
INVENTORY_ALIASES = {"edge-1": "hardened", "edge-2": "ssh-weak", "store-1": "fs-weak"}


def _inventories(lab) -> dict[str, str]:
    address = {alias: lab.address(name) for alias, name in INVENTORY_ALIASES.items()}
    ini = ("[edge]\n"
           + "".join(f"{alias} ansible_host={address[alias]}\n" for alias in ("edge-1", "edge-2"))
           + f"[store]\nstore-1 ansible_host={address['store-1']} ansible_port=22\n"
           + "[lab:children]\nedge\nstore\n[lab:vars]\nansible_user=auditor\n")
    yml = ("all:\n  children:\n    lab:\n      vars: {ansible_user: auditor}\n      children:\n"
           "        edge:\n          hosts:\n"
           + "".join(f"            {alias}: {{ansible_host: {address[alias]}}}\n" for alias in ("edge-1", "edge-2"))
           + f"        store:\n          hosts:\n            store-1: {{ansible_host: {address['store-1']}}}\n")
    return {"hosts.ini": ini, "hosts.yml": yml}


@pytest.mark.parametrize("inventory", ["hosts.ini", "hosts.yml"])
def test_ansible_inventory_hosts_are_audited_by_their_inventory_names(lab, tmp_path, inventory):
    path = tmp_path / inventory
    path.write_text(_inventories(lab)[inventory])
    # Only what every host shares: no Host entry names the inventory's hosts.
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text(f"Host *\n    IdentityFile {lab.identity_file}\n    UserKnownHostsFile {lab.known_hosts}\n"
                          "    IdentitiesOnly yes\n")
    proc, document, _ = run_audit(lab, tmp_path, "", "--sudo", "--controls=SSH-01,FS-01", f"--inventory={path}",
                                  "--limit=lab:!edge-1", ssh_config=ssh_config)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    hosts = {h["host"]: h["hostname"] for h in document["hosts"]}
    assert hosts == {"paramiko://edge-2": "ssh-weak", "paramiko://store-1": "fs-weak"}
    assert verdicts(document, "paramiko://edge-2") == {"SSH-01": "fail", "FS-01": "pass"}
    assert verdicts(document, "paramiko://store-1") == {"SSH-01": "fail", "FS-01": "fail"}  # Debian's prohibit-password


def test_a_bad_inventory_or_limit_is_refused_in_one_line(tmp_path):
    path = tmp_path / "hosts.ini"
    path.write_text("[edge]\nedge-1 ansible_port=twenty-two\n")
    for argv, message in (([f"--inventory={path}"], f"{path}: edge-1: ansible_port: expected a number, found 'twenty-two'"),
                          (["--limit=web"], "--limit selects hosts of an --inventory: give the inventory file")):
        proc = subprocess.run([sys.executable, "-m", "pytest", *argv, f"--report-dir={tmp_path}"], cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 4 and proc.stderr.strip() == f"ERROR: {message}"


@pytest.mark.parametrize("transport", ["ssh", "paramiko"])
def test_a_hung_or_unreachable_host_costs_only_its_own_results_in_a_parallel_run(lab, tmp_path, transport):
    """backup-server hangs (every process frozen): connecting to it overruns --connect-timeout, and
    hardened's backup tools, which read their repositories on it, overrun --command-timeout (over
    each transport: a local ssh process killed, a paramiko channel abandoned). A closed port is
    refused at once. The other hosts are judged as usual, with a line each."""
    hung, waiting, healthy = spec("backup-server"), f"{transport}://hardened", [spec("fs-weak"), spec("ssh-weak")]
    refused = "paramiko://log-server"  # given on a port nothing listens on; its ID leaves the port out
    given = [hung, waiting, f"{refused}:2222", *healthy]
    hosts = [hung, waiting, refused, *healthy]
    try:
        with lab.frozen("backup-server"):
            proc, document, _ = run_audit(lab, tmp_path, ",".join(given),
                                          "--sudo", "--numprocesses=2",
                                          "--controls=SSH-01,FS-01,BAK-0*", "--connect-timeout=3",
                                          "--command-timeout=6")
    finally:
        # The abandoned backup tools give up by themselves (their ssh has ConnectTimeout 10).
        wait_until_none_runs(lab, "hardened", ["pgrep", "-f", "restic|borg"], "restic|borg", 60)
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]

    def messages(host: str) -> set[str]:
        return {r["message"] for r in document["results"] if r["host"] == host and r["status"] == "error"}

    assert set(verdicts(document, hung).values()) == {"error"}
    (reason,) = messages(hung)
    assert re.fullmatch(r"host unreachable: \S+ port 22 accepted the connection but did not complete the SSH "
                        r"login within \d+ s \(--connect-timeout\)", reason), reason
    assert set(verdicts(document, refused).values()) == {"error"}
    assert messages(refused) == {"host unreachable: [Errno 111] Connection refused"}
    # hardened's other facts are read before its backup tools run: only the backup controls error.
    assert messages(waiting) == {"host timed out: a command ran longer than 6 s (--command-timeout)"}
    judged = verdicts(document, waiting)
    assert {c: s for c, s in judged.items() if not c.startswith("BAK")} == {"SSH-01": "pass", "FS-01": "pass"}
    assert judged["BAK-02"] == "error"
    for host in healthy:
        name = host.split("://")[1]
        expected = {control: EXPECTED[name][control] for control in verdicts(document, host)}
        assert verdicts(document, host) == expected, host

    done = re.findall(r"^\[(\d+)/5 hosts\] (\S+) done in [\d.]+ s: pass \d+  fail \d+  n/a \d+  waived 0  "
                      r"error (\d+)$", proc.stdout, re.M)
    assert sorted(int(n) for n, _, _ in done) == [1, 2, 3, 4, 5]
    assert {host: int(errors) for _, host, errors in done} == {
        host: list(verdicts(document, host).values()).count("error") for host in hosts}
