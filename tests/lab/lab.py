"""The lab: a set of hosts booted from cached images, reachable over SSH from one namespace."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import cgroups, network
from .host import (
    NSPAWN_LOCK_DIR,
    NSPAWN_PROPAGATE_DIR,
    READY_TIMEOUT,
    STOP_TIMEOUT,
    LabHost,
    machine_name,
    nspawn_lock_file,
    nspawn_pids,
)
from .hosts import HOSTS
from .paths import runtime_dir
from .progress import LabError, say, step
from .rootfs import ensure_base, ensure_layer
from .ssh_access import ensure_client_key, host_public_keys, write_known_hosts, write_ssh_config
from .system import (
    CHROOT_ENV,
    is_mount_point,
    mount_points_under,
    remove_tree,
    require_commands,
    require_root,
    terminate,
    unmount,
)

INOTIFY_INSTANCES = Path("/proc/sys/fs/inotify/max_user_instances")
# Each booted host holds ~9 inotify instances; the usual default of 128 stops a lab at ~14 hosts.
MIN_INOTIFY_INSTANCES = 1024
NETNS_DIR = Path("/run/netns")
# Per after-boot script (a first backup over SSH takes a few seconds).
AFTER_BOOT_TIMEOUT = 300


def _parallel(function: Callable, items: Iterable, abort: threading.Event) -> list:
    """function over items in threads (the work is in subprocesses).

    On the first failure (or Ctrl-C) abort is set so that waiting workers give
    up at once, queued ones never start, and the failure is re-raised.
    """
    items = list(items)
    if not items:
        return []
    pool = ThreadPoolExecutor(max_workers=min(8, len(items)))
    try:
        futures = [pool.submit(function, item) for item in items]
        return [future.result() for future in futures]
    except BaseException:
        abort.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class Lab:
    def __init__(self, hosts: Sequence[str] | None = None, prefix: str = "ha") -> None:
        # No '-' in a prefix: "<prefix>-" then names exactly this lab's netns and machines.
        if not re.fullmatch(r"[a-z][a-z0-9]{0,11}", prefix):
            raise LabError(f"lab prefix must be 1-12 lowercase letters/digits, starting with a letter: {prefix!r}")
        known = {spec.name: index for index, spec in enumerate(HOSTS)}
        wanted = [spec.name for spec in HOSTS if not spec.on_request] if hosts is None else list(dict.fromkeys(hosts))
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise LabError(f"unknown host(s) {', '.join(unknown)}; defined in tests/lab/hosts.py: {', '.join(known)}")
        # Hosts that a wanted host's scenarios need ("# needs:", e.g. the backup server) come along.
        for name in wanted:  # grows while iterated: needs of needs are added too
            for scenario in HOSTS[known[name]].all_scenarios():
                for needed in scenario.needs:
                    if needed not in known:
                        raise LabError(f"scenario {scenario.name} needs unknown host {needed!r}")
                    if needed not in wanted:
                        wanted.append(needed)
        self.prefix = prefix
        self.directory = runtime_dir() / prefix
        self.hosts: dict[str, LabHost] = {}
        for name in sorted(wanted, key=known.__getitem__):
            spec = HOSTS[known[name]]
            address = network.host_address(known[name]) if spec.boot else None
            self.hosts[name] = LabHost(spec, prefix, self.directory / name, address)
        self._is_up = False
        self._abort = threading.Event()

    # ------------------------------------------------------------ public paths and names

    @property
    def netns(self) -> str:
        return network.lab_namespace(self.prefix)

    @property
    def ssh_config(self) -> Path:
        return self.directory / "ssh_config"

    @property
    def known_hosts(self) -> Path:
        return self.directory / "known_hosts"

    @property
    def identity_file(self) -> Path:
        return self.directory / "id_ed25519"

    @property
    def backup_identity_file(self) -> Path:
        """The key pair the hosts' root accounts use to reach the backup server (LAB_BACKUP_KEY)."""
        return self.directory / "backup_ed25519"

    @property
    def booted_hosts(self) -> list[str]:
        return [name for name, host in self.hosts.items() if host.spec.boot]

    def _host(self, name: str) -> LabHost:
        try:
            return self.hosts[name]
        except KeyError:
            raise LabError(f"host {name!r} is not part of this lab ({', '.join(self.hosts)})") from None

    def address(self, name: str) -> str:
        host = self._host(name)
        if host.address is None:
            raise LabError(f"host {name!r} is not booted and has no address")
        return host.address

    def root(self, name: str) -> Path:
        return self._host(name).root

    def upper_dir(self, name: str) -> Path:
        return self._host(name).upper

    # ------------------------------------------------------------ running commands

    def ns_command(self, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.netns, *argv]

    def run_in_ns(self, argv: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
        """subprocess.run(argv) inside the lab namespace; captures text output unless told otherwise."""
        _default_capture(kwargs)
        return subprocess.run(self.ns_command(argv), **kwargs)

    def exec(self, name: str, argv: Sequence[str], **kwargs) -> subprocess.CompletedProcess:
        """subprocess.run(argv) inside the booted host, in all the namespaces of its PID 1."""
        pid = self._host(name).init_pid()
        _default_capture(kwargs)
        kwargs.setdefault("env", CHROOT_ENV)
        command = [
            "nsenter",
            f"--target={pid}",
            "--mount",
            "--uts",
            "--ipc",
            "--net",
            "--pid",
            "--root",
            "--wd",
            "--",
            *argv,
        ]
        return subprocess.run(command, **kwargs)

    @contextlib.contextmanager
    def frozen(self, name: str):
        """The host hangs for the duration: every process stopped, thawed afterwards."""
        machine = self._host(name).machine
        cgroups.freeze(machine, True)
        try:
            yield
        finally:
            cgroups.freeze(machine, False)

    # ------------------------------------------------------------ up / down

    def up(self) -> None:
        require_root()
        require_commands()
        if self._is_up:
            return
        started = time.monotonic()
        self._abort.clear()
        if self._leftovers():
            with step(f"removed leftovers of lab {self.prefix!r} from an earlier run"):
                self._teardown()
        try:
            self._bring_up()
        except BaseException:
            # A half-made lab is worth nothing and would block the next run.
            say("lab setup failed: tearing down what was made")
            self._teardown()
            raise
        self._is_up = True
        say(f"lab {self.prefix!r} up: {len(self.hosts)} host(s) in {time.monotonic() - started:.1f} s")

    def down(self) -> None:
        """Stop and remove everything of this lab's prefix, including leftovers of crashed runs."""
        require_root()
        with step(f"lab {self.prefix!r} down"):
            self._teardown()
        self._is_up = False

    def _bring_up(self) -> None:
        _raise_inotify_limit()
        with step("base image ready"):
            base = ensure_base()
        package_sets = {host.spec.packages() for host in self.hosts.values()}
        with step(f"package layers ready ({len([packages for packages in package_sets if packages])})"):
            layers = {packages: ensure_layer(base, packages) for packages in sorted(package_sets)}

        self.directory.mkdir(parents=True, exist_ok=True)
        booted = [self.hosts[name] for name in self.booted_hosts]
        # What every scenario gets besides LAB_HOST (see README.md).
        scenario_environment = {
            "LAB_CLIENT_PUBKEY": ensure_client_key(self.identity_file),
            "LAB_BACKUP_PUBKEY": ensure_client_key(self.backup_identity_file, comment="hardening-audit-lab-backup"),
            "LAB_BACKUP_KEY": self.backup_identity_file.read_text(),
            "LAB_HOSTS": "".join(f"{host.name} {host.address}\n" for host in booted),
        }

        with step(f"network {self.netns} ({len(booted)} host namespace(s))"):
            network.create_lab_network(self.prefix)
            for host in booted:
                host.namespace = network.attach_host(self.prefix, host.name, host.address)

        with step(f"prepared {len(self.hosts)} host root(s)"):
            _parallel(
                lambda host: host.prepare(base, layers[host.spec.packages()], scenario_environment),
                self.hosts.values(),
                self._abort,
            )

        write_known_hosts(self.known_hosts, {host.name: (host.address, host_public_keys(host.root)) for host in booted})
        write_ssh_config(
            self.ssh_config, {host.name: host.address for host in booted}, self.identity_file, self.known_hosts
        )

        with step(f"booted {len(booted)} host(s), SSH ready"):
            for host in booted:
                host.boot()
            _parallel(lambda host: host.wait_ready(self.netns, self.ssh_config, self._abort), booted, self._abort)
        self._run_after_boot(scenario_environment["LAB_HOSTS"])
        self._write_state()

    def _run_after_boot(self, lab_hosts: str) -> None:
        """Every scenario's <name>.after-boot.sh inside its booted host: hosts in HOSTS order, then scenario order."""
        environment = {**CHROOT_ENV, "LAB_HOSTS": lab_hosts, "LAB_KNOWN_HOSTS": self.known_hosts.read_text()}
        for name in self.booted_hosts:
            scenarios = [scenario for scenario in self.hosts[name].spec.all_scenarios() if scenario.after_boot]
            if not scenarios:
                continue
            with step(f"after-boot on {name}: {', '.join(scenario.name for scenario in scenarios)}"):
                # Boot finished ("running", or "degraded": not an error here) before any script starts.
                self._exec_or_fail(name, ["systemctl", "is-system-running", "--wait"], "boot", READY_TIMEOUT)
                for scenario in scenarios:
                    script = f"{scenario.name}.after-boot.sh"
                    argv = ["/bin/sh", "-eu", "-c", scenario.after_boot, script]
                    result = self._exec_or_fail(
                        name, argv, script, AFTER_BOOT_TIMEOUT, env={**environment, "LAB_HOST": name}
                    )
                    if result.returncode != 0:
                        output = result.stdout.strip()
                        raise LabError(f"{script} on {name} failed (exit {result.returncode}):\n{output}")

    def _exec_or_fail(self, name: str, argv: Sequence[str], what: str, timeout: float, **kwargs):
        """exec() with stderr in stdout; a timeout becomes a LabError."""
        try:
            return self.exec(name, argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, **kwargs)
        except subprocess.TimeoutExpired:
            raise LabError(f"{what} on {name}: no end after {timeout:.0f} s") from None

    def _write_state(self) -> None:
        state = {
            "prefix": self.prefix,
            "netns": self.netns,
            "ssh_config": str(self.ssh_config),
            "hosts": {
                name: {
                    "address": host.address,
                    "boot": host.spec.boot,
                    "root": str(host.root),
                    "scenarios": list(host.spec.scenarios),
                }
                for name, host in self.hosts.items()
            },
        }
        (self.directory / "state.json").write_text(json.dumps(state, indent=2) + "\n")

    def _leftovers(self) -> bool:
        return bool(
            network.lab_namespaces(self.prefix) or nspawn_pids(machine_name(self.prefix, "")) or self.directory.exists()
        )

    def _teardown(self) -> None:
        """Idempotent; finds everything by prefix, so it also cleans after a crashed run."""
        machines = nspawn_pids(machine_name(self.prefix, ""))
        image_locks = [
            nspawn_lock_file(point) for point in mount_points_under(self.directory) if point.name == "merged"
        ]
        # SIGTERM makes nspawn shut its container down cleanly (about 2 s, all in parallel).
        terminate(machines, timeout=STOP_TIMEOUT)
        for host in self.hosts.values():
            host.nspawn = None
        namespaces = network.lab_namespaces(self.prefix)
        # Anything still running in a lab namespace was started through this lab
        # (an ssh ControlPersist master, a hung client, a stray container process).
        terminate({pid for namespace in namespaces for pid in network.namespace_pids(namespace)}, timeout=3)
        cgroups.remove(machine_name(self.prefix, ""))
        for propagate_dir in NSPAWN_PROPAGATE_DIR.glob(machine_name(self.prefix, "*")):
            shutil.rmtree(propagate_dir, ignore_errors=True)
        # nspawn removes its image lock when it exits cleanly, not when killed.
        for lock in image_locks:
            lock.unlink(missing_ok=True)
        _remove_if_empty(NSPAWN_PROPAGATE_DIR, NSPAWN_LOCK_DIR, NSPAWN_LOCK_DIR.parent)
        remove_tree(self.directory)
        _remove_if_empty(self.directory.parent)
        for namespace in namespaces:
            network.delete_namespace(namespace)
        _release_netns_dir()

    # ------------------------------------------------------------ status

    def status(self) -> list[str]:
        lines = []
        running = set(nspawn_pids(machine_name(self.prefix, "")).values())
        namespaces = set(network.lab_namespaces(self.prefix))
        for name, host in self.hosts.items():
            if host.spec.boot:
                state = "running" if host.machine in running else "stopped"
                net = "netns ok" if network.host_namespace(self.prefix, name) in namespaces else "no netns"
                lines.append(f"{name:<16} {host.address:<14} {state:<8} {net}")
            else:
                prepared = "prepared" if is_mount_point(host.root) else "absent"
                lines.append(f"{name:<16} {'-':<14} {prepared:<8} root {host.root}")
        return lines

    def hosts_in_state(self) -> list[str]:
        """Hosts of the lab that was last brought up with this prefix (from its state file)."""
        try:
            return list(json.loads((self.directory / "state.json").read_text())["hosts"])
        except (OSError, ValueError, KeyError):
            return []

    def is_up(self) -> bool:
        return self.netns in network.lab_namespaces(self.prefix) and self.ssh_config.exists()

    def leftover_report(self) -> list[str]:
        """What of this lab exists on the machine (empty after a clean down)."""
        report = [f"netns {name}" for name in network.lab_namespaces(self.prefix)]
        report += [f"mount {point}" for point in mount_points_under(self.directory)]
        report += [f"nspawn pid {pid} ({name})" for pid, name in nspawn_pids(machine_name(self.prefix, "")).items()]
        report += [f"dir {path}" for path in [self.directory] if path.exists()]
        report += [f"dir {path}" for path in NSPAWN_PROPAGATE_DIR.glob(machine_name(self.prefix, "*"))]
        return report


def _default_capture(kwargs: dict) -> None:
    if not {"stdout", "stderr", "capture_output"} & kwargs.keys():
        kwargs["capture_output"] = True
    kwargs.setdefault("text", True)


def _raise_inotify_limit() -> None:
    current = int(INOTIFY_INSTANCES.read_text())
    if current < MIN_INOTIFY_INSTANCES:
        INOTIFY_INSTANCES.write_text(str(MIN_INOTIFY_INSTANCES))
        say(f"raised fs.inotify.max_user_instances from {current} to {MIN_INOTIFY_INSTANCES}")


def _remove_if_empty(*directories: Path) -> None:
    """Remove directories nspawn created on demand, once nothing (of anyone) is left in them."""
    for directory in directories:
        with contextlib.suppress(OSError):
            directory.rmdir()


def _release_netns_dir() -> None:
    # iproute2 bind-mounts /run/netns onto itself on first use; once no
    # namespace is left in it, the mount is just residue (it is redone on demand).
    if is_mount_point(NETNS_DIR) and not any(NETNS_DIR.iterdir()):
        unmount(NETNS_DIR)
    if not is_mount_point(NETNS_DIR):
        _remove_if_empty(NETNS_DIR)
