"""Parsers on output captured from the lab hosts (tests/data/captured)."""

from pathlib import Path

import pytest

from hardening_audit.judge import max_startups_above
from hardening_audit.parsers.listing import parse_find_listing
from hardening_audit.parsers.sshd import parse_keygen_fingerprints, parse_sshd_t
from hardening_audit.parsers.system import parse_system_probe

CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured"


def captured(name: str) -> str:
    return (CAPTURED / name).read_text()


def test_sshd_t_of_the_hardened_host():
    config = parse_sshd_t(captured("sshd-T-hardened.txt"))
    assert config.get("permitrootlogin") == "no"
    assert config.get("PasswordAuthentication") == "no"
    assert config.get("kbdinteractiveauthentication") == "no"
    assert config.algorithms("ciphers") == (
        "aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes192-ctr", "aes128-ctr")
    assert config.values("hostkey") == (
        "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_rsa_key")
    assert config.values("allowusers") == ("auditor",)
    assert config.values("listenaddress") == ("[::]:22", "0.0.0.0:22")
    assert config.get("banner") == "/etc/issue.net"
    assert config.get("maxstartups") == "10:30:60"


def test_sshd_t_of_the_weak_host():
    config = parse_sshd_t(captured("sshd-T-ssh-weak.txt"))
    assert config.get("permitrootlogin") == "yes"
    assert "aes128-cbc" in config.algorithms("ciphers") and "3des-cbc" in config.algorithms("ciphers")
    assert len(config.values("hostkey")) == 4
    assert config.values("allowusers") == ()
    assert config.get("banner") == "none"
    assert config.get("logingracetime") == "0"
    assert max_startups_above(config.get("maxstartups"), "10:30:60")


def test_sshd_t_keyword_printed_twice_is_rejected():
    text = captured("sshd-T-hardened.txt") + "permitrootlogin yes\n"
    with pytest.raises(ValueError, match="printed 'permitrootlogin' twice"):
        parse_sshd_t(text)


def test_sshd_t_output_that_is_not_a_configuration_is_rejected():
    with pytest.raises(ValueError):
        parse_sshd_t(captured("sshd-T-ssh-weak-stderr.txt"))
    with pytest.raises(ValueError, match="lacks permitrootlogin"):
        parse_sshd_t("port 22\n")


def test_older_openssh_name_of_keyboard_interactive_is_read():
    text = captured("sshd-T-ssh-weak.txt").replace("kbdinteractiveauthentication", "challengeresponseauthentication")
    assert parse_sshd_t(text).get("kbdinteractiveauthentication") == "yes"


def test_keygen_fingerprints_with_an_unreadable_key():
    paths = ["/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_rsa_key",
             "/etc/ssh/ssh_host_rsa1024_key", "/etc/ssh/missing_key"]
    keys = parse_keygen_fingerprints(captured("keygen-l-ssh-weak.txt"), paths)
    assert [(k.type, k.bits) for k in keys] == [
        ("ED25519", 256), ("ECDSA", 256), ("RSA", 3072), ("RSA", 1024), (None, None)]
    assert not keys[-1].readable
    with pytest.raises(ValueError, match="expected 4 fingerprint lines"):
        parse_keygen_fingerprints(captured("keygen-l-ssh-weak.txt"), paths[:4])


def test_find_listing():
    stats = parse_find_listing(captured("find-sshd-config-ssh-weak.txt"))
    assert [(s.path, s.mode_text, s.owner, s.group, s.kind) for s in stats] == [
        ("/etc/ssh/sshd_config", "0644", "root", "root", "f"),
        ("/etc/ssh/sshd_config.d", "0755", "root", "root", "d"),
        ("/etc/ssh/sshd_config.d/50-weak.conf", "0666", "root", "root", "f"),
    ]


def test_system_probe():
    info = parse_system_probe(captured("system-probe-hardened.txt"))
    assert (info.uid, info.hostname, info.addresses) == (1000, "hardened", ("198.18.0.10",))
    assert info.os == "Debian GNU/Linux 12 (bookworm)"
    assert not info.privileged


def test_system_probe_without_addresses_or_os_release():
    info = parse_system_probe("0\nimage\n\n")
    assert info.addresses == () and info.os == "unknown" and info.privileged
    with pytest.raises(ValueError):
        parse_system_probe("sudo: a password is required\n")
