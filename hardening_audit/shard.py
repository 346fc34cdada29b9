"""--shard K/N: a deterministic slice of the hosts, so that N runners (CI matrix jobs, indexed
jobs) audit one fleet between them, each host exactly once.

Hosts are ordered by host name (the spec without scheme, user and port), and shard K takes the
K-th of every N: every runner computes the same order from the same host list, whatever order
the list came in, and the shards differ in size by one host at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from testinfra.backend import parse_hostspec

_SHARD = re.compile(r"(\d+)/(\d+)")


class ShardError(ValueError):
    """A --shard value that is not K/N with 1 <= K <= N."""


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    match = _SHARD.fullmatch(text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ShardError(f"--shard: expected K/N with 1 <= K <= N (e.g. 2/3), found {text!r}")
    return Shard(int(match[1]), int(match[2]))


def host_name(spec: str) -> str:
    """``ssh://admin@web1:2222`` -> ``web1``; a bare name stays as it is."""
    host, _ = parse_hostspec(spec)
    host = host.rpartition("@")[2]
    if host.startswith("["):  # [IPv6]:port
        return host[1:].partition("]")[0].lower()
    return (host.rpartition(":")[0] if host.count(":") == 1 else host).lower()


def select_hosts(specs: list[str], shard: Shard) -> list[str]:
    """This shard's hosts, in host-name order (duplicates counted once)."""
    ordered = sorted(dict.fromkeys(specs), key=lambda spec: (host_name(spec), spec))
    return ordered[shard.index - 1::shard.count]
