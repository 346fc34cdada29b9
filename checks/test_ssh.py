"""SSH: remote administration is key-based and tight.

Every check reads the effective server configuration (``sshd -T`` for a root
connection to the host, which applies Include files, drop-ins and matching
Match blocks), never the configuration files' text.
"""

from hardening_audit.baseline.keys import PERMIT_ROOT_LOGIN
from hardening_audit.controls import control
from hardening_audit.judge import describe, excess_permissions, max_startups_above, outside
from hardening_audit.outcomes import NotApplicable

RELOAD = "then reload sshd (systemctl reload ssh)."
DROP_IN = "In a drop-in such as /etc/ssh/sshd_config.d/50-hardening.conf"


@control(
    "SSH-01", title="Root cannot log in over SSH", severity="high", level=1,
    cis=["5.1.20"], ssg=["sshd_disable_root_login"],
    remediation=f"{DROP_IN} set `PermitRootLogin no` (or the value the baseline allows); {RELOAD}",
)
def test_ssh_01_root_login(facts, baseline):
    """A direct root login leaves no trace of which administrator acted and
    exposes the most powerful account to password guessing; administrators log
    in as themselves and elevate with sudo. "without-password" is the older
    spelling of prohibit-password."""
    found = facts.sshd.get("permitrootlogin")
    found = "prohibit-password" if found == "without-password" else found
    allowed = baseline.ssh.permit_root_login
    assert found in PERMIT_ROOT_LOGIN and PERMIT_ROOT_LOGIN.index(found) <= PERMIT_ROOT_LOGIN.index(allowed), (
        f"PermitRootLogin expected {allowed} or stricter, found {found}"
    )


@control(
    "SSH-02", title="Password and keyboard-interactive authentication are off", severity="high", level=1,
    remediation=f"{DROP_IN} set `PasswordAuthentication no` and `KbdInteractiveAuthentication no`; {RELOAD}",
)
def test_ssh_02_no_passwords(facts):
    """Passwords can be guessed, phished and replayed; keys cannot be brute-forced
    over the network. Keyboard-interactive authentication usually asks for the
    same password through PAM, so both must be off."""
    sshd = facts.sshd
    enabled = [
        name for name, key in (("PasswordAuthentication", "passwordauthentication"),
                               ("KbdInteractiveAuthentication", "kbdinteractiveauthentication"))
        if sshd.get(key) != "no"
    ]
    assert not enabled, f"expected password and keyboard-interactive authentication off, found {', '.join(enabled)} on"


@control(
    "SSH-03", title="Empty passwords are refused", severity="critical", level=1,
    cis=["5.1.19"], ssg=["sshd_disable_empty_passwords"],
    remediation=f"{DROP_IN} set `PermitEmptyPasswords no`; {RELOAD}",
)
def test_ssh_03_no_empty_passwords(facts):
    """An account with an empty password would be open to anyone who can reach
    the port."""
    found = facts.sshd.get("permitemptypasswords")
    assert found == "no", f"PermitEmptyPasswords expected no, found {found}"


def _algorithms_allowed(facts, keyword, name, allowed):
    offered = facts.sshd.algorithms(keyword)
    assert offered, f"sshd -T printed no {name} list"
    extra = outside(offered, allowed)
    assert not extra, f"{name} expected only the baseline's list, found also {', '.join(extra)}"


@control(
    "SSH-04", title="Only allowed ciphers", severity="medium", level=1,
    cis=["5.1.6"],
    remediation=f"{DROP_IN} set `Ciphers` to the baseline's list (ssh.ciphers); {RELOAD}",
)
def test_ssh_04_ciphers(facts, baseline):
    """CBC-mode and 3DES ciphers have known weaknesses (plaintext recovery,
    small blocks); only the ciphers the baseline approves may be offered."""
    _algorithms_allowed(facts, "ciphers", "Ciphers", baseline.ssh.ciphers)


@control(
    "SSH-05", title="Only allowed MACs", severity="medium", level=1,
    cis=["5.1.15"],
    remediation=f"{DROP_IN} set `MACs` to the baseline's list (ssh.macs); {RELOAD}",
)
def test_ssh_05_macs(facts, baseline):
    """MD5, RIPEMD-160, 96-bit and 64-bit tags are too weak to protect the
    integrity of the session; only the MACs the baseline approves may be offered."""
    _algorithms_allowed(facts, "macs", "MACs", baseline.ssh.macs)


@control(
    "SSH-06", title="Only allowed key exchange algorithms", severity="medium", level=1,
    cis=["5.1.12"],
    remediation=f"{DROP_IN} set `KexAlgorithms` to the baseline's list (ssh.kex); {RELOAD}",
)
def test_ssh_06_kex(facts, baseline):
    """SHA-1 based Diffie-Hellman groups no longer give the session keys the
    strength they need; only the key exchanges the baseline approves may be offered."""
    _algorithms_allowed(facts, "kexalgorithms", "KexAlgorithms", baseline.ssh.kex)


@control(
    "SSH-07", title="MaxAuthTries at most the baseline's", severity="low", level=1,
    cis=["5.1.16"], ssg=["sshd_set_max_auth_tries"],
    remediation=f"{DROP_IN} set `MaxAuthTries 4` (or lower); {RELOAD}",
)
def test_ssh_07_max_auth_tries(facts, baseline):
    """Few attempts per connection slow down guessing and make attacks visible
    in the logs (failures past half the limit are logged)."""
    found = int(facts.sshd.get("maxauthtries"))
    limit = baseline.ssh.max_auth_tries
    assert found <= limit, f"MaxAuthTries expected at most {limit}, found {found}"


@control(
    "SSH-08", title="LoginGraceTime at most the baseline's", severity="low", level=1,
    cis=["5.1.13"], ssg=["sshd_set_login_grace_time"],
    remediation=f"{DROP_IN} set `LoginGraceTime 60` (or lower, not 0); {RELOAD}",
)
def test_ssh_08_login_grace_time(facts, baseline):
    """Unauthenticated connections hold server resources; a short grace time
    limits how many an attacker can keep open. 0 means no limit and fails."""
    found = int(facts.sshd.get("logingracetime"))
    limit = baseline.ssh.login_grace_time
    assert 0 < found <= limit, f"LoginGraceTime expected 1 to {limit} s, found {found}"


@control(
    "SSH-09", title="Idle sessions end", severity="low", level=1,
    cis=["5.1.7"], ssg=["sshd_set_idle_timeout", "sshd_set_keepalive"],
    remediation=f"{DROP_IN} set `ClientAliveInterval 300` and `ClientAliveCountMax 3` (or lower, not 0); {RELOAD}",
)
def test_ssh_09_idle_timeout(facts, baseline):
    """An unattended session is a session anyone at the keyboard, or anyone
    who hijacks it, can use. The server probes idle clients every
    ClientAliveInterval seconds and drops them after ClientAliveCountMax
    unanswered probes; 0 in either switches this off (the CIS reading: both
    greater than zero)."""
    sshd = facts.sshd
    interval, count = int(sshd.get("clientaliveinterval")), int(sshd.get("clientalivecountmax"))
    limits = baseline.ssh
    assert 0 < interval <= limits.client_alive_interval and 0 < count <= limits.client_alive_count_max, (
        f"ClientAliveInterval/ClientAliveCountMax expected 1-{limits.client_alive_interval}"
        f"/1-{limits.client_alive_count_max}, found {interval}/{count}"
    )


@control(
    "SSH-10", title="X11 forwarding off; TCP/agent forwarding off when the baseline asks", severity="medium", level=1,
    cis=["5.1.8"], ssg=["sshd_disable_x11_forwarding", "sshd_disable_tcp_forwarding"],
    remediation=f"{DROP_IN} set `X11Forwarding no` (and `AllowTcpForwarding no`, `AllowAgentForwarding no` "
    f"where the baseline forbids them, or `DisableForwarding yes`); {RELOAD}",
)
def test_ssh_10_forwarding(facts, baseline):
    """Forwarding turns the server into a tunnel endpoint: X11 forwarding
    exposes the client's display, TCP forwarding reaches networks the firewall
    meant to keep apart, agent forwarding lends the user's keys to the server.
    DisableForwarding yes switches all of them off."""
    sshd = facts.sshd
    if sshd.get("disableforwarding") == "yes":
        return
    on = []
    if sshd.get("x11forwarding") != "no":
        on.append("X11Forwarding")
    if not baseline.ssh.forwarding.tcp and sshd.get("allowtcpforwarding") != "no":
        on.append(f"AllowTcpForwarding {sshd.get('allowtcpforwarding')}")
    if not baseline.ssh.forwarding.agent and sshd.get("allowagentforwarding") != "no":
        on.append("AllowAgentForwarding")
    assert not on, f"expected forwarding off, found {', '.join(on)} on"


@control(
    "SSH-11", title="Logins are limited with AllowUsers/AllowGroups", severity="medium", level=1,
    cis=["5.1.4"], ssg=["sshd_limit_user_access"],
    remediation=f"{DROP_IN} set `AllowUsers` and/or `AllowGroups` to the baseline's lists; {RELOAD}",
)
def test_ssh_11_allowed_users(facts, baseline):
    """Only the people who administer the host should be able to start an SSH
    session, whatever other accounts exist. When the baseline lists users or
    groups, the server must restrict logins to them (an entry's user@host
    pattern counts by its user part) and name no one else."""
    sshd = facts.sshd  # first: a host without an SSH server is n/a for that reason
    wanted_users, wanted_groups = baseline.ssh.allow_users, baseline.ssh.allow_groups
    if wanted_users is None and wanted_groups is None:
        raise NotApplicable("baseline lists no ssh.allow_users or ssh.allow_groups")
    users = [entry.split("@", 1)[0] for entry in sshd.values("allowusers")]
    groups = list(sshd.values("allowgroups"))
    assert users or groups, "expected AllowUsers/AllowGroups to restrict logins, found neither set"
    extra = outside(users, wanted_users or []) + [f"group {g}" for g in outside(groups, wanted_groups or [])]
    assert not extra, f"expected logins limited to the baseline's users/groups, found also {', '.join(extra)}"


@control(
    "SSH-12", title="LogLevel is INFO or VERBOSE", severity="low", level=1,
    ssg=["sshd_set_loglevel_info"],
    remediation=f"{DROP_IN} set `LogLevel VERBOSE` (records key fingerprints) or `INFO`; {RELOAD}",
)
def test_ssh_12_log_level(facts):
    """Logins and failures must be recorded to investigate an incident; QUIET,
    FATAL and ERROR drop them, DEBUG levels may log private user data."""
    found = facts.sshd.get("loglevel")
    assert found in ("INFO", "VERBOSE"), f"LogLevel expected INFO or VERBOSE, found {found}"


@control(
    "SSH-13", title="A warning banner is shown", severity="low", level=1,
    ssg=["sshd_enable_warning_banner"],
    remediation=f"Write the legal warning to /etc/issue.net; {DROP_IN} set `Banner /etc/issue.net`; {RELOAD}",
)
def test_ssh_13_banner(facts):
    """A warning before login tells users that access is restricted and
    monitored, which legal action against intruders may depend on. The banner
    file must exist and hold text."""
    banner = facts.sshd_banner
    assert banner.path is not None, "Banner expected a warning file, found none"
    assert banner.has_text, f"Banner expected a non-empty file, found {banner.path} missing or empty"


@control(
    "SSH-14", title="sshd configuration and host private keys are protected", severity="high", level=1,
    cis=["5.1.1", "5.1.2"],
    ssg=["file_permissions_sshd_config", "file_owner_sshd_config", "file_permissions_sshd_private_key"],
    remediation="chown root:root /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*; chmod 0600 on those files "
    "and on /etc/ssh/ssh_host_*_key; chmod go-w /etc/ssh/sshd_config.d",
)
def test_ssh_14_file_permissions(facts):
    """Whoever can write the server configuration decides who logs in; whoever
    can read a host private key can impersonate the server. Read as a CIS
    auditor does (5.1.1, 5.1.2): configuration files (main file and drop-ins)
    0600 root:root or stricter, the drop-in directory root-owned and not
    writable by group or others, host private keys 0600 root-owned (0640 when
    group-owned by ssh_keys)."""
    problems = []
    for stat in facts.sshd_config_files:
        allowed = 0o755 if stat.kind == "d" else 0o600
        if stat.owner != "root" or excess_permissions(stat, allowed) or (stat.kind != "d" and stat.group != "root"):
            problems.append(describe(stat))
    for stat, key in facts.ssh_host_keys:
        if stat is None:
            problems.append(f"{key.path} is missing")
            continue
        allowed = 0o640 if stat.group == "ssh_keys" else 0o600
        if stat.owner != "root" or excess_permissions(stat, allowed):
            problems.append(describe(stat))
    assert not problems, (
        "expected config files 0600 root:root and host keys 0600 root-owned, found " + "; ".join(problems)
    )


@control(
    "SSH-15", title="No host-based trust and no user environment", severity="medium", level=1,
    ssg=["sshd_disable_rhosts", "sshd_do_not_permit_user_env"],
    remediation=f"{DROP_IN} set `HostbasedAuthentication no`, `IgnoreRhosts yes`, "
    f"`PermitUserEnvironment no`; {RELOAD}",
)
def test_ssh_15_host_trust(facts):
    """Host-based and rhosts trust let one compromised host log in to others
    without a credential; a user-supplied environment (LD_PRELOAD, PATH) can
    subvert the login process."""
    sshd = facts.sshd
    expected = {"hostbasedauthentication": "no", "ignorerhosts": "yes", "permituserenvironment": "no"}
    wrong = [f"{key} {sshd.get(key)}" for key, value in expected.items() if sshd.get(key) != value]
    assert not wrong, f"expected HostbasedAuthentication no, IgnoreRhosts yes, PermitUserEnvironment no, found {', '.join(wrong)}"


@control(
    "SSH-16", title="UsePAM is on", severity="low", level=1,
    cis=["5.1.22"], ssg=["sshd_enable_pam"],
    remediation=f"{DROP_IN} set `UsePAM yes`; {RELOAD}",
)
def test_ssh_16_use_pam(facts):
    """PAM applies the account policies (lockout, expiry, limits, session
    logging) to SSH logins too; without it they are bypassed."""
    found = facts.sshd.get("usepam")
    assert found == "yes", f"UsePAM expected yes, found {found}"


@control(
    "SSH-17", title="MaxStartups and MaxSessions within the baseline", severity="low", level=1,
    cis=["5.1.17", "5.1.18"], ssg=["sshd_set_maxstartups", "sshd_set_max_sessions"],
    remediation=f"{DROP_IN} set `MaxStartups 10:30:60` and `MaxSessions 10` (or lower); {RELOAD}",
)
def test_ssh_17_connection_limits(facts, baseline):
    """Limits on unauthenticated connections and on sessions per connection
    blunt denial-of-service and brute-force attempts. MaxStartups fields are
    compared one by one, as the CIS audit does."""
    sshd = facts.sshd
    startups, sessions = sshd.get("maxstartups"), int(sshd.get("maxsessions"))
    limits = baseline.ssh
    assert not max_startups_above(startups, limits.max_startups) and sessions <= limits.max_sessions, (
        f"MaxStartups/MaxSessions expected at most {limits.max_startups}/{limits.max_sessions}, "
        f"found {startups}/{sessions}"
    )


@control(
    "SSH-18", title="No weak host keys", severity="medium", level=1,
    remediation="Remove DSA and short RSA host keys and their HostKey lines; create a new RSA key with "
    "`ssh-keygen -t rsa -b 3072 -f /etc/ssh/ssh_host_rsa_key -N ''`; then restart sshd.",
)
def test_ssh_18_host_keys(facts, baseline):
    """A server authenticates with its host keys; DSA is broken and RSA below
    3072 bits is below today's recommended strength, so clients could be
    fooled by an impostor. A host key sshd names but that cannot be read is a
    finding too, since its strength cannot be shown. An image without host
    keys (made at first boot) has none to judge."""
    minimum = baseline.ssh.rsa_min_bits
    keys = facts.ssh_host_keys
    if not keys:
        raise NotApplicable("no SSH host key in the image: they are made at first boot")
    weak = []
    for _, key in keys:
        if not key.readable:
            weak.append(f"{key.path} (unreadable)")
        elif key.type == "DSA" or (key.type == "RSA" and key.bits < minimum):
            weak.append(f"{key.path} ({key.type} {key.bits} bits)")
    assert not weak, f"expected no DSA and RSA of at least {minimum} bits, found {', '.join(weak)}"
