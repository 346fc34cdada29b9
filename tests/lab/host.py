"""One lab host: an overlay root prepared by its scenarios, booted with systemd-nspawn."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import cgroups
from .hosts import HostSpec
from .progress import LabError
from .rootfs import HOSTS_FILE, Base, Layer
from .system import all_pids, process_argv, process_status, run, run_chrooted

NSPAWN_PROPAGATE_DIR = Path("/run/systemd/nspawn/propagate")
NSPAWN_LOCK_DIR = Path("/run/systemd/nspawn/locks")
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0

# Probes TCP port 22 from inside the lab namespace until it accepts or time runs out.
_TCP_PROBE = """
import socket, sys, time
address, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
while True:
    try:
        socket.create_connection((address, 22), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.05)
"""


def machine_name(prefix: str, host: str) -> str:
    return f"{prefix}-{host}"


def _machine_argument(argv: list[str]) -> str | None:
    for flag, value in zip(argv, [*argv[1:], ""], strict=True):
        if flag in ("-M", "--machine"):
            return value
        if flag.startswith("--machine="):
            return flag.partition("=")[2]
    return None


def nspawn_pids(machine_prefix: str) -> dict[int, str]:
    """Running systemd-nspawn processes whose machine name starts with machine_prefix: pid -> name.

    Found from /proc rather than remembered, so a later run (or `down`) also
    finds the containers of a run that crashed.
    """
    found = {}
    for pid in all_pids():
        argv = process_argv(pid)
        if argv and os.path.basename(argv[0]) == "systemd-nspawn":
            name = _machine_argument(argv)
            if name and name.startswith(machine_prefix):
                found[pid] = name
    return found


def nspawn_lock_file(root: Path) -> Path:
    """The lock nspawn takes on a root directory, named after its device and inode."""
    info = root.stat()
    return NSPAWN_LOCK_DIR / f"inode-{info.st_dev}:{info.st_ino}"


@dataclass
class LabHost:
    spec: HostSpec
    prefix: str
    directory: Path  # <runtime>/<prefix>/<host>
    address: str | None  # None for hosts that are not booted
    namespace: str | None = None
    nspawn: subprocess.Popen | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def machine(self) -> str:
        return machine_name(self.prefix, self.name)

    @property
    def upper(self) -> Path:
        return self.directory / "upper"

    @property
    def root(self) -> Path:
        return self.directory / "merged"

    @property
    def log(self) -> Path:
        return self.directory / "nspawn.log"

    # ------------------------------------------------------------ preparation

    def prepare(self, base: Base, layer: Layer | None, environment: Mapping[str, str]) -> None:
        """Mount the host's overlay and run its scenarios in it (nothing runs in the host yet).

        environment: the LAB_* variables every scenario gets (LAB_HOST is added here).
        """
        work = self.directory / "work"
        for directory in (self.upper, work, self.root):
            directory.mkdir(parents=True, exist_ok=True)
        lowerdirs = ":".join(str(path) for path in ([layer.upper] if layer else []) + [base.root])
        run(
            [
                "mount",
                "-t",
                "overlay",
                "overlay",
                "-o",
                f"lowerdir={lowerdirs},upperdir={self.upper},workdir={work}",
                self.root,
            ],
            what=f"mounting the overlay of {self.name}",
        )
        (self.root / "etc/machine-id").write_text(uuid.uuid4().hex + "\n")
        (self.root / "etc/hostname").write_text(self.name + "\n")
        (self.root / "etc/hosts").write_text(HOSTS_FILE.format(hostname=self.name))
        if self.spec.purges():
            run_chrooted(
                self.root,
                ["dpkg", "--purge", *self.spec.purges()],
                what=f"purging {' '.join(self.spec.purges())} on {self.name}",
            )
        has_sshd = (self.root / "usr/sbin/sshd").exists()
        if has_sshd:
            run_chrooted(self.root, ["ssh-keygen", "-A"], what=f"generating host keys of {self.name}")
        environment = {**environment, "LAB_HOST": self.name}
        for scenario in self.spec.all_scenarios():
            run_chrooted(
                self.root,
                ["/bin/sh", "-eu", "-c", scenario.script, scenario.name],
                env=environment,
                what=f"scenario {scenario.name} on {self.name}",
            )
        if has_sshd and self.spec.boot:
            # Fail here, in sshd's own words, rather than as a readiness timeout.
            # (/run is an empty tmpfs in the chroot; sshd -t wants its privsep dir.)
            run_chrooted(
                self.root,
                ["sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -t"],
                what=f"sshd -t on {self.name} after its scenarios",
            )

    # ------------------------------------------------------------ boot / stop

    def boot(self) -> None:
        assert self.namespace is not None
        argv = [
            "systemd-nspawn",
            "--quiet",
            "--boot",
            "--directory",
            str(self.root),
            "--machine",
            self.machine,
            "--hostname",
            self.name,
            f"--network-namespace-path=/run/netns/{self.namespace}",
            # Needed with the namespace path: without it /proc/sys/net is read-only and nft fails.
            "--private-network",
            # No systemd as PID 1 on the machine that runs the lab: no machined to
            # register with, no unit to move into ("Failed to open system bus").
            "--register=no",
            "--keep-unit",
            "--console=passive",
            # Leave the host's files alone: no resolv.conf, localtime or journal links.
            "--resolv-conf=off",
            "--timezone=off",
            "--link-journal=no",
        ]
        join_own_cgroup = cgroups.joiner(cgroups.create(self.machine))
        with open(self.log, "ab") as log:
            # A session of its own: a Ctrl-C at the terminal must not reach the
            # containers; the lab stops them in order instead.
            self.nspawn = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=join_own_cgroup,
            )

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(
        self, lab_namespace: str, ssh_config: Path, abort: threading.Event, timeout: float = READY_TIMEOUT
    ) -> None:
        """Until TCP 22 accepts from the lab namespace and `ssh <host> true` succeeds (or abort is set)."""
        assert self.nspawn is not None and self.address is not None
        deadline = time.monotonic() + timeout
        port_open, waiting_for = False, "port 22 to open"
        while not abort.is_set():
            if self.nspawn.poll() is not None:
                raise LabError(
                    f"host {self.name} stopped while booting (nspawn exit {self.nspawn.returncode}); "
                    f"end of {self.log}:\n{self.log_tail()}"
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LabError(
                    f"host {self.name} ({self.address}) not ready after {timeout:.0f} s, waiting for {waiting_for}; "
                    f"end of {self.log}:\n{self.log_tail()}"
                )
            if not port_open:
                probe = [sys.executable, "-c", _TCP_PROBE, self.address, str(min(1.0, remaining))]
                port_open = (
                    subprocess.run(["ip", "netns", "exec", lab_namespace, *probe], capture_output=True).returncode == 0
                )
                continue
            login = ["ip", "netns", "exec", lab_namespace, "ssh", "-F", str(ssh_config), self.name, "true"]
            result = subprocess.run(login, capture_output=True, text=True, timeout=remaining + 10)
            if result.returncode == 0:
                return
            waiting_for = f"ssh login (last error: {result.stderr.strip()[-200:] or result.returncode})"
            time.sleep(0.1)

    def init_pid(self) -> int:
        """PID (in our namespace) of the host's systemd, the process nspawn started as PID 1."""
        for pid, name in nspawn_pids(self.machine).items():
            if name != self.machine:
                continue
            for child in all_pids():
                status = process_status(child)
                # NSpid lists the pid in each nested namespace: "<ours> 1" is a namespace's init.
                namespace_pids = status.get("NSpid", "").split()
                if status.get("PPid") == str(pid) and len(namespace_pids) > 1 and namespace_pids[-1] == "1":
                    return child
        raise LabError(f"host {self.name} is not running")
