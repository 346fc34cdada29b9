"""Fleet speed: the full catalog on one lab host and on a fleet of lab hosts, side by side with
oscap-ssh (anssi_bp28_high of the Debian 12 content) and Lynis on the same host.

    python -m bench.fleet [--fleet 16] [--repeat 3]     (as root, from the repository root)

Brings up the lab's bench-peers host (hardened, plus openscap-scanner and lynis) and enough
other lab hosts for the fleet, then measures each run's wall time, the machine's CPU seconds
(/proc/stat over the run: client and lab hosts share this machine's cores), the client's own
CPU seconds and peak memory (its process tree, from wait4), and the remote commands our audit
ran per host. Prints the ratios against the targets and writes bench/results/fleet.json.

Our runs use the lab baseline, which declares the backup jobs of the lab hosts: their repositories
are read and verified (restic and borg, on the host, against the lab's backup server). A second
one-host run with the default baseline, which declares none, shows the cost of the rest of the
catalog. Our runs keep Python's bytecode cache (PYTHONDONTWRITEBYTECODE is dropped), as an
installed tool does; a collection run before the measurements fills it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "fleet.json"
LAB_BASELINE = REPO / "tests" / "data" / "lab-baseline.yaml"
PEER_HOST = "bench-peers"
PROFILE = "xccdf_org.ssgproject.content_profile_anssi_bp28_high"
# Debian 12 content ships in ssg-debian of a later release (bookworm's has Debian 10/11 only).
CONTENT_RELEASE = "trixie"
CONTENT_MEMBER = "usr/share/xml/scap/ssg/content/ssg-debian12-ds.xml"
# Targets of the fleet-speed issue.
TARGETS = {
    "one_host_wall_s": 1.5,
    "vs_oscap_wall": 4.0,
    "vs_lynis_wall": 20.0,
    "vs_oscap_machine_cpu": 4.0,
    "client_cpu_per_host_s": 0.25,
    "fleet_wall_per_cpu_share": 1.25,
    "remote_commands_per_host": 40,
}


@dataclass
class Measure:
    wall_s: float
    machine_cpu_s: float
    client_cpu_s: float
    client_peak_rss_mib: float
    exit_status: int


def machine_cpu_seconds() -> float:
    """CPU seconds spent by everything on this machine so far (busy time of /proc/stat's cpu line)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[Measure, str]:
    machine_before, started = machine_cpu_seconds(), time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                            stdin=subprocess.DEVNULL)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall, machine = time.perf_counter() - started, machine_cpu_seconds() - machine_before
    return Measure(wall, machine, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode), output


def median_of(runs: list[Measure]) -> Measure:
    """The run with the median wall time (its other figures with it)."""
    return sorted(runs, key=lambda m: m.wall_s)[len(runs) // 2]


def fleet_hosts(size: int) -> list[str]:
    """bench-peers plus the first booted lab hosts (hardened shares bench-peers' backup repositories)."""
    from tests.lab.hosts import HOSTS

    others = [spec.name for spec in HOSTS if spec.boot and not spec.on_request and spec.name != "hardened"]
    if size - 1 > len(others):
        raise SystemExit(f"the lab has {len(others) + 1} hosts for a fleet, asked for {size}")
    return [PEER_HOST, *others[:size - 1]]


def debian12_content(cache: Path) -> Path:
    """The Debian 12 SCAP data stream, fetched once from the ssg-debian package of CONTENT_RELEASE."""
    content = cache / Path(CONTENT_MEMBER).name
    if content.is_file():
        return content
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "lists" / "partial").mkdir(parents=True)
        (work / "sources.list").write_text(f"deb http://deb.debian.org/debian {CONTENT_RELEASE} main\n")
        apt = ["-q", "-o", f"Dir::Etc::SourceList={work / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/dev/null",
               "-o", f"Dir::State::Lists={work / 'lists'}", "-o", "Dir::Cache::pkgcache=",
               "-o", "Dir::Cache::srcpkgcache=", "-o", "APT::Sandbox::User=root"]
        subprocess.run(["apt-get", *apt, "update"], check=True, capture_output=True)
        subprocess.run(["apt-get", *apt, "download", "ssg-debian"], check=True, capture_output=True, cwd=work)
        (package,) = work.glob("ssg-debian_*.deb")
        subprocess.run(["dpkg-deb", "-x", str(package), str(work / "root")], check=True)
        (work / "root" / CONTENT_MEMBER).replace(content)
    return content


def audit_argv(lab, hosts: list[str], report_dir: Path, *extra: str, baseline: str = str(LAB_BASELINE)) -> list[str]:
    return lab.ns_command([
        sys.executable, "-m", "pytest", f"--hosts={','.join('paramiko://' + h for h in hosts)}",
        f"--ssh-config={lab.ssh_config}", "--sudo", f"--baseline={baseline}", f"--report-dir={report_dir}",
        "-p", "bench.command_count", *extra,
    ])


def ours_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(REPO), **extra}


def fill_bytecode_cache(work: Path) -> None:
    subprocess.run([sys.executable, "-m", "pytest", "--collect-only", f"--report-dir={work / 'collect'}"],
                   cwd=REPO, env=ours_env(), capture_output=True, check=True)


def run_ours(lab, hosts: list[str], work: Path, repeat: int, *extra: str,
             baseline: str = str(LAB_BASELINE)) -> tuple[Measure, dict, dict]:
    runs, counts = [], {}
    label = f"{len(hosts)}-{Path(baseline).stem}"
    for attempt in range(repeat):
        commands_file = work / f"commands-{label}-{attempt}.jsonl"
        env = ours_env(HA_BENCH_COMMANDS=str(commands_file))
        measure, output = measured(audit_argv(lab, hosts, work / f"report-{label}", *extra, baseline=baseline), env)
        if measure.exit_status not in (0, 1):
            raise SystemExit(f"our audit failed (exit {measure.exit_status}):\n{output[-3000:]}")
        runs.append(measure)
        counts = {}
        for line in commands_file.read_text().splitlines():
            for spec, number in json.loads(line).items():
                counts[spec] = counts.get(spec, 0) + number
    document = json.loads((work / f"report-{label}" / "results.json").read_text())
    return median_of(runs), counts, document


def rule_outcomes(results_xml: str) -> dict[str, int]:
    """oscap's XCCDF results: how many rules ended in each outcome (pass, fail, notapplicable...)."""
    outcomes: dict[str, int] = {}
    for outcome in re.findall(r"<rule-result\b[^>]*>.*?<result>(\w+)</result>", results_xml, re.S):
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def run_oscap(lab, content: Path, work: Path, repeat: int) -> tuple[Measure, dict[str, int]]:
    env = {**os.environ, "SSH_ADDITIONAL_OPTIONS": f"-F {lab.ssh_config}"}
    runs = []
    for attempt in range(repeat):
        results = work / f"oscap-results-{attempt}.xml"
        measure, output = measured(lab.ns_command([
            "oscap-ssh", "--sudo", PEER_HOST, "22", "xccdf", "eval", "--profile", PROFILE,
            "--results", str(results), str(content)]), env)
        if measure.exit_status not in (0, 2) or not results.is_file():  # 2: some rule failed
            raise SystemExit(f"oscap-ssh failed (exit {measure.exit_status}):\n{output[-3000:]}")
        runs.append(measure)
    return median_of(runs), rule_outcomes(results.read_text())


def run_lynis(lab, repeat: int) -> Measure:
    runs = []
    for _ in range(repeat):
        measure, output = measured(lab.ns_command([
            "ssh", "-F", str(lab.ssh_config), PEER_HOST, "sudo", "lynis", "audit", "system", "--quick",
            "--no-colors"]))
        if measure.exit_status != 0:
            raise SystemExit(f"lynis failed (exit {measure.exit_status}):\n{output[-3000:]}")
        runs.append(measure)
    return median_of(runs)


def _results_per_host(document: dict) -> dict[str, int]:
    """How many results each host got: the catalog once, never a host audited twice."""
    counts: dict[str, int] = {}
    for result in document["results"]:
        counts[result["host"]] = counts.get(result["host"], 0) + 1
    return counts


def _line(label: str, value: float, target: float, better: str, unit: str = "") -> str:
    met = value <= target if better == "lower" else value >= target
    verdict = "met" if met else (f"missed by {value / target:.2f}x" if better == "lower"
                                 else f"missed: {target / value:.2f}x short")
    sign = "<=" if better == "lower" else ">="
    return f"  {label:<52} {value:9.2f}{unit:<3} target {sign} {target:g}{unit}: {verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet", description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=16, help="hosts in the fleet run (default 16)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is kept")
    parser.add_argument("--workers", type=int, default=2, help="xdist workers of the fleet run (default 2)")
    parser.add_argument("--prefix", default="habench", help="lab prefix")
    options = parser.parse_args()
    from tests.lab import Lab
    from tests.lab.paths import cache_dir

    content = debian12_content(cache_dir() / "bench")
    fleet = fleet_hosts(options.fleet)
    lab = Lab(hosts=fleet, prefix=options.prefix)
    lab.up()
    try:
        with tempfile.TemporaryDirectory(prefix="hardening-audit-bench-") as scratch:
            work = Path(scratch)
            fill_bytecode_cache(work)
            one, one_counts, one_document = run_ours(lab, [PEER_HOST], work, options.repeat)
            no_jobs, _, _ = run_ours(lab, [PEER_HOST], work, options.repeat, baseline="default")
            many, many_counts, many_document = run_ours(lab, fleet, work, max(1, options.repeat - 2),
                                                        f"--numprocesses={options.workers}")
            oscap, oscap_outcomes = run_oscap(lab, content, work, options.repeat)
            lynis = run_lynis(lab, options.repeat)
    finally:
        lab.down()

    cores = os.cpu_count() or 1
    oscap_rules = sum(count for outcome, count in oscap_outcomes.items() if outcome != "notselected")
    commands = one_counts.get(f"paramiko://{PEER_HOST}", 0)
    ratios = {
        "vs_oscap_wall": oscap.wall_s / one.wall_s,
        "vs_lynis_wall": lynis.wall_s / one.wall_s,
        "vs_oscap_machine_cpu": oscap.machine_cpu_s / one.machine_cpu_s,
        "vs_lynis_machine_cpu": lynis.machine_cpu_s / one.machine_cpu_s,
        "no_backup_jobs_vs_oscap_wall": oscap.wall_s / no_jobs.wall_s,
        "no_backup_jobs_vs_oscap_machine_cpu": oscap.machine_cpu_s / no_jobs.machine_cpu_s,
        "no_backup_jobs_vs_lynis_wall": lynis.wall_s / no_jobs.wall_s,
        "fleet_vs_one_wall": many.wall_s / one.wall_s,
        "fleet_wall_per_cpu_share": many.wall_s / (many.machine_cpu_s / cores),
    }
    result = {
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": cores,
        "repeat": options.repeat,
        "controls": len({r["control"] for r in one_document["results"]}),
        "fleet": fleet,
        "parallel": f"-n {options.workers} (pytest-xdist, scheduled by host)",
        "fleet_results_per_host": _results_per_host(many_document),
        "ours_one_host": asdict(one),
        "ours_one_host_no_backup_jobs": asdict(no_jobs),
        "ours_fleet": asdict(many),
        "oscap_ssh": {**asdict(oscap), "profile": PROFILE, "rules": oscap_rules, "outcomes": oscap_outcomes},
        "lynis": asdict(lynis),
        "remote_commands_per_host": {"one_host": commands, "fleet": many_counts},
        "ratios": ratios,
        "targets": TARGETS,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")

    def row(name: str, m: Measure) -> str:
        return (f"  {name:<34} wall {m.wall_s:7.2f} s  machine CPU {m.machine_cpu_s:7.2f} s  "
                f"client CPU {m.client_cpu_s:6.2f} s  client peak {m.client_peak_rss_mib:6.1f} MiB")

    print(f"{cores} cores; median of {options.repeat} runs (fleet: {max(1, options.repeat - 2)})")
    print(row(f"ours, {result['controls']} controls, 1 host", one))
    print(row("  same, no backup job declared", no_jobs))
    print(row(f"ours, {len(fleet)} hosts ({result['parallel']})", many))
    print(row(f"oscap-ssh anssi_bp28_high ({oscap_rules} rules)", oscap))
    print(f"    oscap outcomes: {', '.join(f'{k} {v}' for k, v in sorted(oscap_outcomes.items()))}")
    print(row("lynis audit system --quick", lynis))
    print("targets:")
    print(_line("ours on one host, wall", one.wall_s, TARGETS["one_host_wall_s"], "lower", " s"))
    print(_line("oscap-ssh wall / ours", ratios["vs_oscap_wall"], TARGETS["vs_oscap_wall"], "higher"))
    print(_line("lynis wall / ours", ratios["vs_lynis_wall"], TARGETS["vs_lynis_wall"], "higher"))
    print(_line("oscap-ssh machine CPU / ours", ratios["vs_oscap_machine_cpu"], TARGETS["vs_oscap_machine_cpu"],
                "higher"))
    print(_line("client CPU per host (fleet run)", many.client_cpu_s / len(fleet),
                TARGETS["client_cpu_per_host_s"], "lower", " s"))
    print(_line(f"fleet wall / (machine CPU / {cores} cores)", ratios["fleet_wall_per_cpu_share"],
                TARGETS["fleet_wall_per_cpu_share"], "lower"))
    print(_line("remote commands per host", commands, TARGETS["remote_commands_per_host"], "lower"))
    per_host = set(result["fleet_results_per_host"].values())
    print(f"fleet: {len(result['fleet_results_per_host'])} hosts, results per host {sorted(per_host)} "
          f"(the catalog has {result['controls']})")
    print(f"without backup jobs (default baseline): wall {no_jobs.wall_s:.2f} s; oscap-ssh / ours: wall "
          f"{oscap.wall_s / no_jobs.wall_s:.2f}, machine CPU {oscap.machine_cpu_s / no_jobs.machine_cpu_s:.2f}; "
          f"lynis / ours: wall {lynis.wall_s / no_jobs.wall_s:.2f}")
    print(f"also: lynis machine CPU / ours {ratios['vs_lynis_machine_cpu']:.2f}; "
          f"{len(fleet)} hosts / 1 host wall {ratios['fleet_vs_one_wall']:.2f}")
    print(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
