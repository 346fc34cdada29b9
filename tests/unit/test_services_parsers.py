"""Service facts' parsers on output captured from lab hosts (tests/lab/capture_services.py)."""

from __future__ import annotations

from pathlib import Path

from hardening_audit.facts.files import split_named_files
from hardening_audit.judge import unit_allowed
from hardening_audit.parsers.coredump import everyone_hard_core_limit, parse_coredump_config
from hardening_audit.parsers.listing import parse_find_listing
from hardening_audit.parsers.packages import parse_dpkg_query, present, providers
from hardening_audit.parsers.sockets import parse_ss
from hardening_audit.parsers.systemd import ENABLED_STATES, parse_show, parse_unit_files

CAPTURED = Path(__file__).resolve().parents[1] / "data" / "captured" / "services"


def captured(host: str, name: str) -> str:
    return (CAPTURED / host / name).read_text()


def test_package_database_knows_presence_and_virtual_packages():
    weak = parse_dpkg_query(captured("svc-weak", "dpkg-query.txt"))
    assert weak["inetutils-telnetd"].present and weak["inetutils-telnetd"].status == "ii"
    assert "telnet-server" in weak["inetutils-telnetd"].provides
    assert [p.name for p in providers(weak, "mail-transport-agent")] == ["exim4-daemon-light"]
    assert [p.name for p in present(weak, ["telnet", "rsh-client", "inetutils-telnet"])] == ["telnet", "inetutils-telnet"]
    hardened = parse_dpkg_query(captured("hardened", "dpkg-query.txt"))
    assert "inetutils-telnetd" not in hardened
    assert hardened["openssh-server"].version.startswith("1:9.2p1")


def test_removed_package_with_configuration_left_is_not_present():
    # The line format of dpkg-query for a package removed but not purged ("rc"), as dpkg prints it.
    packages = parse_dpkg_query("rc \tunattended-upgrades\t2.9.1+nmu3\t\nii \tcron\t3.0pl1-162\t\n")
    assert not packages["unattended-upgrades"].present
    assert packages["cron"].present


def test_socket_activated_service_is_enabled_through_its_socket_only():
    states = parse_unit_files(captured("svc-weak", "list-unit-files.txt"))
    assert states["avahi-daemon.socket"] in ENABLED_STATES
    assert states["avahi-daemon.service"] == "disabled"
    # inetutils-inetd has only an init script: systemd's SysV generator makes its unit from the rc links.
    assert states["inetutils-inetd.service"] == "generated" and "generated" in ENABLED_STATES


def test_timers_name_the_service_they_trigger():
    shown = {block["Id"]: block.get("Triggers", "") for block in parse_show(captured("hardened", "show-triggers.txt"))}
    assert shown["exim4-base.timer"] == "exim4-base.service"
    assert shown["restic-etc.timer"] == "restic-etc.service"


def test_core_limit_from_limits_d():
    hardened = split_named_files(captured("hardened", "limits-files.txt"))
    assert everyone_hard_core_limit(hardened) == ("0", "/etc/security/limits.d/60-coredump.conf")
    weak = split_named_files(captured("svc-weak", "limits-files.txt"))
    assert [path for path, _ in weak] == ["/etc/security/limits.conf"]
    assert everyone_hard_core_limit(weak) is None  # Debian's limits.conf has only commented examples


def test_later_limits_file_wins_and_dash_sets_hard():
    files = [("/etc/security/limits.conf", "*  hard  core  0\n"),
             ("/etc/security/limits.d/90-dev.conf", "*  -  core  unlimited  # developers\n@dev soft core 0\n")]
    assert everyone_hard_core_limit(files) == ("unlimited", "/etc/security/limits.d/90-dev.conf")


def test_coredump_config_later_drop_in_wins():
    # Shaped as `systemd-analyze cat-config systemd/coredump.conf` prints files (no lab host has systemd-coredump).
    text = ("# /etc/systemd/coredump.conf\n[Coredump]\n#Storage=external\nStorage=external\n\n"
            "# /etc/systemd/coredump.conf.d/60-hardening.conf\n[Coredump]\nStorage=none\nProcessSizeMax=0\n")
    assert parse_coredump_config(text) == {"Storage": "none", "ProcessSizeMax": "0"}


def test_cron_files_modes():
    weak = {s.path: s for s in parse_find_listing(captured("svc-weak", "cron-files.txt"))}
    assert "/etc/cron.allow" not in weak and weak["/etc/crontab"].mode == 0o644
    assert weak["/etc/at.deny"].group == "daemon"
    hardened = {s.path: s for s in parse_find_listing(captured("hardened", "cron-files.txt"))}
    assert hardened["/etc/cron.allow"].mode == 0o640 and hardened["/etc/cron.d"].mode == 0o700
    assert "/etc/cron.deny" not in hardened and "/etc/at.deny" not in hardened


def test_mta_listeners():
    weak = [s for s in parse_ss(captured("svc-weak", "ss-tulnp.txt")) if s.port == 25]
    assert {s.endpoint for s in weak} == {"tcp/25 on 0.0.0.0", "tcp/25 on [::]"}
    assert {s.processes for s in weak} == {("exim4",)}
    hardened = [s for s in parse_ss(captured("hardened", "ss-tulnp.txt")) if s.port == 25]
    assert hardened and all(s.loopback_only for s in hardened)


def test_allowlist_matches_units_suffixes_globs_and_triggered_services():
    assert unit_allowed("restic-etc.timer", "restic-etc.service", ["restic-etc.service"])
    assert unit_allowed("systemd-pstore.service", "systemd-pstore.service", ["systemd-*"])
    assert unit_allowed("getty@.service", "getty@.service", ["getty@"])
    assert not unit_allowed("avahi-daemon.socket", "avahi-daemon.service", ["avahi"])
