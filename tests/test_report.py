"""The compliance report of a real lab run, as a browser renders it, and re-rendered, merged and compared."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hardening_audit.controls import SEVERITY_RANK
from hardening_audit.report import document as doc
from tests.audit_runs import LAB_BASELINE, REPO, run_audit, spec
from tests.browser import parse, rendered_dom, screenshot
from tests.expectations import EXPECTED


def _rows(root):
    """(tbody, {column: value}) of every result row of the results table, in page order."""
    table = root.find("table", id="results-table")
    rows = []
    for body in table.find_all("tbody"):
        values = {td.attrs["class"].split()[0][4:]: td.attrs.get("data-value")
                  for td in body.iter("td") if td.attrs.get("class", "").startswith("col-") and "data-value" in td.attrs}
        if values.get("host"):
            rows.append((body, values))
    return rows


def _visible(rows):
    return [values for body, values in rows if "audit-hidden" not in body.classes]


def test_report_renders_in_a_browser_with_matrix_severity_order_and_filters(full_audit, tmp_path):
    _, document, report_dir, *_ = full_audit
    page = report_dir / "compliance.html"

    root = parse(rendered_dom(page, "?sort=severity"))
    assert root.find("body").attrs.get("data-audit-ready"), "the filter script did not run"
    # The matrix: one row per host, each cell the host's pass rate in that domain.
    matrix = root.find("table", id="audit-matrix")
    domains, rates = doc.matrix(document)
    cells = {(td.attrs["data-host"], td.attrs["data-domain"]): td.attrs["data-rate"]
             for td in matrix.iter("td") if "data-host" in td.attrs}
    assert len(cells) == len(document["hosts"]) * len(domains)
    for (host, domain), shown in cells.items():
        rate = rates[host][domain][0]
        assert shown == ("" if rate is None else str(rate)), (host, domain)
    assert cells[spec("hardened"), "ssh"] == "100" and cells[spec("ssh-weak"), "ssh"] != "100"
    # Sorting by severity orders critical > high > medium > low, not alphabetically.
    rows = _rows(root)
    assert len(rows) == len(document["results"])
    ranks = [SEVERITY_RANK[values["severity"]] for values in _visible(rows)]
    assert ranks == sorted(ranks) and ranks[0] == SEVERITY_RANK["critical"]
    # Failed controls, most severe first.
    failed = [tr.find("td").text() for tr in root.find("table", id="audit-failed").iter("tr") if tr.find("td")]
    assert failed == [r["severity"] for r in doc.failed(document["results"])]

    # Filters from the URL: host and severity; the count line says how many rows remain.
    query = f"?host={spec('acc-weak')},{spec('ssh-weak')}&severity=critical,high"
    root = parse(rendered_dom(page, query))
    shown = _visible(_rows(root))
    wanted = [r for r in document["results"] if r["host"] in (spec("acc-weak"), spec("ssh-weak"))
              and r["severity"] in ("critical", "high")]
    assert len(shown) == len(wanted) > 0
    assert {(v["host"], v["severity"]) for v in shown} <= {(h, s) for h in (spec("acc-weak"), spec("ssh-weak"))
                                                           for s in ("critical", "high")}
    count = root.find("p", id="audit-filter-count").text()
    assert count == f"Showing {len(wanted)} of {len(document['results'])} results."
    # Errors and failures look different: their own status classes.
    statuses = {td.attrs["class"] for td in root.iter("td") if td.attrs.get("class", "").startswith("col-status")}
    assert "col-status status-fail" in statuses

    # Expanded rows (?collapsed= expands all) get their details: why, finding, remediation, evidence.
    root = parse(rendered_dom(page, f"?collapsed=&host={spec('ssh-weak')}&severity=critical"))
    (detail,) = [d for d in root.iter("div") if "audit-detail" in d.classes and d.children
                 and d.attrs.get("data-control") == "SSH-03"]
    text = detail.text()
    assert "Why it is required" in text and "Finding (expected vs found)" in text
    assert "PermitEmptyPasswords expected no, found yes" in text
    assert any(code.text().startswith("$ /usr/sbin/sshd -T -C user=root") for code in detail.iter("code"))

    desktop = screenshot(page, tmp_path / "report.png")
    phone = screenshot(page, tmp_path / "report-phone.png", width=390, height=1600)
    for image in (desktop, phone):
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and image.stat().st_size > 20_000


def _render(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hardening_audit.report", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def level_2_patching_run(lab, tmp_path_factory):
    """A second real run, later than the full audit: the patching hosts at level 2 with a pending-update limit."""
    tmp = tmp_path_factory.mktemp("level-2-patching")
    strict = tmp / "lab-strict.yaml"
    strict.write_text(f"extends: {LAB_BASELINE}\nlevel: 2\npatching:\n  max_pending: 0\n")
    _, document, _ = run_audit(lab, tmp, f"{spec('pat-weak')},{spec('pat-stale')}", "--sudo",
                               "--controls=PAT-*", baseline=strict)
    return tmp / "report" / "results.json", document


def test_render_merges_runs_over_hosts(full_audit, level_2_patching_run, tmp_path):
    _, first, report_dir, *_ = full_audit
    second_path, second = level_2_patching_run
    proc = _render("render", "-o", str(tmp_path), str(report_dir / "results.json"), str(second_path))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    merged = json.loads((tmp_path / "results.json").read_text())
    assert {h["host"] for h in merged["hosts"]} == {spec(name) for name in EXPECTED}
    assert len(merged["run"]["sources"]) == 2
    statuses = {(r["host"], r["control"]): r["status"] for r in merged["results"]}
    # The later run's result wins where both judged a control.
    assert statuses[spec("pat-weak"), "PAT-07"] == "fail" and statuses[spec("pat-stale"), "PAT-04"] == "fail"
    assert statuses[spec("hardened"), "PAT-07"] == "not_applicable"
    assert len(merged["results"]) == len(first["results"])
    root = parse(rendered_dom(tmp_path / "compliance.html"))
    assert len(_rows(root)) == len(merged["results"])
    run_rows = [tr.find("th").text() for tr in root.find("table", id="audit-run").iter("tr")]
    assert "Run 1" in run_rows and "Run 2" in run_rows
    assert second["run"]["finished"] >= first["run"]["finished"]


def test_compare_lists_newly_failing_passing_and_still_failing(full_audit, level_2_patching_run, tmp_path):
    _, _, report_dir, *_ = full_audit
    second_path, _ = level_2_patching_run
    proc = _render("compare", str(report_dir / "results.json"), str(second_path), "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    blocks: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        if not line.startswith(" "):
            host = line
        blocks[host] = blocks.get(host, "") + line + "\n"
    weak = blocks[spec("pat-weak")]
    assert "newly failing (2):" in weak
    assert "PAT-04 low fail (was not_applicable): expected at most 0 pending non-security updates" in weak
    assert "PAT-07 medium fail (was not_applicable)" in weak
    assert "newly passing (0)" in weak
    assert "still failing (4):" in weak  # PAT-01, PAT-02, PAT-05, PAT-06
    assert f"{spec('hardened')} (not in the new run)" in blocks
    root = parse(rendered_dom(tmp_path / "compliance.html"))
    section = root.find("section", id="audit-comparison")
    changes = {(tr.iter("td").__next__().text(), tr.attrs["data-change"], list(tr.iter("td"))[2].text())
               for tr in section.iter("tr") if "data-change" in tr.attrs}
    assert (spec("pat-weak"), "newly-failing", "PAT-07") in changes
    assert (spec("pat-stale"), "newly-failing", "PAT-04") in changes
    assert (spec("pat-weak"), "still-failing", "PAT-02") in changes
