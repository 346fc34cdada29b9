"""The pytest plugin: options, baselines, per-host facts, verdicts and outputs."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
from pathlib import Path

import pytest

from . import __version__, image, transport
from .baseline import BaselineError, load_baseline
from .controls import SEVERITIES, SEVERITY_RANK, control_of
from .facts import Facts, HostContext
from .facts.plan import facts_to_gather, job_facts_to_gather
from .outcomes import ERROR, FAIL, NOT_APPLICABLE, OFFLINE_RUNTIME_REASON, WAIVED, CheckError, NotApplicable
from .parallel import HostScheduling, is_worker
from .progress import HostProgress
from .report.hooks import ReportHooks
from .report.junit import split_by_host
from .reporting import summary_lines
from .results import HostInfo, RunResults
from .targets import SHARD_SUMMARY, choose_hosts
from .timeouts import DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, parse_seconds
from .verdict import classify, result_entry
from .waivers import Waiver, WaiverError, find, load_waivers

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASELINES_DIR = PROJECT_DIR / "baselines"

facts_key = pytest.StashKey[Facts]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("hardening-audit")
    group.addoption("--baseline", default="default", metavar="NAME|PATH",
                    help="baseline to audit against: a name in baselines/ or a YAML path (default: default)")
    group.addoption("--report-dir", default="reports", metavar="DIR",
                    help="where compliance.html, results.json and junit.xml are written (default: reports)")
    group.addoption("--controls", default=None, metavar="GLOBS",
                    help="only these controls: comma-separated ID globs, e.g. SSH-0*,FW-03")
    group.addoption("--list-controls", action="store_true",
                    help="print the control catalog (ID, severity, level, domain, title) and exit")
    group.addoption("--fail-on", default=None, choices=SEVERITIES, metavar="SEVERITY",
                    help="exit 1 only when a control of this severity or above failed or errored "
                    f"({', '.join(SEVERITIES)}); lower findings are reported with exit 0")
    group.addoption("--waivers", default=None, metavar="FILE",
                    help="YAML waivers (control, hosts, justification, approver, expires) for accepted failures")
    group.addoption("--image", action="append", default=[], metavar="PATH|podman:IMAGE",
                    help="audit an operating-system image offline, without booting it: a root file system "
                    "directory, a raw disk image, or podman:IMAGE for an image in the local podman "
                    "(repeatable; needs root, mounted read-only)")
    group.addoption("--shard", default=None, metavar="K/N",
                    help="audit only the K-th of N slices of the hosts (hosts ordered by name): N runners "
                    "with --shard 1/N .. N/N audit the fleet between them, each host once")
    group.addoption("--inventory", default=None, metavar="FILE",
                    help="audit the hosts of an Ansible inventory (INI or YAML: groups, ansible_host, "
                    "ansible_port, ansible_user) over the suite's SSH transport")
    group.addoption("--limit", default=None, metavar="PATTERN",
                    help="the inventory's hosts to audit: an Ansible pattern (web*:&prod:!web3)")
    group.addoption("--connect-timeout", default=str(DEFAULT_CONNECT_TIMEOUT), metavar="SECONDS",
                    help="per host: give up connecting (TCP, SSH banner, login) after this long; the host's "
                    f"controls report error (default: {DEFAULT_CONNECT_TIMEOUT:g})")
    group.addoption("--command-timeout", default=str(DEFAULT_COMMAND_TIMEOUT), metavar="SECONDS",
                    help="per host: give up on a remote command after this long; the host's remaining "
                    f"controls report error (default: {DEFAULT_COMMAND_TIMEOUT:g})")
    group.addoption("--insecure-host-keys", action="store_true",
                    help="paramiko:// hosts: accept host keys that known_hosts does not confirm")


class AuditSession:
    """State of one audit run: the baseline, each host's facts, the results."""

    def __init__(self, config: pytest.Config, baseline, waivers: list[Waiver]):
        self.config = config
        self.baseline = baseline
        self.waivers = waivers
        self.today = dt.date.today()
        self.fail_on = config.getoption("fail_on")
        self.report_dir = Path(config.getoption("report_dir"))
        self.contexts: dict[str, HostContext] = {}
        self.domains: set[str] = set()
        self.facts_to_gather: list[str] = []
        self.settings: dict[str, object] = {}
        self.progress = HostProgress()
        self.run = RunResults(
            started=_now(), baseline=baseline.name,
            baseline_checksum=baseline.checksum, tool_version=__version__, auditor=_auditor(),
        )

    def context(self, host) -> HostContext:
        spec = host.backend.get_pytest_id()
        if spec not in self.contexts:
            ctx = self.contexts[spec] = HostContext(host, spec)
            ctx.gather(self.facts_to_gather)
            # The backup tools' commands wait on their repositories, often on another machine:
            # in rounds of their own, a repository that hangs costs the backup controls only.
            ctx.gather(job_facts_to_gather(self.domains, self.settings_for(ctx)))
        return self.contexts[spec]

    def settings_for(self, ctx: HostContext):
        """The host's baseline settings, merged once per host."""
        if ctx.spec not in self.settings:
            names = [ctx.host.backend.get_hostname(), ctx.spec]
            record = ctx.fact("system")
            if record.error is None:
                names.append(record.value.hostname)
            self.settings[ctx.spec] = self.baseline.for_host(*names)
        return self.settings[ctx.spec]

    def host_info(self, ctx: HostContext) -> HostInfo:
        record = ctx.fact("system")
        if record.error is not None:
            return HostInfo(ctx.spec, ctx.host.backend.get_hostname(), "unknown")
        return HostInfo(ctx.spec, record.value.hostname, record.value.os)

    # pytest hooks, registered on this object

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.domains = {control_of(item).domain for item in session.items}
        self.facts_to_gather = facts_to_gather(self.domains)
        self.progress.expect(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids: list[str]) -> None:
        """The xdist controller collects nothing itself: every worker reports the same items."""
        self.progress.expect(ids)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        control = control_of(item)
        if control is None or report.when == "teardown" or (report.when == "setup" and report.passed):
            return
        host = item.funcargs.get("host") or item.callspec.params["_testinfra_host"]
        ctx = self.context(host)
        status, message = classify(call.excinfo)
        info = self.host_info(ctx)
        waiver = find(self.waivers, control.id, [ctx.spec, info.hostname, ctx.host.backend.get_hostname()],
                      self.today) if status == FAIL else None
        if waiver is not None:
            if waiver.expired(self.today):
                message += f" (waiver expired on {waiver.expires}: {waiver.justification})"
            else:
                status = WAIVED
                message = (f"waived until {waiver.expires}, approved by {waiver.approver}: {waiver.justification}; "
                           f"finding: {message}")
                report.outcome = "skipped"
        view = item.stash.get(facts_key, None)
        evidence = list(view.evidence) if view is not None else []
        report.audit = result_entry(control, ctx.spec, status, message, evidence)
        if waiver is not None:
            report.audit["waiver"] = waiver.terms(self.today)
            report.audit_waiver = waiver.index
        report.audit_host = {"host": info.host, "hostname": info.hostname, "os": info.os}
        # junitxml writes the properties of the item from its teardown report.
        item.user_properties.extend(
            [("control", control.id), ("severity", control.severity), ("host", ctx.spec), ("status", status),
             ("domain", control.domain), ("title", control.title)]
        )
        if status in (NOT_APPLICABLE, WAIVED):
            # The reason alone, not the exception's class name, in the terminal and JUnit.
            report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {message}")
        elif status in (FAIL, ERROR):
            # The check's own expected-vs-found line, not pytest's assertion rewriting (reprs of facts).
            report.longrepr = f"{status}: {message}"

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Where results are gathered: in the one pytest process, or with xdist in the controller,
        from the reports the workers send."""
        if not is_worker(self.config):
            self._show_progress(self.progress.record(report))
        audit = getattr(report, "audit", None)
        if audit is not None:
            self.run.add(HostInfo(**report.audit_host), audit)
            index = getattr(report, "audit_waiver", None)
            if index is not None:
                self.waivers[index].matched.append(f"{audit['host']} {audit['control']}")

    def _show_progress(self, line: str | None) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if line is not None and reporter is not None:
            # On a line of its own, also after xdist's progress dots (which ensure_newline ignores).
            if reporter._tw.width_of_current_line:
                reporter._tw.line()
            reporter.write_line(line)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.run.results or is_worker(session.config):
            return
        self.run.finished = _now()
        self.run.waivers = [w.as_dict(self.today) for w in self.waivers]
        self.run.write(self.report_dir / "results.json")
        if self.fail_on and session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED if self.gate_trips() else pytest.ExitCode.OK

    def gate_trips(self) -> list[dict]:
        """Results that fail the build under --fail-on: failed or errored at that severity or above."""
        limit = SEVERITY_RANK[self.fail_on]
        return [r for r in self.run.results
                if r["status"] in (FAIL, ERROR) and SEVERITY_RANK.get(r["severity"], 99) <= limit]

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        if self.run.results and config.option.xmlpath and not is_worker(config):
            split_by_host(Path(config.option.xmlpath))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.run.results:
            return
        terminalreporter.section("hardening-audit summary")
        if SHARD_SUMMARY in self.config.stash:
            terminalreporter.write_line(self.config.stash[SHARD_SUMMARY])
        for line in summary_lines(self.run, self.report_dir):
            terminalreporter.write_line(line)
        for waiver in self.waivers:
            label = f"waiver {waiver.index + 1} ({waiver.control} on {waiver.hosts}, expires {waiver.expires})"
            if not waiver.matched:
                terminalreporter.write_line(f"{label}: unused, it matched no failed result")
            elif waiver.expired(self.today):
                terminalreporter.write_line(f"{label}: expired, {len(waiver.matched)} failure(s) not waived")
        if self.fail_on:
            trips = self.gate_trips()
            if trips:
                shown = ", ".join(f"{r['host']} {r['control']} ({r['severity']} {r['status']})" for r in trips[:20])
                more = f" and {len(trips) - 20} more" if len(trips) > 20 else ""
                terminalreporter.write_line(f"gate --fail-on {self.fail_on}: FAILED by {shown}{more}")
            else:
                terminalreporter.write_line(f"gate --fail-on {self.fail_on}: passed (nothing failed at "
                                            f"{self.fail_on} or above)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "control: a hardening control")
    if config.getoption("list_controls"):
        return
    try:
        baseline = load_baseline(config.getoption("baseline"), BASELINES_DIR)
    except BaselineError as exc:
        raise pytest.UsageError(str(exc)) from None
    try:
        connect_timeout = parse_seconds("--connect-timeout", config.getoption("connect_timeout"))
        command_timeout = parse_seconds("--command-timeout", config.getoption("command_timeout"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    transport.install(not config.getoption("insecure_host_keys"), connect_timeout, command_timeout)
    choose_hosts(config)
    report_dir = Path(config.getoption("report_dir"))
    if not config.option.xmlpath:
        config.option.xmlpath = str(report_dir / "junit.xml")
    if not getattr(config.option, "htmlpath", None):
        config.option.htmlpath = str(report_dir / "compliance.html")
        config.option.self_contained_html = True
    try:
        waivers = load_waivers(config.getoption("waivers")) if config.getoption("waivers") else []
    except WaiverError as exc:
        raise pytest.UsageError(str(exc)) from None
    session = AuditSession(config, baseline, waivers)
    config.pluginmanager.register(session, "hardening-audit-session")
    config.pluginmanager.register(ReportHooks(session.run.document), "hardening-audit-report")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """-n N: every control of a host on the same worker (see parallel.py)."""
    return HostScheduling(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    image.detach_images()


def pytest_cmdline_main(config: pytest.Config):
    if config.getoption("list_controls"):
        from .catalog import list_controls

        return list_controls(config)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = [item.nodeid for item in items if control_of(item) is None]
    if missing:
        raise pytest.UsageError(f"{missing[0]}: every check needs @control metadata")
    patterns = config.getoption("controls")
    if not patterns:
        return
    wanted = patterns.split(",")
    selected = [item for item in items if control_of(item).matches(wanted)]
    deselected = [item for item in items if not control_of(item).matches(wanted)]
    if not selected:
        raise pytest.UsageError(f"--controls {patterns}: no control matches")
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def _session(request: pytest.FixtureRequest) -> AuditSession:
    return request.config.pluginmanager.get_plugin("hardening-audit-session")


@pytest.fixture(autouse=True)
def _control_gate(request: pytest.FixtureRequest, host) -> None:
    """Before a check runs: its host must answer, and its level must be selected."""
    control = control_of(request.node)
    audit = _session(request)
    ctx = audit.context(host)
    record = ctx.fact("system")
    if record.error is not None:
        raise CheckError(record.error.reason if isinstance(record.error, CheckError) else str(record.error))
    if control.level > audit.settings_for(ctx).level:
        raise NotApplicable(f"level {control.level} not selected")
    if ctx.offline and control.runtime:
        raise NotApplicable(OFFLINE_RUNTIME_REASON)


@pytest.fixture
def facts(request: pytest.FixtureRequest, host) -> Facts:
    """The host's facts, read once per host and shared; records the evidence a check used."""
    view = Facts(_session(request).context(host))
    request.node.stash[facts_key] = view
    return view


@pytest.fixture
def baseline(request: pytest.FixtureRequest, host):
    """The baseline settings for this host, per-host overrides applied."""
    audit = _session(request)
    return audit.settings_for(audit.context(host))


def _auditor() -> str:
    """Who ran the audit, from where: user@machine of the auditing side."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
