"""Report building blocks on small results documents written for these tests (shaped like results.json);
the lab tests (tests/test_report.py) cover them on real runs."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from hardening_audit.report import document as doc
from hardening_audit.report.compare import as_text, compare
from hardening_audit.report.data import MAX_LINES, page_data
from hardening_audit.report.junit import split_by_host
from hardening_audit.report.rows import cells, header_cells
from hardening_audit.results import SCHEMA


def result(host, control, status, severity="high", message="", evidence=(), domain="ssh"):
    return {"host": host, "control": control, "domain": domain, "title": f"title of {control}", "severity": severity,
            "level": 1, "status": status, "message": message, "rationale": "why", "references": {"cis": ["1.2"]},
            "remediation": "fix", "evidence": list(evidence)}


def document(results, finished="2026-01-01T00:00:00+00:00"):
    hosts = sorted({r["host"] for r in results})
    return {"schema": SCHEMA, "run": {"started": finished, "finished": finished, "baseline": "default",
                                      "baseline_checksum": "sha256:x", "tool_version": "0"},
            "hosts": [{"host": h, "hostname": h, "os": "Debian", "counts": {}, "score": None} for h in hosts],
            "results": results}


def test_severity_and_status_cells_sort_by_rank_not_alphabet():
    ranked = []
    for severity in ("low", "critical", "medium", "high"):
        severity_cell = cells(result("a", "X-01", "fail", severity))[2]
        ranked.append((re.search(r"<td.*?>(.*?)</td>", severity_cell).group(1), severity))
    assert [severity for _, severity in sorted(ranked)] == ["critical", "high", "medium", "low"]
    statuses = sorted((re.search(r"<td.*?>(.*?)</td>", cells(result("a", "X", s))[5]).group(1), s)
                      for s in ("pass", "error", "not_applicable", "fail"))
    assert [s for _, s in statuses] == ["error", "fail", "not_applicable", "pass"]
    assert [re.search(r'data-column-type="(\w+)"', h).group(1) for h in header_cells()] == [
        "host", "control", "severity", "domain", "title", "status"]


def test_merge_keeps_the_later_run_and_recounts_hosts():
    early = document([result("a", "SSH-01", "fail"), result("b", "SSH-01", "pass")], "2026-01-01T00:00:00+00:00")
    late = document([result("a", "SSH-01", "pass")], "2026-01-02T00:00:00+00:00")
    merged = doc.merge([late, early])
    assert {(r["host"], r["status"]) for r in merged["results"]} == {("a", "pass"), ("b", "pass")}
    assert {h["host"]: h["score"] for h in merged["hosts"]} == {"a": 100, "b": 100}
    assert [s["finished"] for s in merged["run"]["sources"]] == ["2026-01-01T00:00:00+00:00",
                                                                 "2026-01-02T00:00:00+00:00"]


def test_compare_classifies_changes_per_host():
    old = document([result("a", "SSH-01", "fail"), result("a", "SSH-02", "pass"), result("a", "SSH-03", "error"),
                    result("gone", "SSH-01", "fail")])
    new = document([result("a", "SSH-01", "pass"), result("a", "SSH-02", "fail", message="found yes"),
                    result("a", "SSH-03", "fail", "critical"), result("b", "SSH-01", "fail")])
    changes = {c.host: c for c in compare(old, new)}
    a = changes["a"]
    assert [(r["control"], was) for r, was in a.newly_passing] == [("SSH-01", "fail")]
    assert [(r["control"], was) for r, was in a.newly_failing] == [("SSH-02", "pass")]
    assert [(r["control"], was) for r, was in a.still_failing] == [("SSH-03", "error")]
    assert changes["gone"].only_in == "old" and changes["b"].only_in == "new"
    assert [(r["control"], was) for r, was in changes["b"].newly_failing] == [("SSH-01", "absent")]
    text = as_text(compare(old, new))
    assert "    SSH-02 high fail (was pass): found yes" in text and "gone (not in the new run)" in text


def test_page_data_stores_each_evidence_record_once_and_shortens_it():
    big = {"command": "sysctl -a", "exit_status": 0, "output": "\n".join(f"k{i} = 0" for i in range(1000))}
    small = {"command": "id -u", "exit_status": 0, "output": "0"}
    data = page_data(document([result("a", "KRN-01", "pass", evidence=[small, big]),
                               result("a", "KRN-02", "fail", evidence=[small, big])]))
    assert len(data["evidence"]) == 2
    command, exit_status, output, lines = data["evidence"][1]
    assert (command, lines) == ("sysctl -a", 1000) and output.count("\n") == MAX_LINES - 1
    assert data["results"]["a\tKRN-02"][2] == data["results"]["a\tKRN-01"][2] == [0, 1]
    assert data["results"]["a\tKRN-02"][1] == "Fail"


def test_junit_gets_one_suite_per_host(tmp_path):
    # The shape pytest's junitxml (xunit1) writes, with the properties the plugin records.
    cases = "".join(
        f'<testcase classname="checks.test_ssh" name="test_ssh_0{n}[{host}]" time="0.5">'
        f'<properties><property name="control" value="SSH-0{n}"/><property name="severity" value="high"/>'
        f'<property name="host" value="{host}"/><property name="status" value="{status}"/>'
        f'<property name="domain" value="ssh"/><property name="title" value="Title {n}"/></properties>'
        + ('<failure message="fail: x">fail: x</failure>' if status == "fail" else "") + "</testcase>"
        for n, host, status in ((1, "ssh://a", "fail"), (2, "ssh://a", "pass"), (1, "ssh://b", "pass")))
    path = tmp_path / "junit.xml"
    path.write_text(f'<?xml version="1.0"?><testsuites><testsuite name="hardening-audit" tests="3">{cases}'
                    "</testsuite></testsuites>")
    split_by_host(path)
    root = ET.parse(path).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"hardening-audit ssh://a", "hardening-audit ssh://b"}
    assert (suites["hardening-audit ssh://a"].get("tests"), suites["hardening-audit ssh://a"].get("failures")) == ("2", "1")
    names = [(c.get("classname"), c.get("name")) for c in suites["hardening-audit ssh://a"].iter("testcase")]
    assert names == [("ssh://a.ssh", "SSH-01 [high] Title 1"), ("ssh://a.ssh", "SSH-02 [high] Title 2")]


def test_load_refuses_other_files(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"schema": "something-else"}))
    try:
        doc.load(path)
    except doc.DocumentError as error:
        assert str(error) == f"{path}: not a hardening-audit results document (schema {SCHEMA})"
    else:
        raise AssertionError("loaded a foreign document")
