"""Logging and detection: loggers and what they forward or accept, journal storage, log files,
rotation, the audit daemon, time synchronisation, integrity and intrusion detection tools.

A daemon's configuration counts only when the daemon starts (its unit enabled) and, on a running
system, runs; what its configuration files say is read as the daemon reads them (includes in order).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..outcomes import CheckError, offline_only
from ..parsers.aide import aide_database_paths
from ..parsers.audit import AuditRule, parse_audit_rules, parse_auditctl_status, parse_auditd_conf
from ..parsers.listing import FIND_FORMAT, FileStat, parse_find_listing
from ..parsers.rsyslog import RsyslogConfig, parse_rsyslog
from ..parsers.shell import parse_shell_assignments
from ..parsers.rsyslog import include_patterns as rsyslog_includes
from ..parsers.syslog_ng import SyslogNgConfig, parse_syslog_ng
from ..parsers.syslog_ng import include_patterns as syslog_ng_includes
from ..parsers.systemd import ENABLED_STATES, parse_cat_config
from ..parsers.timesync import parse_chronyc_sources, parse_ntpq_peers, parse_timesync_servers
from .core import HostContext, fact
from .files import expand_globs, read_files, stat_paths
from .packages import installed as _present
from .system import require_root

RSYSLOG_CONF = "/etc/rsyslog.conf"
SYSLOG_NG_CONF = "/etc/syslog-ng/syslog-ng.conf"
SYSLOG_NG_INCLUDE_PATH = ("/etc/syslog-ng", "/usr/share/syslog-ng/include")
AUDIT_RULES = "/etc/audit/audit.rules"
AUDITD_CONF = "/etc/audit/auditd.conf"
AIDE_CONF = "/etc/aide/aide.conf"
# What auditctl prints when the kernel's audit netlink socket cannot be used (a container, no CAP_AUDIT).
AUDIT_UNAVAILABLE = ("Cannot open netlink audit socket", "Operation not permitted", "Protocol not supported",
                     "audit support not in kernel")


@dataclass(frozen=True)
class Daemon:
    """A service's unit: whether it starts at boot and whether it runs now (None: nothing runs, an image)."""

    unit: str
    enabled: bool
    running: bool | None

    @property
    def active(self) -> bool:
        return self.enabled and self.running is not False


def daemon(ctx: HostContext, *units: str) -> Daemon:
    """The first of the units that the host has (aliases: rsyslog.service is also syslog.service)."""
    files, running = ctx.value("unit_files"), ctx.value("running_units")
    live = bool(running)
    for unit in units:
        if unit in files or unit in running:
            return Daemon(unit, files.get(unit) in ENABLED_STATES, (unit in running) if live else None)
    return Daemon(units[0], False, False if live else None)


@fact
def daemon_state(ctx: HostContext, units: tuple[str, ...]) -> Daemon:
    return daemon(ctx, *units)


def _read_with_includes(ctx: HostContext, main: str, includes, resolve) -> list[tuple[str, str]]:
    """The main file and every file its includes name (and theirs), read in one round trip per level."""
    files = read_files(ctx, [main])
    pending = [resolve(p) for _, text in files for p in includes(text)]
    seen = {main}
    while pending:
        paths = [p for p in expand_globs(ctx, pending) if p not in seen]
        seen.update(paths)
        more = read_files(ctx, paths) if paths else []
        files += more
        pending = [resolve(p) for _, text in more for p in includes(text)]
    return files


@fact
def rsyslog(ctx: HostContext) -> RsyslogConfig | None:
    """rsyslog's configuration, or None when rsyslog is not installed."""
    if not _present(ctx, "rsyslog"):
        return None
    files = _read_with_includes(ctx, RSYSLOG_CONF, rsyslog_includes, lambda p: p)
    if not files:
        raise CheckError(f"rsyslog is installed but {RSYSLOG_CONF} cannot be read")
    return parse_rsyslog(files)


def _syslog_ng_path(pattern: str) -> str:
    return pattern if pattern.startswith("/") else posixpath.join(SYSLOG_NG_INCLUDE_PATH[0], pattern)


@fact
def syslog_ng(ctx: HostContext) -> SyslogNgConfig | None:
    if not _present(ctx, "syslog-ng-core"):
        return None
    return parse_syslog_ng(_read_with_includes(ctx, SYSLOG_NG_CONF, syslog_ng_includes, _syslog_ng_path))


@fact
def journald_settings(ctx: HostContext) -> dict[str, str]:
    """journald's effective [Journal] settings: journald.conf and every drop-in, in systemd's order."""
    out = ctx.run_argv(["systemd-analyze", "cat-config", "systemd/journald.conf"], ok=(0, 1))
    return parse_cat_config(out.stdout, "Journal")


@fact
def journal_locations(ctx: HostContext) -> list[str]:
    """Directories that hold journal files now: /var/log/journal/<machine-id> (persistent), /run/log/journal.

    On an image, where journald will write once booted: Storage=auto writes to /var/log/journal
    when that directory exists."""
    if ctx.offline:
        storage = ctx.value("journald_settings").get("Storage", "auto")
        exists = bool(stat_paths(ctx, ["/var/log/journal"]))
        persistent = storage == "persistent" or (storage == "auto" and exists)
        return ["/var/log/journal"] if persistent else [] if storage == "none" else ["/run/log/journal"]
    out = ctx.run_argv(["find", "/var/log/journal", "/run/log/journal", "-maxdepth", "2", "-name", "*.journal",
                        "-printf", "%h\\n"], ok=(0, 1))
    return sorted(set(out.stdout.split()))


@fact
def journal_upload_url(ctx: HostContext) -> str | None:
    """systemd-journal-upload's URL= when the package is installed."""
    if not _present(ctx, "systemd-journal-remote"):
        return None
    out = ctx.run_argv(["systemd-analyze", "cat-config", "systemd/journal-upload.conf"], ok=(0, 1))
    return parse_cat_config(out.stdout, "Upload").get("URL") or None


@fact
def log_files(ctx: HostContext) -> list[FileStat]:
    require_root(ctx)
    out = ctx.run_argv(["find", "/var/log", "-xdev", "-type", "f", "-printf", FIND_FORMAT], ok=(0, 1))
    return parse_find_listing(out.stdout)


@dataclass(frozen=True)
class LogRotation:
    installed: bool
    configured: bool
    scheduled: bool
    schedule_detail: str


@fact
def logrotate_status(ctx: HostContext) -> LogRotation:
    """logrotate, its configuration, and what runs it: logrotate.timer, or cron's daily job on a host
    without a running systemd (Debian's cron job exits when systemd runs, leaving it to the timer)."""
    installed = _present(ctx, "logrotate")
    present = {stat.path for stat in stat_paths(ctx, ["/etc/logrotate.conf", "/etc/cron.daily/logrotate"])}
    timer = daemon(ctx, "logrotate.timer")
    systemd_runs = ctx.value("systemd_runs")
    cron = daemon(ctx, "cron.service", "cronie.service")
    by_cron = not systemd_runs and "/etc/cron.daily/logrotate" in present and cron.enabled
    detail = f"logrotate.timer {'enabled' if timer.enabled else 'not enabled'}"
    return LogRotation(installed, "/etc/logrotate.conf" in present, timer.active or by_cron, detail)


@fact
def audit_rules_persisted(ctx: HostContext) -> list[AuditRule] | None:
    """The rules augenrules compiled into /etc/audit/audit.rules (loaded at boot); None when absent."""
    require_root(ctx)
    files = read_files(ctx, [AUDIT_RULES])
    return parse_audit_rules(files[0][1]) if files else None


def _auditctl(ctx: HostContext, option: str) -> str:
    if ctx.offline:
        raise offline_only("kernel audit interface")
    require_root(ctx)
    out = ctx.run_argv(["auditctl", option], ok=(0, 1, 255))
    text = (out.stdout + out.stderr).strip()
    if out.exit_status != 0 or any(marker in text for marker in AUDIT_UNAVAILABLE):
        reason = text.splitlines()[-1] if text else f"auditctl exited {out.exit_status}"
        raise CheckError(f"kernel audit interface unavailable: {reason}")
    return out.stdout


@fact
def audit_rules_loaded(ctx: HostContext) -> list[AuditRule]:
    return parse_audit_rules(_auditctl(ctx, "-l"))


@fact
def audit_status(ctx: HostContext) -> dict[str, str]:
    """``auditctl -s``: the kernel's audit state (enabled 1, or 2 when the rules are locked)."""
    return parse_auditctl_status(_auditctl(ctx, "-s"))


@fact
def auditd_conf(ctx: HostContext) -> dict[str, str] | None:
    files = read_files(ctx, [AUDITD_CONF])
    return parse_auditd_conf(files[0][1]) if files else None


@dataclass(frozen=True)
class TimeSync:
    service: str | None  # the synchronisation daemon in charge, None when none is installed
    daemon: Daemon | None
    sources: tuple[str, ...]  # servers it reaches (chrony, ntpsec) or talks to (timesyncd)


def _timesync_sources(ctx: HostContext, service: str) -> tuple[str, ...]:
    if service == "chrony":
        out = ctx.run_argv(["chronyc", "-n", "-c", "sources"], ok=(0, 1))
        return tuple(s.address for s in parse_chronyc_sources(out.stdout) if s.reach)
    if service == "ntpsec":
        out = ctx.run_argv(["ntpq", "-pn"], ok=(0, 1))
        return tuple(p.remote for p in parse_ntpq_peers(out.stdout) if p.reach)
    out = ctx.run_argv(["timedatectl", "show-timesync"], ok=(0, 1))
    servers = parse_timesync_servers(out.stdout)
    return (servers.server_name,) if servers.server_name else ()


@fact
def time_sync(ctx: HostContext) -> TimeSync:
    """The time synchronisation daemon that starts (chrony, ntpsec, systemd-timesyncd) and its sources."""
    candidates = (("chrony", "chrony", ("chrony.service", "chronyd.service")),
                  ("ntpsec", "ntpsec", ("ntpsec.service", "ntp.service")),
                  ("systemd-timesyncd", "systemd-timesyncd", ("systemd-timesyncd.service",)))
    installed = [(name, daemon(ctx, *units)) for name, package, units in candidates if _present(ctx, package)]
    if not installed:
        return TimeSync(None, None, ())
    name, unit = next(((n, d) for n, d in installed if d.active), installed[0])
    sources = _timesync_sources(ctx, name) if unit.active and unit.running else ()
    return TimeSync(name, unit, sources)


@dataclass(frozen=True)
class IntegrityDatabase:
    installed: bool
    database: str  # where aide.conf says the database is read from
    initialised: bool  # that file exists and is not empty


@fact
def aide(ctx: HostContext) -> IntegrityDatabase:
    if not _present(ctx, "aide"):
        return IntegrityDatabase(False, "", False)
    require_root(ctx)
    files = read_files(ctx, [AIDE_CONF])
    database, _ = aide_database_paths(files[0][1] if files else "")
    out = ctx.run_argv(["find", database, "-maxdepth", "0", "-type", "f", "-size", "+0", "-printf", "%p\\n"],
                       ok=(0, 1))
    return IntegrityDatabase(True, database, bool(out.stdout.strip()))


@fact
def scheduled_lines(ctx: HostContext) -> list[str]:
    """Lines of /etc/crontab and /etc/cron.d that run a command, for commands the detection tools run."""
    files = read_files(ctx, ["/etc/crontab", *expand_globs(ctx, ["/etc/cron.d/"])])
    return [line.strip() for _, text in files for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#") and "=" not in line.split()[0]]


@fact
def rkhunter_defaults(ctx: HostContext) -> dict[str, str]:
    files = read_files(ctx, ["/etc/default/rkhunter"])
    return parse_shell_assignments(files[0][1]) if files else {}


@fact
def fail2ban_sshd_jail(ctx: HostContext) -> bool:
    """Whether fail2ban's sshd jail is loaded and running (fail2ban-client answers for it)."""
    require_root(ctx)
    out = ctx.run_argv(["fail2ban-client", "status", "sshd"], ok=(0, 1, 255))
    return out.exit_status == 0 and "Currently banned" in out.stdout


@dataclass(frozen=True)
class LogDestination:
    """Where a running forwarder sends logs."""

    host: str
    port: int
    transport: str  # "udp", "tcp", "relp", "http" or "https"
    tls: bool
    via: str  # the forwarder and where it is configured, for the evidence


@dataclass(frozen=True)
class LogListener:
    """A way a running logger accepts logs from other hosts."""

    transport: str
    port: int | None
    via: str


def _all_logs(selector: str) -> bool:
    """A forward of everything: no filter, or a selector starting with *.* (exceptions after it are usual)."""
    return not selector.strip() or selector.replace(" ", "").startswith("*.*")


@fact
def log_destinations(ctx: HostContext) -> list[LogDestination]:
    """Forwards of all logs by forwarders that start (and run, on a live host): rsyslog, syslog-ng,
    systemd-journal-upload."""
    found = []
    config = ctx.value("rsyslog")
    if config is not None and daemon(ctx, "rsyslog.service", "syslog.service").active:
        found += [LogDestination(f.target, f.port, f.protocol, f.tls, f"rsyslog {f.file}:{f.line}")
                  for f in config.forwards if f.ruleset is None and _all_logs(f.selector)]
    config_ng = ctx.value("syslog_ng")
    if config_ng is not None and daemon(ctx, "syslog-ng.service").active:
        found += [LogDestination(d.host or "", d.port, "tcp" if d.transport == "tls" else d.transport,
                                 d.transport == "tls", f"syslog-ng {d.file}:{d.line}")
                  for d in config_ng.destinations]
    url = ctx.value("journal_upload_url")
    if url and daemon(ctx, "systemd-journal-upload.service").active:
        scheme, _, rest = url.partition("://")
        authority = rest.split("/", 1)[0]
        host, _, port = authority.rpartition(":") if authority.count(":") == 1 else (authority, "", "")
        found.append(LogDestination(host.strip("[]"), int(port) if port.isdigit() else 19532, scheme or "https",
                                    scheme == "https", "systemd-journal-upload"))
    return found


REMOTE_INPUT_MODULES = ("imudp", "imtcp", "imptcp", "imrelp", "imgssapi")


@fact
def log_listeners(ctx: HostContext) -> list[LogListener]:
    """Inputs of running loggers that receive logs from the network."""
    found = []
    config = ctx.value("rsyslog")
    if config is not None and daemon(ctx, "rsyslog.service", "syslog.service").active:
        found += [LogListener(i.module, i.port, f"rsyslog {i.file}:{i.line}")
                  for i in config.inputs if i.module in REMOTE_INPUT_MODULES
                  and i.address not in ("127.0.0.1", "::1", "localhost")]
    config_ng = ctx.value("syslog_ng")
    if config_ng is not None and daemon(ctx, "syslog-ng.service").active:
        found += [LogListener(s.transport, s.port, f"syslog-ng {s.file}:{s.line}")
                  for s in config_ng.sources if s.host not in ("127.0.0.1", "::1", "localhost")]
    for unit in ("systemd-journal-remote.socket", "systemd-journal-remote.service"):
        if daemon(ctx, unit).active:
            found.append(LogListener("journal-remote", 19532, unit))
    return found
