"""What APT would upgrade and from where: ``apt-get -s dist-upgrade`` and ``apt-cache policy`` (LANG=C)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Inst name [installed] (candidate release-descriptions [arch]) and an optional trailing [broken ...]
_INST = re.compile(r"Inst (?P<pkg>\S+)(?: \[(?P<old>[^\]\s]+)\])? \((?P<new>\S+) (?P<rel>.*)\)(?: \[[^\]]*\])*")
_REMOVE = re.compile(r"(?P<kind>Remv|Purg) (?P<pkg>\S+)(?: \[(?P<old>[^\]\s]+)\])?")
_SUMMARY = re.compile(r"(\d+) upgraded, (\d+) newly installed, (\d+) to remove and (\d+) not upgraded\.")
# apt < 3 titles and the apt 3 ones (APT::Output-Version >= 30)
_KEPT_TITLES = ("The following packages have been kept back:", "Not upgrading:")
_PHASED_TITLES = ("The following upgrades have been deferred due to phasing:", "Not upgrading yet due to phasing:")
# a package file line: "%4i %s", the priority may be negative or wider than 4 digits
_PACKAGE_FILE = re.compile(r" *(-?\d+) (\S.*)")
_PIN = re.compile(r" +(\S+) -> (\S+) with priority (-?\d+)")


@dataclass(frozen=True)
class SimulatedInstall:
    package: str              # as apt prints it: "name" or "name:arch" for a foreign architecture
    installed: str | None     # None for a new install
    candidate: str
    releases: tuple[str, ...]  # "Label:Version/Archive" of each source of the candidate
    architecture: str


@dataclass(frozen=True)
class SimulatedRemoval:
    package: str
    installed: str | None
    purge: bool


@dataclass(frozen=True)
class Simulation:
    installs: tuple[SimulatedInstall, ...]
    removals: tuple[SimulatedRemoval, ...]
    kept_back: tuple[str, ...]
    phasing_deferred: tuple[str, ...]
    summary: dict[str, int]   # upgraded, newly_installed, to_remove, not_upgraded; empty when not printed

    @property
    def upgrades(self) -> tuple[SimulatedInstall, ...]:
        return tuple(install for install in self.installs if install.installed is not None)


def _listing(lines: list[str], start: int) -> list[str]:
    """Package names of the indented lines after a title (``-V`` adds "(old => new)", dropped here)."""
    names = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        names.extend(re.sub(r"\([^)]*\)", " ", line).split())
    return names


def parse_simulated_upgrade(text: str) -> Simulation:
    """``apt-get -s dist-upgrade`` (or ``upgrade``) output, LANG=C."""
    lines = text.splitlines()
    installs, removals, kept, phased = [], [], [], []
    summary: dict[str, int] = {}
    for index, line in enumerate(lines):
        if match := _INST.fullmatch(line):
            releases, _, arch = match["rel"].rpartition(" [")
            installs.append(SimulatedInstall(match["pkg"], match["old"], match["new"],
                                             tuple(releases.split(", ")) if releases else (), arch.rstrip("]")))
        elif match := _REMOVE.match(line):
            removals.append(SimulatedRemoval(match["pkg"], match["old"], match["kind"] == "Purg"))
        elif line in _KEPT_TITLES:
            kept.extend(_listing(lines, index))
        elif line in _PHASED_TITLES:
            phased.extend(_listing(lines, index))
        elif match := _SUMMARY.fullmatch(line):
            summary = dict(zip(("upgraded", "newly_installed", "to_remove", "not_upgraded"),
                               map(int, match.groups()), strict=True))
    return Simulation(tuple(installs), tuple(removals), tuple(kept), tuple(phased), summary)


@dataclass(frozen=True)
class Release:
    """A package file's release data, as python-apt's PackageFile names it ("" when absent)."""

    origin: str
    label: str
    archive: str       # the Release "Suite" (e.g. "oldstable-security")
    codename: str      # e.g. "bookworm-security"
    version: str
    component: str
    architecture: str
    site: str
    priority: int


def _release_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    last = None
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep and len(key) == 1:
            fields[key] = value
            last = key
        elif last:
            # a value holding a comma (apt prints values unescaped)
            fields[last] += "," + part
    return fields


def parse_policy_releases(text: str) -> dict[str, Release]:
    """``apt-cache policy`` without arguments: each package file, keyed by its description.

    The key is the package file line without its priority ("http://deb.debian.org/debian
    bookworm/main amd64 Packages", "/var/lib/dpkg/status"), as per-package policy lists it.
    """
    releases: dict[str, Release] = {}
    section = None
    key, priority, fields, site = None, 0, {}, ""

    def close() -> None:
        if key is None:
            return
        # Without a Release file apt prints the component as "a=": so the status file, whose archive
        # and component are both "now" (what unattended-upgrades' local-origin rule tests).
        component = fields.get("c", fields.get("a", "") if not set(fields) & {"v", "o", "n", "l"} else "")
        releases[key] = Release(fields.get("o", ""), fields.get("l", ""), fields.get("a", ""), fields.get("n", ""),
                                fields.get("v", ""), component, fields.get("b", ""), site, priority)

    for line in text.splitlines():
        if line == "Package files:":
            section = "files"
        elif line == "Pinned packages:":
            close()
            key, section = None, "pins"
        elif section == "files":
            stripped = line.strip()
            if stripped.startswith("release "):
                fields = _release_fields(stripped[len("release "):])
            elif stripped.startswith("origin "):
                site = stripped[len("origin "):]
            elif match := _PACKAGE_FILE.fullmatch(line):
                close()
                key, priority, fields, site = match[2], int(match[1]), {}, ""
    if section == "files":
        close()
    return releases


def parse_policy_pins(text: str) -> list[tuple[str, str, int]]:
    """The "Pinned packages:" section of ``apt-cache policy``: (package, version, priority)."""
    pins = []
    in_pins = False
    for line in text.splitlines():
        if line == "Pinned packages:":
            in_pins = True
        elif in_pins and (match := _PIN.fullmatch(line)):
            pins.append((match[1], match[2], int(match[3])))
    return pins


@dataclass(frozen=True)
class PolicyVersion:
    version: str
    priority: int
    files: tuple[str, ...]     # package file keys, as in parse_policy_releases
    installed: bool
    phased: int | None = None  # Ubuntu phased updates: the percentage apt prints, None when not phased


@dataclass(frozen=True)
class PackagePolicy:
    package: str
    installed: str | None
    candidate: str | None
    versions: tuple[PolicyVersion, ...]   # highest version first, as apt lists them


def parse_package_policy(text: str) -> dict[str, PackagePolicy]:
    """``apt-cache policy pkg...``: installed and candidate version and the version table of each package."""
    policies: dict[str, PackagePolicy] = {}
    name = None
    installed = candidate = None
    versions: list[list] = []

    def close() -> None:
        if name is not None:
            table = tuple(PolicyVersion(v, p, tuple(f), i, ph) for v, p, f, i, ph in versions)
            policies[name] = PackagePolicy(name, installed, candidate, table)

    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            close()
            name, installed, candidate, versions = line[:-1], None, None, []
        elif line.startswith("  Installed: "):
            value = line[len("  Installed: "):].strip()
            installed = None if value == "(none)" else value
        elif line.startswith("  Candidate: "):
            value = line[len("  Candidate: "):].strip()
            candidate = None if value == "(none)" else value
        elif line.startswith((" *** ", "     ")) and not line[5:6].isspace():
            # a version line: " *** version priority" or 5 spaces, then "(phased N%)" on Ubuntu
            fields = line[5:].split()
            phased = re.search(r"\(phased (\d+)%\)", line)
            versions.append([fields[0], int(fields[1]), [], line.startswith(" *** "),
                             int(phased[1]) if phased else None])
        elif versions and (match := _PACKAGE_FILE.fullmatch(line)):
            versions[-1][2].append(match[2])
    close()
    return policies


def newer_versions(policy: PackagePolicy) -> list[PolicyVersion]:
    """The versions listed above the installed one (apt lists the highest first); none when not installed."""
    for index, version in enumerate(policy.versions):
        if version.installed:
            return list(policy.versions[:index])
    return []


def _debian_security(release: Release) -> bool:
    own_security_archive = release.archive.endswith("-security") or release.codename.endswith("-security")
    return release.label == "Debian-Security" or (release.origin == "Debian" and own_security_archive)


def _ubuntu_security(release: Release) -> bool:
    return release.origin == "Ubuntu" and release.archive.endswith("-security")


# Per distribution (os-release ID or lsb_release -i, compared lower-case): is a release the security archive?
SECURITY_RULES: dict[str, Callable[[Release], bool]] = {
    "debian": _debian_security,
    "ubuntu": _ubuntu_security,
}


def published_security_release(distro_id: str, codename: str) -> Release | None:
    """The security archive's release data as the distribution publishes it, for a system without lists
    (an image): Debian's Origin, Label and Codename; Ubuntu's Origin and Suite. Fields that change
    over a release's life (Debian's Suite: stable-security, then oldstable-security) stay empty."""
    distro = distro_id.lower()
    if distro == "debian":
        return Release("Debian", "Debian-Security", "", f"{codename}-security", "", "", "", "", 500)
    if distro == "ubuntu":
        return Release("Ubuntu", "Ubuntu", f"{codename}-security", f"{codename}", "", "", "", "", 500)
    return None


def is_security_release(release: Release, distro_id: str) -> bool:
    """Whether the release is the distribution's security archive; ValueError for a distribution without a rule."""
    rule = SECURITY_RULES.get(distro_id.lower())
    if rule is None:
        raise ValueError(f"no security-archive rule for distribution {distro_id!r}")
    return rule(release)
