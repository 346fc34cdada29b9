"""systemd units: which are enabled and which are running. Shared by every domain."""

from ..parsers.systemd import ENABLED_STATES, Unit, parse_unit_files, parse_units
from .core import HostContext, fact


@fact
def unit_files(ctx: HostContext) -> dict[str, str]:
    return parse_unit_files(ctx.run_argv(["systemctl", "list-unit-files", "--no-legend", "--no-pager"]).stdout)


@fact
def units(ctx: HostContext) -> dict[str, Unit]:
    out = ctx.run_argv(["systemctl", "list-units", "--all", "--no-legend", "--no-pager", "--plain"])
    return parse_units(out.stdout)


def enabled(ctx: HostContext, unit: str) -> bool:
    return ctx.value("unit_files").get(unit) in ENABLED_STATES
