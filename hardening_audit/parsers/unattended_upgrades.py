"""Which releases unattended-upgrades takes upgrades from, matched as unattended-upgrade 2.9 matches them.

Inputs are the configuration values (``AptConfig.values("Unattended-Upgrade::Origins-Pattern")`` and
``...::Allowed-Origins``) and a ``Release`` from ``apt-cache policy``. ``distro_id`` and
``distro_codename`` are what unattended-upgrade substitutes: ``lsb_release -i -s`` and ``-c -s``
("Debian", "bookworm"; note the capital D, unlike os-release's ID).
"""

from __future__ import annotations

import re
import string
from fnmatch import fnmatchcase

from .apt_policy import Release

# Pattern keys and the Release field each one matches; the one-letter forms are apt-cache policy's.
_FIELDS = {
    "o": "origin", "origin": "origin",
    "l": "label", "label": "label",
    "a": "archive", "suite": "archive", "archive": "archive",
    "c": "component", "component": "component",
    "site": "site",
    "n": "codename", "codename": "codename",
}
# An escaped comma travels as this placeholder while a pattern is split on commas (as
# unattended-upgrade does, so a literal "%2C" in a pattern also turns into a comma).
_COMMA = "%2C"


class OriginsConfigError(ValueError):
    """A configuration unattended-upgrade cannot use: it stops with an error and upgrades nothing."""


def _substitute(text: str, mapping: dict[str, str]) -> str:
    try:
        return string.Template(text).substitute(mapping)
    except (KeyError, ValueError) as error:
        raise OriginsConfigError(f"cannot substitute {text!r}: {error}") from error


def _legacy_pattern(entry: str, mapping: dict[str, str]) -> str:
    """An Allowed-Origins "origin:archive" (or "origin archive") entry as the equivalent o=...,a=... pattern."""
    parts = re.split(r"(?<!\\):", entry) if re.search(r"(?<!\\):", entry) else entry.split()
    if len(parts) != 2:
        raise OriginsConfigError(f"Unattended-Upgrade::Allowed-Origins entry {entry!r} is not origin:archive")
    origin, archive = parts
    # "\:" stands for a colon in the origin only; commas are escaped so the pattern splits right
    origin = re.sub(r"([^\\]),", r"\1\\,", origin.replace("\\:", ":"))
    archive = re.sub(r"([^\\]),", r"\1\\,", archive)
    return f"o={_substitute(origin, mapping)},a={_substitute(archive, mapping)}"


def _mapping(distro_id: str, distro_codename: str, distro_release: str | None) -> dict[str, str]:
    mapping = {"distro_id": distro_id, "distro_codename": distro_codename}
    if distro_release is not None:
        # ${distro_release} exists from unattended-upgrades 2.10 on; 2.9 (bookworm) rejects it
        mapping["distro_release"] = distro_release
    return mapping


def effective_patterns(patterns: list[str], allowed_origins: list[str], distro_id: str, distro_codename: str,
                       *, distro_release: str | None = None) -> list[str]:
    """The allowed-origin patterns unattended-upgrade works with: Allowed-Origins first, converted to
    ``o=...,a=...``, then Origins-Pattern, variables substituted. OriginsConfigError where it would fail."""
    mapping = _mapping(distro_id, distro_codename, distro_release)
    return ([_legacy_pattern(entry, mapping) for entry in allowed_origins]
            + [_substitute(pattern, mapping) for pattern in patterns])


def pattern_matches(pattern: str, release: Release, distro_id: str, distro_codename: str,
                    *, distro_release: str | None = None) -> bool:
    """Whether one (substituted) pattern matches the release: every ``key=value`` must match, values
    being shell wildcards compared case-sensitively. An empty pattern matches nothing."""
    mapping = _mapping(distro_id, distro_codename, distro_release)
    pattern = pattern.strip()
    if not pattern:
        return False
    matched = True
    # every token is checked, so a bad token fails the pattern even after a mismatch
    for token in pattern.replace("\\,", _COMMA).split(","):
        parts = token.split("=")
        if len(parts) != 2:
            raise OriginsConfigError(f"pattern token {token!r} of {pattern!r} is not key=value")
        key, value = (part.strip().replace(_COMMA, ",") for part in parts)
        if key not in _FIELDS:
            raise OriginsConfigError(f"unknown key {key!r} in pattern {pattern!r}")
        matched = fnmatchcase(getattr(release, _FIELDS[key]), _substitute(value, mapping)) and matched
    return matched


def is_local(release: Release) -> bool:
    """The dpkg status file (archive and component "now", no label or site): always allowed."""
    return release.component == "now" and release.archive == "now" and not release.label and not release.site


def origin_allowed(patterns: list[str], allowed_origins: list[str], release: Release, distro_id: str,
                   distro_codename: str, *, distro_release: str | None = None) -> bool:
    """Whether unattended-upgrades takes packages from this release.

    A version is taken when any of its package files is allowed. Raises OriginsConfigError for a
    configuration unattended-upgrade itself cannot use.
    """
    effective = effective_patterns(patterns, allowed_origins, distro_id, distro_codename,
                                   distro_release=distro_release)
    if is_local(release):
        return True
    return any(pattern_matches(pattern, release, distro_id, distro_codename, distro_release=distro_release)
               for pattern in effective)
