"""Parse ``nft -j list ruleset`` into the common firewall model."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from .firewall_model import FAMILIES, HOOKS, TERMINAL, BaseChain, ChainBuilder, Match, Ruleset

TABLE_FAMILIES = {"inet": frozenset(FAMILIES), "ip": frozenset({"ip"}), "ip6": frozenset({"ip6"})}
NFPROTO = {"ipv4": "ip", "ipv6": "ip6"}
CT_STATES = frozenset({"new", "established", "related", "invalid", "untracked"})
PORT_PROTOCOLS = {"tcp", "udp", "udplite", "sctp", "dccp"}
# Statements that neither decide nor narrow: a rule made only of them just counts or logs.
NON_DECIDING = {"counter", "log", "comment", "mangle", "meta", "ct", "notrack", "set", "quota"}


def parse_nft_json(text: str) -> Ruleset:
    document = json.loads(text)
    objects = document.get("nftables")
    if not isinstance(objects, list):
        raise ValueError("nft JSON has no 'nftables' list")
    sets: dict[tuple[str, str, str], list] = {}
    chains: dict[tuple[str, str], list[dict]] = {}
    rules: list[dict] = []
    for obj in objects:
        if "set" in obj:
            s = obj["set"]
            sets[(s["family"], s["table"], s["name"])] = s.get("elem", [])
        elif "chain" in obj:
            c = obj["chain"]
            chains.setdefault((c["family"], c["table"]), []).append(c)
        elif "rule" in obj:
            rules.append(obj["rule"])

    base_chains: list[BaseChain] = []
    for (family, table), table_chains in chains.items():
        if family not in TABLE_FAMILIES:
            continue  # bridge, arp and netdev tables do not filter the host's own traffic
        builder = ChainBuilder(f"{family} {table}")
        for rule in rules:
            if rule["family"] == family and rule["table"] == table:
                _add_rule(builder, rule, lambda name: sets.get((family, table, name.lstrip("@")), []))
        for chain in table_chains:
            if chain.get("type") != "filter" or chain.get("hook") not in HOOKS:
                continue
            base_chains.append(
                BaseChain(
                    name=f"{family} {table} {chain['name']}",
                    families=TABLE_FAMILIES[family],
                    hook=chain["hook"],
                    priority=int(chain.get("prio", 0)),
                    policy=chain.get("policy", "accept"),
                    rules=tuple(builder.flatten(chain["name"])),
                )
            )
    return Ruleset(tuple(base_chains))


def _add_rule(builder: ChainBuilder, rule: dict, named_set) -> None:
    text = rule_text(rule)
    match = Match()
    for expr in rule.get("expr", []):
        (kind, value), = expr.items()
        if kind == "match":
            match = match.combine(_match(value, named_set))
        elif kind in TERMINAL:
            builder.add(rule["chain"], kind, match, None, text)
            return
        elif kind in ("jump", "goto"):
            builder.add(rule["chain"], kind, match, value["target"], text)
            return
        elif kind == "return":
            builder.add(rule["chain"], "return", match, None, text)
            return
        elif kind == "vmap":
            for key_value, verdict in _elements(value["data"], named_set):
                entry = match.combine(_match({"op": "==", "left": value["key"], "right": key_value}, named_set))
                (action, target), = verdict.items()
                builder.add(rule["chain"], action, entry, (target or {}).get("target"), text)
            return
        elif kind == "xt":
            match = match.combine(Match(opaque=(f"xt {value.get('name', '?')}",)))
        elif kind not in NON_DECIDING:
            match = match.combine(Match(opaque=(kind,)))
    builder.add(rule["chain"], "continue", match, None, text)


def _elements(data: Any, named_set) -> list:
    if isinstance(data, str) and data.startswith("@"):
        return [e["elem"]["val"] if isinstance(e, dict) and "elem" in e else e for e in named_set(data)]
    if isinstance(data, dict) and "set" in data:
        return data["set"]
    if isinstance(data, list):
        return data
    return [data]


def _match(value: dict, named_set) -> Match:
    op, left, right = value.get("op", "=="), value["left"], value["right"]
    negated = op == "!="
    values = _elements(right, named_set)
    if "meta" in left:
        key = left["meta"]["key"]
        if key in ("iif", "iifname"):
            names = frozenset(str(v) for v in values)
            return Match(excluded_interfaces=names) if negated else Match(interfaces=names)
        if key == "l4proto" and not negated:
            return Match(protocols=frozenset(str(v) for v in values))
        if key == "nfproto" and not negated:
            return Match(families=frozenset(NFPROTO.get(str(v), str(v)) for v in values))
        return Match(opaque=(f"meta {key}",))
    if "ct" in left and left["ct"].get("key") == "state":
        states = frozenset(str(v) for v in values)
        return Match(states=CT_STATES - states if negated else states)
    if "ct" in left and left["ct"].get("key") == "status" and values == ["dnat"] and not negated:
        # Only connections a DNAT (port forward) rule rewrote: never a fresh inbound probe.
        return Match(states=frozenset({"dnat"}))
    if "payload" in left:
        return _payload_match(left["payload"], values, negated)
    return Match(opaque=(next(iter(left)) if isinstance(left, dict) else "expression",))


def _payload_match(payload: dict, values: list, negated: bool) -> Match:
    protocol, field = payload.get("protocol"), payload.get("field")
    family = {"ip": "ip", "ip6": "ip6"}.get(protocol)
    families = frozenset({family}) if family else None
    if field in ("protocol", "nexthdr") and family and not negated:
        return Match(protocols=frozenset(str(v) for v in values), families=families)
    if field == "saddr" and family:
        sources = tuple(_address(v) for v in values)
        if negated:
            return Match(excluded_sources=sources, families=families)
        return Match(sources=sources, families=families)
    if field == "dport" and protocol in PORT_PROTOCOLS | {"th"} and not negated:
        protocols = frozenset({protocol}) if protocol != "th" else None
        return Match(protocols=protocols, dports=tuple(_port_range(v) for v in values))
    if protocol in ("icmp", "icmpv6") and field in ("type", "code"):
        return Match(protocols=frozenset({"icmp" if protocol == "icmp" else "ipv6-icmp"}))
    return Match(opaque=(f"{protocol} {field}",), families=families)


def _address(value: Any) -> str:
    if isinstance(value, dict) and "prefix" in value:
        prefix = value["prefix"]
        return str(ipaddress.ip_network(f"{prefix['addr']}/{prefix['len']}", strict=False))
    if isinstance(value, dict) and "range" in value:
        return "-".join(str(v) for v in value["range"])
    return str(value)


def _port_range(value: Any) -> tuple[int, int]:
    if isinstance(value, dict) and "range" in value:
        low, high = value["range"]
        return int(low), int(high)
    return int(value), int(value)


def rule_text(rule: dict) -> str:
    """A short nft-like rendering of a rule for messages."""
    return " ".join(_expr_text(e) for e in rule.get("expr", []) if "counter" not in e) or "(empty rule)"


def _expr_text(expr: dict) -> str:
    (kind, value), = expr.items()
    if kind == "match":
        op = "" if value.get("op") in ("==", "in") else f"{value['op']} "
        return f"{_value_text(value['left'])} {op}{_value_text(value['right'])}"
    if kind in ("jump", "goto"):
        return f"{kind} {value['target']}"
    if value is None or kind in TERMINAL:
        return kind
    return kind


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        if "meta" in value:
            return value["meta"]["key"]
        if "ct" in value:
            return f"ct {value['ct']['key']}"
        if "payload" in value:
            return f"{value['payload'].get('protocol')} {value['payload'].get('field')}"
        if "set" in value:
            return "{ " + ", ".join(_value_text(v) for v in value["set"]) + " }"
        if "prefix" in value:
            return f"{value['prefix']['addr']}/{value['prefix']['len']}"
        if "range" in value:
            return "-".join(str(v) for v in value["range"])
        return next(iter(value))
    if isinstance(value, list):
        return ",".join(_value_text(v) for v in value)
    return str(value)
