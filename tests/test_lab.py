"""Self-tests of the lab itself: hosts reachable, keys right, teardown complete."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import testinfra

from tests.lab import HOSTS, Lab, LabError
from tests.lab.scenarios import all_scenarios
from tests.lab.snapshot import diff, snapshot

# Paramiko the way the audit will use it: ssh_config for name, user and key,
# the lab's known_hosts, and unknown host keys rejected.
PARAMIKO_LOGIN = """
import sys, paramiko
ssh_config, known_hosts, host = sys.argv[1:4]
config = paramiko.SSHConfig.from_path(ssh_config).lookup(host)
client = paramiko.SSHClient()
client.load_host_keys(known_hosts)
client.set_missing_host_key_policy(paramiko.RejectPolicy())
client.connect(config["hostname"], username=config["user"], key_filename=config["identityfile"][0],
               timeout=float(config["connecttimeout"]), look_for_keys=False, allow_agent=False)
print(client.exec_command("hostname")[1].read().decode().strip())
"""


def ssh(lab: Lab, host: str, *command: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return lab.run_in_ns(["ssh", "-F", str(lab.ssh_config), *extra, host, *command], timeout=60)


def test_every_booted_host_answers_ssh(lab):
    assert lab.booted_hosts, "the lab defines no booted host"
    for host in lab.booted_hosts:
        result = ssh(lab, host, "hostname")
        assert result.returncode == 0, f"{host}: {result.stderr}"
        assert result.stdout.strip() == host


def test_audit_user_has_passwordless_sudo_and_no_special_group(lab):
    for host in lab.booted_hosts:
        result = ssh(lab, host, "id -Gn; sudo -n id -u")
        assert result.returncode == 0, f"{host}: {result.stderr}"
        groups, root_uid = result.stdout.split("\n")[:2]
        assert groups.split() == ["auditor"]
        assert root_uid == "0"
        assert result.stderr == "", f"{host} pollutes stderr: {result.stderr}"


def test_each_host_has_its_own_host_keys(lab):
    seen: dict[str, str] = {}
    for host in lab.booted_hosts:
        for public_key in (lab.root(host) / "etc/ssh").glob("ssh_host_*_key.pub"):
            key = public_key.read_text().split()[1]
            assert key not in seen, f"{host} shares {public_key.name} with {seen.get(key)}"
            seen[key] = host
    assert seen


def test_known_hosts_lists_every_host_by_name_and_address(lab):
    for host in lab.booted_hosts:
        for name in (host, lab.address(host)):
            found = subprocess.run(
                ["ssh-keygen", "-F", name, "-f", str(lab.known_hosts)], capture_output=True, text=True
            )
            assert found.returncode == 0, f"{name} missing from known_hosts"


def test_strict_host_key_checking_rejects_a_host_not_in_known_hosts(lab, tmp_path):
    empty_known_hosts = tmp_path / "known_hosts"
    empty_known_hosts.write_text("")
    host = lab.booted_hosts[0]
    result = ssh(lab, host, "true", extra=("-o", f"UserKnownHostsFile={empty_known_hosts}", "-o", "LogLevel=ERROR"))
    assert result.returncode == 255
    assert "Host key verification failed" in result.stderr
    # ...and the lab's own known_hosts is what makes the normal login pass.
    assert ssh(lab, host, "true").returncode == 0


def test_paramiko_connects_with_the_lab_files(lab):
    for host in lab.booted_hosts:
        result = lab.run_in_ns(
            [sys.executable, "-c", PARAMIKO_LOGIN, str(lab.ssh_config), str(lab.known_hosts), host], timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == host


def test_unreachable_host_fails_fast(lab):
    started = time.monotonic()
    result = ssh(lab, "unreachable", "true")
    elapsed = time.monotonic() - started
    assert result.returncode == 255
    assert elapsed < 10, f"took {elapsed:.1f} s"


def test_exec_runs_inside_the_booted_host(lab):
    result = lab.exec("hardened", ["sh", "-c", "hostname; cat /proc/1/comm; id -u"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["hardened", "systemd", "0"]
    running = lab.exec("hardened", ["systemctl", "is-system-running"])
    assert running.stdout.strip() == "running", lab.exec("hardened", ["systemctl", "--failed"]).stdout


@pytest.mark.parametrize(
    ("host", "expected"), [("hardened", "permitrootlogin no"), ("ssh-weak", "permitrootlogin yes")]
)
def test_sshd_effective_config_matches_the_scenario(lab, host, expected):
    result = lab.exec(host, ["sshd", "-T"])
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout.splitlines()


def test_hosts_keep_their_preconfigured_address(lab):
    for host in lab.booted_hosts:
        result = lab.exec(host, ["ip", "-o", "-4", "addr", "show", "dev", "eth0"])
        assert f"inet {lab.address(host)}/24" in result.stdout


def test_image_only_host_is_prepared_but_not_booted(lab):
    root = lab.root("no-sshd")
    assert (root / "etc/passwd").is_file()
    assert not (root / "usr/sbin/sshd").exists()
    assert "auditor:" in (root / "etc/passwd").read_text()
    with pytest.raises(LabError):
        lab.address("no-sshd")
    # As the audit will reach it: testinfra's chroot backend (--connection=chroot --hosts=ROOT).
    host = testinfra.get_host(str(root), connection="chroot")
    assert not host.package("openssh-server").is_installed
    assert host.user("auditor").exists


def test_ssh_audit_leaves_the_host_unchanged(lab):
    host = "hardened"
    before = snapshot(lab.root(host))
    for command in (
        "cat /etc/os-release",
        "sudo -n sshd -T",
        "sudo -n cat /etc/shadow",
        "ls -la /etc/ssh",
        "sudo -n ss -tlnp",
    ):
        assert ssh(lab, host, command).returncode == 0, command
    after = snapshot(lab.root(host))
    assert diff(before, after) == []


def test_hardened_forwards_its_logs_to_the_log_server(lab):
    """log/hardened: rsyslog on hardened forwards over TCP; log/server files it under /var/log/remote/<host>/."""
    marker = str(uuid.uuid4())
    logged = lab.exec("hardened", ["logger", "-t", "lab-forward-test", marker])
    assert logged.returncode == 0, logged.stderr
    deadline = time.monotonic() + 15
    while True:
        found = lab.exec("log-server", ["grep", "-rF", marker, "/var/log/remote"])
        if found.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert found.returncode == 0, f"not on log-server after 15 s: {found.stderr}"
    path, _, line = found.stdout.strip().partition(":")
    assert path == "/var/log/remote/hardened/syslog.log"
    assert " hardened lab-forward-test: " in line


def test_host_definitions_and_scenario_headers_are_valid():
    for scenario in all_scenarios():
        assert scenario.state in ("pass", "fail"), scenario.name
        assert scenario.description, f"{scenario.name}: first comment line should say what state it sets"
    names = [spec.name for spec in HOSTS]
    assert len(names) == len(set(names))
    for spec in HOSTS:
        # Host names become hostnames, machine names and netns names.
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", spec.name), spec.name
        spec.all_scenarios()  # every scenario file exists and parses


def test_snapshot_diff_reports_changes(tmp_path):
    (tmp_path / "kept").write_text("same")
    (tmp_path / "edited").write_text("one")
    (tmp_path / "gone").write_text("x")
    (tmp_path / "tmp").mkdir()
    before = snapshot(tmp_path)
    (tmp_path / "edited").write_text("two")
    (tmp_path / "edited").chmod(0o600)
    (tmp_path / "gone").unlink()
    (tmp_path / "new").symlink_to("kept")
    (tmp_path / "tmp" / "scratch").write_text("volatile")
    assert diff(before, snapshot(tmp_path)) == [
        "changed edited (mode 0644->0600, content)",
        "removed gone",
        "added new",
    ]


def test_down_leaves_nothing_behind():
    """A lab of its own (other prefix), so the session lab is untouched."""
    lab = Lab(hosts=["hardened", "no-sshd"], prefix="hatest")
    try:
        lab.up()
        assert lab.run_in_ns(["ssh", "-F", str(lab.ssh_config), "hardened", "true"]).returncode == 0
        runtime = lab.directory
        lab.down()
        assert lab.leftover_report() == []
        namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert "hatest-" not in namespaces
        mounts = Path("/proc/self/mountinfo").read_text()
        assert str(runtime) not in mounts
        processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        assert "--machine hatest-" not in processes
        lab.down()  # safe twice
    finally:
        lab.down()
