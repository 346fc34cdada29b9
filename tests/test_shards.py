"""--shard K/N over the lab: three runners audit the booted hosts between them, each host once,
and the report's merge joins their results into one."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.audit_runs import REPO, run_audit, spec
from tests.expectations import EXPECTED

CONTROLS = "--controls=SSH-01,FW-01,ACC-01"


def test_three_shards_audit_the_lab_between_them_and_merge_into_one_report(lab, tmp_path):
    fleet = [spec(name) for name in sorted(EXPECTED, reverse=True)]  # the order given does not matter
    shards = []
    for index in (1, 2, 3):
        proc, document, _ = run_audit(lab, tmp_path / f"shard-{index}", ",".join(fleet), "--sudo", CONTROLS,
                                      f"--shard={index}/3")
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
