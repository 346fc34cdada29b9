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
    """Each HostKey sshd loads: its file permissions and its type and size."""
    paths = list(ctx.value("sshd").values("hostkey"))
    if not paths:
        raise CheckError("sshd -T lists no host key")
    stats = {s.path: s for s in stat_paths(ctx, paths)}
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
