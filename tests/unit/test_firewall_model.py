"""The firewall model and the nftables parser on real nft output (tests/data/captured/nft-netns)."""

from pathlib import Path

from hardening_audit.parsers.firewall_model import BaseChain, Match, Rule, Ruleset, describe_match
from hardening_audit.parsers.nftables import parse_nft_json

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "captured" / "nft-netns" / "nft-j-list-ruleset.json"


def ruleset() -> Ruleset:
    return parse_nft_json(SAMPLE.read_text())


def test_base_chains_of_every_family_and_hook():
    rs = ruleset()
    assert [c.name for c in rs.base_chains("ip", "input")] == ["inet filter input", "ip extra input"]
    assert [c.name for c in rs.base_chains("ip6", "input")] == ["inet filter input"]
    assert [c.priority for c in rs.base_chains("ip", "input")] == [0, 10]
    assert rs.base_chains("ip", "forward")[0].policy == "drop"


def test_one_dropping_base_chain_makes_the_hook_deny():
    rs = ruleset()
    assert rs.base_chains("ip", "input")[1].default_verdict("ip")[0] == "accept"
    assert rs.default_verdict("ip", "input") == "drop"
    assert rs.default_verdict("ip6", "input") == "drop"
    assert rs.default_verdict("ip", "output") == "accept"


def test_rules_are_flattened_through_jumps_and_named_sets():
    described = [(r.verdict, describe_match(r.match), r.chain) for r in ruleset().rules("ip", "input")]
    assert ("accept", "tcp port 8000-8100,9090 from 10.0.0.0/8", "inet filter input") in described
    assert ("accept", "udp port 123", "inet filter extra") in described
    assert ("drop", "from 127.0.0.0/8", "inet filter input") in described
    assert described[-1] == ("accept", "state new", "ip extra input")


def test_family_specific_rules_apply_to_their_family_only():
    ip6 = [describe_match(r.match) for r in ruleset().rules("ip6", "input")]
    assert "from ::1" in ip6 and "from 127.0.0.0/8" not in ip6


def test_probe_matching():
    assert Match(states=frozenset({"new"})).matches_probe("ip")
    assert Match(excluded_interfaces=frozenset({"lo"})).matches_probe("ip")
    assert not Match(states=frozenset({"established", "related"})).matches_probe("ip")
    assert not Match(interfaces=frozenset({"lo"})).matches_probe("ip")
    assert not Match(dports=((22, 22),)).matches_probe("ip")
    assert not Match(opaque=("limit",)).matches_probe("ip")
    assert not Match(families=frozenset({"ip6"})).matches_probe("ip")


def test_final_unconditional_reject_is_the_default_verdict():
    rule = Rule("reject", Match(), "reject with icmpx admin-prohibited", "inet firewalld filter_INPUT")
    chain = BaseChain("inet firewalld filter_INPUT", frozenset({"ip", "ip6"}), "input", 10, "accept", (rule,))
    assert chain.default_verdict("ip") == ("reject", rule)
    assert Ruleset((chain,)).default_verdict("ip6", "input") == "reject"
    assert Ruleset((chain,)).default_verdict("ip6", "forward") is None
