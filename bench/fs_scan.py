"""FS-02..04 scan cost on a lab host: the audit's one find pass against one find per scan.

    python -m bench.fs_scan [--repeat N]     (as root, from the repository root)

Brings up the lab's hardened host, runs each variant N times over the same
paramiko connection the audit uses, prints the median wall time of each and
their ratio, and writes bench/results/fs_scan.json with the machine's core count.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from hardening_audit.facts.filesystem import SCAN, live_scan

RESULTS = Path(__file__).resolve().parent / "results" / "fs_scan.json"
SEPARATE_SCANS = [
    ["-type", "f", "-perm", "-0002", "-print"],
    ["-type", "d", "-perm", "-0002", "!", "-perm", "-1000", "-print"],
    ["(", "-nouser", "-o", "-nogroup", ")", "-print"],
    ["-type", "f", "(", "-perm", "-4000", "-o", "-perm", "-2000", ")", "-print"],
]

# Runs inside the lab namespace: times the variants over one paramiko connection.
CLIENT = """
import json, statistics, sys, time
import testinfra
from hardening_audit import transport
transport.install(True)
spec, config, repeat, one_pass, separate = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5])
host = testinfra.get_host(spec, ssh_config=config, sudo=True)
def timed(commands):
    started = time.perf_counter()
    for argv in commands:
        host.run(" ".join(["%s"] * len(argv)), *argv)
    return time.perf_counter() - started
host.run("true")
print(json.dumps({"one_pass": [timed([one_pass]) for _ in range(repeat)],
                  "separate": [timed(separate) for _ in range(repeat)]}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fs_scan", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    from tests.lab import Lab

    lab = Lab(hosts=["hardened"], prefix="habench")
    lab.up()
    try:
        one_pass = live_scan(SCAN)
        separate = [live_scan(scan) for scan in SEPARATE_SCANS]
        out = lab.run_in_ns(
            [sys.executable, "-c", CLIENT, "paramiko://hardened", str(lab.ssh_config), str(options.repeat),
             json.dumps(one_pass), json.dumps(separate)],
            capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": os.getcwd()},
        )
    finally:
        lab.down()
    timings = json.loads(out.stdout)
    medians = {name: statistics.median(values) for name, values in timings.items()}
    result = {
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": os.cpu_count(),
        "host": "lab hardened (nspawn, paramiko, sudo)",
        "walk": "one find from /, not descending into kernel or network filesystem types",
        "repeat": options.repeat,
        "median_seconds": medians,
        "ratio_one_pass_vs_separate": medians["one_pass"] / medians["separate"],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"one find pass (FS-02..04 together): {medians['one_pass']:.3f} s median of {options.repeat}")
    print(f"four separate finds:                {medians['separate']:.3f} s median of {options.repeat}")
    print(f"ratio one pass / separate: {result['ratio_one_pass_vs_separate']:.2f} ({os.cpu_count()} cores)")
    print(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
