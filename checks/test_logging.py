"""Logging: events are recorded, protected, kept, forwarded to a central place, and time-stamped right.

A logger's configuration counts only when the logger starts at boot and, on a live host, runs.
The audit daemon's kernel side (running state, loaded rules) cannot be read inside a container:
that part is then an error, "kernel audit interface unavailable", while the persisted
configuration is still judged (and fails first when it is wrong).
"""

from hardening_audit.audit_requirements import missing_requirements
from hardening_audit.controls import control
from hardening_audit.judge import describe, listed
from hardening_audit.outcomes import CheckError, NotApplicable
from hardening_audit.parsers.audit import immutable
from hardening_audit.parsers.packages import present

SHOWN = 10  # findings named in a message (judge.listed's default)
DEFAULT_SYSLOG_PORT = 514
# Login records Debian keeps group-writable and world-readable (utmp group); catalog: they may stay 0664.
LOGIN_RECORDS = ("/var/log/wtmp", "/var/log/lastlog")
TCP_TRANSPORTS = ("tcp", "relp", "http", "https")


def _remote_hosts(baseline):
    hosts = baseline.logging.remote_hosts
    if hosts is None:
        raise NotApplicable("the baseline names no central log host (logging.remote_hosts)")
    wanted = []
    for entry in hosts:
        host, _, port = entry.rpartition(":") if entry.count(":") == 1 or entry.startswith("[") else (entry, "", "")
        host = host.strip("[]") if host else entry
        wanted.append((entry, host.lower(), int(port) if port else DEFAULT_SYSLOG_PORT))
    return wanted


def _forwards_to(facts, host, port):
    return [d for d in facts.log_destinations if d.host.lower() == host and d.port == port]


@control(
    "LOG-01", title="A system logger is active", severity="high", level=1,
    cis=["6.1.1.1"],
    remediation="systemctl unmask --now systemd-journald.service; where the baseline requires a syslog "
    "daemon: apt-get install rsyslog && systemctl enable --now rsyslog.",
)
def test_log_01_logger_active(facts, baseline):
    """Without a running logger nothing an attacker or a failing service does
    leaves a trace. journald always; rsyslog or syslog-ng as well when the
    baseline requires a syslog daemon (logging.syslog_daemon)."""
    found = []
    journald = facts.of("daemon_state", ("systemd-journald.service",))
    if journald.running is False:
        found.append("systemd-journald not running")
    if baseline.logging.syslog_daemon:
        syslog = [facts.of("daemon_state", (unit,)) for unit in ("rsyslog.service", "syslog-ng.service")]
        if not any(d.active for d in syslog):
            found.append("no syslog daemon enabled and running (rsyslog, syslog-ng)")
    assert not found, f"expected journald{' and a syslog daemon' if baseline.logging.syslog_daemon else ''} " \
                      f"active, found {'; '.join(found)}"


@control(
    "LOG-02", title="The journal is stored persistently", severity="medium", level=1,
    cis=["6.1.2.4"],
    remediation="Storage=persistent in /etc/systemd/journald.conf.d/60-hardening.conf (and no later drop-in "
    "overriding it), then systemctl restart systemd-journald.",
)
def test_log_02_persistent_journal(facts):
    """A journal kept in /run is gone at the next reboot, and with it the
    record of what led to it. Storage is read after every drop-in; auto is
    persistent only when /var/log/journal exists, so where the journal
    files really are decides."""
    storage = facts.journald_settings.get("Storage", "auto")
    locations = facts.journal_locations
    persistent = [d for d in locations if d.startswith("/var/log/journal")]
    found = []
    if storage not in ("persistent", "auto"):
        found.append(f"Storage={storage}")
    if not persistent:
        found.append(f"journal files only in {', '.join(locations)}" if locations else "no journal files")
    assert not found, f"expected the journal in /var/log/journal (Storage=persistent), found {'; '.join(found)}"


@control(
    "LOG-03", title="Logs are forwarded to the central log host", severity="high", level=1,
    cis=["6.1.3.6"], ssg=["rsyslog_remote_loghost"], seed=["central log pipeline"],
    remediation='In /etc/rsyslog.d/60-forward.conf: *.* action(type="omfwd" target="LOGHOST" port="514" '
    'protocol="tcp" action.resumeRetryCount="-1" queue.type="linkedList" queue.saveOnShutdown="on"); '
    "then systemctl restart rsyslog.",
)
def test_log_03_forwarding(facts, baseline):
    """Logs kept only on the host are the first thing an intruder with root
    erases. All logs must reach each central host the baseline names
    (host[:port], 514 by default), through a forwarder that starts and runs;
    a forward to another host does not count, nor a file the daemon never
    reads."""
    missing = [entry for entry, host, port in _remote_hosts(baseline) if not _forwards_to(facts, host, port)]
    found = [f"{d.host}:{d.port} ({d.via})" for d in facts.log_destinations]
    assert not missing, (f"expected all logs forwarded to {', '.join(missing)}, found "
                         f"{'forwarding to ' + ', '.join(found) if found else 'no active forwarding'}")


@control(
    "LOG-04", title="Forwarding uses the required transport", severity="low", level=2,
    ssg=["rsyslog_remote_tls"],
    remediation='protocol="tcp" in the omfwd action (tls: StreamDriver="gtls" StreamDriverMode="1" '
    'StreamDriverAuthMode="x509/name" with the CA in global(DefaultNetstreamDriverCAFile=...)).',
)
def test_log_04_transport(facts, baseline):
    """UDP syslog loses messages silently and anyone on the path can read or
    forge them. tcp accepts any TCP-based transport (plain TCP, RELP, TLS,
    journal upload); tls requires encryption."""
    wanted = baseline.logging.transport
    forwards = [(entry, d) for entry, host, port in _remote_hosts(baseline) for d in _forwards_to(facts, host, port)]
    if not forwards:
        raise NotApplicable("nothing is forwarded to the baseline's log hosts (LOG-03)")
    weak = [f"{entry} over {d.transport}{' with TLS' if d.tls else ''} ({d.via})" for entry, d in forwards
            if (wanted == "tls" and not d.tls) or (wanted == "tcp" and d.transport not in TCP_TRANSPORTS)]
    assert not weak, f"expected forwarding over {wanted}, found {', '.join(weak)}"


@control(
    "LOG-05", title="The host does not accept remote logs", severity="low", level=1,
    cis=["6.1.3.7"],
    remediation="Remove the imudp/imtcp/imrelp inputs (module load and input lines) from the rsyslog "
    "configuration, or disable systemd-journal-remote; on a central log host set logging.log_server: true.",
)
def test_log_05_no_remote_input(facts, baseline):
    """A host that accepts logs from the network can be flooded or fed
    forged entries; only the central log host needs to."""
    if baseline.logging.log_server:
        raise NotApplicable("the baseline makes this host a log server (logging.log_server)")
    found = [f"{item.transport}" + (f" port {item.port}" if item.port else "") + f" ({item.via})"
             for item in facts.log_listeners]
    assert not found, f"expected no input for remote logs, found {', '.join(found)}"


@control(
    "LOG-06", title="Log files are not world-readable or writable by others", severity="medium", level=1,
    cis=["6.1.4.1"],
    remediation="chmod o-rwx the files listed (and set $FileCreateMode 0640 for rsyslog, create 0640 in "
    "logrotate's configuration, so new files follow).",
)
def test_log_06_log_file_modes(facts):
    """Logs hold user names, addresses and mistyped passwords; a log others
    can write is a log nobody can trust. Regular files under /var/log: no
    permission for others (the login records wtmp and lastlog may keep
    Debian's 0664)."""
    found = []
    for stat in facts.log_files:
        allowed = 0o664 if stat.path in LOGIN_RECORDS else 0o770
        if stat.mode & 0o7777 & ~allowed & 0o007:
            found.append(describe(stat))
    assert not found, f"expected no log file readable or writable by others, found {listed(found, limit=SHOWN)}"


@control(
    "LOG-07", title="Log rotation is configured and scheduled", severity="low", level=1,
    remediation="apt-get install logrotate; systemctl enable --now logrotate.timer.",
)
def test_log_07_rotation(facts):
    """Logs that are never rotated fill the disk, and a full disk stops
    logging (and often the services). logrotate must be configured and run
    daily: its timer, or cron's daily job where no systemd runs (Debian's
    job exits under systemd)."""
    rotate = facts.logrotate_status
    found = []
    if not rotate.installed:
        found.append("logrotate not installed")
    elif not rotate.configured:
        found.append("no /etc/logrotate.conf")
    if rotate.installed and not rotate.scheduled:
        found.append(f"not scheduled ({rotate.schedule_detail})")
    assert not found, f"expected logrotate configured and scheduled, found {'; '.join(found)}"


def _auditd_persisted_findings(facts):
    state = facts.of("daemon_state", ("auditd.service",))
    found = []
    if not present(facts.packages, ["auditd"]):
        found.append("auditd not installed")
    elif not state.enabled:
        found.append("auditd.service not enabled")
    return found


@control(
    "LOG-08", title="auditd is installed, enabled and running", severity="medium", level=2,
    cis=["6.2.1.x"], ssg=["service_auditd_enabled"],
    remediation="apt-get install auditd audispd-plugins; systemctl enable --now auditd.",
)
def test_log_08_auditd(facts):
    """The kernel's audit subsystem records who did what with system calls
    and watched files: evidence journald's messages do not give. Where the
    kernel audit interface cannot be reached (a container) the running part
    is an error, unless the persisted part already fails. On an offline
    image, installed and enabled is what can be judged."""
    found = _auditd_persisted_findings(facts)
    assert not found, f"expected auditd installed, enabled and running, found {'; '.join(found)}"
    if facts.offline:
        return
    status = facts.audit_status
    state = facts.of("daemon_state", ("auditd.service",))
    if status.get("enabled", "0") not in ("1", "2"):
        found.append(f"kernel auditing off (enabled {status.get('enabled', '?')})")
    if state.running is False:
        found.append("auditd.service not running")
    assert not found, f"expected auditd installed, enabled and running, found {'; '.join(found)}"


@control(
    "LOG-09", title="Audit rules watch the security-relevant events", severity="medium", level=2,
    cis=["6.2.3.x"],
    remediation="Write the rules (CIS 6.2.3.x, e.g. auditd's /usr/share/doc/auditd/examples/rules/30-stig.rules"
    ".gz) to /etc/audit/rules.d/60-hardening.rules, run augenrules --load, and reboot if the rules are locked.",
)
def test_log_09_audit_rules(facts, baseline):
    """Changes to accounts, sudoers, the clock, login records, kernel
    modules and permissions are how an intruder settles in; each must leave
    an audit record. The rules augenrules compiled for the next boot are
    judged first, then the rules loaded in the kernel (an error where they
    cannot be read; on an offline image there are none to read)."""
    groups = list(baseline.logging.audit_watch)
    persisted = facts.audit_rules_persisted
    assert persisted is not None, "expected audit rules in /etc/audit/audit.rules, found no such file"
    missing = missing_requirements(persisted, groups)
    assert not missing, (f"expected rules for {', '.join(groups)}, /etc/audit/audit.rules misses "
                         f"{listed(missing, '; ', SHOWN)}")
    if facts.offline:
        return
    missing = missing_requirements(facts.audit_rules_loaded, groups)
    assert not missing, f"expected rules for {', '.join(groups)}, the loaded rules miss {'; '.join(missing[:SHOWN])}"


@control(
    "LOG-10", title="The audit configuration is immutable", severity="low", level=2,
    cis=["6.2.3.20"],
    remediation='Put "-e 2" as the last line of the last file in /etc/audit/rules.d (e.g. 99-finalize.rules), '
    "run augenrules, and reboot.",
)
def test_log_10_audit_immutable(facts):
    """Unless the rules are locked, root (and so an intruder) can switch
    auditing off without a trace and without a reboot. The persisted rules
    must end with -e 2; the kernel's enabled flag is judged where it can be
    read (in a container or on an offline image it cannot, and the
    persisted rules decide)."""
    persisted = facts.audit_rules_persisted
    assert persisted is not None, "expected -e 2 in /etc/audit/audit.rules, found no such file"
    assert immutable(persisted), "expected -e 2 as the last rule of /etc/audit/audit.rules, found none"
    if facts.offline:
        return
    try:
        enabled = facts.audit_status.get("enabled", "?")
    except CheckError:
        return
    assert enabled == "2", f"expected the kernel's audit rules locked (enabled 2), found enabled {enabled}"


@control(
    "LOG-11", title="Audit log storage does not silently drop events", severity="low", level=2,
    cis=["6.2.2.x"],
    remediation="In /etc/audit/auditd.conf: max_log_file_action = keep_logs, space_left_action = email, "
    "admin_space_left_action = single, disk_full_action = single, disk_error_action = single.",
)
def test_log_11_audit_storage(facts, baseline):
    """When the audit log fills up, the defaults rotate old records away or
    carry on without logging: the evidence of a long intrusion is exactly
    what gets lost. Each action must be one the baseline allows."""
    conf = facts.auditd_conf
    assert conf is not None, "expected /etc/audit/auditd.conf, found none (auditd not installed)"
    allowed = baseline.logging.audit_storage.as_dict()
    found = [f"{key} = {conf.get(key, 'unset')}" for key, values in allowed.items()
             if conf.get(key, "").lower() not in values]
    assert not found, f"expected {', '.join(f'{k} in {v}' for k, v in allowed.items())}; found {', '.join(found)}"


@control(
    "LOG-12", title="Time is synchronised", severity="medium", level=1,
    runtime=True,
    cis=["2.3.x"],
    remediation="apt-get install chrony (or systemd-timesyncd); set your NTP servers (server ... iburst in "
    "/etc/chrony/sources.d/, or NTP= in timesyncd.conf); systemctl enable --now chrony.",
)
def test_log_12_time_sync(facts):
    """Log entries from different hosts can only be put in order, and
    certificates and Kerberos only work, when clocks agree. chrony,
    systemd-timesyncd or ntpsec must start, run, and reach a server."""
    sync = facts.time_sync
    assert sync.service is not None, "expected chrony, systemd-timesyncd or ntpsec, found none installed"
    found = []
    if not sync.daemon.enabled:
        found.append(f"{sync.daemon.unit} not enabled")
    if sync.daemon.running is False:
        found.append(f"{sync.daemon.unit} not running")
    if sync.daemon.running and not sync.sources:
        found.append(f"{sync.service} reaches no time source")
    assert not found, f"expected time synchronised by a running daemon with a source, found {'; '.join(found)}"
