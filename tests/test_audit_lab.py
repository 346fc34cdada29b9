"""The audit suite, run as an operator runs it, against every lab host.

Each test starts ``pytest`` in the lab network namespace with ``--hosts`` and
reads the verdicts back from ``results.json``.
"""

from __future__ import annotations

import html
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.audit_runs import LAB_BASELINE, REPO, TMPFS_REPOSITORIES, TRANSPORTS, run_audit, spec, verdicts
from tests.expectations import EXPECTED
from tests.lab.snapshot import diff

def test_every_booted_lab_host_is_expected():
    assert set(EXPECTED) == set(TRANSPORTS)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_control_has_its_expected_verdict(full_audit, name):
    _, document, *_ = full_audit
    found = verdicts(document, spec(name))
    assert found == EXPECTED[name], {c: (found.get(c), s) for c, s in EXPECTED[name].items() if found.get(c) != s}


def test_exit_status_is_1_when_a_control_fails(full_audit):
    proc, *_ = full_audit
    assert proc.returncode == 1, proc.stdout[-2000:]


def test_failures_state_expected_and_found_with_evidence(full_audit):
    _, document, *_ = full_audit
    weak = {r["control"]: r for r in document["results"] if r["host"] == "paramiko://ssh-weak"}
    assert weak["SSH-01"]["message"] == "PermitRootLogin expected no or stricter, found yes"
    assert weak["SSH-07"]["message"] == "MaxAuthTries expected at most 4, found 10"
    assert "ssh_host_rsa1024_key (RSA 1024 bits)" in weak["SSH-18"]["message"]
    assert "0666" in weak["SSH-14"]["message"]
    for result in weak.values():
        if result["domain"] == "ssh":
            assert any(" -T -C user=root" in e["command"] for e in result["evidence"]), result["control"]
        assert result["evidence"] or result["status"] == "not_applicable", result["control"]
        assert "PRIVATE KEY-----\n" not in json.dumps(result)


def test_firewall_messages_name_the_offending_port_or_rule(full_audit):
    _, document, *_ = full_audit
    messages = {(r["host"], r["control"]): r["message"] for r in document["results"]}
    assert messages[spec("fw-none"), "FW-08"] == (
        "tcp/8080 is listening on * (process busybox) but not in firewall.allowed_inbound")
    assert messages[spec("fw-accept-all"), "FW-09"] == (
        "'ct state new accept' in ip extra input accepts new traffic to any port")
    assert "udp/5353, not in firewall.allowed_inbound" in messages[spec("fw-ufw"), "FW-09"]
    assert messages[spec("fw-iptables"), "FW-04"] == "IPv6 inbound default expected drop or reject, found accept"
    assert messages[spec("fw-accept-all"), "FW-02"] == (
        "expected exactly one firewall manager enabled at boot, found nftables (nftables.service), "
        "iptables-persistent (netfilter-persistent.service)")
    assert messages[spec("fw-none"), "FW-01"].startswith("expected a firewall manager")


def test_host_entries_name_the_system(full_audit):
    _, document, *_ = full_audit
    hosts = {h["host"]: h for h in document["hosts"]}
    assert set(hosts) == {spec(name) for name in EXPECTED}
    judged = [v for v in EXPECTED["hardened"].values() if v in ("pass", "fail", "error")]
    assert hosts["ssh://hardened"]["score"] == round(100 * judged.count("pass") / len(judged))
    assert hosts["ssh://hardened"]["hostname"] == "hardened"
    assert "Debian" in hosts["paramiko://ssh-weak"]["os"]
    for name, expected in EXPECTED.items():
        assert hosts[spec(name)]["counts"]["fail"] == list(expected.values()).count("fail"), name


def test_html_json_and_junit_agree(full_audit):
    _, document, report_dir, *_ = full_audit
    from_json = sorted((r["host"], r["control"], r["status"]) for r in document["results"])

    junit = ET.parse(report_dir / "junit.xml").getroot()
    from_junit = sorted(
        (props["host"], props["control"], props["status"])
        for case in junit.iter("testcase")
        for props in [{p.get("name"): p.get("value") for p in case.iter("property")}]
    )
    assert from_junit == from_json
    # One suite per host, named after it; each case named by its control, severity and title.
    for suite in junit.iter("testsuite"):
        hosts = {p.get("value") for p in suite.iter("property") if p.get("name") == "host"}
        assert suite.get("name") == f"hardening-audit {hosts.pop()}" and not hosts
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
    case = next(c for c in junit.iter("testcase") if c.get("classname") == "paramiko://ssh-weak.ssh"
                and c.get("name").startswith("SSH-01 "))
    assert case.get("name") == "SSH-01 [high] Root cannot log in over SSH"
    assert case.find("failure").get("message").startswith("fail: PermitRootLogin expected no")

    rows = [
        tuple(_cell(row, column) for column in ("host", "control", "status"))
        for row in html_result_rows(report_dir / "compliance.html")
    ]
    assert sorted(rows) == from_json


def html_result_rows(path: Path) -> list[list[str]]:
    """The result table rows pytest-html embeds as JSON in its self-contained page."""
    blob = re.search(r'data-jsonblob="([^"]*)"', path.read_text()).group(1)
    data = json.loads(html.unescape(blob))
    return [entry["resultsTableRow"] for entries in data["tests"].values() for entry in entries]


def _cell(row: list[str], column: str) -> str:
    for cell in row:
        match = re.match(rf'<td class="col-{column}[" ][^>]*data-value="([^"]*)"', cell)
        if match:
            return html.unescape(match.group(1))
    raise AssertionError(f"no {column} cell in {row}")


def test_audit_changes_nothing_on_the_hosts(full_audit):
    """Nothing changes on any host, backup-server's repositories included, nor in tmpfs repositories."""
    *_, before, after = full_audit
    for name in EXPECTED:
        assert diff(before[name], after[name]) == [], name
    for name in TMPFS_REPOSITORIES:
        assert before[f"{name} tmpfs"] == after[f"{name} tmpfs"], name


def test_without_root_root_only_facts_report_needs_root(lab, tmp_path):
    """No control passes on evidence it could not read: SSH and firewall state need root."""
    proc, document, _ = run_audit(lab, tmp_path, "paramiko://hardened", "--controls=SSH-01,SSH-14,FW-0*")
    results = {r["control"]: r for r in document["results"]}
    assert sorted(results) == ["FW-01", "FW-02", "FW-03", "FW-04", "FW-05", "FW-06", "FW-07", "FW-08", "FW-09",
                               "SSH-01", "SSH-14"]
    for control, result in results.items():
        assert result["status"] == "error", (control, result)
        assert result["message"].startswith("needs root: connected as uid "), (control, result)
    assert proc.returncode == 1


def test_unreachable_host_costs_one_timeout_and_spares_the_others(lab, tmp_path):
    _, alone, alone_seconds = run_audit(lab, tmp_path / "alone", "paramiko://hardened", "--sudo")
    proc, document, seconds = run_audit(
        lab, tmp_path / "mixed", "paramiko://hardened,paramiko://unreachable,ssh://unreachable", "--sudo"
    )
    assert verdicts(document, "paramiko://hardened") == verdicts(alone, "paramiko://hardened")
    for unreachable in ("paramiko://unreachable", "ssh://unreachable"):
        results = [r for r in document["results"] if r["host"] == unreachable]
        assert len(results) == len(EXPECTED["hardened"])
        assert {r["status"] for r in results} == {"error"}
        assert len({r["message"] for r in results}) == 1
        assert results[0]["message"].startswith("host unreachable: ")
    # Two unreachable hosts, one connection timeout each (ConnectTimeout 5 in the lab's
    # ssh_config), never one per control: 18 timeouts would take 90 s per host.
    assert seconds - alone_seconds < 2 * 3 * 5, (seconds, alone_seconds)
    assert proc.returncode == 1


def test_mismatching_host_key_is_refused(lab, tmp_path):
    """known_hosts that records another host's key for 'hardened' makes the audit refuse it."""
    hardened = lab.address("hardened")
    weak = lab.address("ssh-weak")
    lines = lab.known_hosts.read_text().splitlines()
    weak_keys = [line.split(" ", 1)[1] for line in lines if line.split(" ", 1)[0] == weak]
    forged = [line for line in lines if hardened not in line.split(" ", 1)[0].split(",")]
    forged += [f"{hardened} {key}" for key in weak_keys]
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text("\n".join(forged) + "\n")
    config = tmp_path / "ssh_config"
    config.write_text(lab.ssh_config.read_text().replace(str(lab.known_hosts), str(known_hosts)))
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened", "--sudo", "--controls=SSH-01",
                               ssh_config=config)
    (result,) = document["results"]
    assert result["status"] == "error"
    assert "does not match known_hosts" in result["message"], result["message"]


def test_host_without_ssh_server_is_not_applicable(lab, tmp_path):
    root = lab.root("no-sshd")
    report_dir = tmp_path / "report"
    proc = lab.run_in_ns(
        [sys.executable, "-m", "pytest", "--connection=chroot", f"--hosts={root}", f"--report-dir={report_dir}",
         "-m", "ssh"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    document = json.loads((report_dir / "results.json").read_text())
    assert {r["status"] for r in document["results"]} == {"not_applicable"}
    assert {r["message"] for r in document["results"]} == {"no SSH server installed (sshd not found)"}


def test_strict_baseline_selects_level_2_and_tighter_lists(lab, tmp_path):
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text("extends: strict\nssh:\n  allow_users: [auditor]\n")
    proc, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://ssh-weak", "--sudo",
                                  "--controls=SSH-04,SSH-05,SSH-10", baseline=strict)
    assert document["run"]["baseline"] == str(strict)
    assert verdicts(document, "paramiko://hardened") == {"SSH-04": "pass", "SSH-05": "pass", "SSH-10": "pass"}
    weak = {r["control"]: r for r in document["results"] if r["host"] == "paramiko://ssh-weak"}
    assert weak["SSH-10"]["message"].startswith("expected forwarding off, found X11Forwarding, AllowTcpForwarding")
    assert proc.returncode == 1


def test_level_2_firewall_controls_judge_admin_networks_and_egress(lab, tmp_path):
    level2 = tmp_path / "lab-level2.yaml"
    level2.write_text(
        "extends: strict\nfirewall:\n  admin_sources: [198.18.0.0/24]\n  egress: filtered\n"
    )
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://fw-accept-all,paramiko://fw-none",
                               "--sudo", "--controls=FW-10,FW-11", baseline=level2)
    assert verdicts(document, "paramiko://hardened") == {"FW-10": "pass", "FW-11": "pass"}
    assert verdicts(document, "paramiko://fw-accept-all") == {"FW-10": "fail", "FW-11": "fail"}
    assert verdicts(document, "paramiko://fw-none") == {"FW-10": "fail", "FW-11": "fail"}
    messages = {(r["host"], r["control"]): r["message"] for r in document["results"]}
    assert "'tcp dport 22 ct state new accept' in inet filter input admits any source" in messages[
        "paramiko://fw-accept-all", "FW-10"]
    assert messages["paramiko://fw-accept-all", "FW-11"].startswith("expected outbound denied by default")


def test_backup_messages_name_the_job_and_the_finding(full_audit):
    _, document, *_ = full_audit
    weak = {r["control"]: r["message"] for r in document["results"] if r["host"] == spec("bak-weak")}
    assert weak["BAK-01"] == "job 'etc': restic-etc.timer is missing"
    assert re.fullmatch(r"newest restic backup of job 'etc' is \d+ h old \(max 26 h\)", weak["BAK-02"])
    assert weak["BAK-03"] == "newest backup of job 'etc' lacks /root"
    assert weak["BAK-07"] == (
        "job 'etc': repository /var/backups/restic is on the same filesystem (/) as /etc, /root; "
        "job 'etc-archive': repository /var/backups/archive is on the same filesystem (/) as /etc/hostname")
    assert weak["BAK-06"] == "job 'etc-archive': repository encryption is none (plain archive files)"
    assert "/etc/restic/etc.password is 0644 root:root" in weak["BAK-08"]
    assert weak["BAK-09"].startswith("job 'etc': last run of restic-etc.service ended with exit-code")
    borg = {r["control"]: r["message"] for r in document["results"] if r["host"] == spec("bak-borg-weak")}
    assert borg["BAK-01"] == "job 'srv': borg-srv.timer runs every 168 h (max 24 h)"
    assert borg["BAK-06"] == "job 'srv': repository encryption is none"


def test_level_2_backup_controls_restore_and_retention(lab, tmp_path):
    """Level 2 on every host: a restore of the probe file, retention, and a job required everywhere."""
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\nbackups:\n  required: true\n")
    hosts = ",".join(f"paramiko://{name}" for name in EXPECTED)
    _, document, _ = run_audit(lab, tmp_path, hosts, "--sudo", "--controls=BAK-01,BAK-05,BAK-10", baseline=strict)
    with_jobs = {
        "hardened": {"BAK-01": "pass", "BAK-05": "pass", "BAK-10": "pass"},
        "bak-weak": {"BAK-01": "fail", "BAK-05": "pass", "BAK-10": "fail"},  # restic job has no forget step
        "bak-borg-weak": {"BAK-01": "fail", "BAK-05": "pass", "BAK-10": "pass"},
    }
    without_jobs = {"BAK-01": "fail", "BAK-05": "not_applicable", "BAK-10": "not_applicable"}
    for name in EXPECTED:
        assert verdicts(document, f"paramiko://{name}") == with_jobs.get(name, without_jobs), name
    restores = [r for r in document["results"] if r["control"] == "BAK-05" and r["status"] == "pass"]
    for result in restores:
        digests = [e["output"].splitlines()[0] for e in result["evidence"]
                   if "dump" in e["command"] or "extract" in e["command"] or "tar -xOf" in e["command"]]
        assert digests and all(re.fullmatch(r"[1-9]\d* bytes sha256 [0-9a-f]{64}", d) for d in digests), result


def test_level_2_account_controls(lab, tmp_path):
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\naccounts:\n  root_password: locked\n")
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://acc-weak,paramiko://ssh-weak",
                               "--sudo", "--controls=ACC-09,ACC-13,ACC-16", baseline=strict)
    assert verdicts(document, "paramiko://hardened") == {"ACC-09": "pass", "ACC-13": "pass", "ACC-16": "pass"}
    for weak in ("paramiko://acc-weak", "paramiko://ssh-weak"):
        assert verdicts(document, weak) == {"ACC-09": "fail", "ACC-13": "pass", "ACC-16": "fail"}, weak


HASH_PATTERN = re.compile(r"\$(?:1|2[aby]?|5|6|7|y|gy)\$[./0-9A-Za-z]{2,}")
KEY_MATERIAL = re.compile(r"PRIVATE KEY-----(?:\\n|\s)*[A-Za-z0-9+/=]{16,}")


def test_reports_hold_no_password_hash_or_key_material(lab, full_audit):
    """Every report format, after an audit that read shadow files holding yescrypt, SHA-512 and MD5 hashes."""
    *_, report_dir, _, _ = full_audit
    real_hashes = []
    for name in ("hardened", "acc-weak"):
        shadow = lab.exec(name, ["getent", "shadow"]).stdout
        real_hashes += [line.split(":")[1].lstrip("!") for line in shadow.splitlines()
                        if line.split(":")[1].lstrip("!").startswith("$")]
    assert len(real_hashes) >= 2
    for report in ("compliance.html", "results.json", "junit.xml"):
        text = (report_dir / report).read_text()
        if report != "junit.xml":  # JUnit carries verdicts and messages, not evidence
            assert "getent shadow" in text, report  # the shadow file was read and shown as evidence
        assert not HASH_PATTERN.search(text), (report, HASH_PATTERN.search(text).group(0))
        assert not KEY_MATERIAL.search(text), report
        for secret in real_hashes:
            assert secret not in text and secret.split("$")[-1] not in text, report


def test_kernel_messages_name_runtime_and_persisted_values(full_audit):
    _, document, *_ = full_audit
    weak = {r["control"]: r["message"] for r in document["results"] if r["host"] == spec("krn-weak")}
    assert weak["KRN-01"].startswith(
        "found net.ipv4.ip_forward = 1; net.ipv4.ip_forward = 1 persisted in /etc/sysctl.d/60-router.conf")
    assert "net.ipv4.conf.all.rp_filter = 0 persisted in /etc/sysctl.d/50-vendor.conf" in weak["KRN-04"]
    assert "net.ipv4.tcp_syncookies not persisted" in weak["KRN-09"]


def test_level_2_filesystem_mounts(lab, tmp_path):
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\n")
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://fs-weak", "--sudo",
                               "--controls=FS-06", baseline=strict)
    assert verdicts(document, "paramiko://hardened") == {"FS-06": "pass"}
    (weak,) = [r for r in document["results"] if r["host"] == "paramiko://fs-weak"]
    assert weak["status"] == "fail" and "/home is not a separate mount" in weak["message"]


def test_filesystem_messages(full_audit):
    _, document, *_ = full_audit
    weak = {r["control"]: r["message"] for r in document["results"] if r["host"] == spec("fs-weak")}
    assert "/etc/shadow is 0644 root:shadow" in weak["FS-01"]
    assert weak["FS-03"] == "expected every file owned by a known user and group, found /srv/orphan.dat (uid 4242, gid 4242)"
    assert weak["FS-04"] == "expected only filesystem.suid_allowed set-UID/GID programs, found also /usr/local/bin/suid-true (4755)"


def test_service_messages(full_audit):
    _, document, *_ = full_audit
    weak = {r["control"]: r["message"] for r in document["results"] if r["host"] == spec("svc-weak")}
    assert weak["SVC-01"] == "expected no legacy plaintext server, found inetutils-inetd, inetutils-telnetd installed"
    # avahi-daemon.service itself is disabled: its socket unit starts it.
    assert weak["SVC-02"].startswith("expected no unneeded network service, found avahi-daemon.socket, "
                                     "mail server exim4 on tcp/25 on 0.0.0.0")
    assert weak["SVC-04"].startswith("expected the MTA listening on loopback only, found exim4 on tcp/25 on 0.0.0.0")
    assert "no /etc/cron.allow; /etc/crontab is 0644 root:root" in weak["SVC-07"]


def test_patching_messages(full_audit):
    _, document, *_ = full_audit
    messages = {(r["host"].split("://")[1], r["control"]): r["message"] for r in document["results"]}
    assert messages["pat-weak", "PAT-01"].endswith("found APT::Periodic::Unattended-Upgrade off")
    assert messages["pat-weak", "PAT-02"] == ("expected at most 0 pending security updates, found 1: "
                                              "ha-lab-tool 1.0 -> 1.1 (Debian-Security bookworm-security)")
    assert messages["pat-weak", "PAT-05"] == "expected no pending reboot, found /run/reboot-required (for libc6)"
    assert "deb http://apt-mirror/vendor bookworm has trusted=yes" in messages["pat-weak", "PAT-06"]
    assert "http://apt-mirror/vendor bookworm: unsigned Release file" in messages["pat-weak", "PAT-06"]
    assert messages["pat-stale", "PAT-01"].endswith("found unattended-upgrades in state rc")
    assert messages["pat-stale", "PAT-03"].endswith("found http://apt-mirror/debian bookworm-backports never fetched")
    assert messages["apt-mirror", "PAT-02"].startswith("expected package lists of the distribution's security archive")


def test_level_2_patching_integrity_and_pending_threshold(lab, tmp_path):
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\npatching:\n  max_pending: 0\n")
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://pat-weak,paramiko://apt-mirror",
                               "--sudo", "--controls=PAT-04,PAT-07", baseline=strict)
    assert verdicts(document, "paramiko://hardened") == {"PAT-04": "pass", "PAT-07": "pass"}
    assert verdicts(document, "paramiko://apt-mirror") == {"PAT-04": "not_applicable", "PAT-07": "pass"}
    weak = {r["control"]: r["message"] for r in document["results"] if r["host"] == "paramiko://pat-weak"}
    assert weak["PAT-04"] == ("expected at most 0 pending non-security updates, found 1: "
                              "ha-lab-extra 1.0 -> 1.1 (Debian bookworm-updates)")
    # Conffiles changed by the scenarios (login.defs, pam.d) are configuration, not findings.
    assert weak["PAT-07"] == ("expected the packages' files as installed, found "
                              "/usr/share/doc/passwd/README.Debian (md5sum differs)")


def test_logging_messages(full_audit):
    _, document, *_ = full_audit
    messages = {(r["host"].split("://")[1], r["control"]): r["message"] for r in document["results"]}
    assert messages["log-weak", "LOG-02"].startswith("expected the journal in /var/log/journal (Storage=persistent), "
                                                     "found Storage=volatile")
    assert messages["log-weak", "LOG-03"].startswith("expected all logs forwarded to log-server, found forwarding "
                                                     "to 198.18.0.250:514")
    assert "imtcp port 514" in messages["log-weak", "LOG-05"] and "imudp port 514" in messages["log-weak", "LOG-05"]
    assert messages["log-server", "LOG-12"] == ("expected time synchronised by a running daemon with a source, "
                                                "found chrony reaches no time source")


def test_level_2_logging_and_detection(lab, tmp_path):
    """In a container the kernel audit interface is out of reach: auditd's running state and the loaded rules
    are errors that say so, while the persisted rules, auditd.conf and -e 2 are judged."""
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\ndetection:\n  bruteforce: true\n  malware_scan: true\n")
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://log-weak,paramiko://log-udp", "--sudo",
                               "--controls=LOG-04,LOG-08,LOG-09,LOG-10,LOG-11,DET-03,DET-04", baseline=strict)
    hardened = {r["control"]: r for r in document["results"] if r["host"] == "paramiko://hardened"}
    assert {c: r["status"] for c, r in hardened.items()} == {
        "LOG-04": "pass", "LOG-08": "error", "LOG-09": "error", "LOG-10": "pass", "LOG-11": "pass",
        "DET-03": "pass", "DET-04": "pass"}
    for control in ("LOG-08", "LOG-09"):
        assert hardened[control]["message"].startswith("kernel audit interface unavailable: "), hardened[control]
    assert verdicts(document, "paramiko://log-weak") == {
        "LOG-04": "not_applicable", "LOG-08": "fail", "LOG-09": "fail", "LOG-10": "fail", "LOG-11": "fail",
        "DET-03": "fail", "DET-04": "fail"}
    udp = {r["control"]: r for r in document["results"] if r["host"] == "paramiko://log-udp"}
    assert udp["LOG-04"]["status"] == "fail" and "log-server over udp" in udp["LOG-04"]["message"]
    assert udp["LOG-09"]["message"] == "expected audit rules in /etc/audit/audit.rules, found no such file"


def test_level_2_service_allowlist(lab, tmp_path):
    """Timers count as the service they start: restic-etc.timer is allowed through restic-etc.service."""
    allowed = ["atd", "borg-srv.service", "console-getty", "cron", "e2scrub_reap", "exim4", "exim4-base",
               "getty@", "lab-remount-tmp", "nftables", "restic-etc.service", "ssh", "systemd-*", "apt-daily",
               "apt-daily-upgrade", "unattended-upgrades", "auditd", "chrony", "dailyaidecheck", "fail2ban",
               "logrotate", "rsyslog"]
    strict = tmp_path / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\nservices:\n  allowed: [{', '.join(allowed)}]\n")
    _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened,paramiko://svc-weak", "--sudo",
                               "--controls=SVC-05", baseline=strict)
    assert verdicts(document, "paramiko://hardened") == {"SVC-05": "pass"}
    (weak,) = [r for r in document["results"] if r["host"] == "paramiko://svc-weak"]
    assert weak["message"] == ("expected only allowed services enabled, found avahi-daemon.socket, "
                               "inetutils-inetd.service, inetutils-syslogd.service")


@pytest.mark.parametrize("transport", ["ssh", "paramiko"])
def test_a_remote_command_exiting_255_is_not_a_transport_failure(lab, transport):
    """ssh exits 255 for its own failures; a command that returns 255 must still count as output."""
    out = lab.run_in_ns(
        [sys.executable, "-c", (
            "import sys, testinfra\n"
            "sys.path.insert(0, %r)\n"
            "from hardening_audit import transport\n"
            "from hardening_audit.facts.core import HostContext\n"
            "transport.install(True)\n"
            "ctx = HostContext(testinfra.get_host(%r, ssh_config=%r), 'x')\n"
            "print(ctx.run('echo broken config >&2; exit 255', ok=(255,)).stderr.strip())\n"
            "print(ctx.run('echo still reachable').stdout.strip())\n"
        ) % (str(REPO), f"{transport}://hardened", str(lab.ssh_config))],
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["broken config", "still reachable"]


APT_LOCKS = ("/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock", "/var/lib/apt/lists/lock",
             "/var/cache/apt/archives/lock")
HOLD_LOCKS = ("import fcntl, sys, time\n"
              "held = [open(path, 'a') for path in sys.argv[1:]]\n"
              "for lock in held:\n"
              "    fcntl.lockf(lock, fcntl.LOCK_EX)\n"
              "time.sleep(300)\n")
LOCK_IS_HELD = ("import fcntl, sys\n"
                "try:\n"
                "    fcntl.lockf(open(sys.argv[1], 'a'), fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
                "except OSError:\n"
                "    sys.exit(0)\n"
                "sys.exit(1)\n")


def test_patching_needs_no_apt_or_dpkg_lock(lab, tmp_path):
    """With dpkg's and apt's locks held on the host (as during an upgrade), every patching control still
    judges: the simulation and the queries take no lock. lockf is the fcntl lock dpkg and apt use."""
    hold = lab.exec("hardened", ["systemd-run", "--unit=lab-hold-apt-locks", "--collect", "--",
                                 "python3", "-c", HOLD_LOCKS, *APT_LOCKS])
    assert hold.returncode == 0, hold.stderr
    try:
        deadline = time.monotonic() + 30
        while lab.exec("hardened", ["python3", "-c", LOCK_IS_HELD, APT_LOCKS[-1]]).returncode != 0:
            assert time.monotonic() < deadline, "the lock holder did not take the locks"
            time.sleep(0.2)
        _, document, _ = run_audit(lab, tmp_path, "paramiko://hardened", "--sudo", "--controls=PAT-*")
        assert verdicts(document, "paramiko://hardened") == {
            control: status for control, status in EXPECTED["hardened"].items() if control.startswith("PAT-")}
    finally:
        lab.exec("hardened", ["systemctl", "stop", "lab-hold-apt-locks"])


def test_fail_on_gate_and_waivers(lab, tmp_path):
    """--fail-on high: fw-none's high firewall failures fail the gate; a waiver with a future expiry turns
    them into waived and the gate passes; an expired one does not; an unused one is reported."""
    hosts = "paramiko://hardened,paramiko://fw-none"
    proc, document, _ = run_audit(lab, tmp_path / "plain", hosts, "--sudo", "--controls=FW-*", "--fail-on=high")
    assert proc.returncode == 1
    assert "gate --fail-on high: FAILED by paramiko://fw-none FW-01 (high fail)" in proc.stdout
    assert "paramiko://hardened" not in proc.stdout.split("gate --fail-on high")[1].splitlines()[0]

    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - {control: 'FW-*', hosts: fw-none, justification: isolated test network, approver: CISO,"
        " expires: 2099-12-31}\n"
        "  - {control: SSH-01, hosts: fw-none, justification: not in this run, approver: CISO, expires: 2099-12-31}\n")
    proc, document, _ = run_audit(lab, tmp_path / "waived", hosts, "--sudo", "--controls=FW-*", "--fail-on=high",
                                  f"--waivers={waivers}")
    assert proc.returncode == 0, proc.stdout[-2000:]
    weak = {r["control"]: r for r in document["results"] if r["host"] == "paramiko://fw-none"}
    assert weak["FW-01"]["status"] == "waived"
    assert weak["FW-01"]["message"].startswith("waived until 2099-12-31, approved by CISO: isolated test network; "
                                               "finding: expected a firewall manager")
    assert weak["FW-01"]["evidence"], "a waived check still runs and keeps its evidence"
    assert weak["FW-10"]["status"] == "not_applicable"  # only failures are waived
    assert "waiver 2 (SSH-01 on fw-none, expires 2099-12-31): unused, it matched no failed result" in proc.stdout
    assert [w["matched"] for w in document["waivers"]][1] == []

    waivers.write_text("waivers:\n  - {control: 'FW-*', hosts: fw-none, justification: isolated test network,"
                       " approver: CISO, expires: 2020-01-01}\n")
    proc, document, _ = run_audit(lab, tmp_path / "expired", hosts, "--sudo", "--controls=FW-*", "--fail-on=high",
                                  f"--waivers={waivers}")
    assert proc.returncode == 1
    weak = {r["control"]: r for r in document["results"] if r["host"] == "paramiko://fw-none"}
    assert weak["FW-01"]["status"] == "fail"
    assert weak["FW-01"]["message"].endswith("(waiver expired on 2020-01-01: isolated test network)")
