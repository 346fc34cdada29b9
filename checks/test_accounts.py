"""Accounts: only the right people can log in, with strong credentials.

The account databases are read through getent (shadow needs root); policies
from login.defs, useradd -D, the Debian PAM stacks (common-*, su),
pwquality.conf(.d), faillock.conf and sudoers with the files it includes.
Evidence names hash schemes, never hashes.
"""

from collections import Counter

from hardening_audit.controls import control
from hardening_audit.judge import describe, excess_permissions
from hardening_audit.outcomes import NotApplicable
from hardening_audit.parsers.pam import modules

STRONG_SCHEMES = ("yescrypt", "sha512")
PAM_UNIX_HASH_OPTIONS = ("yescrypt", "sha512", "sha256", "md5", "bigcrypt", "blowfish", "gost_yescrypt")


@control(
    "ACC-01", title="root is the only account with UID 0", severity="critical", level=1,
    cis=["5.4.2.1"], ssg=["accounts_no_uid_except_zero"],
    remediation="Remove the other UID 0 accounts (userdel NAME) or give them their own UID, after finding out "
    "who created them.",
)
def test_acc_01_single_uid_0(facts):
    """Every UID 0 account is root under another name: a second one is a
    classic backdoor, and it escapes controls that name root."""
    others = [e.name for e in facts.accounts.passwd if e.uid == 0 and e.name != "root"]
    assert not others, f"expected only root with UID 0, found also {', '.join(others)}"


@control(
    "ACC-02", title="No account has an empty password field", severity="critical", level=1,
    cis=["7.2.2"], ssg=["no_empty_passwords_etc_shadow", "no_empty_passwords"],
    remediation="Lock the account (passwd -l NAME) or set a password.",
)
def test_acc_02_no_empty_passwords(facts):
    """An empty password field lets anyone log in as that account wherever
    PAM accepts it (nullok)."""
    empty = [s.name for s in facts.accounts.shadow.values() if s.state == "empty"]
    assert not empty, f"expected no empty password field, found {', '.join(empty)}"


@control(
    "ACC-03", title="User and group names and IDs are unique", severity="medium", level=1,
    ssg=["account_unique_name"],
    remediation="Give each account and group its own name and ID (usermod -u, groupmod -g) and fix file ownership.",
)
def test_acc_03_unique(facts):
    """Two accounts with one UID are one identity for the kernel: files,
    processes and audit records cannot tell them apart."""
    db = facts.accounts
    duplicates = []
    for label, values in (("user name", [e.name for e in db.passwd]), ("UID", [e.uid for e in db.passwd]),
                          ("group name", [g.name for g in db.groups]), ("GID", [g.gid for g in db.groups])):
        duplicates += [f"{label} {value} ({count} times)" for value, count in Counter(values).items() if count > 1]
    assert not duplicates, f"expected unique names and IDs, found duplicate {', '.join(duplicates)}"


@control(
    "ACC-04", title="System accounts cannot log in", severity="medium", level=1,
    remediation="usermod -s /usr/sbin/nologin NAME and passwd -l NAME for each system account listed.",
)
def test_acc_04_system_accounts(facts):
    """Service accounts (UID below UID_MIN) exist to own files and run
    daemons; a login shell (one listed in /etc/shells) or a usable password
    turns them into ways in that nobody watches. root is exempt."""
    db = facts.accounts
    found = []
    for entry in db.passwd:
        if entry.name == "root" or entry.uid >= db.uid_min:
            continue
        shadow = db.shadow.get(entry.name)
        if db.has_login_shell(entry):
            found.append(f"{entry.name} has login shell {entry.shell}")
        if shadow is not None and shadow.state != "locked":
            found.append(f"{entry.name} has a{'n empty' if shadow.state == 'empty' else ' usable'} password")
    assert not found, f"expected system accounts without login shell or password, found {'; '.join(found)}"


@control(
    "ACC-05", title="Password ageing is within the baseline", severity="medium", level=1,
    cis=["5.4.1.1", "5.4.1.2", "5.4.1.3"],
    ssg=["accounts_minimum_age_login_defs", "accounts_password_warn_age_login_defs"],
    remediation="Set PASS_MAX_DAYS, PASS_MIN_DAYS and PASS_WARN_AGE in /etc/login.defs and apply them to existing "
    "users with chage --maxdays/--mindays/--warndays.",
)
def test_acc_05_password_ageing(facts, baseline):
    """Passwords that never expire stay valid after they leak; a minimum age
    stops users cycling back to an old password; a warning gives time to
    change. login.defs sets the defaults for new accounts (the last occurrence
    of a key wins); shadow holds each existing password user's own values."""
    db, limits = facts.accounts, baseline.accounts
    found = []
    for key, value, ok in (
        ("PASS_MAX_DAYS", db.login_defs.get("PASS_MAX_DAYS"), lambda v: 0 < v <= limits.pass_max_days),
        ("PASS_MIN_DAYS", db.login_defs.get("PASS_MIN_DAYS"), lambda v: v >= limits.pass_min_days),
        ("PASS_WARN_AGE", db.login_defs.get("PASS_WARN_AGE"), lambda v: v >= limits.pass_warn_age),
    ):
        if value is None or not value.lstrip("-").isdigit() or not ok(int(value)):
            found.append(f"login.defs {key} {value}")
    for user in db.password_users():
        if user.max_days is None or not 0 < user.max_days <= limits.pass_max_days:
            found.append(f"{user.name} max {user.max_days}")
        if user.min_days is None or user.min_days < limits.pass_min_days:
            found.append(f"{user.name} min {user.min_days}")
        if user.warn_days is None or user.warn_days < limits.pass_warn_age:
            found.append(f"{user.name} warn {user.warn_days}")
    assert not found, (
        f"expected max {limits.pass_max_days}, min {limits.pass_min_days}, warn {limits.pass_warn_age} days, "
        f"found {', '.join(found)}"
    )


@control(
    "ACC-06", title="Password quality is enforced", severity="medium", level=1,
    cis=["5.3.1.3", "5.3.3.2.x"], ssg=["accounts_password_pam_minlen", "accounts_password_pam_minclass"],
    remediation="apt-get install libpam-pwquality (pam-auth-update adds it to common-password) and set minlen "
    "(and minclass) in /etc/security/pwquality.conf.d/50-hardening.conf.",
)
def test_acc_06_password_quality(facts, baseline):
    """Short or single-class passwords fall to guessing. pam_pwquality must be
    in the password stack; its minlen and minclass come from pwquality.conf
    and pwquality.conf.d (later files win), overridden by the module's own
    arguments."""
    lines = modules(facts.pam.get("common-password", []), "password", "pam_pwquality.so")
    assert lines, "expected pam_pwquality in /etc/pam.d/common-password, found none"
    settings = dict(facts.pwquality_settings)
    for arg in lines[0].args:
        key, sep, value = arg.partition("=")
        if sep:
            settings[key] = value
    wanted = baseline.accounts.pwquality
    found = []
    minlen = int(settings.get("minlen", "8"))  # pwquality's built-in default
    if minlen < wanted.minlen:
        found.append(f"minlen {minlen}")
    if wanted.minclass is not None and int(settings.get("minclass", "0")) < wanted.minclass:
        found.append(f"minclass {settings.get('minclass', '0')}")
    assert not found, f"expected minlen >= {wanted.minlen}" + (
        f", minclass >= {wanted.minclass}" if wanted.minclass is not None else "") + f", found {', '.join(found)}"


@control(
    "ACC-07", title="Repeated failed logins lock the account", severity="medium", level=1,
    cis=["5.3.3.1.x"],
    ssg=["accounts_passwords_pam_faillock_deny", "accounts_passwords_pam_faillock_unlock_time"],
    remediation="Add pam_faillock (preauth before pam_unix and authfail after it in common-auth, and to "
    "common-account) and set deny and unlock_time in /etc/security/faillock.conf.",
)
def test_acc_07_lockout(facts, baseline):
    """Locking an account after a few failures turns online guessing from a
    matter of time into a matter of luck. The effective deny and unlock_time
    are faillock.conf's, overridden by arguments on any pam_faillock line
    (preauth included)."""
    auth = facts.pam.get("common-auth", [])
    lines = modules(auth, "auth", "pam_faillock.so")
    assert lines, "expected pam_faillock in /etc/pam.d/common-auth, found none"
    settings = dict(facts.faillock_settings)
    for line in lines:
        for key in ("deny", "unlock_time"):
            if line.arg(key):
                settings[key] = line.arg(key)
    deny, unlock = int(settings.get("deny", "3")), int(settings.get("unlock_time", "600"))
    wanted = baseline.accounts.lockout
    assert 0 < deny <= wanted.deny and (unlock == 0 or unlock >= wanted.unlock_time), (
        f"expected deny 1-{wanted.deny} and unlock_time >= {wanted.unlock_time} s (or 0), "
        f"found deny {deny}, unlock_time {unlock}"
    )


@control(
    "ACC-08", title="Passwords are hashed with yescrypt or SHA-512", severity="medium", level=1,
    cis=["5.4.1.4"], ssg=["set_password_hashing_algorithm_logindefs"],
    remediation="Set ENCRYPT_METHOD YESCRYPT in /etc/login.defs and `yescrypt` on pam_unix's password line; "
    "make users with older hashes change their password (passwd -e NAME).",
)
def test_acc_08_hashing(facts):
    """MD5, DES and SHA-256 crypt hashes fall to offline cracking far faster.
    The method for new passwords is pam_unix's option where it names one
    (it wins over login.defs ENCRYPT_METHOD); every stored hash, locked ones
    ("!" + hash) included, must use a strong scheme."""
    db = facts.accounts
    found = []
    method = db.login_defs.get("ENCRYPT_METHOD", "DES").lower()
    unix = modules(facts.pam.get("common-password", []), "password", "pam_unix.so")
    pam_methods = [arg for line in unix for arg in line.args if arg in PAM_UNIX_HASH_OPTIONS]
    effective = pam_methods[-1] if pam_methods else method
    if effective not in STRONG_SCHEMES:
        found.append(f"new passwords use {effective} ({'pam_unix' if pam_methods else 'ENCRYPT_METHOD'})")
    weak = [f"{s.name} ({s.scheme})" for s in db.shadow.values() if s.scheme and s.scheme not in STRONG_SCHEMES]
    if weak:
        found.append(f"stored hashes {', '.join(weak)}")
    unknown = [s.name for s in db.shadow.values() if s.state != "empty" and s.password.lstrip("!*") and not s.scheme]
    if unknown:
        found.append(f"unrecognised hashes for {', '.join(unknown)}")
    assert not found, f"expected yescrypt or SHA-512, found {'; '.join(found)}"


@control(
    "ACC-09", title="Inactive password users are locked", severity="low", level=2,
    cis=["5.4.1.5"],
    remediation="useradd -D -f 45 for new accounts and chage --inactive 45 NAME for each password user.",
)
def test_acc_09_inactivity(facts, baseline):
    """An account whose password expired long ago belongs to nobody who
    still uses it; locking it after a grace period closes a door nobody
    watches. -1 or an empty field means never."""
    db, limit = facts.accounts, baseline.accounts.inactive_days
    found = []
    default = db.useradd_defaults.get("INACTIVE", "-1")
    if not default.isdigit() or int(default) > limit:
        found.append(f"useradd default INACTIVE {default}")
    for user in db.password_users():
        if user.inactive_days is None or user.inactive_days > limit:
            found.append(f"{user.name} inactive {user.inactive_days}")
    assert not found, f"expected at most {limit} days, found {', '.join(found)}"


@control(
    "ACC-10", title="Only approved users can log in", severity="medium", level=1,
    seed=["disable unnecessary accounts"],
    remediation="Give unapproved accounts /usr/sbin/nologin (usermod -s) or remove them, or approve them in "
    "accounts.login_users.",
)
def test_acc_10_login_users(facts, baseline):
    """Every account that can log in interactively is a credential to manage
    and a target; the approved list makes unexpected ones visible. An account
    with a login shell (listed in /etc/shells) counts."""
    approved = baseline.accounts.login_users
    db = facts.accounts
    if approved is None:
        raise NotApplicable("baseline lists no accounts.login_users")
    others = [e.name for e in db.passwd if db.has_login_shell(e) and e.name not in approved]
    assert not others, f"expected login shells only for {', '.join(approved)}, found also {', '.join(others)}"


def _nopasswd_grants(sudo):
    """(principal, what, where) of every grant that asks no password."""
    grants = [(g.principal, g.command, g.file) for g in sudo.grants if g.nopasswd]
    for default in sudo.defaults:
        if default.name == "authenticate" and default.negated:
            if default.binding == "":
                grants.append(("ALL", "!authenticate", default.file))
            elif default.binding.startswith(":"):
                grants += [(p, "!authenticate", default.file)
                           for user in default.binding[1:].split(",") for p in sudo.principals(user)]
    return grants


@control(
    "ACC-11", title="sudo asks for a password, except for allowlisted grants", severity="high", level=1,
    ssg=["sudo_remove_nopasswd", "sudo_remove_no_authenticate"],
    remediation="Remove NOPASSWD and !authenticate from sudoers grants (visudo -f FILE), or allowlist them in "
    "accounts.sudo_nopasswd_allowed; chown root:root and chmod 0440 the sudoers files.",
)
def test_acc_11_sudo(facts, baseline):
    """Without a password prompt, anyone who gets a shell as that user (a
    stolen key, a compromised service) is root at once. Only the files sudo
    really reads count: @includedir skips names with a dot or ending in ~.
    User aliases and group rules are expanded; a grant passes when its user,
    %group or command is allowlisted. Sudoers files must be root-owned and
    not writable by group or others."""
    config = facts.sudo_configuration
    allowed = set(baseline.accounts.sudo_nopasswd_allowed)
    found = [f"{principal} may run {what} without a password ({where})"
             for principal, what, where in _nopasswd_grants(config.sudoers)
             if principal not in allowed and what not in allowed]
    found += [describe(stat) for stat in config.files if stat.owner != "root" or excess_permissions(stat, 0o7755)]
    assert not found, "; ".join(dict.fromkeys(found))


@control(
    "ACC-12", title="sudo logs to its own file and uses a pty", severity="low", level=1,
    ssg=["sudo_custom_logfile", "sudo_add_use_pty"],
    remediation="Add `Defaults logfile=/var/log/sudo.log` and `Defaults use_pty` in /etc/sudoers.d/50-hardening.",
)
def test_acc_12_sudo_logging(facts):
    """A dedicated log keeps a record of every elevated command apart from
    the noise of syslog; a pty stops a command from injecting keystrokes into
    the calling terminal after sudo returns. Read from the effective global
    Defaults, later files winning."""
    sudoers = facts.sudo_configuration.sudoers
    logfile_set, logfile = sudoers.effective_default("logfile")
    use_pty, _ = sudoers.effective_default("use_pty")
    missing = ([] if logfile_set and logfile else ["logfile"]) + ([] if use_pty else ["use_pty"])
    assert not missing, f"expected Defaults logfile and use_pty, missing {', '.join(missing)}"


@control(
    "ACC-13", title="The root password is locked", severity="medium", level=2,
    remediation="passwd -l root (administrators use sudo).",
)
def test_acc_13_root_locked(facts, baseline):
    """With root's password locked, root can only be reached through sudo,
    which names the administrator in its log."""
    root = facts.accounts.shadow.get("root")
    if baseline.accounts.root_password == "any":
        raise NotApplicable("baseline accepts any root password (accounts.root_password: any)")
    assert root is not None and root.state == "locked", (
        f"expected root's password locked, found {root.state if root else 'no shadow entry'}"
    )


@control(
    "ACC-14", title="The default umask is 027 or stricter", severity="low", level=1,
    ssg=["accounts_umask_etc_login_defs", "accounts_umask_etc_profile", "accounts_umask_etc_bashrc"],
    remediation="Set UMASK 027 in /etc/login.defs and remove weaker umask lines from /etc/profile, "
    "/etc/bash.bashrc and /etc/profile.d/*.sh.",
)
def test_acc_14_umask(facts):
    """With umask 022 every new file is readable by every local user; 027
    keeps them to the owner's group. Every default umask the login files set
    (login.defs UMASK for pam_umask and useradd, umask lines in the shell
    profiles) must keep at least the bits of 027, and at least one must be set."""
    settings = facts.umask_settings
    weak = [f"{path} {value}" for path, value in settings if int(value, 8) & 0o027 != 0o027]
    assert settings and not weak, (
        f"expected umask 027 or stricter, found {', '.join(weak) if weak else 'no default umask set'}"
    )


@control(
    "ACC-15", title="Home directories are owned and private enough; no trust files", severity="medium", level=1,
    ssg=["file_permissions_home_dirs", "no_netrc_files", "no_rsh_trust_files"],
    remediation="mkdir/chown the missing homes, chmod go-w them, and remove .rhosts, .netrc and .forward files.",
)
def test_acc_15_homes(facts):
    """A home writable by others lets them plant startup files; .rhosts
    grants password-less trust, .netrc stores passwords in clear, .forward
    can run commands on mail delivery. Judged for accounts with a login
    shell; evidence names such a file, never its content."""
    homes = facts.home_directories
    found = []
    for name, stat in homes.directories.items():
        if stat is None:
            found.append(f"{name}'s home is missing")
        elif stat.owner != name or excess_permissions(stat, 0o7755):
            found.append(describe(stat))
    found += [f"{path} exists" for path in homes.dotfiles]
    assert not found, "; ".join(found)


@control(
    "ACC-16", title="su is restricted to a group", severity="low", level=2,
    remediation="Enable `auth required pam_wheel.so use_uid group=sugroup` in /etc/pam.d/su with an empty "
    "sugroup (groupadd sugroup).",
)
def test_acc_16_su(facts):
    """Without pam_wheel anyone who learns root's password can become root
    with su; with it only the group's members can even try."""
    wheel = modules(facts.pam.get("su", []), "auth", "pam_wheel.so")
    assert any(line.control in ("required", "requisite") for line in wheel), (
        "expected `auth required pam_wheel.so` in /etc/pam.d/su, found " + ("it optional" if wheel else "none")
    )
