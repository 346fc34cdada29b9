"""Services: what is installed and what starts is only what the server needs.

"Enabled" reads every way a service starts by itself: an enabled service,
socket, path or timer unit (a socket, path or timer counts as the service it
starts) and an S link of an init script without a native unit. Masked units
are not enabled.
"""

from hardening_audit.controls import control
from hardening_audit.judge import describe, excess_permissions, unit_allowed
from hardening_audit.kernel_params import param_findings, wanted
from hardening_audit.outcomes import NotApplicable
from hardening_audit.parsers.packages import present, providers
from hardening_audit.parsers.sysctl import persisted_value

# Package names, and the virtual packages servers of these protocols provide.
LEGACY_SERVERS = ("telnetd", "inetutils-telnetd", "telnetd-ssl", "telnet-server", "rsh-server", "rsh-redone-server",
                  "tftpd", "tftpd-hpa", "atftpd", "tftp-server", "openbsd-inetd", "inetutils-inetd", "xinetd",
                  "rlinetd", "inet-superserver", "ypserv", "talkd", "inetutils-talkd", "talk-server")
LEGACY_CLIENTS = ("telnet", "inetutils-telnet", "telnet-ssl", "rsh-client", "rsh-redone-client", "talk",
                  "inetutils-talk", "ldap-utils")
# Services of CIS 2.1.x that a server seldom needs, by service name.
UNNEEDED_SERVICES = ("avahi-daemon", "cups", "cups-browsed", "isc-dhcp-server", "isc-dhcp-server6",
                     "kea-dhcp4-server", "kea-dhcp6-server", "dnsmasq", "named", "bind9", "slapd", "nfs-server",
                     "nfs-kernel-server", "nfs-mountd", "rpcbind", "smbd", "nmbd", "samba", "samba-ad-dc",
                     "snmpd", "vsftpd", "proftpd", "pure-ftpd", "squid")
MAIL_SERVICE_OF_PROCESS = {"master": "postfix"}
CRON_PACKAGES = ("cron", "cronie", "systemd-cron", "bcron")
CRON_DIRECTORIES = ("/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly", "/etc/cron.monthly",
                    "/etc/cron.yearly", "/etc/cron.d")


def _installed(facts, names):
    """Present packages whose name, or a virtual package they provide, is among names."""
    found = {p.name for p in present(facts.packages, names)}
    found |= {p.name for name in names for p in providers(facts.packages, name)}
    return sorted(found)


def _starting(facts):
    """(unit, service it stands for) of everything that starts by itself."""
    units = dict(facts.enabled_units)
    unit_files = facts.unit_files
    for script in facts.sysv_enabled:
        if f"{script}.service" not in unit_files:  # systemd ignores init scripts that have a native unit
            units.setdefault(f"{script} (init script)", f"{script}.service")
    return sorted(units.items())


def _stem(unit):
    return unit.split(" ", 1)[0].rsplit(".", 1)[0]


@control(
    "SVC-01", title="Legacy plaintext servers are absent", severity="high", level=1,
    cis=["2.1.x"],
    ssg=["package_telnetd_removed", "package_inetutils-telnetd_removed", "package_telnetd-ssl_removed",
         "package_rsh-server_removed", "package_xinetd_removed", "package_talk-server_removed",
         "package_tftp-server_removed"],
    remediation="apt-get purge the packages listed (use SSH, SFTP and a directory service over TLS instead).",
)
def test_svc_01_legacy_servers(facts):
    """telnet, rsh/rlogin, tftp, talk and NIS send passwords and data in clear
    text, and tftp has no authentication at all; inetd and xinetd exist to
    start such servers. Installed counts, enabled or not: a package present is
    one `systemctl enable` or inetd.conf line away from listening."""
    found = _installed(facts, LEGACY_SERVERS)
    assert not found, f"expected no legacy plaintext server, found {', '.join(found)} installed"


@control(
    "SVC-02", title="Unneeded network services are not enabled", severity="medium", level=1,
    cis=["2.1.x"], ssg=["service_snmpd_disabled"],
    remediation="systemctl disable --now the units listed (and their .socket and .path units), or apt-get purge "
    "their packages; if one is needed here, list it in the baseline's services.allowed.",
)
def test_svc_02_unneeded_services(facts, baseline):
    """Every listening daemon is attack surface. avahi, cups, DHCP, DNS,
    LDAP, NFS, RPC, Samba, SNMP, FTP and HTTP proxy servers, and a mail server
    reachable from the network, are seldom part of a server's job; when one
    is, the baseline says so (services.allowed). A service counts when it
    would start (enabled itself, through its socket or path unit, through an
    init script link) and when it runs now: the CIS reading of "not in use"."""
    allowed = baseline.services.allowed or []
    starting = _starting(facts) + [(unit, unit) for unit in facts.running_units if unit.endswith(".service")]
    found = sorted({unit if _stem(unit) == _stem(service) else f"{unit} (starts {service})"
                    for unit, service in starting
                    if _stem(service) in UNNEEDED_SERVICES and not unit_allowed(unit, service, allowed)})
    for socket in facts.mail_listeners:
        names = [MAIL_SERVICE_OF_PROCESS.get(p, p) for p in socket.processes]
        if not socket.loopback_only and not any(unit_allowed(name, name, allowed) for name in names):
            found.append(f"mail server {'/'.join(socket.processes) or '?'} on {socket.endpoint}")
    assert not found, f"expected no unneeded network service, found {', '.join(found)}"


@control(
    "SVC-03", title="Legacy plaintext clients are absent", severity="low", level=1,
    cis=["2.2.x"], ssg=["package_telnet_removed", "package_rsh_removed", "package_talk_removed"],
    remediation="apt-get purge the packages listed (ssh and ldapsearch over TLS replace them); if one is needed "
    "here, list it in the baseline's services.allowed_clients.",
)
def test_svc_03_legacy_clients(facts, baseline):
    """Plaintext clients invite their use: whoever types a password into
    telnet, rsh or an LDAP simple bind without TLS sends it to everyone on
    the path."""
    found = [name for name in _installed(facts, LEGACY_CLIENTS) if name not in baseline.services.allowed_clients]
    assert not found, f"expected no legacy plaintext client, found {', '.join(found)} installed"


@control(
    "SVC-04", title="A mail transfer agent listens only on loopback", severity="medium", level=1,
    runtime=True,
    cis=["2.1.21"], ssg=["postfix_network_listening_disabled"],
    remediation="exim4: dc_local_interfaces='127.0.0.1 ; ::1' in /etc/exim4/update-exim4.conf.conf, then "
    "update-exim4.conf and restart; postfix: inet_interfaces = loopback-only in main.cf.",
)
def test_svc_04_mta_local_only(facts):
    """A server sends its own mail (cron, alerts) through its MTA; an MTA
    reachable from the network is a relay and a parser of hostile input that
    nobody needs. Present means a package providing mail-transport-agent, or
    anything listening on an SMTP port (25, 465, 587)."""
    listeners = facts.mail_listeners
    agents = [p.name for p in providers(facts.packages, "mail-transport-agent")]
    if not agents and not listeners:
        raise NotApplicable("no mail transfer agent installed or listening")
    found = [f"{'/'.join(s.processes) or '?'} on {s.endpoint}" for s in listeners if not s.loopback_only]
    assert not found, f"expected the MTA listening on loopback only, found {', '.join(found)}"


@control(
    "SVC-05", title="Every enabled service is on the allowlist", severity="medium", level=2,
    seed=["turn off unnecessary services"],
    remediation="systemctl disable --now (or mask) the units listed, or add them to the baseline's "
    "services.allowed when the server needs them.",
)
def test_svc_05_allowlist(facts, baseline):
    """What runs on a server should be what it is for. With an allowlist,
    every service that starts by itself (service, socket and path units,
    init scripts, and timers as the service they start) is accounted for."""
    allowed = baseline.services.allowed
    if allowed is None:
        raise NotApplicable("the baseline gives no services.allowed list")
    found = [unit for unit, service in _starting(facts) if not unit_allowed(unit, service, allowed)]
    assert not found, f"expected only allowed services enabled, found {', '.join(found)}"


@control(
    "SVC-06", title="Core dumps are restricted", severity="low", level=1,
    cis=["1.5.x"], ssg=["sysctl_fs_suid_dumpable", "coredump_disable_storage", "coredump_disable_backtraces"],
    remediation="fs.suid_dumpable = 0 in /etc/sysctl.d/60-hardening.conf (sysctl --system); '* hard core 0' in "
    "/etc/security/limits.d/60-hardening.conf; with systemd-coredump, Storage=none and ProcessSizeMax=0 in "
    "/etc/systemd/coredump.conf.d/60-hardening.conf.",
)
def test_svc_06_core_dumps(facts):
    """A core dump holds the memory of the process: keys, passwords, data of
    other users. The CIS reading is applied: set-UID programs never dump
    (fs.suid_dumpable 0, at runtime and persisted), every user's hard core
    limit is 0, and where systemd-coredump is installed it stores nothing
    (Storage=none, ProcessSizeMax=0)."""
    persisted = facts.sysctl_persisted
    found = param_findings("SVC-06", facts.sysctl_runtime, lambda key: persisted_value(persisted, key))
    limit = facts.core_limit
    if limit is None:
        found.append("no '* hard core' limit in limits.conf or limits.d")
    elif limit[0] != "0":
        found.append(f"'* hard core {limit[0]}' in {limit[1]}")
    if present(facts.packages, ["systemd-coredump"]):
        settings = facts.coredump_config
        for key, value in (("Storage", "none"), ("ProcessSizeMax", "0")):
            if settings.get(key) != value:
                found.append(f"systemd-coredump {key}={settings.get(key, 'default')}")
    assert not found, (f"found {'; '.join(found)} (expected {wanted('SVC-06')}, hard core 0, "
                       "systemd-coredump Storage=none ProcessSizeMax=0)")


def _protected(stat, groups, mode):
    return stat.owner == "root" and stat.group in groups and not excess_permissions(stat, mode)


@control(
    "SVC-07", title="cron and at are restricted to allowed users; cron files are root-only", severity="low", level=1,
    cis=["2.4.x"],
    remediation="touch /etc/cron.allow /etc/at.allow (listing the users who may schedule jobs), chown root:root, "
    "chmod 0640; rm /etc/cron.deny /etc/at.deny; chmod 0600 /etc/crontab; chmod 0700 /etc/cron.{hourly,daily,"
    "weekly,monthly,d}; chown root:root all of them.",
)
def test_svc_07_cron_at(facts):
    """Scheduled jobs run unattended and often as root: who may create them
    and who may read or change the system's job files decides who can run
    code later without being seen. Following CIS: an allow file exists
    (root-owned, 0640 or stricter; a deny file left beside it is held to the
    same), /etc/crontab is 0600 and the cron directories 0700, owned by
    root."""
    cron, at = present(facts.packages, CRON_PACKAGES), present(facts.packages, ["at"])
    if not cron and not at:
        raise NotApplicable("neither cron nor at is installed")
    files = facts.cron_files
    wanted_modes = []
    if cron:
        wanted_modes += [("/etc/cron.allow", ("root", "crontab"), 0o640, True),
                         ("/etc/cron.deny", ("root", "crontab"), 0o640, False),
                         ("/etc/crontab", ("root",), 0o600, False)]
        wanted_modes += [(path, ("root",), 0o700, False) for path in CRON_DIRECTORIES]
    if at:
        wanted_modes += [("/etc/at.allow", ("root", "daemon"), 0o640, True),
                         ("/etc/at.deny", ("root", "daemon"), 0o640, False)]
    found = []
    for path, groups, mode, required in wanted_modes:
        stat = files.get(path)
        if stat is None:
            if required:
                found.append(f"no {path}")
        elif not _protected(stat, groups, mode):
            found.append(describe(stat))
    assert not found, ("expected cron.allow/at.allow 0640, crontab 0600 and cron directories 0700, owned by root; "
                       f"found {'; '.join(found)}")
