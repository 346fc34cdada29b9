"""Parse ``iptables-save`` / ``ip6tables-save`` output (and saved rules files) into the firewall model."""

from __future__ import annotations

import ipaddress
import shlex

from .firewall_model import BaseChain, ChainBuilder, Match, Ruleset

BUILTIN_HOOKS = {"INPUT": "input", "FORWARD": "forward", "OUTPUT": "output"}
TARGETS = {"ACCEPT": "accept", "DROP": "drop", "REJECT": "reject", "RETURN": "return"}
# Targets that only observe or mark: the packet goes on to the next rule.
NON_TERMINAL_TARGETS = {"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "AUDIT", "TRACE", "CT", "NOTRACK"}
# Match modules that neither decide nor narrow.
NEUTRAL_MODULES = {"comment", "tcp", "udp", "icmp", "icmp6", "icmpv6", "conntrack", "state", "multiport",
                   "addrtype"}
CT_STATES = frozenset({"new", "established", "related", "invalid", "untracked"})
FILTER_PRIORITY = 0  # iptables' filter table sits at nftables' filter priority


def parse_iptables_save(text: str, family: str, source: str = "iptables") -> Ruleset:
    """The filter table of one address family; other tables do not filter."""
    builder = ChainBuilder(f"{family} filter")
    policies: dict[str, str] = {}
    in_filter = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            in_filter = line == "*filter"
            continue
        if not in_filter or line == "COMMIT":
            continue
        if line.startswith(":"):
            name, policy, *_ = line[1:].split()
            if name in BUILTIN_HOOKS:
                policies[name] = policy.lower()
            continue
        if line.startswith("-A "):
            _add_rule(builder, line)
            continue
        raise ValueError(f"unexpected line in {family} filter table: {line!r}")
    chains = tuple(
        BaseChain(
            name=f"{family} filter {name}",
            families=frozenset({family}),
            hook=hook,
            priority=FILTER_PRIORITY,
            policy=policies[name],
            rules=tuple(builder.flatten(name)),
            source=source,
        )
        for name, hook in BUILTIN_HOOKS.items()
        if name in policies
    )
    return Ruleset(chains)


def _add_rule(builder: ChainBuilder, line: str) -> None:
    words = shlex.split(line)
    chain = words[1]
    match = Match()
    action, target = "continue", None
    negate = False
    i = 2
    while i < len(words):
        word = words[i]
        value = words[i + 1] if i + 1 < len(words) else ""
        if word == "!":
            negate = True
            i += 1
            continue
        if word in ("-j", "-g"):
            name = value
            if name in TARGETS:
                action = TARGETS[name]
            elif name in NON_TERMINAL_TARGETS:
                action = "continue"
            else:
                action, target = ("goto" if word == "-g" else "jump"), name
            i += 2
            # target options (--reject-with, --log-prefix ...) follow; skip them
            while i < len(words) and words[i].startswith("--") and words[i] not in ("--dport", "--dports"):
                i += 2
            continue
        consumed, narrowed = _option(word, value, words[i + 2] if i + 2 < len(words) else "", negate)
        match = match.combine(narrowed)
        negate = False
        i += consumed
    builder.add(chain, action, match, target, line)


def _option(word: str, value: str, after: str, negate: bool) -> tuple[int, Match]:
    """How many words an option takes, and the conditions it adds."""
    if word in ("-p", "--protocol"):
        if negate:
            return 2, Match(opaque=("! -p",))
        return 2, Match(protocols=frozenset({"ipv6-icmp" if value in ("icmpv6", "ipv6-icmp") else value}))
    if word in ("-s", "--source"):
        sources = tuple(str(ipaddress.ip_network(s, strict=False)) for s in value.split(","))
        return 2, Match(excluded_sources=sources) if negate else Match(sources=sources)
    if word in ("-i", "--in-interface"):
        names = frozenset({value})
        return 2, Match(excluded_interfaces=names) if negate else Match(interfaces=names)
    if word in ("--dport", "--destination-port", "--dports", "--destination-ports"):
        if negate:
            return 2, Match(opaque=("! --dport",))
        return 2, Match(dports=tuple(_ports(p) for p in value.split(",")))
    if word in ("--ctstate", "--state"):
        states = frozenset(s.lower() for s in value.split(","))
        return 2, Match(states=CT_STATES - states if negate else states)
    if word == "-m":
        if value in NEUTRAL_MODULES:
            return 2, Match()
        return 2, Match(opaque=(f"-m {value}",))
    if word in ("--comment",):
        return 2, Match()
    if word in ("--icmp-type", "--icmpv6-type"):
        return 2, Match()
    if word.startswith("-"):
        # An option this parser does not know narrows the rule in a way it cannot describe.
        takes_value = bool(value) and not value.startswith("-")
        return (2 if takes_value else 1), Match(opaque=(word,))
    return 1, Match(opaque=(word,))


def _ports(text: str) -> tuple[int, int]:
    low, _, high = text.partition(":")
    return int(low), int(high or low)
