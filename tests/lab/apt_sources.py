"""Find the Debian mirror this machine already uses, from its own apt sources.

The lab never names a mirror itself: whatever the machine's apt reaches
(a local mirror, a proxy, a snapshot) is what debootstrap uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .progress import LabError


@dataclass(frozen=True)
class Source:
    uri: str
    suites: tuple[str, ...]


def _one_line_sources(text: str) -> list[Source]:
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line.startswith("deb "):
            continue  # deb-src and blanks
        rest = line[len("deb ") :].strip()
        if rest.startswith("["):  # options such as [arch=amd64 signed-by=...]
            rest = rest.partition("]")[2].strip()
        fields = rest.split()
        if len(fields) >= 2:
            found.append(Source(uri=fields[0], suites=(fields[1],)))
    return found


def _deb822_sources(text: str) -> list[Source]:
    found = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in stanza.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line[0] in " \t" and key:  # continuation line
                fields[key] += " " + line.strip()
                continue
            key, _, value = line.partition(":")
            key = key.strip().lower()
            fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
            continue
        suites = tuple(fields.get("suites", "").split())
        found.extend(Source(uri=uri, suites=suites) for uri in fields.get("uris", "").split())
    return found


def machine_sources(apt_dir: Path = Path("/etc/apt")) -> list[Source]:
    sources = []
    main_list = apt_dir / "sources.list"
    if main_list.is_file():
        sources += _one_line_sources(main_list.read_text())
    parts = apt_dir / "sources.list.d"
    if parts.is_dir():
        for part in sorted(parts.iterdir()):
            if part.suffix == ".list":
                sources += _one_line_sources(part.read_text())
            elif part.suffix == ".sources":
                sources += _deb822_sources(part.read_text())
    return sources


def mirror_for(suite: str, apt_dir: Path = Path("/etc/apt")) -> str:
    """URI of the first source serving suite; LabError if there is none."""
    for source in machine_sources(apt_dir):
        if suite in source.suites:
            return source.uri
    raise LabError(f"no apt source of this machine serves Debian {suite!r} (looked in {apt_dir})")


def security_mirror_for(suite: str, apt_dir: Path = Path("/etc/apt")) -> str | None:
    """URI serving suite-security, or None: the lab then goes without security updates."""
    for source in machine_sources(apt_dir):
        if f"{suite}-security" in source.suites:
            return source.uri
    return None
