"""Services: systemd units and SysV links (what starts), core dump and cron settings."""

from __future__ import annotations

from ..parsers.coredump import LIMITS_CONF, everyone_hard_core_limit, parse_coredump_config
from ..parsers.listing import FileStat
from ..parsers.systemd import ENABLED_STATES, Unit, parse_show, parse_unit_files, parse_units
from ..outcomes import offline_only
from .core import HostContext, fact
from .files import expand_globs, read_files, stat_paths

# Runlevels a server boots into; an S link there starts the script.
SYSV_RUNLEVEL_DIRS = ("/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d", "/etc/rc5.d")
ACTIVATING_SUFFIXES = (".service", ".socket", ".path", ".timer")
CRON_PATHS = ("/etc/cron.allow", "/etc/cron.deny", "/etc/crontab", "/etc/cron.hourly", "/etc/cron.daily",
              "/etc/cron.weekly", "/etc/cron.monthly", "/etc/cron.yearly", "/etc/cron.d",
              "/etc/at.allow", "/etc/at.deny")


@fact
def unit_files(ctx: HostContext) -> dict[str, str]:
    return parse_unit_files(ctx.run_argv(["systemctl", "list-unit-files", "--no-legend", "--no-pager"]).stdout)


@fact
def units(ctx: HostContext) -> dict[str, Unit]:
    if ctx.offline:
        raise offline_only("units running now")
    out = ctx.run_argv(["systemctl", "list-units", "--all", "--no-legend", "--no-pager", "--plain"])
    return parse_units(out.stdout)


def enabled(ctx: HostContext, unit: str) -> bool:
    return ctx.value("unit_files").get(unit) in ENABLED_STATES


@fact
def sysv_enabled(ctx: HostContext) -> list[str]:
    """Init scripts started through S links in the multi-user runlevels."""
    out = ctx.run_argv(["find", *SYSV_RUNLEVEL_DIRS, "-maxdepth", "1", "-name", "S*", "-printf", "%f\\n"], ok=(0, 1))
    return sorted({name[3:] if name[1:3].isdigit() else name[1:] for name in out.stdout.split()})


@fact
def running_units(ctx: HostContext) -> list[str]:
    """Units active now; none without a running systemd (an image, a container without it)."""
    listed = ctx.fact("units")
    if listed.error:
        return []
    return sorted(name for name, unit in listed.value.items() if unit.active in ("active", "activating", "reloading"))


@fact
def systemd_runs(ctx: HostContext) -> bool:
    """systemd is the init system: running now, or on an image the init that boot would start."""
    if ctx.offline:
        return ctx.run_argv(["readlink", "-f", "/sbin/init"], ok=(0, 1)).stdout.strip().endswith("/systemd")
    return bool(ctx.value("running_units"))


@fact
def enabled_units(ctx: HostContext) -> dict[str, str]:
    """Enabled service, socket, path and timer units, each with the service it stands for:
    a timer, socket or path unit stands for the unit it triggers."""
    names = sorted(name for name, state in ctx.value("unit_files").items()
                   if state in ENABLED_STATES and name.endswith(ACTIVATING_SUFFIXES))
    triggers = {name: name.rsplit(".", 1)[0] + ".service" for name in names if not name.endswith(".service")}
    if triggers and ctx.value("running_units"):
        # Only a running manager answers `show`; otherwise the default (same name) stands.
        out = ctx.run_argv(["systemctl", "show", "--property=Id,Triggers", "--", *triggers])
        for properties in parse_show(out.stdout):
            first = properties.get("Triggers", "").split()
            if properties.get("Id") in triggers and first:
                triggers[properties["Id"]] = first[0]
    return {name: triggers.get(name, name) for name in names}


@fact
def core_limit(ctx: HostContext) -> tuple[str, str] | None:
    """(value, file) of the hard core size limit pam_limits gives every user."""
    return everyone_hard_core_limit(read_files(ctx, [LIMITS_CONF, *expand_globs(ctx, ["/etc/security/limits.d/*.conf"])]))


@fact
def coredump_config(ctx: HostContext) -> dict[str, str]:
    """systemd-coredump's effective [Coredump] settings (configuration files with their drop-ins)."""
    out = ctx.run_argv(["systemd-analyze", "cat-config", "systemd/coredump.conf"])
    return parse_coredump_config(out.stdout)


@fact
def cron_files(ctx: HostContext) -> dict[str, FileStat]:
    return {stat.path: stat for stat in stat_paths(ctx, CRON_PATHS)}


# Processes of mail transfer agents as ss names them (postfix's listener is "master").
MTA_PROCESSES = {"exim", "exim4", "master", "sendmail", "sendmail-mta", "smtpd", "opensmtpd", "courieresmtpd"}
SMTP_PORTS = {25, 465, 587}


@fact
def mail_listeners(ctx: HostContext) -> list:
    """Sockets a mail transfer agent listens on: an MTA process's, or any on an SMTP port. None on an
    image: nothing listens before boot (where the MTA will listen is judged on the booted host)."""
    if ctx.offline:
        return []
    return [s for s in ctx.value("listening_sockets")
            if s.protocol == "tcp" and (s.port in SMTP_PORTS or MTA_PROCESSES & set(s.processes))]
