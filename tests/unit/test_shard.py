"""--shard K/N: every host in exactly one shard, the same slices whatever the order of the list."""

import itertools
import random

import pytest

from hardening_audit.shard import Shard, ShardError, host_name, parse_shard, select_hosts

FLEET = [f"ssh://web{n}" for n in range(1, 8)] + ["paramiko://db1", "admin@db2", "ssh://ops@lb1:2222",
                                                   "image://golden.raw"]


@pytest.mark.parametrize("spec, name", [
    ("ssh://web1", "web1"), ("paramiko://admin@Web2:2222", "web2"), ("db1", "db1"), ("root@db2", "db2"),
    ("ssh://[2001:db8::1]:22", "2001:db8::1"), ("ssh://2001:db8::2", "2001:db8::2"),
    ("ssh://web3?sudo=true", "web3"), ("image://golden.raw", "golden.raw"),
])
def test_host_names(spec, name):
    assert host_name(spec) == name


@pytest.mark.parametrize("count", [1, 2, 3, 4, 11, 12])
def test_every_host_in_exactly_one_shard_and_balanced(count):
    slices = [select_hosts(FLEET, Shard(index, count)) for index in range(1, count + 1)]
    assert sorted(itertools.chain.from_iterable(slices)) == sorted(FLEET)
    assert max(map(len, slices)) - min(map(len, slices)) <= 1


def test_the_order_of_the_host_list_does_not_matter():
    shuffled = FLEET[:]
    random.Random(7).shuffle(shuffled)
    for index in (1, 2, 3):
        assert select_hosts(shuffled, Shard(index, 3)) == select_hosts(FLEET, Shard(index, 3))
    # db1 db2 golden.raw lb1 web1 ... web7: the first of every three
    assert select_hosts(FLEET, Shard(1, 3)) == ["paramiko://db1", "ssh://ops@lb1:2222", "ssh://web3", "ssh://web6"]


def test_a_host_given_twice_is_audited_once():
    assert select_hosts(["ssh://a", "ssh://b", "ssh://a"], Shard(1, 1)) == ["ssh://a", "ssh://b"]


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "1/0", "a/b", "1/3/5", ""])
def test_bad_shards_are_refused_in_one_line(text):
    with pytest.raises(ShardError) as raised:
        parse_shard(text)
    assert str(raised.value) == f"--shard: expected K/N with 1 <= K <= N (e.g. 2/3), found {text!r}"


def test_shard_values():
    assert parse_shard(" 2/3 ") == Shard(2, 3) and str(Shard(2, 3)) == "2/3"
