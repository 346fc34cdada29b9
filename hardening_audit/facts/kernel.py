"""Kernel parameters: the values the kernel applies, and the persisted configuration."""

from __future__ import annotations

from ..kernel_params import PARAMS
from ..parsers.sysctl import SYSCTL_CONF, SYSCTL_DIRS, parse_sysctl, persisted_settings
from .files import read_files
from .core import HostContext, fact

# Every parameter the controls name, and every interface's copy of the per-interface ones.
_NAMES = sorted({p.key.rsplit(".", 1)[1] if p.combine else p.key for p in PARAMS})
RUNTIME_PATTERN = "^(" + "|".join(
    [rf"net\.ipv[46]\.conf\.[^.]+\.{name}" for name in _NAMES if "." not in name]
    + [name.replace(".", r"\.") for name in _NAMES if "." in name]
) + ")$"


@fact
def sysctl_runtime(ctx: HostContext) -> dict[str, str]:
    out = ctx.run_argv(["sysctl", "-a", "--pattern", RUNTIME_PATTERN], ok=(0, 255))
    values = parse_sysctl(out.stdout)
    return values


@fact
def sysctl_persisted(ctx: HostContext) -> list[tuple[str, str, str]]:
    """(key, value, file) assignments of the persisted configuration, in the order they apply."""
    listing = ctx.run("ls -1d /usr/lib/sysctl.d/*.conf /run/sysctl.d/*.conf /etc/sysctl.d/*.conf "
                      "/etc/sysctl.conf 2>/dev/null; true").stdout.split()
    candidates = [p for p in listing if p == SYSCTL_CONF or p.rsplit("/", 1)[0] in SYSCTL_DIRS]
    return persisted_settings(read_files(ctx, candidates)) if candidates else []
