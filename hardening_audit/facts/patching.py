"""Patching: package sources, pending updates, automatic updates, reboot and package integrity.

APT (Debian, Ubuntu) for now. The facts return what the checks judge in the
distribution's terms-free form (a pending update and whether it is a security
one, the age of each source's lists, the parts of the automatic update
set-up), so that another family (dnf-automatic, ``dnf updateinfo``) can be
added here without touching the checks.

Every APT call is read-only: simulations take no lock (Debug::NoLocking),
write no binary cache (Dir::Cache::pkgcache and srcpkgcache empty) and no
planner log (Dir::Log::Planner empty).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..outcomes import OFFLINE_RUNTIME_REASON, CheckError, NotApplicable
from ..parsers.apt_config import AptConfig, parse_apt_config_dump
from ..parsers.apt_policy import (
    Release,
    is_security_release,
    newer_versions,
    parse_package_policy,
    parse_policy_releases,
    parse_simulated_upgrade,
    published_security_release,
)
from ..parsers.apt_sources import Source, list_file_prefix, sources_from_files
from ..parsers.dpkg_verify import VerifyFinding, parse_dpkg_verify
from ..parsers.system import SystemInfo
from ..parsers.unattended_upgrades import OriginsConfigError, origin_allowed
from .core import HostContext, fact
from .files import expand_globs, read_files
from .packages import installed
from .system import require_root

# apt-cache takes the cache options; apt-get also the lock and the planner log (even a simulation
# run as root rewrites /var/log/apt/eipp.log.xz).
APT_CACHE_READ_ONLY = ["-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache="]
APT_GET_READ_ONLY = ["-o", "Debug::NoLocking=1", "-o", "Dir::Log::Planner=", *APT_CACHE_READ_ONLY]
C_LOCALE = ["env", "LC_ALL=C", "LANG=C"]
LISTS_DIR = "/var/lib/apt/lists"
SOURCE_FILES = ("/etc/apt/sources.list", "/etc/apt/sources.list.d/")
TRUSTED_KEYRINGS = ("/etc/apt/trusted.gpg", "/etc/apt/trusted.gpg.d/*.gpg", "/etc/apt/trusted.gpg.d/*.asc")
# apt options that switch signature checks off for every source.
INSECURE_OPTIONS = ("Acquire::AllowInsecureRepositories", "Acquire::AllowDowngradeToInsecureRepositories",
                    "APT::Get::AllowUnauthenticated")
PERIODIC_SETTINGS = ("APT::Periodic::Update-Package-Lists", "APT::Periodic::Unattended-Upgrade")
UPDATE_TIMERS = ("apt-daily.timer", "apt-daily-upgrade.timer")
UNATTENDED_PACKAGE = "unattended-upgrades"


@dataclass(frozen=True)
class PendingUpdate:
    package: str
    installed: str
    available: str  # the newest version on offer
    security: bool  # a newer version comes from the distribution's security archive
    origins: tuple[str, ...]  # where the newer versions come from, e.g. "Debian-Security bookworm-security"


@dataclass(frozen=True)
class AutomaticUpdates:
    tool: str
    installed: bool
    state: str  # the package's state, e.g. "ii", "rc", "not installed"
    settings: dict[str, bool | None]  # effective setting -> on
    security_allowed: bool | None  # None: the configuration cannot be used by the tool
    security_detail: str
    timers: dict[str, str]  # timer -> unit file state


@dataclass(frozen=True)
class ListAge:
    source: str  # "URI suite"
    age_seconds: int | None  # None: never fetched


def _distro(ctx: HostContext) -> SystemInfo:
    return ctx.value("system")


def _lsb_id(info: SystemInfo) -> str:
    """What lsb_release -i says (and unattended-upgrade substitutes): "Debian", "Ubuntu"."""
    return (info.os_release.get("NAME") or info.os_release.get("ID", "")).split(" ", 1)[0]


@fact
def apt_config(ctx: HostContext) -> AptConfig:
    return parse_apt_config_dump(ctx.run_argv(["apt-config", "dump"]).stdout)


@fact
def package_sources(ctx: HostContext) -> list[Source]:
    """Every source entry of sources.list and sources.list.d, enabled or not."""
    paths = expand_globs(ctx, SOURCE_FILES)
    return sources_from_files(read_files(ctx, paths)) if paths else []


@fact
def package_releases(ctx: HostContext) -> dict[str, Release]:
    """The release data of every package file apt has lists for, keyed as apt-cache policy names them."""
    out = ctx.run_argv([*C_LOCALE, "apt-cache", *APT_CACHE_READ_ONLY, "policy"])
    return parse_policy_releases(out.stdout)


def _is_security(ctx: HostContext, release: Release) -> bool:
    try:
        return is_security_release(release, _distro(ctx).os_release.get("ID", ""))
    except ValueError as error:
        raise CheckError(str(error)) from None


def _require_lists_on_image(ctx: HostContext) -> None:
    """On an image without package lists, what the lists would show cannot be judged."""
    if not ctx.offline:
        return
    out = ctx.run_argv(["find", LISTS_DIR, "-maxdepth", "1", "-name", "*Release", "-printf", "%f\\n"], ok=(0, 1))
    if not out.stdout.strip():
        raise NotApplicable(f"{OFFLINE_RUNTIME_REASON} and no package lists in the image (apt-get update never ran "
                            "in it, or its lists were removed)")


@fact
def security_releases(ctx: HostContext) -> list[Release]:
    """Package files of the distribution's security archive among the host's lists."""
    _require_lists_on_image(ctx)
    return [r for r in ctx.value("package_releases").values() if _is_security(ctx, r)]


@fact
def pending_updates(ctx: HostContext) -> list[PendingUpdate]:
    """Installed packages with a newer version on offer, including those a plain upgrade keeps back."""
    require_root(ctx)
    _require_lists_on_image(ctx)
    out = ctx.run_argv([*C_LOCALE, "apt-get", "-s", *APT_GET_READ_ONLY, "dist-upgrade"])
    simulation = parse_simulated_upgrade(out.stdout)
    names = sorted({u.package for u in simulation.upgrades} | set(simulation.kept_back))
    if not names:
        return []
    policies = parse_package_policy(
        ctx.run_argv([*C_LOCALE, "apt-cache", *APT_CACHE_READ_ONLY, "policy", "--", *names]).stdout)
    releases = ctx.value("package_releases")
    pending = []
    for name in names:
        policy = policies.get(name)
        newer = newer_versions(policy) if policy else []
        if not policy or not policy.installed or not newer:
            continue
        files = [releases[f] for version in newer for f in version.files if f in releases]
        pending.append(PendingUpdate(
            package=name, installed=policy.installed, available=newer[0].version,
            security=any(_is_security(ctx, release) for release in files),
            origins=tuple(dict.fromkeys(f"{r.label or r.origin} {r.codename or r.archive}" for r in files)),
        ))
    return pending


@fact
def list_ages(ctx: HostContext) -> list[ListAge]:
    """Age of the last successful download of each enabled source's Release file (its ctime).

    apt sets a list file's mtime to the server's Last-Modified; the ctime changes when apt
    stores or re-validates the file, which it does only after a successful, verified fetch.
    """
    sources = [s for s in ctx.value("package_sources") if s.enabled]
    if not sources:
        return []
    _require_lists_on_image(ctx)
    out = ctx.run_argv(["sh", "-c", 'date +%s; find "$1" -maxdepth 1 -name "*Release" -printf "%C@ %f\\n"', "sh",
                        LISTS_DIR])
    lines = out.stdout.splitlines()
    now = int(lines[0])
    changed = {}
    for line in lines[1:]:
        stamp, _, name = line.partition(" ")
        changed[name] = int(float(stamp))
    ages = {}
    for source in sources:
        prefix = list_file_prefix(source)
        stamps = [changed[name] for name in (prefix + "InRelease", prefix + "Release") if name in changed]
        ages[f"{source.uri} {source.suite}"] = now - max(stamps) if stamps else None
    return [ListAge(name, age) for name, age in ages.items()]


@fact
def insecure_apt_options(ctx: HostContext) -> list[str]:
    config = ctx.value("apt_config")
    return [f'{key} "{config.get(key)}"' for key in INSECURE_OPTIONS if config.flag(key)]


def _keyrings(ctx: HostContext, source: Source) -> list[str]:
    signed_by = source.options.get("signed-by", "")
    paths = [p for p in signed_by.split(",") if p.startswith("/")]
    if paths:
        return paths
    return expand_globs(ctx, TRUSTED_KEYRINGS)


# gpgv reads binary keyrings only: an armored one is de-armored into a scratch directory, removed afterwards.
VERIFY_RELEASE = r'''
file=$1; shift
scratch=$(mktemp -d) || exit 3
trap 'rm -rf "$scratch"' EXIT
set --
n=0
for key in $KEYRINGS; do
    [ -r "$key" ] || continue
    n=$((n + 1))
    case $key in
        *.asc) gpg --batch --no-options --homedir "$scratch/none" --dearmor < "$key" > "$scratch/$n.gpg" || continue
               set -- "$@" --keyring "$scratch/$n.gpg" ;;
        *) set -- "$@" --keyring "$key" ;;
    esac
done
[ $# -gt 0 ] || { echo "no readable keyring"; exit 2; }
if [ -e "$file" ]; then gpgv "$@" "$file"; else gpgv "$@" "${file%InRelease}Release.gpg" "${file%InRelease}Release"; fi
'''


@fact
def release_signatures(ctx: HostContext) -> dict[str, str | None]:
    """For each enabled source with lists: None when its Release verifies with its keyring(s),
    else why not. Sources without lists are left out (PAT-03 reports them)."""
    require_root(ctx)
    out = ctx.run_argv(["find", LISTS_DIR, "-maxdepth", "1", "-name", "*Release*", "-printf", "%f\\n"])
    present = set(out.stdout.split())
    results: dict[str, str | None] = {}
    for source in ctx.value("package_sources"):
        if not source.enabled:
            continue
        prefix = list_file_prefix(source)
        if prefix + "InRelease" not in present and prefix + "Release.gpg" not in present:
            if prefix + "Release" in present:
                results[f"{source.uri} {source.suite}"] = "unsigned Release file"
            continue
        keyrings = " ".join(_keyrings(ctx, source))
        check = ctx.run_argv(["env", f"KEYRINGS={keyrings}", "sh", "-c", VERIFY_RELEASE, "sh",
                              posixpath.join(LISTS_DIR, prefix + "InRelease")], ok=(0, 1, 2))
        lines = (check.stderr + check.stdout).strip().splitlines()
        results[f"{source.uri} {source.suite}"] = None if check.exit_status == 0 else (
            lines[-1] if lines else f"gpgv exited {check.exit_status}")
    return results


@fact
def automatic_updates(ctx: HostContext) -> AutomaticUpdates:
    package = ctx.value("packages").get(UNATTENDED_PACKAGE)  # its state is reported too, not only presence
    config = ctx.value("apt_config")
    settings = {key: config.periodic_active(key) for key in PERIODIC_SETTINGS}
    info = _distro(ctx)
    codename = info.os_release.get("VERSION_CODENAME", "")
    listed = ctx.fact("security_releases")
    if isinstance(listed.error, NotApplicable) and ctx.offline:
        # An image without lists: the origin patterns are matched against the published security archive.
        published = published_security_release(info.os_release.get("ID", ""), codename)
        releases = [published] if published else []
    else:
        releases = ctx.value("security_releases")
    patterns = config.values("Unattended-Upgrade::Origins-Pattern")
    allowed_origins = config.values("Unattended-Upgrade::Allowed-Origins")
    if not releases:
        allowed, detail = False, "no lists of the security archive to take security updates from"
    else:
        try:
            allowed = all(origin_allowed(patterns, allowed_origins, release, _lsb_id(info), codename)
                          for release in releases)
            detail = "" if allowed else "no Origins-Pattern or Allowed-Origins entry matches the security archive"
        except OriginsConfigError as error:
            allowed, detail = None, f"unattended-upgrades cannot use its configuration: {error}"
    unit_files = ctx.value("unit_files")
    return AutomaticUpdates(
        tool=UNATTENDED_PACKAGE,
        installed=installed(ctx, UNATTENDED_PACKAGE),
        state=package.status if package else "not installed",
        settings=settings,
        security_allowed=allowed,
        security_detail=detail,
        timers={timer: unit_files.get(timer, "absent") for timer in UPDATE_TIMERS},
    )


@dataclass(frozen=True)
class RebootState:
    marker: bool
    packages: tuple[str, ...]  # what asked for the reboot
    running_kernel: str
    newest_kernel: str | None  # None: no kernel package installed (an image, a container)


@fact
def reboot_state(ctx: HostContext) -> RebootState:
    script = ('uname -r; if [ -e /run/reboot-required ]; then echo marker; cat /run/reboot-required.pkgs 2>/dev/null;'
              ' fi; echo --; command -v linux-version >/dev/null && linux-version list | linux-version sort | tail -n 1;'
              ' true')
    lines = ctx.run_argv(["sh", "-c", script]).stdout.splitlines()
    separator = lines.index("--")
    head, tail = lines[:separator], lines[separator + 1:]
    marker = len(head) > 1 and head[1] == "marker"
    return RebootState(marker, tuple(head[2:]) if marker else (), head[0].strip(),
                       tail[0].strip() if tail and tail[0].strip() else None)


@fact
def modified_package_files(ctx: HostContext, packages: tuple[str, ...]) -> list[VerifyFinding]:
    """dpkg --verify of the installed packages among those named, conffiles left out."""
    require_root(ctx)
    verified = [name for name in packages if installed(ctx, name)]
    if not verified:
        return []
    out = ctx.run_argv(["dpkg", "--verify", "--", *verified], ok=(0, 1))
    return [f for f in parse_dpkg_verify(out.stdout) if not f.conffile]
