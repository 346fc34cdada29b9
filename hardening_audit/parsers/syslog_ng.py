"""syslog-ng configuration: the network destinations and sources its log paths use."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Network drivers; tcp6()/udp6() are the IPv6 variants of tcp()/udp().
NETWORK_DRIVERS = ("network", "syslog", "tcp", "udp", "tcp6", "udp6")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|[{}();]|[^\s{}();"\']+')


@dataclass(frozen=True)
class Endpoint:
    """A network driver of a destination (host: where it sends) or of a source (host: ip() it binds)."""

    name: str            # the destination or source name; "" for one written inline in a log path
    driver: str          # network, syslog, tcp, udp, tcp6, udp6
    host: str | None     # None for a source without ip(): every address
    port: int            # 0 when not a number
    transport: str       # "udp", "tcp", "tls" or another transport() value, lower case
    file: str
    line: int


@dataclass(frozen=True)
class SyslogNgConfig:
    destinations: tuple[Endpoint, ...]   # only those a log path uses
    sources: tuple[Endpoint, ...]        # only those a log path uses


@dataclass
class _Node:
    name: str              # driver/option/statement name, or the text of a value
    args: list             # the items inside ( ) or { }
    kind: str              # "value", "call" (written with parentheses) or "block" (with braces)
    line: int
    label: str | None = None  # the name of "source s_net { ... }"


def _tokens(text: str) -> list[tuple[str, int]]:
    """Tokens with their line numbers; '#' comments and @-pragma lines (``@version``, ``@include``) dropped."""
    tokens = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("@"):
            continue
        for match in _TOKEN.finditer(line):
            if match[0].startswith("#"):
                break
            tokens.append((match[0], number))
    return tokens


def _parse(tokens: list[tuple[str, int]], start: int, closing: str | None) -> tuple[list[_Node], int]:
    """Items up to the closing bracket: ``name(...)``, ``name [label] { ... }`` or bare values."""
    items: list[_Node] = []
    i = start
    while i < len(tokens):
        text, line = tokens[i]
        if text == closing:
            return items, i + 1
        if text in (";", ")", "}"):
            i += 1
            continue
        following = tokens[i + 1][0] if i + 1 < len(tokens) else ""
        if following == "(":
            args, i = _parse(tokens, i + 2, ")")
            items.append(_Node(text, args, "call", line))
        elif following == "{" or (i + 2 < len(tokens) and tokens[i + 2][0] == "{" and following not in ("(", ")", ";")):
            label = None if following == "{" else _value(following)
            body, i = _parse(tokens, i + (2 if following == "{" else 3), "}")
            items.append(_Node(text, body, "block", line, label))
        else:
            items.append(_Node(_value(text), [], "value", line))
            i += 1
    return items, i


def _value(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" else text


def _norm(name: str) -> str:
    # syslog-ng treats "-" and "_" in option names alike
    return name.replace("_", "-").lower()


def _option(node: _Node, name: str) -> str | None:
    for item in node.args:
        if item.kind == "call" and _norm(item.name) == name and item.args:
            return item.args[0].name
    return None


def _default_port(driver: str, transport: str) -> int:
    # syslog-ng's transport mappers: syslog() follows RFC 5426/6587/5425, the others use 514 throughout
    if driver == "syslog" and transport != "udp":
        return 6514 if transport == "tls" else 601
    return 514


def _endpoints(statement: _Node, path: str, source: bool) -> list[Endpoint]:
    endpoints = []
    for driver in statement.args:
        name = _norm(driver.name)
        if driver.kind != "call" or name not in NETWORK_DRIVERS:
            continue
        if name in ("network", "syslog"):
            transport = (_option(driver, "transport") or "tcp").lower()
        else:
            transport = name.rstrip("6")
            # the tcp() driver speaks TLS when given tls() options
            if transport == "tcp" and any(_norm(item.name) == "tls" for item in driver.args):
                transport = "tls"
        if source:
            host = _option(driver, "ip") or _option(driver, "localip")
            port = _option(driver, "port") or _option(driver, "localport")
        else:
            positional = [item for item in driver.args if item.kind == "value"]
            host = positional[0].name if positional else None
            port = _option(driver, "port") or _option(driver, "destport")
        number = int(port) if port and port.isdigit() else (0 if port else _default_port(name, transport))
        endpoints.append(Endpoint(statement.label or "", name, host, number, transport, path, driver.line))
    return endpoints


def _log_references(log: _Node, used: dict[str, list], inline: dict[str, list]) -> None:
    """Names (and inline bodies) of the sources and destinations a log path and its nested paths use."""
    for item in log.args:
        name = _norm(item.name)
        if name in ("source", "destination"):
            if item.kind == "block":
                inline[name].append(item)
            elif item.args:
                used[name].append(item.args[0].name)
        elif item.kind == "block" and name in ("log", "junction", "channel"):
            _log_references(item, used, inline)


def include_patterns(text: str) -> list[str]:
    """The ``@include`` arguments of one file, in order, as written (a file, a glob or a directory).

    A relative name is looked up in the include path (/etc/syslog-ng, then /usr/share/syslog-ng/include).
    """
    patterns = []
    for line in text.splitlines():
        match = re.match(r"\s*@include\s+(\"[^\"]*\"|'[^']*'|\S+)", line)
        if match:
            patterns.append(_value(match[1]))
    return patterns


def parse_syslog_ng(files: list[tuple[str, str]]) -> SyslogNgConfig:
    """The network destinations and sources of a syslog-ng configuration that a ``log`` statement uses.

    files: (path, text) of syslog-ng.conf and the files it includes. A destination or source that no
    log path names does nothing; one written inline in a log path (``destination { network(...); };``)
    counts. Defaults: network() and syslog() use TCP; port 514, but syslog() uses 601 over TCP and
    6514 over TLS. tcp() with tls() options speaks TLS; network() and syslog() only with transport(tls).
    """
    defined: dict[str, dict[str, _Node]] = {"source": {}, "destination": {}}
    where: dict[int, str] = {}
    used: dict[str, list] = {"source": [], "destination": []}
    inline: dict[str, list] = {"source": [], "destination": []}
    for path, text in files:
        statements, _ = _parse(_tokens(text), 0, None)
        for statement in statements:
            kind = _norm(statement.name)
            if statement.kind == "block" and kind in defined and statement.label:
                defined[kind][statement.label] = statement
                where[id(statement)] = path
            elif statement.kind == "block" and kind == "log":
                before = {key: len(value) for key, value in inline.items()}
                _log_references(statement, used, inline)
                for key, nodes in inline.items():
                    for node in nodes[before[key]:]:
                        where[id(node)] = path
    results = {}
    for kind in ("source", "destination"):
        endpoints = []
        for name in dict.fromkeys(used[kind]):
            if name in defined[kind]:
                node = defined[kind][name]
                endpoints += _endpoints(node, where[id(node)], kind == "source")
        for node in inline[kind]:
            endpoints += _endpoints(node, where[id(node)], kind == "source")
        results[kind] = tuple(endpoints)
    return SyslogNgConfig(results["destination"], results["source"])
