"""-n 2 over the lab: every host's controls on one worker (its facts gathered once), each host
audited once, the same verdicts as the sequential full audit, waivers counted in the controller."""

from __future__ import annotations

import re
from collections import defaultdict

from hardening_audit.parallel import host_of
from tests.audit_runs import run_audit, spec, verdicts
from tests.expectations import EXPECTED

# pytest -vv with xdist: "[gw1] [ 42%] PASSED checks/test_ssh.py::test_ssh_01_root_login[ssh://hardened]"
WORKER_LINE = re.compile(r"^\[(gw\d+)\] \[\s*\d+%\] [A-Z]+ (\S+)", re.M)


def test_two_workers_pin_each_host_and_agree_with_the_sequential_audit(lab, full_audit, tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - {control: SSH-01, hosts: ssh-weak, justification: lab host, approver: CISO, expires: 2099-12-31}\n"
        "  - {control: SSH-01, hosts: hardened, justification: never fails, approver: CISO, expires: 2099-12-31}\n")
    hosts = [spec(name) for name in EXPECTED]
    proc, document, _ = run_audit(lab, tmp_path, ",".join(hosts), "--sudo", "--numprocesses=2", "-vv",
                                  f"--waivers={waivers}")
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-3000:]

    workers_of = defaultdict(set)
    for worker, nodeid in WORKER_LINE.findall(proc.stdout):
        workers_of[host_of(nodeid)].add(worker)
    assert set(workers_of) == set(hosts)
    split = {host: sorted(workers) for host, workers in workers_of.items() if len(workers) > 1}
    assert not split, f"hosts whose controls ran on more than one worker: {split}"
    assert set().union(*workers_of.values()) == {"gw0", "gw1"}, "both workers audit hosts"

    keys = [(r["host"], r["control"]) for r in document["results"]]
    assert len(keys) == len(set(keys)) == len(hosts) * len({control for _, control in keys})

    sequential = full_audit[1]
    for host in hosts:
        parallel = {control: "fail" if status == "waived" else status
                    for control, status in verdicts(document, host).items()}
        assert parallel == verdicts(sequential, host), host
    assert verdicts(document, spec("ssh-weak"))["SSH-01"] == "waived"
    matched = [w["matched"] for w in document["waivers"]]
    assert matched == [[f"{spec('ssh-weak')} SSH-01"], []]
    assert "waiver 2 (SSH-01 on hardened, expires 2099-12-31): unused, it matched no failed result" in proc.stdout
