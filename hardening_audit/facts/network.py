"""Network facts shared by several domains: listening sockets, IPv6 state."""

from ..outcomes import offline_only
from ..parsers.sockets import ListeningSocket, parse_ss
from ..parsers.sysctl import persisted_value
from .core import HostContext, fact
from .system import require_root


@fact
def listening_sockets(ctx: HostContext) -> list[ListeningSocket]:
    if ctx.offline:
        raise offline_only("listening sockets")
    # Root sees the owning process of every socket, not only its own.
    require_root(ctx)
    return parse_ss(ctx.run_argv(["ss", "-Htulnp"]).stdout)


@fact
def ipv6_disabled(ctx: HostContext) -> bool:
    """True when the kernel has no IPv6 (ipv6.disable=1) or it is switched off for all interfaces;
    on an image, when the persisted sysctl configuration switches it off."""
    if ctx.offline:
        saved = persisted_value(ctx.value("sysctl_persisted"), "net.ipv6.conf.all.disable_ipv6")
        return saved is not None and saved[0] == "1"
    out = ctx.run("cat /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null || echo absent")
    return out.stdout.strip() in ("1", "absent")
