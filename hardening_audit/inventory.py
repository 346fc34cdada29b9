"""Hosts from an Ansible inventory (INI or YAML), selected with an Ansible limit pattern.

Only what selects and reaches hosts is read: groups (with ``children``), and the connection
variables ``ansible_host``, ``ansible_port`` and ``ansible_user`` (given on the host line or
under ``vars`` of a group; a host's own value wins, then the nearest group's). Other variables
are ignored; dynamic inventory scripts and plugins are not run. The hosts are then reached over
the suite's own SSH transport (``paramiko://NAME``), named in reports by their inventory name.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONNECTION_VARIABLES = ("ansible_host", "ansible_port", "ansible_user")
YAML_SUFFIXES = (".yml", ".yaml", ".json")
_RANGE = re.compile(r"\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\]")


class InventoryError(Exception):
    """An inventory that cannot be read; the message is one line naming the file and the place."""


@dataclass(frozen=True)
class InventoryHost:
    name: str
    address: str | None = None
    port: int | None = None
    user: str | None = None
    groups: frozenset[str] = frozenset()


@dataclass
class _Group:
    hosts: dict[str, dict[str, str]] = field(default_factory=dict)  # host -> its own variables
    children: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


def load_inventory(path: str | Path) -> dict[str, InventoryHost]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InventoryError(f"{path}: cannot read the inventory: {exc.strerror or exc}") from None
    groups = _parse_yaml(text, path) if path.suffix in YAML_SUFFIXES else _parse_ini(text, path)
    return _resolve(groups, path)


def _expand(pattern: str, where: str) -> list[str]:
    """Ansible's host ranges: ``web[01:03]`` -> web01 web02 web03; ``db-[a:c]`` -> db-a db-b db-c."""
    match = _RANGE.search(pattern)
    if not match:
        return [pattern]
    start, end, step = match[1], match[2], int(match[3] or 1)
    if start.isdigit() != end.isdigit():
        raise InventoryError(f"{where}: bad host range {match[0]!r}")
    if start.isdigit():
        width = len(start) if start.startswith("0") else 0
        values = [str(n).zfill(width) for n in range(int(start), int(end) + 1, step)]
    else:
        values = [chr(c) for c in range(ord(start), ord(end) + 1, step)]
    if not values:
        raise InventoryError(f"{where}: empty host range {match[0]!r}")
    head, tail = pattern[:match.start()], pattern[match.end():]
    return [name for value in values for name in _expand(head + value + tail, where)]


def _parse_ini(text: str, path: Path) -> dict[str, _Group]:
    groups: dict[str, _Group] = {"all": _Group(), "ungrouped": _Group()}
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{path}: line {number}"
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise InventoryError(f"{where}: unterminated section header {line!r}")
            section, _, kind = line[1:-1].partition(":")
            kind = kind or "hosts"
            if kind not in ("hosts", "children", "vars"):
                raise InventoryError(f"{where}: unknown section kind {kind!r} (hosts, children or vars)")
            groups.setdefault(section, _Group())
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError as exc:
            raise InventoryError(f"{where}: {exc}") from None
        if not words:
            continue
        if kind == "vars":
            key, sep, value = line.partition("=")
            if not sep:
                raise InventoryError(f"{where}: expected key=value in [{section}:vars]")
            groups[section].variables[key.strip()] = _unquote(value.strip())
        elif kind == "children":
            groups[section].children.append(words[0])
            groups.setdefault(words[0], _Group())
        else:
            variables = {}
            for word in words[1:]:
                key, sep, value = word.partition("=")
                if not sep:
                    raise InventoryError(f"{where}: expected key=value after the host name, found {word!r}")
                variables[key] = value
            for name in _expand(words[0], where):
                groups[section].hosts[name] = variables
    return groups


def _unquote(value: str) -> str:
    try:
        words = shlex.split(value, comments=True)
    except ValueError:
        return value
    return words[0] if len(words) == 1 else value


def _parse_yaml(text: str, path: Path) -> dict[str, _Group]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark else "YAML"
        raise InventoryError(f"{path}: {place}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(document, dict):
        raise InventoryError(f"{path}: expected a mapping of groups (all: hosts/children/vars)")
    groups: dict[str, _Group] = {"all": _Group(), "ungrouped": _Group()}

    def visit(name: str, body, where: str) -> None:
        group = groups.setdefault(name, _Group())
        if body is None:
            return
        if not isinstance(body, dict):
            raise InventoryError(f"{path}: {where}: expected a mapping with hosts, children or vars")
        unknown = sorted(set(body) - {"hosts", "children", "vars"})
        if unknown:
            raise InventoryError(f"{path}: {where}.{unknown[0]}: unknown key (hosts, children or vars)")
        for host, variables in (body.get("hosts") or {}).items():
            if variables is not None and not isinstance(variables, dict):
                raise InventoryError(f"{path}: {where}.hosts.{host}: expected a mapping of variables")
            for expanded in _expand(str(host), f"{where}.hosts"):
                group.hosts[expanded] = {str(k): str(v) for k, v in (variables or {}).items()}
        group.variables.update({str(k): str(v) for k, v in (body.get("vars") or {}).items()})
        for child, child_body in (body.get("children") or {}).items():
            group.children.append(str(child))
            visit(str(child), child_body, f"{where}.children.{child}")

    for name, body in document.items():
        visit(str(name), body, str(name))
    return groups


def _resolve(groups: dict[str, _Group], path: Path) -> dict[str, InventoryHost]:
    """Every host with its groups (ancestors included) and its connection variables."""
    parents: dict[str, set[str]] = {}
    for name, group in groups.items():
        for child in group.children:
            parents.setdefault(child, set()).add(name)

    def ancestors(name: str, seen: tuple[str, ...] = ()) -> list[str]:
        """The group and its ancestors, nearest first; ``all`` last."""
        if name in seen:
            raise InventoryError(f"{path}: group {name!r} is its own ancestor ({' -> '.join((*seen, name))})")
        found = [name]
        for parent in sorted(parents.get(name, ())):
            found += [g for g in ancestors(parent, (*seen, name)) if g not in found]
        return found

    membership: dict[str, list[str]] = {}
    own: dict[str, dict[str, str]] = {}
    for name, group in groups.items():
        for host, variables in group.hosts.items():
            membership.setdefault(host, []).append(name)
            own.setdefault(host, {}).update(variables)
    hosts = {}
    for host, direct in membership.items():
        chain = [g for group in direct for g in ancestors(group) if g != "all"] + ["all"]
        values: dict[str, str] = {}
        for group in reversed(chain):  # nearer groups override farther ones
            values.update(groups[group].variables)
        values.update(own[host])
        port = values.get("ansible_port")
        if port is not None and not str(port).isdigit():
            raise InventoryError(f"{path}: {host}: ansible_port: expected a number, found {port!r}")
        hosts[host] = InventoryHost(host, values.get("ansible_host"), int(port) if port else None,
                                    values.get("ansible_user"), frozenset(set(chain) - {"ungrouped"}))
    return hosts


def select_hosts(hosts: dict[str, InventoryHost], pattern: str | None) -> list[InventoryHost]:
    """Ansible's limit pattern: terms separated by ``:`` or ``,``; a plain term adds hosts, ``&term``
    keeps only hosts also in it, ``!term`` removes them (from every host when no term adds any). A
    term is a group or host name, or a glob over them; ``all`` and ``*`` mean every host."""
    terms = [term.strip() for term in re.split(r"[:,]", pattern or "all") if term.strip()]

    def matching(term: str) -> set[str]:
        if term in ("all", "*"):
            return set(hosts)
        return {name for name, host in hosts.items()
                if fnmatch.fnmatchcase(name, term) or any(fnmatch.fnmatchcase(g, term) for g in host.groups)}
    positive = [term for term in terms if not term.startswith(("&", "!"))] or ["all"]
    selected: set[str] = set()
    for term in positive:
        selected |= matching(term)
    for term in terms:
        if term.startswith("&"):
            selected &= matching(term[1:])
    for term in terms:
        if term.startswith("!"):
            selected -= matching(term[1:])
    return [hosts[name] for name in sorted(selected)]
