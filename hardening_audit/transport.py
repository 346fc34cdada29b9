"""SSH transport for testinfra's ``paramiko://`` hosts: verified host keys, no Nagle delay.

testinfra's own paramiko backend accepts any host key with a warning and
leaves Nagle's algorithm on, which costs ~45 ms per command. This backend
reads the same ssh_config keys, refuses a host whose key is unknown or does
not match known_hosts (unless verification is switched off explicitly), and
sets TCP_NODELAY on its socket.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path

import paramiko
from testinfra.backend import BACKENDS
from testinfra.backend.paramiko import ParamikoBackend

DEFAULT_KNOWN_HOSTS = ("~/.ssh/known_hosts", "~/.ssh/known_hosts2")
# Per host name: where to connect, from an inventory (ansible_host, ansible_port, ansible_user).
# They come before ssh_config's values, as Ansible's do; the host's name stays its name in reports.
INVENTORY_CONNECTIONS: dict[str, dict[str, object]] = {}
DEFAULT_SSH_CONFIG = "~/.ssh/config"


class HostKeyError(paramiko.SSHException):
    """The host's key is not the one known_hosts records, or is not recorded at all."""


class _RejectUnknownHost(paramiko.MissingHostKeyPolicy):
    def missing_host_key(self, client, hostname, key):
        raise HostKeyError(
            f"host key of {hostname} ({key.get_name()}) is not in known_hosts; "
            "add it after verifying its fingerprint, or pass --insecure-host-keys"
        )


class _AcceptAnyHost(paramiko.MissingHostKeyPolicy):
    def missing_host_key(self, client, hostname, key):
        return None


class VerifiedParamikoBackend(ParamikoBackend):
    NAME = "paramiko"
    verify_host_keys = True

    @functools.cached_property
    def client(self) -> paramiko.SSHClient:
        options = {**self._ssh_config_options(), **INVENTORY_CONNECTIONS.get(self.host.name, {})}
        hostname = options.get("hostname", self.host.name)
        port = int(self.host.port or options.get("port", 22))
        timeout = float(options.get("connecttimeout", self.timeout))
        identity = self.ssh_identity_file or _first(options.get("identityfile"))

        client = paramiko.SSHClient()
        verify = self.verify_host_keys and options.get("stricthostkeychecking") != "no"
        if verify:
            for known_hosts in options.get("userknownhostsfile", "").split() or DEFAULT_KNOWN_HOSTS:
                path = Path(known_hosts).expanduser()
                if path.is_file():
                    client.load_host_keys(str(path))
        client.set_missing_host_key_policy(_RejectUnknownHost() if verify else _AcceptAnyHost())

        if "proxycommand" in options:
            sock = paramiko.ProxyCommand(options["proxycommand"])
        else:
            sock = socket.create_connection((hostname, port), timeout=timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            client.connect(
                hostname,
                port=port,
                username=self.host.user or options.get("user"),
                password=self.host.password,
                key_filename=os.path.expanduser(identity) if identity else None,
                timeout=timeout,
                sock=sock,
                look_for_keys=options.get("identitiesonly") != "yes" or not identity,
            )
        except paramiko.BadHostKeyException as exc:
            sock.close()
            raise HostKeyError(
                f"host key of {hostname} does not match known_hosts "
                f"(offered {exc.key.get_name()} {exc.key.get_base64()[:16]}...): refusing to connect"
            ) from None
        except Exception:
            sock.close()
            raise
        return client

    def _ssh_config_options(self) -> dict:
        path = Path(self.ssh_config or DEFAULT_SSH_CONFIG).expanduser()
        if not path.is_file():
            if self.ssh_config:
                raise FileNotFoundError(f"ssh config file not found: {self.ssh_config}")
            return {}
        config = paramiko.SSHConfig.from_path(str(path))
        return config.lookup(self.host.name)


def _first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value


def install(verify_host_keys: bool) -> None:
    """Make ``paramiko://`` (and bare host names, testinfra's default) use this backend."""
    VerifiedParamikoBackend.verify_host_keys = verify_host_keys
    BACKENDS["paramiko"] = f"{__name__}.VerifiedParamikoBackend"
