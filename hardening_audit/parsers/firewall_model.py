"""One model of a packet filter, whichever manager wrote it.

nftables JSON and iptables-save text are both reduced to base chains (a chain
attached to a hook) whose rules are flattened through jumps. A rule keeps only
what the controls ask about: protocol, destination ports, sources, input
interface and conntrack state, plus the kinds of condition the audit could not
interpret (which make a rule conditional, never broader than it is for drops,
and never narrower than it is for accepts).

Judging a hook uses a *probe*: a new packet arriving on a non-loopback
interface from an arbitrary outside source to an arbitrary port. A rule whose
every condition holds for all such packets applies to the probe; the first
such terminal rule, or else the chain policy, is the chain's default verdict.
A packet must pass every base chain on a hook, so one dropping chain makes the
hook's default a drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FAMILIES = ("ip", "ip6")
HOOKS = ("input", "forward", "output")
TERMINAL = ("accept", "drop", "reject")
ICMP_PROTOCOLS = frozenset({"icmp", "ipv6-icmp", "icmpv6"})
LOOPBACK_SOURCES = {"ip": "127.0.0.0/8", "ip6": "::1"}
PortRange = tuple[int, int]


@dataclass(frozen=True)
class Match:
    """Conditions of a rule; None means "any"."""

    protocols: frozenset[str] | None = None
    dports: tuple[PortRange, ...] | None = None
    sources: tuple[str, ...] | None = None
    excluded_sources: tuple[str, ...] = ()
    interfaces: frozenset[str] | None = None
    excluded_interfaces: frozenset[str] = frozenset()
    states: frozenset[str] | None = None
    families: frozenset[str] | None = None
    opaque: tuple[str, ...] = ()

    def combine(self, inner: "Match") -> "Match":
        """The conditions of a rule reached through a jump guarded by this match."""

        def both(a: frozenset | None, b: frozenset | None) -> frozenset | None:
            return b if a is None else a if b is None else a & b

        return Match(
            protocols=both(self.protocols, inner.protocols),
            dports=inner.dports if inner.dports is not None else self.dports,
            sources=inner.sources if inner.sources is not None else self.sources,
            excluded_sources=self.excluded_sources + inner.excluded_sources,
            interfaces=both(self.interfaces, inner.interfaces),
            excluded_interfaces=self.excluded_interfaces | inner.excluded_interfaces,
            states=both(self.states, inner.states),
            families=both(self.families, inner.families),
            opaque=self.opaque + inner.opaque,
        )

    def applies_to(self, family: str) -> bool:
        return self.families is None or family in self.families

    @property
    def loopback_only(self) -> bool:
        return self.interfaces == frozenset({"lo"})

    @property
    def admits_new(self) -> bool:
        return self.states is None or bool(self.states & {"new", "untracked"})

    @property
    def icmp_only(self) -> bool:
        return self.protocols is not None and self.protocols <= ICMP_PROTOCOLS

    def matches_probe(self, family: str) -> bool:
        """True when every condition holds for any new packet from outside on a non-loopback interface."""
        return (
            self.applies_to(family)
            and self.protocols is None
            and self.dports is None
            and self.sources is None
            and self.interfaces is None
            and self.excluded_interfaces <= {"lo"}
            and self.admits_new
            and not self.opaque
        )


@dataclass(frozen=True)
class Rule:
    verdict: str  # accept, drop, reject, or continue (log/counter only)
    match: Match
    text: str
    chain: str  # where it is written, e.g. "inet filter input" or "ip6 filter INPUT"


@dataclass(frozen=True)
class BaseChain:
    name: str
    families: frozenset[str]
    hook: str
    priority: int
    policy: str
    rules: tuple[Rule, ...]  # flattened through jumps, in evaluation order
    source: str = "nftables"  # nftables, iptables, iptables-legacy

    def default_verdict(self, family: str) -> tuple[str, Rule | None]:
        """The verdict for the probe packet, and the rule that gives it (None: the policy)."""
        for rule in self.rules:
            if rule.verdict in TERMINAL and rule.match.matches_probe(family):
                return rule.verdict, rule
        return self.policy, None


@dataclass(frozen=True)
class Ruleset:
    chains: tuple[BaseChain, ...] = ()

    def base_chains(self, family: str, hook: str) -> list[BaseChain]:
        found = [c for c in self.chains if family in c.families and c.hook == hook]
        return sorted(found, key=lambda c: c.priority)

    def default_verdict(self, family: str, hook: str) -> str | None:
        """drop/reject when any base chain on the hook turns the probe away, accept otherwise.

        None when no base chain is attached to the hook at all.
        """
        chains = self.base_chains(family, hook)
        if not chains:
            return None
        for chain in chains:
            verdict, _ = chain.default_verdict(family)
            if verdict != "accept":
                return verdict
        return "accept"

    def rules(self, family: str, hook: str) -> list[Rule]:
        return [
            rule
            for chain in self.base_chains(family, hook)
            for rule in chain.rules
            if rule.match.applies_to(family)
        ]

    def merged(self, other: "Ruleset") -> "Ruleset":
        return Ruleset(self.chains + other.chains)

    def without_source(self, source: str) -> "Ruleset":
        return Ruleset(tuple(c for c in self.chains if c.source != source))


def port_text(ports: tuple[PortRange, ...] | None) -> str:
    if ports is None:
        return "any port"
    return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ports)


def describe_match(match: Match, with_states: bool = True) -> str:
    parts = []
    if match.protocols:
        parts.append("/".join(sorted(match.protocols)))
    if match.dports is not None:
        parts.append(f"port {port_text(match.dports)}")
    if match.sources:
        parts.append(f"from {', '.join(match.sources)}")
    if match.interfaces:
        parts.append(f"on {', '.join(sorted(match.interfaces))}")
    if match.states is not None and with_states:
        parts.append(f"state {','.join(sorted(match.states))}")
    if match.opaque:
        parts.append(f"with uninterpreted {', '.join(sorted(set(match.opaque)))}")
    return " ".join(parts)


@dataclass
class ChainBuilder:
    """Flattens the named chains of one table into rule lists, following jump and goto.

    Each chain holds entries (action, match, target, text), where action is a
    terminal verdict, "continue" (counting or logging), "jump", "goto" or "return".
    """

    table: str
    chains: dict[str, list[tuple[str, Match, str | None, str]]] = field(default_factory=dict)

    def add(self, chain: str, action: str, match: Match, target: str | None, text: str) -> None:
        self.chains.setdefault(chain, []).append((action, match, target, text))

    def flatten(self, chain: str, outer: Match = Match(), depth: int = 0) -> list[Rule]:
        if depth > 16:
            raise ValueError(f"jumps nested deeper than 16 chains at {self.table} {chain}")
        flattened: list[Rule] = []
        for action, match, target, text in self.chains.get(chain, []):
            combined = outer.combine(match)
            unconditional = match == Match()
            if action in ("jump", "goto"):
                flattened.extend(self.flatten(target, combined, depth + 1))
                if action == "goto" and unconditional:
                    break  # an unconditional goto never comes back to this chain
            elif action == "return":
                if unconditional:
                    break
            else:
                flattened.append(Rule(action, combined, text, f"{self.table} {chain}"))
        return flattened
