"""Enough of the sudoers grammar to find who may run what without a password, and the Defaults.

Covers aliases (User_Alias, Runas_Alias, Host_Alias, Cmnd_Alias, several per
line with ``:``), user specifications with several host lists, run-as lists,
tags (NOPASSWD/PASSWD stay in force for the following commands), Defaults of
every binding, line continuations and include directives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ALIAS_KINDS = ("User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias")
TAGS = {"NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT",
        "NOLOG_OUTPUT", "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT"}


@dataclass(frozen=True)
class Grant:
    """One command a principal may run, as written in a user specification."""

    principal: str  # a user, %group, %:nonunix_group, #uid or ALL (aliases expanded)
    command: str
    nopasswd: bool
    file: str
    line: str


@dataclass(frozen=True)
class Default:
    binding: str  # "" for global Defaults, else ":user", "@host", ">runas", "!cmnd" and the list
    name: str
    value: str | None  # None for a flag
    negated: bool
    file: str


@dataclass
class Sudoers:
    grants: list[Grant] = field(default_factory=list)
    defaults: list[Default] = field(default_factory=list)
    includes: list[tuple[str, str]] = field(default_factory=list)  # ("file"|"dir", path), in order
    user_aliases: dict[str, list[str]] = field(default_factory=dict)
    cmnd_aliases: dict[str, list[str]] = field(default_factory=dict)

    def effective_default(self, name: str) -> tuple[bool, str | None]:
        """(set, value) of a global Default after every file: later entries win."""
        state: tuple[bool, str | None] = (False, None)
        for default in self.defaults:
            if default.binding == "" and default.name == name:
                state = (not default.negated, default.value)
        return state

    def principals(self, name: str) -> list[str]:
        """A user list entry with User_Alias names expanded (recursively)."""
        return _expand(name, self.user_aliases, set())

    def commands(self, name: str) -> list[str]:
        return _expand(name, self.cmnd_aliases, set())


def _expand(name: str, aliases: dict[str, list[str]], seen: set[str]) -> list[str]:
    negated = name.startswith("!")
    bare = name.lstrip("!")
    if bare not in aliases or bare in seen:
        return [name]
    seen = seen | {bare}
    expanded = [item for member in aliases[bare] for item in _expand(member, aliases, seen)]
    return [f"!{item}" for item in expanded] if negated else expanded


def logical_lines(text: str) -> list[str]:
    """Lines with backslash continuations joined and comments removed (include directives kept)."""
    joined, current = [], ""
    for raw in text.splitlines():
        current += raw
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        line = current.strip()
        current = ""
        if line.startswith(("#include", "#includedir")):
            joined.append(line)
            continue
        line = re.sub(r"(?<!\\)#(?!\d).*$", "", line).strip()
        if line:
            joined.append(line)
    return joined


def _split(text: str, separator: str) -> list[str]:
    """Split on a separator that is not escaped with a backslash."""
    return [part.strip() for part in re.split(rf"(?<!\\){re.escape(separator)}", text) if part.strip()]


def parse_sudoers(files: list[tuple[str, str]], into: Sudoers | None = None) -> Sudoers:
    """Parse files (path, text) in the order sudo reads them."""
    sudoers = into or Sudoers()
    for path, text in files:
        for line in logical_lines(text):
            _parse_line(sudoers, path, line)
    return sudoers


def _parse_line(sudoers: Sudoers, path: str, line: str) -> None:
    word = line.split(None, 1)[0]
    if word in ("@include", "#include"):
        sudoers.includes.append(("file", line.split(None, 1)[1]))
    elif word in ("@includedir", "#includedir"):
        sudoers.includes.append(("dir", line.split(None, 1)[1]))
    elif word in ALIAS_KINDS:
        for definition in _split(line.split(None, 1)[1], ":"):
            name, _, members = definition.partition("=")
            if word == "User_Alias":
                sudoers.user_aliases[name.strip()] = _split(members, ",")
            elif word in ("Cmnd_Alias", "Cmd_Alias"):
                sudoers.cmnd_aliases[name.strip()] = _split(members, ",")
    elif re.match(r"Defaults([:@>!]|\s|$)", word):
        _parse_defaults(sudoers, path, line)
    else:
        _parse_user_spec(sudoers, path, line)


def _parse_defaults(sudoers: Sudoers, path: str, line: str) -> None:
    match = re.match(r"Defaults([:@>!]\S+)?\s+(.*)$", line)
    if not match:
        return
    binding, settings = match.group(1) or "", match.group(2)
    for setting in _split(settings, ","):
        negated = setting.startswith("!")
        parsed = re.match(r"(\w+)\s*(?:[+-]?=\s*(.*))?$", setting.lstrip("!").strip())
        if parsed:
            value = parsed.group(2)
            sudoers.defaults.append(
                Default(binding, parsed.group(1), value.strip().strip('"') if value is not None else None, negated, path)
            )


def _parse_user_spec(sudoers: Sudoers, path: str, line: str) -> None:
    """``users hosts = commands [: hosts = commands]...``"""
    match = re.match(r"(.+?)\s+(\S+)\s*=\s*(.*)$", line)
    if not match:
        raise ValueError(f"{path}: cannot parse sudoers line: {line!r}")
    users, _, specs = match.groups()
    principals = [p for user in _split(users, ",") for p in sudoers.principals(user)]
    first, *others = re.split(r"\s*:\s*(?=[^\s=,():]+\s*=)", specs)
    for body in [first] + [other.split("=", 1)[1] for other in others]:
        _parse_commands(sudoers, path, line, principals, body)


def _parse_commands(sudoers: Sudoers, path: str, line: str, principals: list[str], body: str) -> None:
    nopasswd = False
    for entry in _split(body, ","):
        entry = re.sub(r"^\([^)]*\)\s*", "", entry)  # run-as list
        while True:
            tag = re.match(r"([A-Z_]+):\s*", entry)
            if not tag or tag.group(1) not in TAGS:
                break
            if tag.group(1) in ("NOPASSWD", "PASSWD"):
                nopasswd = tag.group(1) == "NOPASSWD"
            entry = entry[tag.end():]
        for command in sudoers.commands(entry.strip()):
            for principal in principals:
                sudoers.grants.append(Grant(principal, command, nopasswd, path, line))
