"""``dpkg --verify`` output in its (default) rpm format: the package files that failed a check."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The nine result columns, rpm's order; dpkg 1.21 fills in only mode (M) and md5sum (5), the rest stay '?'.
CHECKS = ("size", "mode", "md5sum", "device", "link", "user", "group", "mtime", "capabilities")
_LINE = re.compile(r"(?P<result>[?.A-Za-z0-9]{9}|missing  ) (?P<attr>[c ]) (?P<path>.+)")


@dataclass(frozen=True)
class VerifyFinding:
    path: str
    failed: tuple[str, ...]   # names from CHECKS, e.g. ("md5sum",); empty for a missing path
    conffile: bool
    missing: bool
    error: str | None = None  # why a path that exists could not be examined (e.g. "Permission denied")


def parse_dpkg_verify(text: str) -> list[VerifyFinding]:
    """``dpkg --verify [pkg...]``: lines ``??5?????? c /etc/x`` and ``missing     /usr/y``.

    A letter in column N means check N failed, '.' passed, '?' not done. dpkg appends " (message)"
    to a missing line only when the error was not "No such file or directory"; a path that itself
    ends in ")" would be read the same way. ValueError on a line of another form.
    """
    findings = []
    for line in text.splitlines():
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if not match:
            raise ValueError(f"not a dpkg --verify line: {line!r}")
        path, error = match["path"], None
        missing = match["result"] == "missing  "
        if missing and path.endswith(")") and " (" in path:
            path, _, error = path[:-1].rpartition(" (")
        failed = () if missing else tuple(name for name, mark in zip(CHECKS, match["result"], strict=True)
                                          if mark.isalnum())
        findings.append(VerifyFinding(path, failed, match["attr"] == "c", missing, error))
    return findings
