"""Parallel audits: the scheduling scope of a test is its host."""

import pytest

from hardening_audit.parallel import host_of


@pytest.mark.parametrize("nodeid, host", [
    ("checks/test_ssh.py::test_ssh_01_root_login[paramiko://web1]", "paramiko://web1"),
    ("checks/test_ssh.py::test_ssh_01_root_login[ssh://admin@[2001:db8::1]:2222]", "ssh://admin@[2001:db8::1]:2222"),
    ("checks/test_backups.py::test_bak_01_jobs_declared[image://golden.raw]", "image://golden.raw"),
    ("checks/test_ssh.py::test_ssh_01_root_login[local]", "local"),
    ("checks/test_ssh.py::test_ssh_01_root_login", "local"),
])
def test_host_of_a_node_id(nodeid, host):
    assert host_of(nodeid) == host
