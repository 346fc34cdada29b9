"""The results document, the score and the verdict of a check."""

import json

import pytest

from hardening_audit.controls import Control
from hardening_audit.facts.core import CommandRecord
from hardening_audit.outcomes import CheckError, NotApplicable
from hardening_audit.results import SCHEMA, HostInfo, RunResults, failed_by_severity, score
from hardening_audit.verdict import classify, result_entry

CONTROL = Control("SSH-03", "Empty passwords are refused", "critical", 1, "fix it", {"cis": ["5.1.19"]}, "why")


def entry(host, control_id, status, severity="high"):
    return {"host": host, "control": control_id, "status": status, "severity": severity}


def test_score_counts_pass_over_judged():
    assert score({"pass": 3, "fail": 1, "error": 0, "not_applicable": 5, "waived": 2}) == 75
    assert score({"pass": 1, "fail": 1, "error": 1}) == 33
    assert score({"pass": 0, "fail": 0, "error": 0, "not_applicable": 4}) is None


def test_document_has_contract_fields(tmp_path):
    run = RunResults(started="2026-01-01T00:00:00+00:00", baseline="default",
                     baseline_checksum="sha256:x", tool_version="0.1.0")
    evidence = [CommandRecord("sshd -T", 0, "permitemptypasswords yes")]
    run.add(HostInfo("ssh://b", "b", "Debian"), result_entry(CONTROL, "ssh://b", "fail", "found yes", evidence))
    run.add(HostInfo("ssh://a", "a", "Debian"), result_entry(CONTROL, "ssh://a", "pass", "", []))
    run.finished = "2026-01-01T00:00:05+00:00"
    run.write(tmp_path / "results.json")
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["schema"] == SCHEMA
    assert set(doc["run"]) >= {"started", "finished", "baseline", "tool_version"}
    hosts = {h["host"]: h for h in doc["hosts"]}
    assert hosts["ssh://b"]["counts"] == {"pass": 0, "fail": 1, "not_applicable": 0, "waived": 0, "error": 0}
    assert hosts["ssh://a"]["score"] == 100 and hosts["ssh://b"]["score"] == 0
    assert [r["host"] for r in doc["results"]] == ["ssh://a", "ssh://b"]
    result = doc["results"][1]
    assert set(result) >= {"host", "control", "domain", "title", "severity", "level", "status", "message",
                           "references", "remediation", "evidence"}
    assert result["references"] == {"cis": ["5.1.19"]}
    assert result["evidence"] == [{"command": "sshd -T", "exit_status": 0, "output": "permitemptypasswords yes"}]


def test_failed_by_severity_orders_critical_first():
    results = [entry("h", "SSH-07", "fail", "low"), entry("h", "SSH-03", "fail", "critical"),
               entry("h", "SSH-01", "fail", "high"), entry("h", "SSH-02", "pass", "high")]
    assert failed_by_severity(results) == [("critical", ["SSH-03"]), ("high", ["SSH-01"]), ("low", ["SSH-07"])]


def _excinfo(error):
    try:
        raise error
    except BaseException:
        return pytest.ExceptionInfo.from_current()


def test_classify_maps_each_outcome():
    assert classify(None) == ("pass", "")
    assert classify(_excinfo(NotApplicable("no SSH server"))) == ("not_applicable", "no SSH server")
    assert classify(_excinfo(CheckError("needs root"))) == ("error", "needs root")
    assert classify(_excinfo(AssertionError("X expected no, found yes\nassert 'yes' == 'no'"))) == (
        "fail", "X expected no, found yes")
    status, message = classify(_excinfo(KeyError("permitrootlogin")))
    assert status == "error" and "KeyError" in message
