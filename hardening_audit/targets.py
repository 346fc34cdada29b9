"""Which hosts a run audits: --hosts, then an Ansible inventory's (--inventory, --limit), then
offline images (--image), narrowed to one slice of them by --shard.

xdist workers parse the command line again and make the same list: their collections must be
the controller's.
"""

from __future__ import annotations

import pytest

from . import image, transport
from .inventory import InventoryError, load_inventory
from .inventory import select_hosts as select_inventory_hosts
from .shard import Shard, ShardError, parse_shard, select_hosts

# The terminal summary's line about the shard this run audited.
SHARD_SUMMARY = pytest.StashKey[str]()


def choose_hosts(config: pytest.Config) -> None:
    """Set config.option.hosts (testinfra's --hosts) to every host this run audits."""
    try:
        shard = parse_shard(config.getoption("shard")) if config.getoption("shard") else None
    except ShardError as exc:
        raise pytest.UsageError(str(exc)) from None
    _add_inventory_hosts(config)
    _attach_images(config)
    if shard is not None:
        _select_shard(config, shard)


def _hosts(config: pytest.Config) -> list[str]:
    return [spec for spec in (config.option.hosts or "").split(",") if spec]


def _add_hosts(config: pytest.Config, specs: list[str]) -> None:
    """Add hosts after any --hosts, each once."""
    hosts = _hosts(config)
    config.option.hosts = ",".join([*hosts, *(spec for spec in specs if spec not in hosts)])


def _add_inventory_hosts(config: pytest.Config) -> None:
    """--inventory FILE [--limit PATTERN]: the selected hosts become ``paramiko://NAME``."""
    path, pattern = config.getoption("inventory"), config.getoption("limit")
    if not path:
        if pattern:
            raise pytest.UsageError("--limit selects hosts of an --inventory: give the inventory file")
        return
    try:
        selected = select_inventory_hosts(load_inventory(path), pattern)
    except InventoryError as exc:
        raise pytest.UsageError(str(exc)) from None
    if not selected:
        raise pytest.UsageError(f"{path}: no host matches --limit {pattern!r}" if pattern else f"{path}: no hosts")
    for host in selected:
        connection = {"hostname": host.address, "port": host.port, "user": host.user}
        transport.INVENTORY_CONNECTIONS[host.name] = {k: v for k, v in connection.items() if v is not None}
    _add_hosts(config, [f"paramiko://{host.name}" for host in selected])


def _attach_images(config: pytest.Config) -> None:
    """--image targets become hosts ``image://NAME`` next to any --hosts."""
    sources = config.getoption("image")
    if not sources:
        return
    image.install()
    try:
        specs = image.attach_images(sources)
    except image.ImageError as exc:
        image.detach_images()
        raise pytest.UsageError(str(exc)) from None
    _add_hosts(config, specs)


def _select_shard(config: pytest.Config, shard: Shard) -> None:
    """Only this shard's hosts stay (an image outside it is detached at once)."""
    specs = _hosts(config)
    selected = select_hosts(specs, shard)
    if not selected:
        image.detach_images()
        given = f"{len(set(specs))} host(s) given" if specs else "no --hosts, --inventory or --image given"
        raise pytest.UsageError(f"--shard {shard}: no host falls in this shard ({given})")
    image.detach_except({spec.removeprefix("image://") for spec in selected if spec.startswith("image://")})
    config.option.hosts = ",".join(selected)
    config.stash[SHARD_SUMMARY] = f"shard {shard}: {len(selected)} of {len(set(specs))} hosts"
