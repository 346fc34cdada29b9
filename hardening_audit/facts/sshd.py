"""The OpenSSH server as it really runs: effective configuration, files and host keys."""

from __future__ import annotations

from dataclasses import dataclass

from ..outcomes import CheckError, NotApplicable
from ..parsers.listing import FIND_FORMAT, FileStat, parse_find_listing
from ..parsers.sshd import HostKey, SshdConfig, parse_keygen_fingerprints, parse_sshd_t
from ..parsers.system import SystemInfo
from .core import HostContext, fact
from .files import stat_paths
from .system import require_root

CONFIG_PATHS = ["/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d"]
DEFAULT_HOST_KEYS = ("/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key")
# Images usually carry no host keys (made at first boot) and `sshd -T` then refuses to run. It is
# run again with a throw-away key in the scratch /tmp; that key is dropped from the output.
SSHD_T_OFFLINE = r'''
binary=$1 spec=$2
scratch=$(mktemp -d) || exit 3
trap 'rm -rf "$scratch"' EXIT
"$binary" -T -C "$spec" 2>"$scratch/err"
status=$?
cat "$scratch/err" >&2
[ $status -ne 0 ] || exit 0
grep -q "no hostkeys available" "$scratch/err" || exit $status
ssh-keygen -q -t ed25519 -N "" -C scratch -f "$scratch/key" </dev/null >/dev/null || exit 3
"$binary" -T -C "$spec" -h "$scratch/key" > "$scratch/out" || exit $?
grep -v -x -F "hostkey $scratch/key" "$scratch/out"
'''


@fact
def sshd_binary(ctx: HostContext) -> str:
    out = ctx.run("command -v sshd || { test -x /usr/sbin/sshd && echo /usr/sbin/sshd; }", ok=(0, 1))
    path = out.stdout.strip()
    if not path:
        raise NotApplicable("no SSH server installed (sshd not found)")
    return path


@fact
def sshd(ctx: HostContext) -> SshdConfig:
    """``sshd -T`` for a root connection to this host, as the CIS audit procedure runs it.

    Match blocks that apply to root, this host name or its first address are
    therefore part of the effective configuration.
    """
    binary = ctx.value("sshd_binary")
    require_root(ctx)
    info: SystemInfo = ctx.value("system")
    address = info.addresses[0] if info.addresses else "127.0.0.1"
    spec = f"user=root,host={info.hostname},addr={address}"
    if ctx.offline:
        return parse_sshd_t(ctx.run_argv(["sh", "-c", SSHD_T_OFFLINE, "sh", binary, spec]).stdout)
    return parse_sshd_t(ctx.run_argv([binary, "-T", "-C", spec]).stdout)


@fact
def sshd_config_files(ctx: HostContext) -> list[FileStat]:
    ctx.value("sshd_binary")
    require_root(ctx)
    existing = ctx.run_argv(["find", *CONFIG_PATHS, "-maxdepth", "1", "-printf", FIND_FORMAT], ok=(0, 1))
    stats = parse_find_listing(existing.stdout)
    if not any(s.path == CONFIG_PATHS[0] for s in stats):
        raise CheckError(f"{CONFIG_PATHS[0]} could not be read")
    return stats


@fact
def ssh_host_keys(ctx: HostContext) -> list[tuple[FileStat | None, HostKey]]:
    """Each HostKey sshd loads: its file permissions and its type and size.

    On an image only the keys it holds: the others are made at first boot (and
    without any key sshd lists none of its defaults)."""
    paths = list(ctx.value("sshd").values("hostkey"))
    if ctx.offline:
        paths = paths or list(DEFAULT_HOST_KEYS)
    elif not paths:
        raise CheckError("sshd -T lists no host key")
    stats = {s.path: s for s in stat_paths(ctx, paths)}
    if ctx.offline:
        paths = [path for path in paths if path in stats]
        if not paths:
            return []
    script = 'for key do ssh-keygen -l -f "$key" 2>/dev/null || echo unreadable; done'
    fingerprints = ctx.run_argv(["sh", "-c", script, "sh", *paths])
    keys = parse_keygen_fingerprints(fingerprints.stdout, paths)
    return [(stats.get(key.path), key) for key in keys]


@dataclass(frozen=True)
class Banner:
    path: str | None  # None: Banner none
    has_text: bool


@fact
def sshd_banner(ctx: HostContext) -> Banner:
    """The banner file sshd shows before authentication."""
    path = ctx.value("sshd").get("banner")
    if not path or path == "none":
        return Banner(None, False)
    listing = ctx.run_argv(["find", path, "-maxdepth", "0", "-size", "+0", "-printf", FIND_FORMAT], ok=(0, 1))
    return Banner(path, bool(parse_find_listing(listing.stdout)))
