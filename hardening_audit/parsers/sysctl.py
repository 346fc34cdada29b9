"""Kernel parameters: ``sysctl`` output and the persisted sysctl.d configuration."""

from __future__ import annotations

import fnmatch
import posixpath

# Directories systemd-sysctl reads, lowest precedence first: a file in /etc hides a
# file of the same name in /run, which hides one in /usr/lib.
SYSCTL_DIRS = ("/usr/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d")
SYSCTL_CONF = "/etc/sysctl.conf"


def parse_sysctl(text: str) -> dict[str, str]:
    """``sysctl -a`` style ``key = value`` lines."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition(" = ")
        if sep:
            values[key.strip()] = value.strip()
    return values


def _normalise(key: str) -> str:
    # sysctl.d accepts "/" as separator (net/ipv4/ip_forward); with "/" first, dots are part of names.
    return key.replace("/", ".") if "/" in key and not key.startswith("/") else key


def effective_files(paths: list[str]) -> list[str]:
    """The sysctl.d files that apply, in the order they apply, then /etc/sysctl.conf."""
    chosen: dict[str, str] = {}
    for directory in SYSCTL_DIRS:
        for path in paths:
            if posixpath.dirname(path) == directory and path.endswith(".conf"):
                chosen[posixpath.basename(path)] = path
    ordered = [chosen[name] for name in sorted(chosen)]
    return ordered + ([SYSCTL_CONF] if SYSCTL_CONF in paths else [])


def persisted_settings(files: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(key or glob, value, file) assignments in the order they apply."""
    texts = dict(files)
    settings = []
    for path in effective_files(list(texts)):
        for raw in texts[path].splitlines():
            line = raw.strip()
            if not line or line[0] in "#;":
                continue
            key, sep, value = line.partition("=")
            if sep:
                settings.append((_normalise(key.strip().lstrip("-")), value.strip(), path))
    return settings


def persisted_value(settings: list[tuple[str, str, str]], key: str) -> tuple[str, str] | None:
    """(value, file) of the last assignment matching the key (glob keys included), None when unset."""
    found = None
    for pattern, value, path in settings:
        if pattern == key or ("*" in pattern and fnmatch.fnmatchcase(key, pattern)):
            found = (value, path)
    return found
