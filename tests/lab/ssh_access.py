"""The lab's SSH client side: client key, ssh_config and known_hosts.

Both OpenSSH (`ssh -F ssh_config`) and paramiko (testinfra's paramiko
backend) read these files, so they keep to plain `Key value` lines with
absolute, blank-free paths and unhashed known_hosts entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .network import UNREACHABLE_ADDRESS
from .system import run

AUDIT_USER = "auditor"
UNREACHABLE_HOST = "unreachable"


def ensure_client_key(private_key: Path, comment: str = "hardening-audit-lab") -> str:
    """Create an ed25519 key pair without passphrase if missing; return the public key line."""
    if not private_key.exists():
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", private_key])
    return private_key.with_name(private_key.name + ".pub").read_text().strip()


def host_public_keys(root: Path) -> list[str]:
    """'type base64' of every host key in a prepared root (what sshd may present)."""
    keys = []
    for public_key in sorted((root / "etc/ssh").glob("ssh_host_*_key.pub")):
        key_type, key_data = public_key.read_text().split()[:2]
        keys.append(f"{key_type} {key_data}")
    return keys


def write_known_hosts(path: Path, hosts: Mapping[str, tuple[str, Sequence[str]]]) -> None:
    """hosts: name -> (address, public keys).  Each key gets a line for the name and one for the address.

    Separate lines rather than "name,address": tools that look a host up by
    the first field (or rewrite entries in tests) then find it either way.
    """
    lines = [f"{alias} {key}" for name, (address, keys) in hosts.items() for alias in (name, address) for key in keys]
    path.write_text("".join(line + "\n" for line in lines))


def write_ssh_config(path: Path, addresses: Mapping[str, str], identity_file: Path, known_hosts: Path) -> None:
    common = [
        f"User {AUDIT_USER}",
        f"IdentityFile {identity_file}",
        f"UserKnownHostsFile {known_hosts}",
        "StrictHostKeyChecking yes",
        "IdentitiesOnly yes",
        "BatchMode yes",
        "ConnectTimeout 5",
        # Keeps a host's Banner and OpenSSH notices out of every command's
        # stderr (testinfra returns ssh's stderr as the command's).
        "LogLevel ERROR",
    ]
    blocks = ["# Written by the hardening-audit lab; use from inside its network namespace."]
    for name, address in {**addresses, UNREACHABLE_HOST: UNREACHABLE_ADDRESS}.items():
        blocks.append("\n".join([f"Host {name}", f"    HostName {address}", *(f"    {line}" for line in common)]))
    path.write_text("\n\n".join(blocks) + "\n")
