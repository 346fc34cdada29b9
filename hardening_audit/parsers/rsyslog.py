"""rsyslog configuration: where it forwards logs, where it listens, the mode of the files it creates.

Reads legacy (``$Directive``, ``*.* @@host``) and RainerScript (``action(...)``, ``if ... then``)
statements the way rsyslog 8 (Debian 12: 8.2302) does for the parts a hardening check needs.
"""

from __future__ import annotations

import bisect
import fnmatch
import posixpath
import re
from dataclasses import dataclass

DEFAULT_PORT = 514
# Stream drivers that encrypt; "ptcp" (the default) is plain TCP.
TLS_DRIVERS = {"gtls", "ossl", "mbedtls"}
# Input modules that take logs from the network.
NETWORK_INPUTS = {"imudp", "imtcp", "imptcp", "imrelp", "imgssapi"}
# Legacy directives that start a listener by themselves; rsyslog only knows them once the module is loaded.
_LEGACY_LISTENERS = {
    "udpserverrun": "imudp", "inputudpserverrun": "imudp", "inputtcpserverrun": "imtcp",
    "inputptcpserverrun": "imptcp", "inputrelpserverrun": "imrelp", "inputgssserverrun": "imgssapi",
}
_OBJECTS = {"module", "input", "action", "global", "template", "ruleset", "include", "main_queue",
            "lookup_table", "parser", "timezone", "dyn_stats", "percentile_stats", "ratelimit",
            "property", "constant"}
_WORD = re.compile(r"[A-Za-z_][\w.]*")
# A facility.priority selector ("*.*", "auth,authpriv.*", "*.=info;mail.none") followed by its action.
_SELECTOR = re.compile(r"[\w*,;.!=<>-]*\.[\w*,;.!=<>-]*(?=[ \t])")
# A property-based filter: ":msg, contains, "text"" (the action follows on the same line).
_PROPERTY_FILTER = re.compile(r':[\w$!.-]+\s*,\s*!?[\w-]+\s*,\s*"(?:[^"\\\n]|\\.)*"')
_PARAM = re.compile(r"""([\w.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|[^\s)]+)""")


@dataclass(frozen=True)
class Forward:
    """One action that sends logs to another host."""

    target: str
    port: int            # 0 when the port written is not a number
    protocol: str        # "udp", "tcp" or "relp"
    tls: bool
    file: str
    line: int
    selector: str        # the selector, property filter or if-condition over the action; "" for all logs
    raw: str
    ruleset: str | None = None  # None: the default ruleset, which every input not bound elsewhere feeds


@dataclass(frozen=True)
class Input:
    """A network listener rsyslog starts."""

    module: str
    port: int
    address: str | None  # None: every address
    file: str
    line: int


@dataclass(frozen=True)
class RsyslogConfig:
    forwards: tuple[Forward, ...]
    inputs: tuple[Input, ...]
    modules: tuple[str, ...]        # loaded modules, in load order
    file_create_mode: str | None    # the last $FileCreateMode / omfile module FileCreateMode
    unread: tuple[str, ...] = ()    # files given that no include statement names


@dataclass(frozen=True)
class _Stmt:
    kind: str            # "directive", "object" or "legacy"
    line: int
    name: str            # directive or object name, lower case; the action text of a legacy action
    value: str           # directive value
    params: dict         # object parameters (lower-case names; arrays as lists)
    selector: str
    ruleset: str | None
    raw: str


def _clean(text: str) -> str:
    """The text with comments blanked out, same length and lines, so positions and line numbers hold.

    ``#`` starts a comment outside quotes. ``/* */`` is a RainerScript comment where it opens a token
    (after a blank, a bracket or a separator), never on a ``$`` line, where ``/etc/rsyslog.d/*.conf``
    is a path.
    """
    out = list(text)
    i, n = 0, len(text)
    quote = None
    legacy = False
    line_blank = True
    while i < n:
        c = text[i]
        if c == "\n":
            quote, legacy, line_blank = None, False, True
            i += 1
            continue
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        elif c in "\"'":
            quote = c
        elif c == "$" and line_blank:
            legacy = True
        elif c == "/" and text.startswith("/*", i) and not legacy and (i == 0 or text[i - 1] in " \t\n(){};,"):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out[i:end] = [ch if ch == "\n" else " " for ch in text[i:end]]
            i = end
            continue
        if not c.isspace():
            line_blank = False
        i += 1
    return "".join(out)


def _unquoted(text: str, start: int):
    """(index, character) of the characters from start on that stand outside quoted strings."""
    quote, i = None, start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        else:
            yield i, c
        i += 1


def _close(text: str, start: int) -> int:
    """Index of the ')' closing the '(' at start (quote-aware), or the end of the text."""
    depth = 0
    for i, c in _unquoted(text, start):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text) - 1


def _find_word(text: str, start: int, word: str) -> int:
    """Position of the keyword after start, outside quotes; the end of the text when missing."""
    for i, _ in _unquoted(text, start):
        if text.startswith(word, i) and not (text[i - 1].isalnum() or text[i - 1] in "_$.") and \
                not text[i + len(word):i + len(word) + 1].isalnum():
            return i
    return len(text)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _params(text: str) -> dict:
    params: dict = {}
    for name, value in _PARAM.findall(text):
        if value.startswith("["):
            params[name.lower()] = [_unquote(v) for v in re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', value)]
        else:
            params[name.lower()] = _unquote(value)
    return params


def _statements(text: str) -> list[_Stmt]:
    """The directives, objects and legacy actions of one file, in order, each with the filter over it."""
    clean = _clean(text)
    newlines = [i for i, c in enumerate(clean) if c == "\n"]
    stmts: list[_Stmt] = []
    stack: list[tuple[str, str | None]] = [("", None)]  # (selector, ruleset) of the open blocks
    pending: str | None = None   # a filter waiting for its action or block
    last_selector = ""           # for "&": the next action shares the previous action's filter
    next_ruleset: str | None = None
    i, n = 0, len(clean)

    def raw(start: int, end: int) -> str:
        return " ".join(clean[clean.rfind("\n", 0, start) + 1:end].split())

    while i < n:
        c = clean[i]
        if c.isspace() or c == ";":
            i += 1
            continue
        line = bisect.bisect_left(newlines, i) + 1
        eol = clean.find("\n", i)
        eol = n if eol < 0 else eol
        selector = pending if pending is not None else stack[-1][0]
        ruleset = stack[-1][1]
        word = _WORD.match(clean, i)
        name = word[0].lower() if word else ""
        if c == "$" and not clean[clean.rfind("\n", 0, i) + 1:i].strip():
            key, value = (clean[i + 1:eol].split(None, 1) + ["", ""])[:2]
            stmts.append(_Stmt("directive", line, key.lower(), value.strip(), {}, selector, ruleset, raw(i, eol)))
            i = eol
        elif c == "{":
            stack.append((selector, next_ruleset or ruleset))
            pending, next_ruleset = None, None
            i += 1
        elif c == "}":
            if len(stack) > 1:
                stack.pop()
            i += 1
        elif c == "&":
            pending = last_selector
            i += 1
        elif name in ("if", "foreach"):
            keyword = _find_word(clean, word.end(), "then" if name == "if" else "do")
            pending = " ".join(clean[word.end():keyword].split())
            i = keyword + (4 if name == "if" else 2)
        elif name == "else":
            pending = "else"
            i = word.end()
        elif name in _OBJECTS and clean[word.end():].lstrip().startswith("("):
            opening = clean.index("(", word.end())
            closing = _close(clean, opening)
            params = _params(clean[opening + 1:closing])
            stmts.append(_Stmt("object", line, name, "", params, selector, ruleset, raw(i, closing + 1)))
            if name == "action":
                last_selector, pending = selector, None
            elif name == "ruleset":
                next_ruleset = params.get("name")
            i = closing + 1
        elif name in ("stop", "continue"):
            pending = None
            i = word.end()
        elif name in ("set", "unset", "reset", "call"):
            end = clean.find(";", i)
            i = eol if name == "call" or end < 0 or end > eol else end + 1
            pending = None
        elif pending is not None:
            stmts.append(_Stmt("legacy", line, clean[i:eol].strip(), "", {}, selector, ruleset, raw(i, eol)))
            last_selector, pending = selector, None
            i = eol
        elif (c == ":" and (match := _PROPERTY_FILTER.match(clean, i))) or (match := _SELECTOR.match(clean, i)):
            pending = match[0]  # a property filter or a facility.priority selector
            i = match.end()
        else:
            i = eol + 1
    return stmts


def include_patterns(text: str) -> list[str]:
    """The files one rsyslog config file includes, in order: ``$IncludeConfig`` and ``include(file=...)``.

    Values are returned as written: a glob, a file, or a directory ending in "/" (every file in it).
    """
    patterns = []
    for stmt in _statements(text):
        if stmt.kind == "directive" and stmt.name == "includeconfig" and stmt.value:
            patterns.append(stmt.value.split()[0])
        elif stmt.kind == "object" and stmt.name == "include" and isinstance(stmt.params.get("file"), str):
            patterns.append(stmt.params["file"])
    return patterns


def _matches(pattern: str, path: str) -> bool:
    if pattern.endswith("/"):
        return posixpath.dirname(path) == pattern.rstrip("/")
    # glob(3): "*" does not cross "/"
    return path.count("/") == pattern.count("/") and fnmatch.fnmatchcase(path, pattern)


def _module_name(load: str) -> str:
    return posixpath.basename(load.strip()).removesuffix(".so")


def _port(value) -> int:
    value = str(value).strip()
    return int(value) if value.isdigit() else 0


def _legacy_forward(action: str) -> tuple[str, str, int] | None:
    """(protocol, target, port) of a legacy ``@host``, ``@@(o)host:port`` or ``:omrelp:host:port`` action.

    As omfwd reads it: "[...]" holds an IPv6 address; otherwise the host ends at the first ':', so
    ``@2001:db8::1`` sends to host "2001" on an empty port (0 here). No port: 514.
    """
    if action.startswith("@"):
        protocol = "tcp" if action.startswith("@@") else "udp"
        rest = action[2:] if protocol == "tcp" else action[1:]
        if rest.startswith("("):  # options: z<level> compression, o octet-counted framing
            closing = rest.find(")")
            rest = rest[closing + 1:] if closing >= 0 else ""
    elif action.startswith(":omrelp:"):
        protocol, rest = "relp", action[len(":omrelp:"):]
    else:
        return None
    if rest.startswith("["):
        closing = rest.find("]")
        host, rest = (rest[1:closing], rest[closing + 1:]) if closing >= 0 else (rest[1:], "")
    else:
        host = re.match(r"[^;:#\s]*", rest)[0]
        rest = rest[len(host):]
    port = DEFAULT_PORT
    if rest.startswith(":"):
        digits = re.match(r"\d*", rest[1:])[0]
        port = int(digits) if digits else 0
    return protocol, host, port


def _on(value) -> bool:
    return str(value).strip().lower() in ("on", "yes", "1", "true")


def parse_rsyslog(files: list[tuple[str, str]]) -> RsyslogConfig:
    """The forwards, listeners and file mode of an rsyslog configuration.

    files: (path, text) of the main file (first) and of the files its includes name, as
    ``split_named_files`` returns them. Included files are read where the include statement stands,
    so order-dependent settings (``$ActionSendStreamDriverMode`` before an action, a module loaded
    before its ``input()``) apply as rsyslog applies them; a file no include names is not read
    (it is listed in ``unread``). ``$DefaultNetstreamDriver`` / ``global(defaultNetstreamDriver=)``
    is global: the last value anywhere counts.
    """
    if not files:
        return RsyslogConfig((), (), (), None)
    texts = dict(files)
    order = [path for path, _ in files]
    seen: set[str] = set()
    stmts: list[tuple[str, _Stmt]] = []

    def read(path: str) -> None:
        seen.add(path)
        for stmt in _statements(texts[path]):
            patterns = []
            if stmt.kind == "directive" and stmt.name == "includeconfig" and stmt.value:
                patterns = [stmt.value.split()[0]]
            elif stmt.kind == "object" and stmt.name == "include" and isinstance(stmt.params.get("file"), str):
                patterns = [stmt.params["file"]]
            for pattern in patterns:
                for other in order:
                    if other not in seen and _matches(pattern, other):
                        read(other)
            if not patterns:
                stmts.append((path, stmt))

    read(order[0])
    global_driver = "ptcp"
    for _, stmt in stmts:
        if stmt.kind == "directive" and stmt.name == "defaultnetstreamdriver":
            global_driver = stmt.value.lower()
        elif stmt.kind == "object" and stmt.name == "global" and "defaultnetstreamdriver" in stmt.params:
            global_driver = str(stmt.params["defaultnetstreamdriver"]).lower()

    forwards: list[Forward] = []
    inputs: list[Input] = []
    modules: list[str] = []
    file_mode = None
    legacy_mode, legacy_driver, udp_address = 0, None, None
    for path, stmt in stmts:
        where = (path, stmt.line)
        if stmt.kind == "directive":
            name, value = stmt.name, stmt.value
            if name == "modload":
                modules.append(_module_name(value))
            elif name == "filecreatemode":
                file_mode = value
            elif name == "actionsendstreamdrivermode":
                legacy_mode = _port(value)
            elif name == "actionsendstreamdriver":
                legacy_driver = value.lower()
            elif name == "resetconfigvariables":
                legacy_mode, legacy_driver = 0, None
            elif name == "udpserveraddress":
                udp_address = value or None
            elif name in _LEGACY_LISTENERS and _LEGACY_LISTENERS[name] in modules:
                module = _LEGACY_LISTENERS[name]
                port = value.split()[0] if value else ("514" if module == "imudp" else "")
                if port:
                    inputs.append(Input(module, _port(port), udp_address if module == "imudp" else None, *where))
        elif stmt.kind == "object":
            params = stmt.params
            if stmt.name == "module" and isinstance(params.get("load"), str):
                modules.append(_module_name(params["load"]))
                if modules[-1] in ("builtin:omfile", "omfile") and "filecreatemode" in params:
                    file_mode = params["filecreatemode"]
            elif stmt.name == "input":
                module = str(params.get("type", "")).lower()
                if module not in NETWORK_INPUTS or module not in modules:
                    continue  # rsyslog rejects an input whose module is not loaded yet
                ports = params.get("port", "514" if module == "imudp" else [])
                address = params.get("address")
                for port in [ports] if isinstance(ports, str) else ports:
                    inputs.append(Input(module, _port(port), address if isinstance(address, str) else None, *where))
            elif stmt.name == "action":
                kind = str(params.get("type", "")).lower()
                if kind == "omfwd":
                    protocol = str(params.get("protocol", "udp")).lower()
                    mode = params.get("streamdrivermode", params.get("streamdriver.mode", "0"))
                    driver = str(params.get("streamdriver", params.get("streamdriver.name",
                                                                          legacy_driver or global_driver))).lower()
                    tls = protocol == "tcp" and _port(mode) == 1 and driver in TLS_DRIVERS
                elif kind == "omrelp" and "omrelp" in modules:
                    protocol, tls = "relp", _on(params.get("tls", "off"))
                else:
                    continue
                targets = params.get("target", "")
                for target in [targets] if isinstance(targets, str) else targets:
                    forwards.append(Forward(target, _port(params.get("port", DEFAULT_PORT)), protocol, tls, *where,
                                            stmt.selector, stmt.raw, stmt.ruleset))
        else:
            parsed = _legacy_forward(stmt.name)
            # omfwd is built in; omrelp actions are an error until the module is loaded
            if parsed and (parsed[0] != "relp" or "omrelp" in modules):
                protocol, target, port = parsed
                # legacy omfwd takes the driver mode in force when the action is read (TCP only)
                tls = protocol == "tcp" and legacy_mode == 1 and (legacy_driver or global_driver) in TLS_DRIVERS
                forwards.append(Forward(target, port, protocol, tls, *where, stmt.selector, stmt.raw, stmt.ruleset))
    unread = tuple(path for path in order if path not in seen)
    return RsyslogConfig(tuple(forwards), tuple(inputs), tuple(modules), file_mode, unread)
