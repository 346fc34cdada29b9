"""The cached Debian base root file system and the cached package layers on top of it.

Both are built once and reused: each lives in the cache under a key hashed from
its recipe, is built in a temporary directory and renamed into place only when
complete, so an interrupted build never leaves a half cache.  Every mount a
build needs lives in a private mount namespace (see in_chroot.sh).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .apt_sources import mirror_for, security_mirror_for
from .paths import cache_dir
from .progress import LabError, say, step
from .system import remove_tree, run, run_chrooted

SUITE = "bookworm"
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
BASE_PACKAGES = ("systemd", "systemd-sysv", "dbus", "openssh-server", "sudo", "iproute2", "procps")
# Bump when the build steps change what they produce: the cache key changes with it.
BUILD_VERSION = 2

# Keeps service start-up scripts from running inside the build chroot.
POLICY_RC_D = "#!/bin/sh\n# Written by the hardening-audit lab build; removed when it ends.\nexit 101\n"

# Runs inside the chroot; the packages are its arguments.
APT_INSTALL_SCRIPT = """
printf '%s' "$POLICY_RC_D" > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
apt-get update --error-on=any
if [ -n "${DEBCONF_SELECTIONS:-}" ]; then
    printf '%s\n' "$DEBCONF_SELECTIONS" | debconf-set-selections
fi
if [ "${UPGRADE:-no}" = yes ]; then
    apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade
fi
apt-get -y -o Dpkg::Options::=--force-confold install --no-install-recommends "$@"
apt-get clean
rm -f /usr/sbin/policy-rc.d
# Package lists are large and go stale; a layer build fetches fresh ones.
rm -rf /var/lib/apt/lists/*
"""

# debconf answers given before a layer's packages are installed, for the
# packages named in their first field (only those layers get them, and only
# their recipes change).  DEBIAN_FRONTEND=noninteractive (CHROOT_ENV) takes
# each question's default, and some defaults act on the build machine:
# iptables-persistent's autosave would run iptables-save in the build
# machine's network namespace and ship its rules in the layer.
DEBCONF_SELECTIONS = (
    "iptables-persistent iptables-persistent/autosave_v4 boolean false",
    "iptables-persistent iptables-persistent/autosave_v6 boolean false",
)


# Each host gets this with its own name: sudo warns on every call when the
# host name does not resolve, which would pollute audit commands' stderr.
HOSTS_FILE = """127.0.0.1\tlocalhost
127.0.1.1\t{hostname}
::1\tlocalhost ip6-localhost ip6-loopback
ff02::1\tip6-allnodes
ff02::2\tip6-allrouters
"""


@dataclass(frozen=True)
class Base:
    key: str
    root: Path


@dataclass(frozen=True)
class Layer:
    key: str
    packages: tuple[str, ...]
    upper: Path


def _key(recipe: dict) -> str:
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


@contextlib.contextmanager
def _build_lock(cache: Path) -> Iterator[None]:
    """One builder at a time per cache; whoever holds it owns every .tmp-* dir."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in cache.glob(".tmp-*"):
            say(f"removing interrupted build {stale}")
            remove_tree(stale)
        yield


def _publish(work: Path, final: Path, recipe: dict) -> None:
    (work / "recipe.json").write_text(json.dumps(recipe, indent=2, sort_keys=True) + "\n")
    os.rename(work, final)


def base_recipe() -> dict:
    return {"kind": "base", "suite": SUITE, "packages": sorted(BASE_PACKAGES), "version": BUILD_VERSION}


def ensure_base() -> Base:
    cache = cache_dir()
    recipe = base_recipe()
    key = _key(recipe)
    final = cache / f"base-{key}"
    if (final / "root").is_dir():
        return Base(key, final / "root")
    with _build_lock(cache):
        if not (final / "root").is_dir():
            work = cache / f".tmp-base-{key}-{os.getpid()}"
            work.mkdir()
            log = cache / f"base-{key}.log"
            log.write_text("")
            say(f"building the Debian {SUITE} base root file system once (about a minute); log: {log}")
            with step(f"built base {key} into {final}"):
                _build_base(work / "root", log)
                _publish(work, final, recipe)
    return Base(key, final / "root")


def _build_base(root: Path, log: Path) -> None:
    if not KEYRING.is_file():
        raise LabError(f"missing {KEYRING}: apt-get install debian-archive-keyring")
    mirror = mirror_for(SUITE)
    security = security_mirror_for(SUITE)
    # debootstrap mounts /proc and /sys in the target itself: a private mount
    # namespace takes them away even if it is killed half-way.
    run(
        [
            "unshare",
            "--mount",
            "--propagation",
            "private",
            "debootstrap",
            "--variant=minbase",
            "--components=main",
            f"--keyring={KEYRING}",
            SUITE,
            root,
            mirror,
        ],
        what="debootstrap",
        log=log,
    )
    sources = [f"deb {mirror} {SUITE} main", f"deb {mirror} {SUITE}-updates main"]
    if security:
        sources.append(f"deb {security} {SUITE}-security main")
    (root / "etc/apt/sources.list").write_text("\n".join(sources) + "\n")
    run_chrooted(
        root,
        ["sh", "-ec", APT_INSTALL_SCRIPT, "apt-install", *BASE_PACKAGES],
        env={"POLICY_RC_D": POLICY_RC_D, "UPGRADE": "yes"},
        what="installing the base packages",
        log=log,
        resolver=True,
    )
    _make_generic(root)
    _disable_timers(root)


def _disable_timers(root: Path) -> None:
    """Periodic jobs (apt-daily at a random hour, dpkg-db-backup at midnight...)
    would change hosts in the middle of a test; a scenario that needs one enables it."""
    timers = sorted(path.name for path in (root / "etc/systemd/system/timers.target.wants").glob("*.timer"))
    if timers:
        run_chrooted(root, ["systemctl", "disable", *timers], what="disabling periodic timers")


def _make_generic(root: Path) -> None:
    """Strip what must differ per host (or must not leak from the build machine)."""
    for host_key in (root / "etc/ssh").glob("ssh_host_*"):
        host_key.unlink()
    # Empty, not absent: systemd then uses a transient ID; each host gets its own at creation.
    (root / "etc/machine-id").write_text("")
    dbus_id = root / "var/lib/dbus/machine-id"
    if dbus_id.exists() and not dbus_id.is_symlink():
        dbus_id.unlink()
        dbus_id.symlink_to("/etc/machine-id")
    # debootstrap copied the build machine's resolver and name; lab hosts have no DNS.
    (root / "etc/resolv.conf").unlink(missing_ok=True)
    (root / "etc/resolv.conf").write_text("")
    (root / "etc/hostname").write_text("localhost\n")
    (root / "etc/hosts").write_text(HOSTS_FILE.format(hostname="localhost"))


def debconf_selections(packages: Iterable[str]) -> list[str]:
    """The DEBCONF_SELECTIONS lines for these packages."""
    wanted = set(packages)
    return [line for line in DEBCONF_SELECTIONS if line.split()[0] in wanted]


def layer_recipe(base: Base, packages: Iterable[str]) -> dict:
    recipe = {"kind": "layer", "base": base.key, "packages": sorted(set(packages)), "version": BUILD_VERSION}
    # Only when there are any: the keys of layers without preseeded packages stay as they were.
    selections = debconf_selections(recipe["packages"])
    if selections:
        recipe["debconf"] = selections
    return recipe


def ensure_layer(base: Base, packages: Iterable[str]) -> Layer | None:
    """The cached overlay upper dir adding packages to base (None when there are none)."""
    recipe = layer_recipe(base, packages)
    if not recipe["packages"]:
        return None
    cache = cache_dir()
    key = _key(recipe)
    final = cache / f"layer-{key}"
    wanted = tuple(recipe["packages"])
    if (final / "upper").is_dir():
        return Layer(key, wanted, final / "upper")
    with _build_lock(cache):
        if not (final / "upper").is_dir():
            work = cache / f".tmp-layer-{key}-{os.getpid()}"
            for part in ("upper", "work", "merged"):
                (work / part).mkdir(parents=True)
            log = cache / f"layer-{key}.log"
            log.write_text("")
            with step(f"built package layer {key} ({' '.join(wanted)})"):
                run_chrooted(
                    work / "merged",
                    ["sh", "-ec", APT_INSTALL_SCRIPT, "apt-install", *wanted],
                    env={"POLICY_RC_D": POLICY_RC_D, "DEBCONF_SELECTIONS": "\n".join(recipe.get("debconf", []))},
                    what=f"installing {' '.join(wanted)}",
                    log=log,
                    overlay=(str(base.root), work / "upper", work / "work"),
                    resolver=True,
                )
                remove_tree(work / "work")
                remove_tree(work / "merged")
                _publish(work, final, recipe)
    return Layer(key, wanted, final / "upper")
