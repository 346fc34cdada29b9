"""Linux audit: rules (persisted audit.rules and ``auditctl -l``), auditd.conf, ``auditctl -s``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# -F operators, longest first so that ">=" is not read as ">".
_OPERATOR = re.compile(r"^([\w-]+?)(!=|>=|<=|&=|=|>|<|&)(.*)$")
# Options that change the audit system rather than add a rule, with whether they take a value.
_CONTROL = {"-D": False, "-b": True, "-f": True, "-e": True, "-r": True, "--backlog_wait_time": True,
            "--loginuid-immutable": False, "-i": False, "-c": False, "--reset-lost": False,
            "-W": True, "-d": True}
_LISTS = {"task", "exit", "user", "exclude", "filesystem", "io_uring", "entry"}
ALL_PERMS = "rwxa"


@dataclass(frozen=True)
class AuditRule:
    kind: str                    # "watch", "syscall" or "control"
    action: str                  # "always" / "never"; for a control rule, its option ("-e", "-D", "-b"...)
    list_name: str               # "exit", "task", "user", "exclude"...; "" for a control rule
    paths: tuple[str, ...]       # -w, -F path=, -F dir=, trailing "/" removed
    perms: str                   # -p / -F perm=, in rwxa order; every access ("rwxa") when none is given
    syscalls: frozenset[str]     # -S names; {"all"} for -S all and for an exit rule naming none
    fields: dict[str, str]       # -F name=value fields (equality only; the last one wins)
    filters: tuple[tuple[str, str, str], ...]  # every -F and -C as (name, operator, value), in order
    key: str | None              # -k / -F key=; several keys joined with ","
    raw: str
    value: str = ""              # the argument of a control rule ("2" for -e 2)
    path_fields: tuple[str, ...] = field(default=())  # the paths given as -F path= (a file, not a tree)


def _perms(text: str) -> str:
    return "".join(letter for letter in ALL_PERMS if letter in text)


def _parse_rule(line: str) -> AuditRule | None:
    words = line.split()
    if words[0] in _CONTROL:
        option = words[0]
        value = words[1] if _CONTROL[option] and len(words) > 1 else ""
        return AuditRule("control", option, "", (), "", frozenset(), {}, (), None, line, value)
    action = list_name = ""
    paths: list[str] = []
    path_fields: list[str] = []
    perms = None
    syscalls: set[str] = set()
    fields: dict[str, str] = {}
    filters: list[tuple[str, str, str]] = []
    keys: list[str] = []
    watch = False
    i = 0
    while i < len(words):
        option = words[i]
        argument = words[i + 1] if i + 1 < len(words) else ""
        i += 2
        if option == "-w":
            watch, action, list_name = True, "always", "exit"
            paths.append(argument.rstrip("/") or "/")
        elif option in ("-a", "-A"):
            # "always,exit" and "exit,always" are both accepted
            parts = argument.split(",")
            list_name = next((p for p in parts if p in _LISTS), "")
            action = next((p for p in parts if p not in _LISTS), "")
        elif option == "-p":
            perms = _perms(argument)
        elif option == "-k":
            keys.append(argument)
        elif option == "-S":
            syscalls.update(name for name in argument.split(",") if name)
        elif option in ("-F", "-C"):
            match = _OPERATOR.match(argument)
            if not match:
                continue
            name, operator, value = match.groups()
            filters.append((name, operator, value))
            if option == "-C" or operator != "=":
                continue
            fields[name] = value
            if name in ("path", "dir"):
                paths.append(value.rstrip("/") or "/")
                if name == "path":
                    path_fields.append(paths[-1])
            elif name == "perm":
                perms = _perms(value)
            elif name == "key":
                keys.append(value)
        else:
            i -= 1  # an option without argument
    if not action and not list_name:
        return None
    if not watch and list_name == "exit" and not syscalls:
        syscalls = {"all"}
    # A path rule over every syscall is a watch; auditctl -l prints the plain ones back as -w.
    kind = "watch" if paths and (watch or syscalls == {"all"}) else "syscall"
    return AuditRule(kind, action, list_name, tuple(paths), perms if perms is not None else ALL_PERMS,
                     frozenset(syscalls), fields, tuple(filters), ",".join(keys) or None, line,
                     path_fields=tuple(path_fields))


def parse_audit_rules(text: str) -> list[AuditRule]:
    """Rules of ``/etc/audit/audit.rules`` (as augenrules compiles it) or of ``auditctl -l``.

    Comments, blank lines and anything not starting with "-" (``auditctl -l`` prints "No rules"
    when there are none) are skipped. Control lines (-D, -b, -f, -e, --backlog_wait_time...) are
    rules of kind "control", kept in order so that the position of ``-e 2`` can be checked.
    """
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("-"):
            rule = _parse_rule(line)
            if rule:
                rules.append(rule)
    return rules


def immutable(rules: list[AuditRule]) -> bool:
    """True when the last ``-e`` sets 2 (immutable) and no watch or syscall rule follows it.

    Once ``-e 2`` is loaded the kernel refuses further changes, so rules after it would not load.
    """
    for rule in reversed(rules):
        if rule.kind != "control":
            return False
        if rule.action == "-e":
            return rule.value == "2"
    return False


def parse_auditd_conf(text: str) -> dict[str, str]:
    """``/etc/audit/auditd.conf``: ``key = value`` lines, keys lower-cased, values as written."""
    settings = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if sep:
            settings[key.strip().lower()] = value.strip()
    return settings


def parse_auditctl_status(text: str) -> dict[str, str]:
    """``auditctl -s``: "enabled 1", "failure 1", "loginuid_immutable 0 unlocked"... as name -> rest."""
    status = {}
    for line in text.splitlines():
        name, _, value = line.strip().partition(" ")
        if name:
            status[name] = value.strip()
    return status
