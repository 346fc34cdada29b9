"""The patching parsers on output captured from the lab's patching hosts (tests/lab/capture_patching.py),
read the way hardening_audit/facts/patching.py combines them."""

from __future__ import annotations

from pathlib import Path

from hardening_audit.facts.files import split_named_files
from hardening_audit.parsers.apt_config import parse_apt_config_dump
from hardening_audit.parsers.apt_policy import (
    is_security_release,
    newer_versions,
    parse_package_policy,
    parse_policy_releases,
    parse_simulated_upgrade,
)
from hardening_audit.parsers.apt_sources import list_file_prefix, sources_from_files
from hardening_audit.parsers.dpkg_verify import parse_dpkg_verify
from hardening_audit.parsers.unattended_upgrades import origin_allowed

CAPTURED = Path(__file__).resolve().parents[1] / "data" / "captured" / "patching"


def captured(host: str, name: str) -> str:
    return (CAPTURED / host / name).read_text()


def _fetched(host: str) -> set[str]:
    return {line.split()[-1].rsplit("/", 1)[1] for line in captured(host, "lists-stat.txt").splitlines()}


def test_every_enabled_source_maps_to_its_release_file():
    sources = sources_from_files(split_named_files(captured("pat-weak", "sources.txt")))
    assert [(s.uri, s.suite) for s in sources] == [
        ("http://apt-mirror/debian", "bookworm"), ("http://apt-mirror/debian", "bookworm-updates"),
        ("http://apt-mirror/debian-security", "bookworm-security"), ("http://apt-mirror/vendor", "bookworm")]
    fetched = _fetched("pat-weak")
    for source in sources:
        prefix = list_file_prefix(source)
        assert {prefix + "InRelease", prefix + "Release"} & fetched, source
    vendor = sources[-1]
    assert vendor.options["trusted"] == "yes" and vendor.format == "one-line"
    assert list_file_prefix(vendor) + "Release" in fetched  # unsigned: no InRelease


def test_a_source_never_fetched_has_no_release_file():
    sources = sources_from_files(split_named_files(captured("pat-stale", "sources.txt")))
    fetched = _fetched("pat-stale")
    missing = [f"{s.uri} {s.suite}" for s in sources
               if not {list_file_prefix(s) + "InRelease", list_file_prefix(s) + "Release"} & fetched]
    assert missing == ["http://apt-mirror/debian bookworm-backports"]


def test_pending_security_update_comes_from_the_security_suite():
    simulation = parse_simulated_upgrade(captured("pat-weak", "dist-upgrade.txt"))
    assert {(u.package, u.installed, u.candidate) for u in simulation.upgrades} == {
        ("ha-lab-tool", "1.0", "1.1"), ("ha-lab-extra", "1.0", "1.1")}
    releases = parse_policy_releases(captured("pat-weak", "apt-cache-policy.txt"))
    policy = parse_package_policy(captured("pat-weak", "apt-cache-policy-ha-lab-tool.txt"))["ha-lab-tool"]
    (newer,) = newer_versions(policy)
    assert newer.version == "1.1"
    (release,) = [releases[f] for f in newer.files]
    assert (release.label, release.codename, release.archive) == ("Debian-Security", "bookworm-security",
                                                                  "oldstable-security")
    assert is_security_release(release, "debian")
    updates = [r for r in releases.values() if r.codename == "bookworm-updates"]
    assert updates and not any(is_security_release(r, "debian") for r in updates)


def test_debian_default_origins_allow_the_security_suite_on_hardened():
    config = parse_apt_config_dump(captured("hardened", "apt-config-dump.txt"))
    patterns = config.values("Unattended-Upgrade::Origins-Pattern")
    assert "origin=Debian,codename=${distro_codename}-security,label=Debian-Security" in patterns
    releases = parse_policy_releases(captured("hardened", "apt-cache-policy.txt"))
    security = [r for r in releases.values() if is_security_release(r, "debian")]
    assert security and all(origin_allowed(patterns, config.values("Unattended-Upgrade::Allowed-Origins"), r,
                                           "Debian", "bookworm") for r in security)
    assert config.periodic_active("APT::Periodic::Unattended-Upgrade") is True


def test_a_later_file_switches_unattended_upgrade_off():
    config = parse_apt_config_dump(captured("pat-weak", "apt-config-dump.txt"))
    assert config.get("APT::Periodic::Unattended-Upgrade") == "0"
    assert config.periodic_active("APT::Periodic::Unattended-Upgrade") is False
    assert config.periodic_active("APT::Periodic::Update-Package-Lists") is True


def test_modified_package_file_versus_changed_conffiles():
    weak = parse_dpkg_verify(captured("pat-weak", "dpkg-verify.txt"))
    assert [(f.path, f.failed, f.conffile) for f in weak] == [
        ("/usr/share/doc/passwd/README.Debian", ("md5sum",), False)]
    hardened = parse_dpkg_verify(captured("hardened", "dpkg-verify.txt"))
    assert hardened and all(f.conffile for f in hardened)  # login.defs, pam.d/su: configuration
