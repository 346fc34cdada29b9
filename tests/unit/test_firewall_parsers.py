"""Firewall parsers on output captured from the firewall lab hosts (tests/data/captured/firewall)."""

from pathlib import Path

import pytest

from hardening_audit.facts.firewall import default_verdicts
from hardening_audit.parsers.firewall_model import describe_match
from hardening_audit.parsers.firewalld import zone_default_verdicts
from hardening_audit.parsers.iptables import parse_iptables_save
from hardening_audit.parsers.nftables import parse_nft_json
from hardening_audit.parsers.sockets import parse_ss
from hardening_audit.parsers.systemd import ENABLED_STATES, parse_unit_files, parse_units
from hardening_audit.parsers.shell import parse_shell_assignments
from hardening_audit.parsers.ufw import ufw_default_verdicts

CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "firewall"


def captured(host: str, name: str) -> str:
    return (CAPTURED / host / name).read_text()


def iptables(host: str):
    return parse_iptables_save(captured(host, "iptables-save.txt"), "ip").merged(
        parse_iptables_save(captured(host, "ip6tables-save.txt"), "ip6"))


def test_iptables_persistent_host_denies_ipv4_and_leaves_ipv6_open():
    rules = iptables("fw-iptables")
    assert rules.default_verdict("ip", "input") == "drop"
    assert rules.default_verdict("ip", "forward") == "drop"
    assert rules.default_verdict("ip6", "input") == "accept"
    described = [(r.verdict, describe_match(r.match), r.chain) for r in rules.rules("ip", "input")]
    assert ("accept", "on lo", "ip filter INPUT") in described
    assert ("drop", "from 127.0.0.0/8", "ip filter INPUT") in described
    assert ("accept", "tcp port 22 state new", "ip filter INPUT") in described
    # reached through -j LAB-ICMP
    assert ("accept", "icmp", "ip filter LAB-ICMP") in described


def test_ufw_rules_are_read_through_its_user_chains():
    rules = iptables("fw-ufw")
    assert {(f, h): rules.default_verdict(f, h) for f in ("ip", "ip6") for h in ("input", "forward", "output")} == {
        ("ip", "input"): "drop", ("ip", "forward"): "drop", ("ip", "output"): "accept",
        ("ip6", "input"): "drop", ("ip6", "forward"): "drop", ("ip6", "output"): "accept",
    }
    accepted = {describe_match(r.match) for r in rules.rules("ip", "input") if r.verdict == "accept"}
    assert "tcp port 22" in accepted
    # ufw's stock DHCP client rule; its source-port condition is kept as uninterpreted
    assert "udp port 68 with uninterpreted --sport" in accepted
    drops = [r for r in rules.rules("ip", "input") if r.verdict == "drop" and r.match.sources == ("127.0.0.0/8",)]
    assert drops and drops[0].chain == "ip filter ufw-user-input"


def test_firewalld_rejects_with_a_final_rule_under_an_accept_policy():
    rules = parse_nft_json(captured("fw-firewalld", "nft-j-list-ruleset.json"))
    chains = rules.base_chains("ip", "input")
    assert [c.policy for c in chains] == ["accept"]
    verdict, rule = chains[0].default_verdict("ip")
    assert verdict == "reject" and "reject" in rule.text
    assert rules.default_verdict("ip6", "forward") == "reject"
    accepts = [describe_match(r.match) for r in rules.rules("ip", "input") if r.verdict == "accept"]
    assert "on lo" in accepts and "tcp port 22" in accepts and "state dnat" in accepts


def test_iptables_nft_tables_in_nft_json_are_opaque():
    """Why the facts read those tables from iptables-save: nft -j loses conntrack states."""
    rules = parse_nft_json(captured("fw-iptables", "nft-j-list-ruleset.json"))
    opaque = {o for r in rules.rules("ip", "input") for o in r.match.opaque}
    assert "xt conntrack" in opaque


def test_second_base_chain_with_accept_all_keeps_the_first_chains_drop():
    rules = parse_nft_json(captured("fw-accept-all", "nft-j-list-ruleset.json"))
    names = [c.name for c in rules.base_chains("ip", "input")]
    assert "inet filter input" in names and "ip extra input" in names
    extra = next(c for c in rules.base_chains("ip", "input") if c.name == "ip extra input")
    assert extra.default_verdict("ip")[0] == "accept"
    assert rules.default_verdict("ip", "input") == "drop"


def test_saved_nftables_conf_matches_the_loaded_ruleset_on_the_hardened_host():
    loaded = parse_nft_json(captured("hardened", "nft-j-list-ruleset.json"))
    saved = parse_nft_json(captured("hardened", "saved-nftables.json"))
    assert default_verdicts(saved) == default_verdicts(loaded)
    assert default_verdicts(loaded)["ip6", "input"] == "drop"


def test_listening_sockets():
    sockets = parse_ss(captured("fw-none", "ss-Htulnp.txt"))
    assert [(s.protocol, s.address, s.port, s.processes) for s in sockets] == [
        ("tcp", "0.0.0.0", 22, ("sshd",)), ("tcp", "*", 8080, ("busybox",)), ("tcp", "::", 22, ("sshd",))]
    assert not any(s.loopback_only for s in sockets)
    assert parse_ss("udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:*\n")[0].loopback_only
    assert parse_ss("tcp LISTEN 0 4096 [::1]:25 [::]:*\n")[0].endpoint == "tcp/25 on [::1]"


def test_unit_files_and_units():
    states = parse_unit_files(captured("fw-accept-all", "unit-files.txt"))
    assert states["nftables.service"] in ENABLED_STATES and states["netfilter-persistent.service"] in ENABLED_STATES
    assert parse_unit_files(captured("fw-ufw", "unit-files.txt"))["nftables.service"] == "disabled"
    units = parse_units(captured("fw-ufw", "units.txt"))
    assert units["-.mount"].active == "active"


def test_ufw_saved_policies():
    defaults = parse_shell_assignments(captured("fw-ufw", "default-ufw.txt"))
    assert defaults["DEFAULT_INPUT_POLICY"] == "DROP"
    saved = default_verdicts(ufw_default_verdicts(defaults))
    loaded = default_verdicts(iptables("fw-ufw"))
    assert saved == loaded


def test_firewalld_zone_targets():
    target = captured("fw-firewalld", "firewall-cmd-zone-target.txt").strip()
    assert default_verdicts(zone_default_verdicts(target))["ip", "input"] == "reject"
    assert default_verdicts(zone_default_verdicts("ACCEPT"))["ip6", "input"] == "accept"
    with pytest.raises(ValueError):
        zone_default_verdicts("nonsense")


def test_unknown_iptables_line_is_rejected():
    with pytest.raises(ValueError, match="unexpected line"):
        parse_iptables_save("*filter\n:INPUT DROP [0:0]\nbogus\nCOMMIT\n", "ip")
