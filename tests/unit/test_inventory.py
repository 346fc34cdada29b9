"""Ansible inventories: INI and YAML give the same hosts, groups and connection variables;
limit patterns select as Ansible does; a bad file is one line naming the place."""

from pathlib import Path

import pytest

from hardening_audit.inventory import InventoryError, InventoryHost, load_inventory, select_hosts

INVENTORIES = Path(__file__).resolve().parent.parent / "data" / "inventories"
FLEET = {
    "bastion": InventoryHost("bastion", "192.0.2.10", 2222, None, frozenset({"all"})),
    "web01": InventoryHost("web01", None, 22, "deploy", frozenset({"all", "web", "prod"})),
    "web02": InventoryHost("web02", None, 22, "deploy", frozenset({"all", "web", "prod"})),
    "web03": InventoryHost("web03", None, 22, "deploy", frozenset({"all", "web", "prod"})),
    "web-canary": InventoryHost("web-canary", "192.0.2.30", 22, "ops", frozenset({"all", "web", "prod"})),
    "db-a": InventoryHost("db-a", "192.0.2.41", 5522, "ops", frozenset({"all", "db", "prod"})),
    "db-b": InventoryHost("db-b", "192.0.2.42", 5522, "dba", frozenset({"all", "db", "prod"})),
}


@pytest.mark.parametrize("name", ["fleet.ini", "fleet.yml"])
def test_hosts_groups_and_connection_variables(name):
    """A host's own variable wins, then its nearest group's (db over prod), then all's."""
    assert load_inventory(INVENTORIES / name) == FLEET


@pytest.mark.parametrize("pattern, names", [
    (None, sorted(FLEET)),
    ("all", sorted(FLEET)),
    ("web", ["web-canary", "web01", "web02", "web03"]),
    ("web0*", ["web01", "web02", "web03"]),
    ("db:bastion", ["bastion", "db-a", "db-b"]),
    ("prod:&web", ["web-canary", "web01", "web02", "web03"]),
    ("prod:!web", ["db-a", "db-b"]),
    ("web*:!web-canary", ["web01", "web02", "web03"]),
    ("!prod", ["bastion"]),
    ("web01,db-b", ["db-b", "web01"]),
    ("nothing", []),
])
def test_limit_patterns(pattern, names):
    assert [host.name for host in select_hosts(FLEET, pattern)] == names


@pytest.mark.parametrize("suffix, text, message", [
    (".ini", "[web\nweb1\n", "line 1: unterminated section header '[web'"),
    (".ini", "[web:hostvars]\n", "line 1: unknown section kind 'hostvars' (hosts, children or vars)"),
    (".ini", "[web]\nweb1 port22\n", "line 2: expected key=value after the host name, found 'port22'"),
    (".ini", "[web:vars]\njust-a-word\n", "line 2: expected key=value in [web:vars]"),
    (".ini", "web1 ansible_port=ssh\n", "web1: ansible_port: expected a number, found 'ssh'"),
    (".ini", "web[1:a]\n", "line 1: bad host range '[1:a]'"),
    (".ini", "[a:children]\nb\n[b:children]\na\n[b]\nh1\n", "group 'b' is its own ancestor (b -> a -> b)"),
    (".yml", "all: [web1]\n", "all: expected a mapping with hosts, children or vars"),
    (".yml", "all:\n  host:\n    web1:\n", "all.host: unknown key (hosts, children or vars)"),
    (".yml", "all:\n  hosts:\n    web1: 22\n", "all.hosts.web1: expected a mapping of variables"),
    (".yml", "all:\n  hosts: [\n", "line 3: invalid YAML: expected the node content, but found '<stream end>'"),
    (".yml", "- web1\n", "expected a mapping of groups (all: hosts/children/vars)"),
])
def test_bad_inventories_are_refused_in_one_line(tmp_path, suffix, text, message):
    path = tmp_path / f"hosts{suffix}"
    path.write_text(text)
    with pytest.raises(InventoryError) as raised:
        load_inventory(path)
    assert str(raised.value) == f"{path}: {message}"


def test_a_missing_inventory(tmp_path):
    with pytest.raises(InventoryError) as raised:
        load_inventory(tmp_path / "none.ini")
    assert str(raised.value) == f"{tmp_path / 'none.ini'}: cannot read the inventory: No such file or directory"
