"""Load and filter time of the compliance report for 50 hosts x the full catalog, in headless Chromium.

    python -m bench.report_load [--results RESULTS_JSON] [--hosts 50] [--repeat 3]   (from the repository root)

Without --results it audits the whole lab once (as root) for a real results document. Its hosts'
results are copied round-robin to N hosts; the page is rendered with python -m hardening_audit.report
and, as the peer, as pytest-html's own page for the same results. Each page is opened REPEAT times
(`chromium --headless --dump-dom`, which returns once the page's scripts ran); a blank page measures
the browser's own start. Prints medians and ratios, writes bench/results/report_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hardening_audit.report.__main__ import render

RESULTS = Path(__file__).resolve().parent / "results" / "report_load.json"


def _audit_lab(work: Path) -> Path:
    from tests.audit_runs import run_audit, spec
    from tests.expectations import EXPECTED
    from tests.lab import Lab

    lab = Lab(prefix="habench")
    lab.up()
    try:
        run_audit(lab, work, ",".join(spec(name) for name in EXPECTED), "--sudo")
    finally:
        lab.down()
    return work / "report" / "results.json"


def scaled(document: dict, hosts: int) -> dict:
    """The document's results copied round-robin onto hosts host01..hostNN."""
    originals = [h["host"] for h in document["hosts"]]
    by_host = {h: [r for r in document["results"] if r["host"] == h] for h in originals}
    host_entries, results = [], []
    for index in range(hosts):
        source = originals[index % len(originals)]
        name = f"paramiko://host{index + 1:02d}"
        entry = next(h for h in document["hosts"] if h["host"] == source)
        host_entries.append({**entry, "host": name, "hostname": f"host{index + 1:02d}"})
        results += [{**r, "host": name} for r in by_host[source]]
    return {**document, "hosts": host_entries, "results": results}


def _open(page: str) -> tuple[float, dict[str, float]]:
    """Wall time of opening the page until its scripts ran, and the timings the report's script records
    (milliseconds since navigation until the table was filtered; duration of that filtering)."""
    from tests.browser import FLAGS, chromium

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        started = time.perf_counter()
        out = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page],
                             capture_output=True, text=True, check=True, timeout=600)
        elapsed = time.perf_counter() - started
    marks = dict(re.findall(r'data-audit-(ready|filter-ms)="([0-9.]+)"', out.stdout.split(">", 2)[0] + out.stdout[
        out.stdout.find("<body"):out.stdout.find("<body") + 400]))
    return elapsed, {name: float(value) for name, value in marks.items()}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_load", description=__doc__.split("\n")[0])
    parser.add_argument("--results", type=Path, default=None)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-load-") as tmp:
        work = Path(tmp)
        source = options.results or _audit_lab(work / "audit")
        document = scaled(json.loads(source.read_text()), options.hosts)
        (work / "results.json").write_text(json.dumps(document))
        render([work / "results.json"], work / "compliance")
        render([work / "results.json"], work / "plain", None, "--plain-pytest-html")
        blank = work / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>")
        pages = {
            "blank": blank.as_uri(),
            "pytest_html": (work / "plain" / "compliance.html").as_uri(),
            "compliance": (work / "compliance" / "compliance.html").as_uri(),
            "compliance_filtered": (work / "compliance" / "compliance.html").as_uri() + "?severity=critical,high",
            "compliance_sorted_by_severity": (work / "compliance" / "compliance.html").as_uri() + "?sort=severity",
        }
        runs = {name: [_open(url) for _ in range(options.repeat)] for name, url in pages.items()}
        timings = {name: [elapsed for elapsed, _ in values] for name, values in runs.items()}
        in_page = {name: {mark: statistics.median(marks[mark] for _, marks in values)
                          for mark in values[0][1]} for name, values in runs.items() if values[0][1]}
        sizes = {"pytest_html": (work / "plain" / "compliance.html").stat().st_size,
                 "compliance": (work / "compliance" / "compliance.html").stat().st_size}
    medians = {name: statistics.median(values) for name, values in timings.items()}
    net = {name: medians[name] - medians["blank"] for name in medians if name != "blank"}
    result = {
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": os.cpu_count(),
        "hosts": options.hosts,
        "results": len(document["results"]),
        "controls": len({r["control"] for r in document["results"]}),
        "repeat": options.repeat,
        "page_bytes": sizes,
        "median_seconds": medians,
        "seconds_beyond_browser_start": net,
        "in_page_ms": in_page,
        "ratio_compliance_vs_pytest_html": net["compliance"] / net["pytest_html"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{options.hosts} hosts x {result['controls']} controls = {result['results']} results")
    for name in ("pytest_html", "compliance", "compliance_filtered", "compliance_sorted_by_severity"):
        print(f"{name:30s} {net[name]:6.2f} s beyond the browser's start ({medians['blank']:.2f} s)")
    for name, marks in in_page.items():
        print(f"{name:30s} table filtered {marks.get('ready', 0) / 1000:.2f} s after navigation; one filtering "
              f"pass over every row {marks.get('filter-ms', 0):.0f} ms")
    print(f"page size: compliance {sizes['compliance'] / 1e6:.1f} MB, pytest-html alone "
          f"{sizes['pytest_html'] / 1e6:.1f} MB")
    print(f"ratio compliance / pytest-html: {result['ratio_compliance_vs_pytest_html']:.2f} ({os.cpu_count()} cores)")
    print(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
