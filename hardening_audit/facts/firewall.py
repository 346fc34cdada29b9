"""The host firewall, whichever manager runs it, in one model.

The loaded rules come from the kernel: ``nft -j list ruleset`` for nftables
(firewalld writes native nftables rules), ``iptables-save``/``ip6tables-save``
for the iptables tables (ufw and iptables-persistent write those; on the
nf_tables back end they replace nft's lossy view of the same tables), and the
legacy back end's save commands. The saved rules are what each enabled
manager's boot service would load.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..outcomes import CheckError
from ..parsers.firewall_model import FAMILIES, HOOKS, Ruleset
from ..parsers.firewalld import zone_default_verdicts
from ..parsers.iptables import parse_iptables_save
from ..parsers.nftables import parse_nft_json
from ..parsers.shell import parse_shell_assignments
from ..parsers.ufw import ufw_default_verdicts
from .core import COMMAND_NOT_FOUND, HostContext, fact
from .services import enabled
from .system import require_root

NFTABLES_CONF = "/etc/nftables.conf"
IPTABLES_RULES = {"ip": "/etc/iptables/rules.v4", "ip6": "/etc/iptables/rules.v6"}
IPTABLES_TABLE_PREFIXES = ("ip filter ", "ip6 filter ")
FIREWALLD_CONF = "/etc/firewalld/firewalld.conf"


@dataclass(frozen=True)
class Manager:
    name: str
    boot_unit: str
    installed: bool
    enabled: bool


@dataclass(frozen=True)
class FirewallState:
    managers: tuple[Manager, ...]
    loaded: Ruleset

    @property
    def installed(self) -> list[str]:
        return [m.name for m in self.managers if m.installed]

    @property
    def enabled(self) -> list[Manager]:
        return [m for m in self.managers if m.enabled]


@fact
def nft_loaded(ctx: HostContext) -> Ruleset | None:
    """None when the nft tool is not installed."""
    require_root(ctx)
    out = ctx.run_argv(["nft", "-j", "list", "ruleset"], ok=(0, COMMAND_NOT_FOUND))
    if out.exit_status == COMMAND_NOT_FOUND:
        return None
    return parse_nft_json(out.stdout) if out.stdout.strip() else Ruleset()


@fact
def iptables_loaded(ctx: HostContext) -> Ruleset | None:
    """The iptables filter tables of the selected back end, plus any legacy ones; None without iptables."""
    require_root(ctx)
    version = ctx.run_argv(["iptables", "-V"], ok=(0, COMMAND_NOT_FOUND))
    if version.exit_status == COMMAND_NOT_FOUND:
        return None
    ruleset = Ruleset()
    source = "iptables-legacy" if "legacy" in version.stdout else "iptables"
    for family, command in (("ip", "iptables-save"), ("ip6", "ip6tables-save")):
        ruleset = ruleset.merged(parse_iptables_save(ctx.run_argv([command]).stdout, family, source))
    if source == "iptables":
        for family, command in (("ip", "iptables-legacy-save"), ("ip6", "ip6tables-legacy-save")):
            out = ctx.run_argv([command], ok=(0, COMMAND_NOT_FOUND))
            if out.exit_status == 0:
                ruleset = ruleset.merged(parse_iptables_save(out.stdout, family, "iptables-legacy"))
    return ruleset


@fact
def firewall_managers(ctx: HostContext) -> tuple[Manager, ...]:
    out = ctx.run(
        "for tool in nft iptables-restore ufw firewall-cmd; do command -v $tool >/dev/null && echo $tool; done; true"
    )
    tools = set(out.stdout.split())
    ufw_on = False
    if "ufw" in tools:
        conf = ctx.run_argv(["cat", "/etc/ufw/ufw.conf"], ok=(0, 1))
        ufw_on = parse_shell_assignments(conf.stdout).get("ENABLED", "").lower() == "yes"
    persistent = enabled(ctx, "netfilter-persistent.service")
    return (
        Manager("nftables", "nftables.service", "nft" in tools, enabled(ctx, "nftables.service")),
        Manager("iptables-persistent", "netfilter-persistent.service",
                "iptables-restore" in tools and (persistent or "netfilter-persistent.service" in ctx.value("unit_files")),
                persistent),
        Manager("ufw", "ufw.service", "ufw" in tools, ufw_on and enabled(ctx, "ufw.service")),
        Manager("firewalld", "firewalld.service", "firewall-cmd" in tools, enabled(ctx, "firewalld.service")),
    )


def _saved_nftables(ctx: HostContext) -> Ruleset:
    # Loading the saved ruleset into a throw-away network namespace shows exactly what
    # boot would load (includes, defines, flush) without touching the live ruleset.
    out = ctx.run_argv(["unshare", "--net", "sh", "-c", 'nft -f "$1" && nft -j list ruleset', "sh", NFTABLES_CONF])
    return parse_nft_json(out.stdout) if out.stdout.strip() else Ruleset()


def _saved_iptables(ctx: HostContext) -> Ruleset:
    ruleset = Ruleset()
    for family, path in IPTABLES_RULES.items():
        out = ctx.run_argv(["cat", path], ok=(0, 1))
        if out.exit_status == 0:
            ruleset = ruleset.merged(parse_iptables_save(out.stdout, family, "saved"))
    return ruleset


def _saved_ufw(ctx: HostContext) -> Ruleset:
    defaults = parse_shell_assignments(ctx.run_argv(["cat", "/etc/default/ufw"]).stdout)
    return ufw_default_verdicts(defaults)


def _saved_firewalld(ctx: HostContext) -> Ruleset:
    conf = parse_shell_assignments(ctx.run_argv(["cat", FIREWALLD_CONF]).stdout)
    zone = conf.get("DefaultZone") or "public"
    target = ctx.run_argv(["firewall-cmd", "--permanent", f"--zone={zone}", "--get-target"]).stdout.strip()
    return zone_default_verdicts(target)


SAVED_READERS = {
    "nftables": _saved_nftables,
    "iptables-persistent": _saved_iptables,
    "ufw": _saved_ufw,
    "firewalld": _saved_firewalld,
}


@fact
def firewall(ctx: HostContext) -> FirewallState:
    """The managers and the ruleset in force; on an image, the saved ruleset boot would load."""
    require_root(ctx)
    managers = ctx.value("firewall_managers")
    if ctx.offline:
        return FirewallState(managers, ctx.value("firewall_saved"))
    nft = ctx.value("nft_loaded")
    iptables = ctx.value("iptables_loaded")
    if nft is None and iptables is None and any(m.installed for m in managers):
        raise CheckError("a firewall manager is installed but neither nft nor iptables can read the loaded rules")
    loaded = Ruleset()
    if nft is not None:
        loaded = nft
        if iptables is not None and any(c.source == "iptables" for c in iptables.chains):
            # The iptables tables, read losslessly from iptables-save, replace nft's view of them.
            loaded = Ruleset(tuple(c for c in nft.chains if not c.name.startswith(IPTABLES_TABLE_PREFIXES)))
    if iptables is not None:
        loaded = loaded.merged(iptables)
    return FirewallState(managers, loaded)


@fact
def firewall_saved(ctx: HostContext) -> Ruleset:
    """What the enabled managers' boot services would load, merged."""
    require_root(ctx)
    saved = Ruleset()
    for manager in ctx.value("firewall_managers"):
        if manager.enabled:
            saved = saved.merged(SAVED_READERS[manager.name](ctx))
    return saved


def default_verdicts(ruleset: Ruleset) -> dict[tuple[str, str], str | None]:
    return {(family, hook): ruleset.default_verdict(family, hook) for family in FAMILIES for hook in HOOKS}


