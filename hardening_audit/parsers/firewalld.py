"""firewalld's permanent configuration: the default zone's target."""

from __future__ import annotations

from .firewall_model import FAMILIES, BaseChain, Ruleset

# What the zone target does with a new inbound packet that no service or port admits.
TARGET_VERDICTS = {"default": "reject", "%%REJECT%%": "reject", "REJECT": "reject", "DROP": "drop", "ACCEPT": "accept"}


def zone_default_verdicts(target: str) -> Ruleset:
    """firewalld rejects unmatched inbound and forwarded traffic unless the zone target says otherwise."""
    if target not in TARGET_VERDICTS:
        raise ValueError(f"unknown firewalld zone target {target!r}")
    inbound = TARGET_VERDICTS[target]
    chains = []
    for family in FAMILIES:
        for hook, policy in (("input", inbound), ("forward", "reject"), ("output", "accept")):
            chains.append(BaseChain(f"firewalld {family} {hook}", frozenset({family}), hook, 0, policy, (), "saved"))
    return Ruleset(tuple(chains))
