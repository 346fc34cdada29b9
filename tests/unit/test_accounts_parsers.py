"""Account parsers: sudoers grammar, PAM lines, shadow states and hash schemes."""

from pathlib import Path

import pytest

from hardening_audit.facts.files import split_named_files
from hardening_audit.parsers.accounts import (
    hash_scheme,
    parse_group,
    parse_key_values,
    parse_login_defs,
    parse_passwd,
    parse_shadow,
    parse_shells,
    password_state,
)
from hardening_audit.parsers.pam import parse_pam
from hardening_audit.parsers.sudoers import parse_sudoers

SUDOERS = r"""
Defaults	env_reset
Defaults	secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"
Defaults:%admins !authenticate
Defaults logfile=/var/log/sudo.log, use_pty
User_Alias OPS = bob, legacy : NESTED = OPS, %wheel
Cmnd_Alias SVC = /usr/bin/systemctl restart nginx, \
                 /usr/bin/systemctl status *
root	ALL=(ALL:ALL) ALL
NESTED ALL=(ALL) NOPASSWD: ALL
carol, dave ALL = (root) NOPASSWD: SVC, PASSWD: /bin/ls : otherhost = NOPASSWD: /bin/df
@includedir /etc/sudoers.d
#includedir /etc/sudoers.legacy.d
"""


def test_sudoers_grants_expand_aliases_and_carry_tags():
    sudoers = parse_sudoers([("/etc/sudoers", SUDOERS)])
    nopasswd = sorted({(g.principal, g.command) for g in sudoers.grants if g.nopasswd})
    assert nopasswd == [
        ("%wheel", "ALL"), ("bob", "ALL"), ("carol", "/bin/df"), ("carol", "/usr/bin/systemctl restart nginx"),
        ("carol", "/usr/bin/systemctl status *"), ("dave", "/bin/df"), ("dave", "/usr/bin/systemctl restart nginx"),
        ("dave", "/usr/bin/systemctl status *"), ("legacy", "ALL"),
    ]
    assert ("carol", "/bin/ls", False) in {(g.principal, g.command, g.nopasswd) for g in sudoers.grants}
    assert sudoers.includes == [("dir", "/etc/sudoers.d"), ("dir", "/etc/sudoers.legacy.d")]


def test_sudoers_defaults_later_entries_win():
    sudoers = parse_sudoers([("/etc/sudoers", SUDOERS), ("/etc/sudoers.d/zz", "Defaults !use_pty\n")])
    assert sudoers.effective_default("logfile") == (True, "/var/log/sudo.log")
    assert sudoers.effective_default("use_pty") == (False, None)
    assert [(d.binding, d.name, d.negated) for d in sudoers.defaults if d.name == "authenticate"] == [
        (":%admins", "authenticate", True)]


def test_unparsable_sudoers_line_is_an_error():
    with pytest.raises(ValueError, match="cannot parse sudoers line"):
        parse_sudoers([("/etc/sudoers.d/bad", "this is not sudoers\n")])


def test_pam_lines():
    lines = parse_pam(
        "# comment\n"
        "auth\trequired\t\t\tpam_faillock.so preauth\n"
        "auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"
        "-session optional pam_systemd.so\n"
        "@include common-password\n"
    )
    assert [(l.type, l.control, l.module) for l in lines] == [
        ("auth", "required", "pam_faillock.so"), ("auth", "[success=1 default=ignore]", "pam_unix.so"),
        ("session", "optional", "pam_systemd.so"), ("@include", "", "common-password")]
    assert lines[0].arg("preauth") == "" and lines[1].arg("deny") is None


@pytest.mark.parametrize("field, state, scheme", [
    ("", "empty", None), ("*", "locked", None), ("!", "locked", None), ("!*", "locked", None),
    ("$y$j9T$salt$hash", "usable", "yescrypt"), ("!$6$salt$hash", "locked", "sha512"),
    ("$1$salt$hash", "usable", "md5"), ("abcdefghijklm", "usable", "des"),
])
def test_password_states_and_schemes(field, state, scheme):
    assert (password_state(field), hash_scheme(field)) == (state, scheme)


def test_login_defs_last_occurrence_wins_and_key_values():
    assert parse_login_defs("PASS_MAX_DAYS\t99999\n# x\nPASS_MAX_DAYS 365\n")["PASS_MAX_DAYS"] == "365"
    assert parse_key_values("minlen = 14\n# minclass = 4\nenforce_for_root\n") == {"minlen": "14",
                                                                                    "enforce_for_root": ""}


def test_named_file_listing():
    assert split_named_files("### /etc/a\nx\ny\n\n### /etc/b\nz\n") == [("/etc/a", "x\ny\n"), ("/etc/b", "z")]


CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "accounts"


def captured(host: str, name: str) -> str:
    return (CAPTURED / host / name).read_text()


def test_weak_host_databases():
    passwd = parse_passwd(captured("acc-weak", "passwd.txt"))
    assert [e.name for e in passwd if e.uid == 0] == ["root", "toor"]
    shadow = parse_shadow(captured("acc-weak", "shadow.txt"))
    assert shadow["guest"].state == "empty"
    assert shadow["legacy"].scheme == "md5"
    assert shadow["root"].state == "locked"
    groups = parse_group(captured("acc-weak", "group.txt"))
    assert any(g.name == "sudo" for g in groups)
    assert parse_login_defs(captured("acc-weak", "login.defs.txt"))["PASS_MAX_DAYS"] == "99999"
    assert "/bin/bash" in parse_shells(captured("acc-weak", "shells.txt"))
    assert parse_key_values(captured("acc-weak", "useradd-D.txt"))["INACTIVE"] == "-1"


def test_hardened_host_policies():
    shadow = parse_shadow(captured("hardened", "shadow.txt"))
    alice = shadow["alice"]
    assert (alice.scheme, alice.min_days, alice.max_days, alice.warn_days, alice.inactive_days) == (
        "yescrypt", 1, 365, 7, 45)
    password = parse_pam(captured("hardened", "common-password.txt"))
    assert [line.module for line in password if line.type == "password"][:2] == ["pam_pwquality.so", "pam_unix.so"]
    auth = [line for line in parse_pam(captured("hardened", "common-auth.txt")) if line.module == "pam_faillock.so"]
    assert [line.arg("preauth") is not None for line in auth] == [True, False]
    assert parse_key_values(captured("hardened", "faillock.conf.txt"))["deny"] == "5"
    assert parse_key_values(captured("hardened", "pwquality.txt"))["minlen"] == "14"
    su = parse_pam(captured("hardened", "pam-su.txt"))
    assert any(line.module == "pam_wheel.so" and line.control == "required" for line in su)


def test_weak_host_sudoers():
    files = [("/etc/sudoers", captured("acc-weak", "sudoers.txt"))]
    files += [(f"/etc/sudoers.d/{p.name[len('sudoers.d-'):-len('.txt')]}", p.read_text())
              for p in sorted((CAPTURED / "acc-weak").glob("sudoers.d-*.txt"))]
    sudoers = parse_sudoers(files)
    nopasswd = {g.principal for g in sudoers.grants if g.nopasswd}
    assert nopasswd == {"auditor", "bob", "legacy"}
    assert sudoers.effective_default("use_pty")[0] and not sudoers.effective_default("logfile")[0]
