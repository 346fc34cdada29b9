"""Patching (APT/dpkg) parsers on output captured from a Debian 12 machine (tests/data/captured/patching).

Inputs written inside this file are marked "hand-written": formats that did not occur on that machine.
"""

from dataclasses import replace
from pathlib import Path

import pytest

from hardening_audit.facts.files import split_named_files
from hardening_audit.parsers.apt_config import (
    AptConfig,
    apt_bool,
    parse_apt_config_dump,
)
from hardening_audit.parsers.apt_policy import (
    Release,
    is_security_release,
    newer_versions,
    parse_package_policy,
    parse_policy_pins,
    parse_policy_releases,
    parse_simulated_upgrade,
)
from hardening_audit.parsers.apt_sources import (
    INLINE_KEY,
    list_file_prefix,
    parse_deb822,
    sources_from_files,
)
from hardening_audit.parsers.dpkg_verify import parse_dpkg_verify
from hardening_audit.parsers.unattended_upgrades import (
    OriginsConfigError,
    effective_patterns,
    origin_allowed,
    pattern_matches,
)

CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "patching"
SECURITY_KEY = "http://deb.debian.org/debian-security bookworm-security/main amd64 Packages"
MAIN_KEY = "http://deb.debian.org/debian bookworm/main amd64 Packages"
UPDATES_KEY = "http://deb.debian.org/debian bookworm-updates/main amd64 Packages"
STATUS_KEY = "/var/lib/dpkg/status"


def captured(name: str) -> str:
    return (CAPTURED / name).read_text()


@pytest.fixture(scope="module")
def releases():
    return parse_policy_releases(captured("apt-cache-policy.txt"))


@pytest.fixture(scope="module")
def policies():
    return parse_package_policy(captured("apt-cache-policy-packages.txt"))


@pytest.fixture(scope="module")
def simulation():
    return parse_simulated_upgrade(captured("apt-get-s-dist-upgrade.txt"))


# --- apt-config dump -------------------------------------------------------------------------------


def test_machine_config_dump():
    config = parse_apt_config_dump(captured("apt-config-dump.txt"))
    assert len(config.entries) == 268
    assert config.get("APT::Architecture") == "amd64"
    assert config.get("apt::ARCHITECTURE") == "amd64"  # APT looks keys up case-insensitively
    assert config.flag("APT::Install-Recommends") is True
    assert config.flag("APT::Install-Suggests") is False
    assert config.flag("Acquire::Check-Valid-Until") is False  # this machine turns Valid-Until checks off
    assert config.values("APT::NeverAutoRemove") == [
        "^firmware-linux.*", "^linux-firmware$", "^linux-image-[a-z0-9]*$", "^linux-image-[a-z0-9]*-[a-z0-9]*$",
        "^postgresql.*-15"]
    assert len(config.values("APT::Update::Post-Invoke-Success")) == 2
    assert config.get("CommandLine::AsString") == "apt-config dump"
    # no unattended-upgrades here: nothing periodic, no patterns
    assert config.get("APT::Periodic::Unattended-Upgrade") is None
    assert config.periodic_active("APT::Periodic::Unattended-Upgrade") is False
    assert config.periodic_days("APT::Periodic::Update-Package-Lists") is None
    assert config.periodic_enabled() is True
    assert config.values("Unattended-Upgrade::Origins-Pattern") == []


def test_unattended_upgrades_default_config_dump():
    config = parse_apt_config_dump(captured("apt-config-dump-uu-defaults.txt"))
    assert config.periodic_days("APT::Periodic::Update-Package-Lists") == 1
    assert config.periodic_days("APT::Periodic::Unattended-Upgrade") == 1
    assert config.periodic_active("APT::Periodic::Unattended-Upgrade") is True
    assert config.values("Unattended-Upgrade::Origins-Pattern") == [
        "origin=Debian,codename=${distro_codename},label=Debian",
        "origin=Debian,codename=${distro_codename},label=Debian-Security",
        "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
    ]
    assert config.values("Unattended-Upgrade::Allowed-Origins") == []
    assert config.values("Unattended-Upgrade::Package-Blacklist") == []  # an empty block leaves no node


def test_dump_keys_children_and_multiline_values():
    # printed by apt-config 2.6.1 for -o 'Test::a b=1' -o 'Test::Multi::=x' ... and -o $'Test::a=one\ntwo'
    config = parse_apt_config_dump(
        'Test "";\nTest::a%20b "1";\nTest::Multi "";\nTest::Multi:: "x";\nTest::Multi:: "y";\n'
        'Test::Multi::Named "z";\nTest::Multi::Named::Deep "w";\nOther "one\ntwo";\nLast "1";\n')
    assert config.get("Test::a b") == "1"
    # python-apt's value_list: direct children, anonymous and named, not grandchildren
    assert config.values("Test::Multi") == ["x", "y", "z"]
    assert config.get("Other") == "one\ntwo"
    assert config.get("Last") == "1"


@pytest.mark.parametrize(("text", "expected"), [
    ("1", True), ("0", False), ("yes", True), ("No", False), ("TRUE", True), ("off", False), ("enable", True),
    ("without", False), ("0x1", True), ("01", True), ("00", False), ("-0", False), ("+1", True), (" 1", True),
    ("2", None), ("08", None), ("0x", None), ("maybe", None), ("", None), ("1 ", None),
])
def test_apt_bool_reads_as_apt(text, expected):
    # expected values checked against python-apt's find_b on this machine (None: find_b returns its default)
    assert apt_bool(text) is expected


def test_periodic_intervals():
    # hand-written
    config = AptConfig((("APT::Periodic::Enable", "0"), ("APT::Periodic::Update-Package-Lists", "always"),
                        ("APT::Periodic::Unattended-Upgrade", "12h"), ("APT::Periodic::AutocleanInterval", "7d"),
                        ("APT::Periodic::CleanInterval", "00"), ("APT::Periodic::Verbose", "0")))
    assert config.periodic_enabled() is False
    assert config.periodic_days("APT::Periodic::Update-Package-Lists") is None
    assert config.periodic_active("APT::Periodic::Update-Package-Lists") is True
    assert config.periodic_days("APT::Periodic::Unattended-Upgrade") is None
    assert config.periodic_active("APT::Periodic::Unattended-Upgrade") is True
    assert config.periodic_days("APT::Periodic::AutocleanInterval") == 7
    # apt.systemd.daily compares the text with "0": "00" is not off
    assert config.periodic_days("APT::Periodic::CleanInterval") == 0
    assert config.periodic_active("APT::Periodic::CleanInterval") is True
    assert config.periodic_active("APT::Periodic::Verbose") is False


# --- sources ---------------------------------------------------------------------------------------


def test_machine_sources_and_their_list_files():
    sources = sources_from_files(split_named_files(captured("sources-files.txt")))
    assert [(s.type, s.uri, s.suite, s.components, s.entry) for s in sources] == [
        ("deb", "http://deb.debian.org/debian", "bookworm", ("main",), 1),
        ("deb", "http://deb.debian.org/debian", "bookworm-updates", ("main",), 1),
        ("deb", "http://deb.debian.org/debian-security", "bookworm-security", ("main",), 2),
    ]
    assert all(s.enabled and s.format == "deb822" for s in sources)
    assert {s.options["signed-by"] for s in sources} == {"/usr/share/keyrings/debian-archive-keyring.gpg"}
    listed = set(captured("ls-var-lib-apt-lists.txt").split())
    for source in sources:
        prefix = list_file_prefix(source)
        assert prefix + "InRelease" in listed
        assert prefix + "main_binary-amd64_Packages.lz4" in listed
    assert list_file_prefix(sources[2]) == "deb.debian.org_debian-security_dists_bookworm-security_"
    filenames = [line.split(": ", 1)[1] for line in captured("apt-get-indextargets.txt").splitlines()
                 if line.startswith("Filename: ")]
    assert sorted(filenames) == sorted(f"/var/lib/apt/lists/{list_file_prefix(s)}main_binary-amd64_Packages.lz4"
                                       for s in sources)


def test_probe_sources_match_what_apt_read():
    sources = sources_from_files(split_named_files(captured("probe/indextargets-sources.txt")))
    # apt's own view: "file:entry type identifier list-file" for every index it would fetch
    targets = [line.split(" ", 3) for line in captured("probe/indextargets.txt").splitlines()]
    by_entry = {(s.file, s.entry, s.type, s.uri, s.suite): s for s in sources if s.enabled}
    seen = set()
    for entry, kind, _, filename in targets:
        path, _, number = entry.rpartition(":")
        matching = [s for (f, n, t, _, _), s in by_entry.items()
                    if (f, n, t) == (path, int(number), kind)
                    and filename.startswith("/var/lib/apt/lists/" + list_file_prefix(s))]
        assert matching, (entry, filename)
        seen.update((s.file, s.entry, s.type, s.uri, s.suite) for s in matching)
    assert seen == set(by_entry)
    assert len(by_entry) == 14
    # the ignored file names never reach apt, the Enabled: no stanza is parsed but disabled
    assert {s.file.rsplit("/", 1)[1] for s in sources} == {"10-oneline.list", "20-deb822.sources"}
    assert [(s.uri, s.enabled) for s in sources if s.format == "deb822" and s.entry > 1] == [
        ("https://off.example.org/debian", False), ("https://odd.example.org/debian", True)]
    escaped = next(s for s in sources if "8443" in s.uri)
    assert list_file_prefix(escaped) == "repo.example.org:8443_%7eops_deb%5frepo_dists_stable%252bbackports_"
    assert escaped.options == {"arch": "amd64", "signed-by": "/usr/share/keyrings/debian-archive-keyring.gpg"}
    assert escaped.components == ("main", "contrib")
    flat = [list_file_prefix(s) for s in sources if s.suite.endswith("/")]
    assert flat == ["flat.example.org_repo_._", "flat.example.org_other_sub_"]
    assert next(s for s in sources if "2001" in s.uri).options == {"trusted": "yes"}


def test_deb822_allow_insecure_is_ignored_by_apt():
    sources = sources_from_files(split_named_files(captured("probe/allow-insecure-sources.txt")))
    deb822, one_line = sources
    assert deb822.options == {} and deb822.ignored_fields == {"allow-insecure": "yes"}
    assert one_line.options == {"allow-insecure": "yes"}
    assert list_file_prefix(deb822) == "_tmp_apt-probe_insecure_repo_._"  # file: URI, no host
    assert captured("probe/allow-insecure-update-deb822.txt").splitlines()[-1].startswith("E: The repository")
    assert captured("probe/allow-insecure-update-oneline.txt").splitlines()[-1].startswith("W: The repository")


ONE_LINE = """\
# hand-written
deb [trusted=yes signed-by=/etc/apt/keyrings/vendor.gpg] http://vendor.example/apt stable main
  deb-src\thttp://deb.example/debian bookworm main contrib   # a comment after the entry
#deb http://commented.example/debian bookworm main
deb [ arch=amd64,arm64 lang=de#x ] "http://quoted.example/with space" bookworm main
deb cdrom:[Debian GNU/Linux 12 _Bookworm_]/ bookworm main
deb http://flat.example/repo ./ main
deb [broken] http://broken.example/debian bookworm main
deb http://nosuite.example/debian
rpm http://other.example/ x main
deb http://enc.example/a%20b bookworm main
"""


def test_one_line_format_cases():
    sources = sources_from_files([("/etc/apt/sources.list", ONE_LINE)])
    assert [(s.entry, s.type, s.uri, s.suite, s.components) for s in sources] == [
        (2, "deb", "http://vendor.example/apt", "stable", ("main",)),
        (3, "deb-src", "http://deb.example/debian", "bookworm", ("main", "contrib")),
        (5, "deb", "http://quoted.example/with space", "bookworm", ("main",)),
        (6, "deb", "cdrom:[Debian GNU/Linux 12 _Bookworm_]/", "bookworm", ("main",)),
        (11, "deb", "http://enc.example/a b", "bookworm", ("main",)),
    ]
    assert sources[0].options == {"trusted": "yes", "signed-by": "/etc/apt/keyrings/vendor.gpg"}
    # a '#' inside the option block is not a comment
    assert sources[2].options == {"arch": "amd64,arm64", "lang": "de#x"}
    assert list_file_prefix(sources[2]) == "quoted.example_with%20space_dists_bookworm_"
    assert list_file_prefix(sources[4]) == "enc.example_a%20b_dists_bookworm_"


DEB822 = """\
# hand-written
Types: deb deb-src
URIs: https://one.example/debian
  https://two.example/debian
Suites: bookworm
Components: main
# a comment between fields
signed-by:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGQ-not-a-real-key
# a comment inside the key
 -----END PGP PUBLIC KEY BLOCK-----
Architectures: amd64 arm64
X-Note: kept aside

Types: deb
URIs: https://off.example/debian
Suites: bookworm
Components: main
Enabled: false

Types: deb
URIs: https://flat.example/repo
Suites: ./
Trusted: yes
Allow-Weak: yes

URIs: https://no-types.example/debian
Suites: bookworm
Components: main
"""


def test_deb822_cases():
    sources = parse_deb822("/etc/apt/sources.list.d/x.sources", DEB822)
    assert [(s.type, s.uri, s.entry, s.enabled) for s in sources] == [
        ("deb", "https://one.example/debian", 1, True), ("deb", "https://two.example/debian", 1, True),
        ("deb-src", "https://one.example/debian", 1, True), ("deb-src", "https://two.example/debian", 1, True),
        ("deb", "https://off.example/debian", 2, False),
        ("deb", "https://flat.example/repo", 3, True),
    ]
    assert sources[0].options == {"signed-by": INLINE_KEY, "arch": "amd64,arm64"}
    assert sources[0].ignored_fields == {"x-note": "kept aside"}
    assert sources[-1].options == {"trusted": "yes"} and sources[-1].components == ()
    assert sources[-1].ignored_fields == {"allow-weak": "yes"}
    assert all("BEGIN PGP" not in repr(source) for source in sources)


def test_apt_ignores_other_file_names():
    text = "deb http://x.example/debian bookworm main\n"
    names = ["/etc/apt/sources.list", "/etc/apt/sources.list.d/a.list", "/etc/apt/sources.list.d/a.list.save",
             "/etc/apt/sources.list.d/b.sources.disabled", "/etc/apt/sources.list.d/.c.list",
             "/etc/apt/sources.list.d/d e.list", "/etc/apt/sources.list.d/f~.list"]
    assert [s.file for s in sources_from_files([(name, text) for name in names])] == names[:2]


# --- apt-get -s and apt-cache policy ---------------------------------------------------------------


def test_simulated_dist_upgrade(simulation):
    assert len(simulation.installs) == 125 and len(simulation.upgrades) == 125
    assert simulation.summary == {"upgraded": 125, "newly_installed": 0, "to_remove": 0, "not_upgraded": 0}
    assert simulation.removals == () and simulation.kept_back == ()
    by_name = {install.package: install for install in simulation.installs}
    base = by_name["base-files"]
    assert (base.installed, base.candidate, base.releases, base.architecture) == (
        "12.4+deb12u11", "12.4+deb12u15", ("Debian:12.15/oldstable",), "amd64")
    # a trailing "[]" (no broken packages) after the parenthesis
    assert by_name["libgcrypt20-dev"].releases == ("Debian:12.15/oldstable", "Debian-Security:12/oldstable-security")
    assert by_name["init-system-helpers"].architecture == "all"
    assert by_name["login"].installed == "1:4.13+dfsg1-1+deb12u1"
    assert sum("Debian-Security:12/oldstable-security" in i.releases for i in simulation.installs) == 83


def test_simulation_lines_not_on_this_machine():
    # hand-written, in the shapes apt-pkg/algorithms.cc and apt-private/private-output.cc print
    simulation = parse_simulated_upgrade("""\
The following packages have been kept back:
  linux-image-amd64 firmware-misc-nonfree
  libfoo1:i386
The following upgrades have been deferred due to phasing:
   libbar2 (1.0 => 1.1)
The following NEW packages will be installed:
  linux-image-6.1.0-40-amd64
Inst linux-image-6.1.0-40-amd64 (6.1.153-1 Debian-Security:12/oldstable-security [amd64])
Remv oldpkg [0.9-1]
Purg gone:i386 [2.0] [broken-a ]
0 upgraded, 1 newly installed, 2 to remove and 3 not upgraded.
""")
    assert simulation.kept_back == ("linux-image-amd64", "firmware-misc-nonfree", "libfoo1:i386")
    assert simulation.phasing_deferred == ("libbar2",)
    (new,) = simulation.installs
    assert (new.package, new.installed, new.candidate) == ("linux-image-6.1.0-40-amd64", None, "6.1.153-1")
    assert simulation.upgrades == ()
    assert [(r.package, r.installed, r.purge) for r in simulation.removals] == [
        ("oldpkg", "0.9-1", False), ("gone:i386", "2.0", True)]
    assert simulation.summary["not_upgraded"] == 3


def test_policy_releases(releases):
    assert list(releases) == [STATUS_KEY, SECURITY_KEY, UPDATES_KEY, MAIN_KEY]
    assert releases[STATUS_KEY] == Release("", "", "now", "", "", "now", "", "", 100)
    assert releases[SECURITY_KEY] == Release("Debian", "Debian-Security", "oldstable-security", "bookworm-security",
                                             "12", "main", "amd64", "deb.debian.org", 500)
    assert (releases[MAIN_KEY].archive, releases[MAIN_KEY].codename, releases[MAIN_KEY].version) == (
        "oldstable", "bookworm", "12.15")
    assert parse_policy_pins(captured("apt-cache-policy.txt")) == []


def test_policy_with_pins_and_wide_priorities():
    # hand-written, in the shape apt-private/private-show.cc prints
    text = """\
Package files:
 100 /var/lib/dpkg/status
     release a=now
1001 https://vendor.example/apt stable/main amd64 Packages
     release o=Vendor, Inc.,a=stable,n=stable,l=Vendor,c=main,b=amd64
     origin vendor.example
 -10 http://deb.debian.org/debian trixie/main amd64 Packages
     release v=13.1,o=Debian,a=stable,n=trixie,l=Debian,c=main,b=amd64
     origin deb.debian.org
Pinned packages:
     nodejs -> 20.19.0-1nodesource1 with priority 600
"""
    releases = parse_policy_releases(text)
    vendor = releases["https://vendor.example/apt stable/main amd64 Packages"]
    assert (vendor.priority, vendor.origin, vendor.site) == (1001, "Vendor, Inc.", "vendor.example")
    assert releases["http://deb.debian.org/debian trixie/main amd64 Packages"].priority == -10
    assert parse_policy_pins(text) == [("nodejs", "20.19.0-1nodesource1", 600)]


def test_package_policy(policies):
    assert len(policies) == 126
    openssl = policies["openssl"]
    assert (openssl.installed, openssl.candidate) == ("3.0.19-1~deb12u2", "3.0.22-1~deb12u2")
    assert [(v.version, v.files, v.installed) for v in openssl.versions] == [
        ("3.0.22-1~deb12u2", (SECURITY_KEY,), False), ("3.0.20-1~deb12u2", (MAIN_KEY,), False),
        ("3.0.19-1~deb12u2", (STATUS_KEY,), True), ("3.0.17-1~deb12u2", (UPDATES_KEY,), False)]
    # bookworm-updates' older 3.0.17 comes after the installed version: not newer
    assert [v.version for v in newer_versions(openssl)] == ["3.0.22-1~deb12u2", "3.0.20-1~deb12u2"]
    assert policies["libgcrypt20"].versions[0].files == (MAIN_KEY, SECURITY_KEY)
    apt = policies["apt"]
    assert apt.versions[1].installed and apt.versions[1].files == (MAIN_KEY, STATUS_KEY)
    uu = policies["unattended-upgrades"]
    assert (uu.installed, uu.candidate, newer_versions(uu)) == (None, "2.9.1+nmu3", [])


def test_simulation_agrees_with_policy(simulation, policies, releases):
    for install in simulation.installs:
        policy = policies[install.package]
        assert (install.installed, install.candidate) == (policy.installed, policy.candidate)
    security = {name for name, policy in policies.items()
                if any(is_security_release(releases[key], "debian") for v in newer_versions(policy) for key in v.files)}
    assert len(security) == 83
    assert {"apt", "libpam0g", "openssl", "tzdata"} <= security
    assert "base-files" not in security


def test_phased_versions():
    # hand-written, Ubuntu shape
    policy = parse_package_policy("""\
libfoo1:
  Installed: 1.0-1ubuntu1
  Candidate: 1.0-1ubuntu1
  Version table:
     1.0-1ubuntu2 500 (phased 20%)
        500 http://archive.ubuntu.com/ubuntu noble-updates/main amd64 Packages
 *** 1.0-1ubuntu1 500
        500 http://archive.ubuntu.com/ubuntu noble/main amd64 Packages
        100 /var/lib/dpkg/status
""")["libfoo1"]
    assert [(v.version, v.phased) for v in newer_versions(policy)] == [("1.0-1ubuntu2", 20)]
    assert policy.versions[1].phased is None


def test_security_release_rules(releases):
    assert [is_security_release(r, "Debian") for r in releases.values()] == [False, True, False, False]
    ubuntu = Release("Ubuntu", "Ubuntu", "noble-security", "noble", "24.04", "main", "amd64", "security.ubuntu.com",
                     500)
    assert is_security_release(ubuntu, "ubuntu")
    assert not is_security_release(replace(ubuntu, archive="noble-updates"), "ubuntu")
    # Debian: the label decides, or Debian's own -security archive without that label
    assert is_security_release(replace(releases[SECURITY_KEY], label="Debian"), "debian")
    assert not is_security_release(replace(releases[SECURITY_KEY], origin="Elsewhere", label="Other"), "debian")
    with pytest.raises(ValueError, match="rocky"):
        is_security_release(ubuntu, "rocky")


# --- unattended-upgrades -------------------------------------------------------------------------


def test_debian_default_patterns_skip_bookworm_updates(releases):
    config = parse_apt_config_dump(captured("apt-config-dump-uu-defaults.txt"))
    patterns = config.values("Unattended-Upgrade::Origins-Pattern")
    allowed = {key: origin_allowed(patterns, [], release, "Debian", "bookworm") for key, release in releases.items()}
    assert allowed == {STATUS_KEY: True, SECURITY_KEY: True, UPDATES_KEY: False, MAIN_KEY: True}


def test_allowed_origins_match_the_archive_not_the_codename(releases):
    security = releases[SECURITY_KEY]
    # Allowed-Origins becomes o=...,a=...: "a" is the archive, "oldstable-security" on Debian
    assert not origin_allowed([], ["${distro_id}:${distro_codename}-security"], security, "Debian", "bookworm")
    assert origin_allowed([], ["Debian:oldstable-security"], security, "Debian", "bookworm")
    assert origin_allowed([], ["Debian oldstable-security"], security, "Debian", "bookworm")
    assert effective_patterns(["o=x"], ["${distro_id}:${distro_codename}-security"], "Debian", "bookworm") == [
        "o=Debian,a=bookworm-security", "o=x"]
    ubuntu = Release("Ubuntu", "Ubuntu", "noble-security", "noble", "24.04", "main", "amd64", "security.ubuntu.com",
                     500)
    assert origin_allowed([], ["${distro_id}:${distro_codename}-security"], ubuntu, "Ubuntu", "noble")


def test_pattern_matching_rules(releases):
    security = releases[SECURITY_KEY]
    assert pattern_matches("o=Debian,a=*-security", security, "Debian", "bookworm")
    assert pattern_matches(" site=deb.debian.org , l=Debian-Security ", security, "Debian", "bookworm")
    assert not pattern_matches("o=debian", security, "Debian", "bookworm")  # case-sensitive
    assert not pattern_matches("o=${distro_id},n=${distro_codename}", security, "debian", "bookworm")
    assert not pattern_matches("", security, "Debian", "bookworm")
    vendor = Release("Foo, Inc.", "Foo", "stable", "x", "1", "main", "amd64", "repo.example", 500)
    assert pattern_matches(r"origin=Foo\, Inc.", vendor, "Debian", "bookworm")
    assert origin_allowed([], [r"Foo\, Inc.:stable"], vendor, "Debian", "bookworm")
    # unattended-upgrade stops on these
    for bad in ("o=Debian,bogus=1", "origin", "o=a=b", "o=${nope}"):
        with pytest.raises(OriginsConfigError):
            pattern_matches(bad, security, "Debian", "bookworm")
    with pytest.raises(OriginsConfigError):
        effective_patterns([], ["a:b:c"], "Debian", "bookworm")
    # patterns are tried in order and the first match wins, so a later bad one is not reached
    assert origin_allowed(["o=Debian", "bogus=1"], [], security, "Debian", "bookworm")
    with pytest.raises(OriginsConfigError):
        origin_allowed(["o=Other", "bogus=1"], [], security, "Debian", "bookworm")


# --- dpkg --verify -------------------------------------------------------------------------------


def test_dpkg_verify_capture():
    findings = parse_dpkg_verify(captured("dpkg-verify.txt"))
    assert [(f.path, f.failed, f.conffile, f.missing) for f in findings] == [
        ("/etc/debuginfod/elfutils.urls", (), True, True),
        ("/usr/lib/python3/dist-packages/pip/_vendor/certifi/cacert.pem", ("md5sum",), False, False),
        ("/usr/share/cmake-3.25/Modules/FindCUDAToolkit.cmake", ("md5sum",), False, False),
    ]


def test_dpkg_verify_other_forms():
    # hand-written, in the "%.9s %c %s%s" shape of dpkg 1.21's verify.c
    findings = parse_dpkg_verify(
        "??5?????? c /etc/ssh/sshd_config\n?M5??????   /usr/share/doc/a b.txt\n"
        "missing     /root/secret (Permission denied)\n")
    assert [(f.path, f.failed, f.conffile, f.missing, f.error) for f in findings] == [
        ("/etc/ssh/sshd_config", ("md5sum",), True, False, None),
        ("/usr/share/doc/a b.txt", ("mode", "md5sum"), False, False, None),
        ("/root/secret", (), False, True, "Permission denied"),
    ]
    with pytest.raises(ValueError, match="not a dpkg --verify line"):
        parse_dpkg_verify("dpkg: warning: something\n")
