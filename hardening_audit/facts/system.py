"""Who and what the host is: identity, operating system, privilege."""

from ..outcomes import CheckError
from ..parsers.system import SystemInfo, parse_system_probe
from .core import HostContext, fact


@fact
def system(ctx: HostContext) -> SystemInfo:
    # One round trip: this probe is also the reachability check of the host.
    if ctx.offline:
        # The kernel's node name would be the auditing machine's: an image names itself in /etc/hostname.
        out = ctx.run(
            "id -u; cat /etc/hostname 2>/dev/null || echo localhost; echo;"
            " cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; true"
        )
        return parse_system_probe(out.stdout)
    out = ctx.run(
        "id -u; uname -n; echo $(hostname -I 2>/dev/null);"
        " cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; true"
    )
    return parse_system_probe(out.stdout)


def require_root(ctx: HostContext) -> None:
    """Facts that read root-only files call this first, so they say why they cannot."""
    info: SystemInfo = ctx.value("system")
    if not info.privileged:
        raise CheckError(
            f"needs root: connected as uid {info.uid}; log in as root or use --sudo"
        )
