"""Logging (LOG) and detection (DET) parsers on Debian 12's own files and outputs (tests/data/captured/logging)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardening_audit.audit_requirements import REQUIREMENTS, missing_requirements
from hardening_audit.parsers.aide import aide_database_paths
from hardening_audit.parsers.audit import (
    immutable,
    parse_audit_rules,
    parse_auditctl_status,
    parse_auditd_conf,
)
from hardening_audit.parsers.rsyslog import include_patterns, parse_rsyslog
from hardening_audit.parsers.syslog_ng import include_patterns as syslog_ng_includes
from hardening_audit.parsers.syslog_ng import parse_syslog_ng
from hardening_audit.parsers.systemd import parse_cat_config
from hardening_audit.parsers.timesync import (
    parse_chronyc_sources,
    parse_ntpq_peers,
    parse_timedatectl_show,
    parse_timesync_servers,
)

CAPTURED = Path(__file__).resolve().parents[1] / "data" / "captured" / "logging"
ALL_GROUPS = list(REQUIREMENTS)


def captured(package: str, name: str) -> str:
    return (CAPTURED / package / name).read_text()


# --- systemd cat-config -------------------------------------------------------------------------

def test_debian_journald_conf_sets_nothing():
    # Every line of Debian's journald.conf is a commented default.
    assert parse_cat_config(captured("systemd", "cat-config-journald.txt"), "Journal") == {}


def test_journald_drop_ins_apply_in_order_and_empty_value_resets():
    text = captured("systemd", "cat-config-journald-dropins.txt")
    # 40-vendor (in /usr/lib) sets persistent, 60-local volatile, 90-reset "Storage=" back to the default.
    assert "# /tmp/jroot/usr/lib/systemd/journald.conf.d/40-vendor.conf" in text
    assert parse_cat_config(text, "Journal") == {"Compress": "no", "SystemMaxUse": "500M"}
    without_reset = text.split("# /tmp/jroot/etc/systemd/journald.conf.d/90-reset.conf")[0]
    assert parse_cat_config(without_reset, "Journal")["Storage"] == "volatile"


def test_timesyncd_servers_from_drop_in():
    assert parse_cat_config(captured("systemd-timesyncd", "cat-config-timesyncd.txt"), "Time") == {}
    settings = parse_cat_config(captured("systemd-timesyncd", "cat-config-timesyncd-dropin.txt"), "Time")
    assert settings == {"NTP": "ntp1.example.net ntp2.example.net"}  # FallbackNTP= was reset


def test_drop_in_without_section_header_sets_nothing():
    # Written for the test: the second file has no [Journal] line, so systemd ignores its assignment.
    text = ("# /etc/systemd/journald.conf\n[Journal]\nStorage=persistent\n\n"
            "# /etc/systemd/journald.conf.d/x.conf\nStorage=none\n")
    assert parse_cat_config(text, "Journal") == {"Storage": "persistent"}
    assert parse_cat_config(text, "Coredump") == {}


# --- rsyslog -------------------------------------------------------------------------------------

def test_debian_rsyslog_conf_forwards_nothing_and_listens_on_nothing():
    text = captured("rsyslog", "rsyslog.conf")
    assert include_patterns(text) == ["/etc/rsyslog.d/*.conf"]
    config = parse_rsyslog([("/etc/rsyslog.conf", text)])
    # imudp/imtcp are there, commented out.
    assert config.forwards == () and config.inputs == ()
    assert config.modules == ("imuxsock", "imklog")
    assert config.file_create_mode == "0640"


# Written for the tests (no Debian file forwards); rsyslogd 8.2302.0 -N1 accepts it as an included file.
FORMS = """\
module(load="imtcp")
input(type="imtcp" port="514")
module(load="imrelp")   # loaded, but no input(): listens on nothing
module(load="omrelp")
$ModLoad imudp
$UDPServerAddress 127.0.0.1
$UDPServerRun 514

#*.* @@old.example.net:514
/* action(type="omfwd" target="commented.example.net" protocol="tcp") */
*.* @logs.example.net
auth,authpriv.* @@192.0.2.10:10514
*.* @@(o)logs.example.net
& :omrelp:192.0.2.20:2514
*.info @@[2001:db8::10]:6514;RSYSLOG_SyslogProtocol23Format
*.* @2001:db8::1
:programname, isequal, "sshd" @@192.0.2.30  # sshd to its own host
if $syslogfacility-text == 'authpriv' then {
    action(type="omfwd" target="192.0.2.40" port="1514" protocol="tcp"
           StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name")
}
action(type="omrelp" target="relp.example.net" port="2514" tls="on")
ruleset(name="remote") {
    action(type="omfwd" target="192.0.2.50" protocol="tcp")
}
$DefaultNetstreamDriver gtls
$ActionSendStreamDriverMode 1
*.* @@tls.example.net:6514
"""


def forms_config():
    return parse_rsyslog([("/etc/rsyslog.conf", captured("rsyslog", "rsyslog.conf")),
                          ("/etc/rsyslog.d/50-forms.conf", FORMS)])


def test_rsyslog_legacy_forwards():
    forwards = forms_config().forwards
    summary = [(f.target, f.port, f.protocol, f.tls, f.selector) for f in forwards[:7]]
    assert summary == [
        ("logs.example.net", 514, "udp", False, "*.*"),
        ("192.0.2.10", 10514, "tcp", False, "auth,authpriv.*"),
        ("logs.example.net", 514, "tcp", False, "*.*"),          # (o): octet-counted framing
        ("192.0.2.20", 2514, "relp", False, "*.*"),              # "&" shares the previous filter
        ("2001:db8::10", 6514, "tcp", False, "*.info"),
        ("2001", 0, "udp", False, "*.*"),                        # unbracketed IPv6, read as omfwd reads it
        ("192.0.2.30", 514, "tcp", False, ':programname, isequal, "sshd"'),
    ]
    assert forwards[0].file == "/etc/rsyslog.d/50-forms.conf" and forwards[0].line == 11
    assert forwards[0].raw == "*.* @logs.example.net"
    assert "commented.example.net" not in {f.target for f in forwards}
    assert "old.example.net" not in {f.target for f in forwards}


def test_rsyslog_rainerscript_forwards_and_tls():
    forwards = {f.target: f for f in forms_config().forwards}
    multi_line = forwards["192.0.2.40"]
    assert (multi_line.port, multi_line.protocol, multi_line.tls, multi_line.line) == (1514, "tcp", True, 19)
    assert multi_line.selector == "$syslogfacility-text == 'authpriv'"
    assert 'StreamDriverMode="1"' in multi_line.raw
    relp = forwards["relp.example.net"]
    assert (relp.port, relp.protocol, relp.tls, relp.selector) == (2514, "relp", True, "")
    assert (forwards["192.0.2.50"].ruleset, forwards["192.0.2.50"].port, forwards["192.0.2.50"].tls) == ("remote", 514, False)
    # legacy TLS: a gtls default driver and driver mode 1 before the action
    assert forwards["tls.example.net"].tls and forwards["tls.example.net"].port == 6514


def test_rsyslog_listeners_need_their_module_and_an_input():
    config = forms_config()
    assert [(i.module, i.port, i.address, i.line) for i in config.inputs] == [
        ("imtcp", 514, None, 2), ("imudp", 514, "127.0.0.1", 7)]
    assert "imrelp" in config.modules  # loaded without input(): no listener
    # Written for the test: rsyslog rejects an input() whose module is not loaded yet.
    text = ('input(type="imtcp" port="514")\nmodule(load="imtcp")\n'
            'module(load="imudp")\ninput(type="imudp" port=["514", "10514"])\ninput(type="imptcp" port="601")\n')
    late = parse_rsyslog([("/etc/rsyslog.conf", text)])
    assert [(i.module, i.port) for i in late.inputs] == [("imudp", 514), ("imudp", 10514)]
    legacy = parse_rsyslog([("/etc/rsyslog.conf", "$InputRELPServerRun 2514\n$ModLoad\timtcp.so\n$InputTCPServerRun\t10514\n")])
    assert [(i.module, i.port) for i in legacy.inputs] == [("imtcp", 10514)]  # imrelp never loaded


def test_rsyslog_reads_included_files_where_the_include_stands():
    # Written for the test: the driver mode set after the include does not reach the included action.
    main = ('$DefaultNetstreamDriver gtls\ninclude(file="/etc/rsyslog.d/*.conf" mode="optional")\n'
            '$ActionSendStreamDriverMode 1\n*.* @@after.example.net:6514\n')
    assert include_patterns(main) == ["/etc/rsyslog.d/*.conf"]
    config = parse_rsyslog([("/etc/rsyslog.conf", main), ("/etc/rsyslog.d/10-fwd.conf", "*.* @@before.example.net:6514\n"),
                            ("/etc/rsyslog.d/old/fwd.conf", "*.* @@never.example.net\n")])
    assert [(f.target, f.tls, f.file) for f in config.forwards] == [
        ("before.example.net", False, "/etc/rsyslog.d/10-fwd.conf"),
        ("after.example.net", True, "/etc/rsyslog.conf")]
    assert config.unread == ("/etc/rsyslog.d/old/fwd.conf",)  # "*" does not cross "/"


def test_rsyslog_omrelp_without_its_module_sends_nothing():
    # Written for the test: rsyslog refuses omrelp actions until module(load="omrelp").
    config = parse_rsyslog([("/etc/rsyslog.conf", '*.* :omrelp:192.0.2.20:2514\naction(type="omrelp" target="192.0.2.21")\n')])
    assert config.forwards == ()


# --- syslog-ng -----------------------------------------------------------------------------------

def test_debian_syslog_ng_conf_has_no_network_endpoints():
    text = captured("syslog-ng-core", "syslog-ng.conf")
    assert syslog_ng_includes(text) == ["scl.conf", "/etc/syslog-ng/conf.d/*.conf"]
    config = parse_syslog_ng([("/etc/syslog-ng/syslog-ng.conf", text)])
    # its tcp() source and destination are commented out
    assert config.destinations == () and config.sources == ()


# Written for the test; syslog-ng 3.38.1 --syntax-only accepts it.
SYSLOG_NG_FORMS = """\
@version: 3.38
source s_local { internal(); };
source s_net { network(ip("0.0.0.0") port(514) transport("udp")); };
source s_unused { tcp(ip(127.0.0.1) port(1000)); };
destination d_tcp { network("192.0.2.10" transport("tcp") port(10514)); };
destination d_tls {
    syslog("logs.example.net" transport("tls")
           tls(ca-dir("/etc/syslog-ng/ca.d")));
};
destination d_legacy_tls { tcp("192.0.2.20" port(6514) tls(ca_dir("/etc/syslog-ng/ca.d"))); };
destination d_unused { udp("192.0.2.99"); };
# destination d_commented { network("192.0.2.98"); };
log { source(s_local); destination(d_tcp); destination(d_tls); };
log { source(s_net); destination(d_legacy_tls); };
log { source(s_local); destination { udp("2001:db8::5" port(5514)); }; };
"""


def test_syslog_ng_endpoints_used_by_log_paths():
    config = parse_syslog_ng([("/etc/syslog-ng/conf.d/forms.conf", SYSLOG_NG_FORMS)])
    assert [(d.name, d.driver, d.host, d.port, d.transport, d.line) for d in config.destinations] == [
        ("d_tcp", "network", "192.0.2.10", 10514, "tcp", 5),
        ("d_tls", "syslog", "logs.example.net", 6514, "tls", 7),   # syslog() over TLS: 6514 by default
        ("d_legacy_tls", "tcp", "192.0.2.20", 6514, "tls", 10),    # tcp() with tls() options speaks TLS
        ("", "udp", "2001:db8::5", 5514, "udp", 15),               # inline in the log path
    ]
    assert [(s.name, s.host, s.port, s.transport) for s in config.sources] == [("s_net", "0.0.0.0", 514, "udp")]


# --- audit ---------------------------------------------------------------------------------------

def test_debian_default_audit_rules_are_control_only():
    rules = parse_audit_rules(captured("auditd", "audit.rules-default.txt"))
    assert [(r.kind, r.action, r.value) for r in rules] == [
        ("control", "-D", ""), ("control", "-b", "8192"), ("control", "-f", "1"),
        ("control", "--backlog_wait_time", "60000")]
    assert not immutable(rules)
    assert len(missing_requirements(rules, ALL_GROUPS)) == sum(len(group) for group in REQUIREMENTS.values())
    assert missing_requirements(rules, ["sudoers"]) == ["watch of /etc/sudoers (wa)", "watch of /etc/sudoers.d (wa)"]


def test_stig_example_rules_compiled_by_augenrules():
    rules = parse_audit_rules(captured("auditd", "audit.rules-stig.txt"))
    time_b64 = next(r for r in rules if r.key == "time-change" and r.fields.get("arch") == "b64")
    assert time_b64.kind == "syscall" and time_b64.syscalls == {"adjtimex", "settimeofday"}
    assert (time_b64.action, time_b64.list_name) == ("always", "exit")
    sudoers_d = next(r for r in rules if r.raw.startswith("-w /etc/sudoers.d/"))
    assert (sudoers_d.kind, sudoers_d.paths, sudoers_d.perms, sudoers_d.key) == ("watch", ("/etc/sudoers.d",), "wa", "actions")
    perm_mod = next(r for r in rules if r.key == "perm_mod")
    assert ("auid", ">=", "1000") in perm_mod.filters and ("auid", "!=", "unset") in perm_mod.filters
    assert "auid" not in perm_mod.fields
    locale = next(r for r in rules if r.raw.startswith("-a always,exit -F dir=/etc/NetworkManager/"))
    assert (locale.kind, locale.paths, locale.perms) == ("watch", ("/etc/NetworkManager",), "wa")
    assert rules[-1].raw == "-e 2" and immutable(rules)
    # The STIG example leaves login records commented out and does not watch kmod, NSS or PAM files.
    missing = ["watch of /etc/nsswitch.conf (wa)", "watch of /etc/pam.conf (wa)", "watch of /etc/pam.d (wa)",
               "watch of /var/log/lastlog (wa)", "watch of /var/run/faillock (wa)", "watch of /var/run/utmp (wa)",
               "watch of /var/log/wtmp (wa)", "watch of /var/log/btmp (wa)", "watch of /usr/bin/kmod (x)"]
    assert missing_requirements(rules, ALL_GROUPS) == missing
    # It also writes every b32 rule, so requiring the 32-bit ABI finds nothing more.
    assert missing_requirements(rules, ALL_GROUPS, arches=("b64", "b32")) == missing


def test_auditctl_list_output():
    assert parse_audit_rules(captured("auditd", "auditctl-l-no-rules.txt")) == []
    # Written for the test in the format of auditctl -l (audit 3.0.9, auditctl-listing.c): pure watches
    # print as -w (a directory with a trailing "/"), other path rules as "-a ... -S all -F path=".
    listing = """\
-w /etc/sudoers -p wa -k scope
-w /etc/sudoers.d/ -p wa -k scope
-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -F key=time-change
-w /etc/localtime -p wa -k time-change
-a always,exit -F arch=b64 -S init_module,delete_module,finit_module -F auid>=1000 -F auid!=-1 -F key=kernel_modules
-a always,exit -S all -F path=/usr/bin/kmod -F perm=x -F auid>=1000 -F auid!=-1 -F key=kernel_modules
"""
    rules = parse_audit_rules(listing)
    kmod = rules[-1]
    assert (kmod.kind, kmod.paths, kmod.perms, kmod.syscalls, kmod.key) == (
        "watch", ("/usr/bin/kmod",), "x", {"all"}, "kernel_modules")
    assert missing_requirements(rules, ["sudoers", "time", "modules"]) == []
    assert not immutable(rules)  # -e is not listed by auditctl -l; auditctl -s says "enabled 2"
    assert missing_requirements(rules, ["modules"], arches=("b64", "b32")) == [
        "syscall init_module (b32)", "syscall finit_module (b32)", "syscall delete_module (b32)"]


def test_path_field_watches_and_their_permissions():
    # Written for the test: the -a always,exit -F path= form of watches.
    rules = parse_audit_rules("""\
-a always,exit -F path=/etc/passwd -F perm=wa -F key=identity
-a exit,always -F path=/etc/shadow -F perm=w -F key=identity
-a always,exit -F path=/etc/group -F perm=wa -F exit=-EACCES -F key=identity
-a always,exit -F dir=/etc/security/ -F perm=rwa -F key=identity
-a always,exit -F path=/etc -F perm=wa -F key=etc
-w /run/faillock -p wa -k logins
-w /var/log -p wa -k logs
""")
    assert rules[1].action == "always" and rules[1].list_name == "exit"
    missing = missing_requirements(rules, ["identity", "logins"])
    assert "watch of /etc/passwd (wa)" not in missing
    assert "watch of /etc/shadow (wa)" in missing                 # perm=w lacks "a"
    assert "watch of /etc/group (wa)" in missing                  # failures only
    assert "watch of /etc/security/opasswd (wa)" not in missing   # dir= covers the tree
    assert "watch of /etc/gshadow (wa)" in missing                # path= on /etc is that inode only
    assert "watch of /var/run/faillock (wa)" not in missing       # /var/run is /run
    assert "watch of /var/log/wtmp (wa)" not in missing           # -w on a directory covers the tree
    assert "watch of /var/run/utmp (wa)" in missing


def test_syscall_rules_must_be_always_exit_and_cover_each_abi():
    # Written for the test.
    rules = parse_audit_rules("""\
-a never,exit -F arch=b64 -S chmod
-a always,exit -F arch=b64 -S fchmod -S fchmodat
-a always,exit -S chown
-a always,exit -F arch=b32 -S lchown
""")
    missing = missing_requirements(rules, ["permissions"])
    assert "syscall chmod" in missing                  # a never rule records nothing
    assert "syscall fchmod" not in missing and "syscall fchmodat" not in missing
    assert "syscall chown" not in missing              # no arch: the native (b64) ABI
    assert "syscall lchown" in missing                 # b32 only
    with pytest.raises(ValueError):
        missing_requirements(rules, ["network"])


def test_immutable_needs_e_2_after_every_rule():
    assert immutable(parse_audit_rules("-w /etc/passwd -p wa\n-e 2\n--backlog_wait_time 60000\n"))
    assert not immutable(parse_audit_rules("-e 2\n-w /etc/passwd -p wa\n"))  # that rule would not load
    assert not immutable(parse_audit_rules("-w /etc/passwd -p wa\n-e 1\n"))


def test_auditd_conf_and_status():
    settings = parse_auditd_conf(captured("auditd", "auditd.conf"))
    # Debian's defaults: none of the CIS 6.2.2.x actions
    assert settings["max_log_file_action"] == "ROTATE"
    assert settings["space_left_action"] == "SYSLOG"
    assert (settings["admin_space_left_action"], settings["disk_full_action"], settings["disk_error_action"]) == (
        "SUSPEND", "SUSPEND", "SUSPEND")
    status = parse_auditctl_status(captured("auditd", "auditctl-s.txt"))
    assert status["enabled"] == "0" and status["pid"] == "0"
    assert status["loginuid_immutable"] == "0 unlocked"


# --- time synchronisation ------------------------------------------------------------------------

def test_chronyc_sources():
    sources = parse_chronyc_sources(captured("chrony", "chronyc-n-c-sources.txt"))
    assert [(s.address, s.state, s.stratum, s.reach, s.selected) for s in sources] == [
        ("127.0.0.1", "*", 8, 0o377, True), ("192.0.2.123", "?", 0, 0, False), ("127.0.0.2", "+", 9, 0o377, True)]
    assert sources[1].last_rx is None and sources[0].last_rx == 3


def test_timedatectl_show_and_show_timesync():
    # Written for the test in systemd 252's format (no systemd runs as PID 1 where these tests were written).
    status = parse_timedatectl_show("Timezone=Etc/UTC\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=no\n"
                                    "TimeUSec=Mon 2025-06-02 10:15:42 UTC\nRTCTimeUSec=Mon 2025-06-02 10:15:42 UTC\n")
    assert (status.timezone, status.can_ntp, status.ntp, status.synchronized) == ("Etc/UTC", True, True, False)
    servers = parse_timesync_servers(
        "LinkNTPServers=\nSystemNTPServers=ntp1.example.net ntp2.example.net\nRuntimeNTPServers=\n"
        "FallbackNTPServers=0.debian.pool.ntp.org 1.debian.pool.ntp.org 2.debian.pool.ntp.org 3.debian.pool.ntp.org\n"
        "ServerName=ntp1.example.net\nServerAddress=192.0.2.123\nRootDistanceMaxUSec=5s\n"
        "PollIntervalMinUSec=32s\nPollIntervalMaxUSec=34min 8s\n")
    assert servers.system == ("ntp1.example.net", "ntp2.example.net") and servers.link == ()
    assert servers.fallback[0] == "0.debian.pool.ntp.org" and len(servers.fallback) == 4
    assert (servers.server_name, servers.server_address) == ("ntp1.example.net", "192.0.2.123")
    idle = parse_timesync_servers("SystemNTPServers=\nServerName=\nServerAddress=\n")
    assert idle.server_name is None and idle.system == ()


def test_ntpq_peers():
    # Written for the test; the lines were formatted by ntpsec 1.2.2's own ntp.util.PeerSummary code.
    text = """\
     remote           refid      st t when poll reach   delay   offset   jitter
===============================================================================
 0.debian.pool.n .POOL.          16 p    -   64    0   0.0000   0.0000   0.0019
*192.0.2.10      .GPS.            1 u   45   64  377   1.2345  -0.0123   0.0456
+203.0.113.5     192.0.2.10       2 u   33   64  377  12.3456   0.1234   0.2345
-2001:db8::123   192.0.2.10       2 u  50m 1024   17  30.5000  -2.5000   1.2500
 192.0.2.123     .INIT.          16 u    -   64    0   0.0000   0.0000   0.0000
"""
    peers = parse_ntpq_peers(text)
    assert [(p.tally, p.remote, p.refid, p.stratum, p.type, p.reach) for p in peers] == [
        (" ", "0.debian.pool.n", ".POOL.", 16, "p", 0), ("*", "192.0.2.10", ".GPS.", 1, "u", 0o377),
        ("+", "203.0.113.5", "192.0.2.10", 2, "u", 0o377), ("-", "2001:db8::123", "192.0.2.10", 2, "u", 0o17),
        (" ", "192.0.2.123", ".INIT.", 16, "u", 0)]
    assert [p.remote for p in peers if p.selected] == ["192.0.2.10", "203.0.113.5"]


# --- AIDE ----------------------------------------------------------------------------------------

def test_debian_aide_database_paths():
    assert aide_database_paths(captured("aide-common", "aide.conf")) == ("/var/lib/aide/aide.db", "/var/lib/aide/aide.db.new")


def test_aide_macros_conditionals_and_defaults():
    # Written for the test, in the style of AIDE's upstream example aide.conf.
    text = """\
@@define DBDIR /srv/aide
@@define LOGDIR /var/log/aide
@@ifndef TOPDIR
@@define TOPDIR /
@@endif
@@ifdef NOSUCH
database_in=file:/wrong/aide.db
@@else
database_in=file:@@{DBDIR}/aide.db.gz
@@endif
database_out=file:@@{DBDIR}/aide.db.new.gz
"""
    assert aide_database_paths(text) == ("/srv/aide/aide.db.gz", "/srv/aide/aide.db.new.gz")
    assert aide_database_paths("# nothing set\n") == ("/var/lib/aide/aide.db", "/var/lib/aide/aide.db.new")
    assert aide_database_paths("database=file:/var/lib/aide/old.db\n")[0] == "/var/lib/aide/old.db"
