"""ufw's saved policies (``/etc/default/ufw``)."""

from __future__ import annotations

from .firewall_model import BaseChain, Ruleset

POLICY_KEYS = {"input": "DEFAULT_INPUT_POLICY", "forward": "DEFAULT_FORWARD_POLICY", "output": "DEFAULT_OUTPUT_POLICY"}


def ufw_default_verdicts(defaults: dict[str, str]) -> Ruleset:
    """The policies ufw applies at boot, as empty base chains (IPv6 too when IPV6=yes)."""
    families = ["ip"] + (["ip6"] if defaults.get("IPV6", "yes").lower() == "yes" else [])
    chains = []
    for family in families:
        for hook, key in POLICY_KEYS.items():
            policy = defaults.get(key, "DROP" if hook != "output" else "ACCEPT").lower()
            chains.append(BaseChain(f"ufw {family} {hook}", frozenset({family}), hook, 0, policy, (), "saved"))
    return Ruleset(tuple(chains))
