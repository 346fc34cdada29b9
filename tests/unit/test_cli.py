"""The audit command's options on this machine (local backend): catalog, selection, usage errors."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def audit(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_list_controls_prints_the_catalog_and_exits_0():
    proc = audit("--list-controls")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "LEVEL", "DOMAIN", "IMAGES", "TITLE"]
    rows = {line.split()[0]: line.split()[1:5] for line in lines[1:] if line[:1].isupper() and "-" in line.split()[0]}
    assert list(rows) == ([f"FW-{n:02d}" for n in range(1, 12)] + [f"BAK-{n:02d}" for n in range(1, 11)]
                          + [f"PAT-{n:02d}" for n in range(1, 9)] + [f"ACC-{n:02d}" for n in range(1, 17)]
                          + [f"LOG-{n:02d}" for n in range(1, 13)] + [f"SSH-{n:02d}" for n in range(1, 19)]
                          + [f"SVC-{n:02d}" for n in range(1, 8)] + [f"KRN-{n:02d}" for n in range(1, 12)]
                          + [f"FS-{n:02d}" for n in range(1, 8)] + [f"DET-{n:02d}" for n in range(1, 5)])
    assert rows["SSH-03"] == ["critical", "1", "ssh", "judged"]
    assert rows["SSH-01"] == ["high", "1", "ssh", "judged"]
    assert rows["FW-10"] == ["medium", "2", "firewall", "judged"]
    assert rows["BAK-05"] == ["medium", "2", "backups", "n/a"]
    assert rows["ACC-01"] == ["critical", "1", "accounts", "judged"]
    assert rows["KRN-08"] == ["medium", "2", "kernel", "judged"]
    assert rows["SVC-05"] == ["medium", "2", "services", "judged"]
    assert rows["PAT-07"] == ["medium", "2", "patching", "judged"]
    assert rows["LOG-09"] == ["medium", "2", "logging", "judged"]
    assert "104 controls (3 critical, 23 high, 47 medium, 31 low)" in proc.stdout
    offline_na = sorted(control for control, row in rows.items() if row[3] == "n/a")
    assert offline_na == ["BAK-02", "BAK-03", "BAK-04", "BAK-05", "BAK-06", "BAK-07", "BAK-09", "DET-03", "FW-08",
                          "LOG-12", "PAT-05", "SVC-04"]


def test_controls_option_selects_by_id_glob(tmp_path):
    proc = audit("--controls=SSH-0*,ssh-14", f"--report-dir={tmp_path}")
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    document = json.loads((tmp_path / "results.json").read_text())
    assert sorted(r["control"] for r in document["results"]) == [f"SSH-0{n}" for n in range(1, 10)] + ["SSH-14"]
    assert len(document["hosts"]) == 1 and document["hosts"][0]["host"] == "local"


def test_domain_marker_selects_a_domain(tmp_path):
    proc = audit("-m", "ssh", f"--report-dir={tmp_path}")
    document = json.loads((tmp_path / "results.json").read_text())
    assert len(document["results"]) == 18, proc.stdout
    proc = audit("-m", "ssh and firewall", f"--report-dir={tmp_path / 'none'}")
    assert proc.returncode == 5 and not (tmp_path / "none" / "results.json").exists()


def test_controls_option_matching_nothing_is_a_usage_error(tmp_path):
    proc = audit("--controls=XYZ-*", f"--report-dir={tmp_path}")
    assert proc.returncode == 4
    assert "--controls XYZ-*: no control matches" in proc.stderr


def test_every_result_of_a_local_run_is_judged(tmp_path):
    """Whatever this machine has, no control is left without one of the five outcomes."""
    proc = audit(f"--report-dir={tmp_path}")
    document = json.loads((tmp_path / "results.json").read_text())
    statuses = {r["status"] for r in document["results"]}
    assert statuses <= {"pass", "fail", "not_applicable", "waived", "error"}
    assert proc.returncode == (1 if statuses & {"fail", "error"} else 0)
    for name in ("compliance.html", "junit.xml"):
        assert (tmp_path / name).stat().st_size > 0
