"""ufw's configuration files: ``/etc/ufw/ufw.conf`` and ``/etc/default/ufw``."""

from __future__ import annotations

import shlex

from .firewall_model import BaseChain, Ruleset

POLICY_KEYS = {"input": "DEFAULT_INPUT_POLICY", "forward": "DEFAULT_FORWARD_POLICY", "output": "DEFAULT_OUTPUT_POLICY"}


def parse_shell_assignments(text: str) -> dict[str, str]:
    """KEY=value lines as a POSIX shell would read them (quotes removed, comments ignored)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        try:
            words = shlex.split(raw, comments=True)
        except ValueError:
            words = [raw.strip("\"'")]
        values[key.strip()] = words[0] if words else ""
    return values


def ufw_default_verdicts(defaults: dict[str, str]) -> Ruleset:
    """The policies ufw applies at boot, as empty base chains (IPv6 too when IPV6=yes)."""
    families = ["ip"] + (["ip6"] if defaults.get("IPV6", "yes").lower() == "yes" else [])
    chains = []
    for family in families:
        for hook, key in POLICY_KEYS.items():
            policy = defaults.get(key, "DROP" if hook != "output" else "ACCEPT").lower()
            chains.append(BaseChain(f"ufw {family} {hook}", frozenset({family}), hook, 0, policy, (), "saved"))
    return Ruleset(tuple(chains))
