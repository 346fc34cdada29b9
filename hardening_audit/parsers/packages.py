"""The package database: ``dpkg-query -W`` with the fields the facts ask for."""

from __future__ import annotations

from dataclasses import dataclass

# ${db:Status-Abbrev} is three letters: desired action, package state, error flag.
# Present means files of the package are on disk (not "n" not-installed, not "c" config-files only).
ABSENT_STATES = {"n", "c"}
DPKG_QUERY_FORMAT = "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Provides}\\n"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    status: str  # e.g. "ii", "rc", "hi"
    provides: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        return len(self.status) > 1 and self.status[1] not in ABSENT_STATES


def _provided_names(field: str) -> tuple[str, ...]:
    # "apt-transport-https (= 2.6.2), foo" -> ("apt-transport-https", "foo")
    return tuple(part.split("(", 1)[0].strip() for part in field.split(",") if part.strip())


def parse_dpkg_query(text: str) -> dict[str, Package]:
    """Output of ``dpkg-query -W -f DPKG_QUERY_FORMAT``: package name to Package (present ones win
    over removed ones when several architectures are listed)."""
    packages: dict[str, Package] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or not fields[1]:
            continue
        package = Package(fields[1], fields[2], fields[0].strip(), _provided_names(fields[3] if len(fields) > 3 else ""))
        if fields[1] not in packages or package.present:
            packages[fields[1]] = package
    return packages


def present(packages: dict[str, Package], names) -> list[Package]:
    """The packages among names that are present, in the order of names."""
    return [packages[name] for name in names if name in packages and packages[name].present]


def providers(packages: dict[str, Package], virtual: str) -> list[Package]:
    """Present packages that provide a virtual package (e.g. mail-transport-agent)."""
    return [p for p in packages.values() if p.present and virtual in p.provides]
