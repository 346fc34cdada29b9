"""SSH transport for testinfra's ``paramiko://`` hosts: verified host keys, no Nagle delay,
time limits; and the time limits for the ``ssh://`` and ``local://`` backends.

testinfra's own paramiko backend accepts any host key with a warning and
leaves Nagle's algorithm on, which costs ~45 ms per command. This backend
reads the same ssh_config keys, refuses a host whose key is unknown or does
not match known_hosts (unless verification is switched off explicitly), and
sets TCP_NODELAY on its socket. Its connection (banner and authentication
included) and each command are bounded by the run's limits (timeouts.py).
"""

from __future__ import annotations

import functools
import os
import socket
import time
from pathlib import Path

import paramiko
from testinfra.backend import BACKENDS
from testinfra.backend.local import LocalBackend
from testinfra.backend.paramiko import ParamikoBackend
from testinfra.backend.ssh import SshBackend

from .timeouts import DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, Limits, TimedLocalRun, read_channel

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

    def __init__(self, hostspec: str, *args, timeout=None, **kwargs):
        # A host's own ?timeout= (then ssh_config's ConnectTimeout) wins over --connect-timeout.
        seconds = Limits.connect_seconds(timeout)
        super().__init__(hostspec, *args, timeout=seconds, **kwargs)
        self.timeout = seconds

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

        started = time.monotonic()
        if "proxycommand" in options:
            sock = paramiko.ProxyCommand(options["proxycommand"])
        else:
            try:
                sock = socket.create_connection((hostname, port), timeout=timeout)
            except TimeoutError:
                raise TimeoutError(f"connecting to {hostname} port {port}: no answer within "
                                   f"{timeout:g} s (--connect-timeout)") from None
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            client.connect(
                hostname,
                port=port,
                username=self.host.user or options.get("user"),
                password=self.host.password,
                key_filename=os.path.expanduser(identity) if identity else None,
                timeout=timeout,
                banner_timeout=timeout,
                auth_timeout=timeout,
                sock=sock,
                look_for_keys=options.get("identitiesonly") != "yes" or not identity,
            )
        except paramiko.BadHostKeyException as exc:
            sock.close()
            raise HostKeyError(
                f"host key of {hostname} does not match known_hosts "
                f"(offered {exc.key.get_name()} {exc.key.get_base64()[:16]}...): refusing to connect"
            ) from None
        except (TimeoutError, paramiko.SSHException) as exc:
            sock.close()
            # paramiko reports a banner that never came as whatever its login step then met.
            overran = time.monotonic() - started >= timeout and not isinstance(exc, HostKeyError)
            if _timed_out(exc) or overran:
                raise TimeoutError(f"{hostname} port {port} accepted the connection but did not complete "
                                   f"the SSH login within {timeout:g} s (--connect-timeout)") from None
            raise
        except Exception:
            sock.close()
            raise
        return client

    def _exec_command(self, command: bytes) -> tuple[int, bytes, bytes]:
        channel = self.client.get_transport().open_session(timeout=self.timeout)
        channel.exec_command(command)
        return read_channel(channel, Limits.command)

    def _ssh_config_options(self) -> dict:
        path = Path(self.ssh_config or DEFAULT_SSH_CONFIG).expanduser()
        if not path.is_file():
            if self.ssh_config:
                raise FileNotFoundError(f"ssh config file not found: {self.ssh_config}")
            return {}
        config = paramiko.SSHConfig.from_path(str(path))
        return config.lookup(self.host.name)


def _timed_out(exc: Exception) -> bool:
    """paramiko's banner, key exchange or authentication gave up waiting."""
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):  # the banner wraps it
        return True
    return str(exc) in ("Authentication timeout.", "Key-exchange timed out waiting for key negotiation")


def _first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value


class TimedSshBackend(TimedLocalRun, SshBackend):
    """testinfra's ``ssh://`` backend (OpenSSH's client), within the run's limits."""

    def __init__(self, hostspec: str, *args, timeout=None, **kwargs):
        # OpenSSH's ConnectTimeout takes whole seconds.
        super().__init__(hostspec, *args, timeout=max(1, round(Limits.connect_seconds(timeout))), **kwargs)


class TimedLocalBackend(TimedLocalRun, LocalBackend):
    """testinfra's local backend, each command within --command-timeout."""


def install(verify_host_keys: bool, connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
            command_timeout: float = DEFAULT_COMMAND_TIMEOUT) -> None:
    """Make ``paramiko://`` (and bare host names, testinfra's default) use the verifying backend,
    and every SSH or local backend the run's time limits."""
    VerifiedParamikoBackend.verify_host_keys = verify_host_keys
    Limits.connect, Limits.command = connect_timeout, command_timeout
    BACKENDS["paramiko"] = f"{__name__}.VerifiedParamikoBackend"
    BACKENDS["ssh"] = f"{__name__}.TimedSshBackend"
    BACKENDS["local"] = f"{__name__}.TimedLocalBackend"
