"""Kernel parameters: the values the kernel applies, and the persisted configuration."""

from __future__ import annotations

from dataclasses import dataclass

from ..kernel_params import PARAMS
from ..parsers.sysctl import SYSCTL_CONF, SYSCTL_DIRS, parse_sysctl, persisted_settings
from ..parsers.shell import parse_shell_assignments
from .core import HostContext, fact
from .files import expand_globs, read_files
from .packages import installed
from .services import enabled

# Every parameter the controls name, and every interface's copy of the per-interface ones.
_NAMES = sorted({p.key.rsplit(".", 1)[1] if p.combine else p.key for p in PARAMS})
RUNTIME_PATTERN = "^(" + "|".join(
    [rf"net\.ipv[46]\.conf\.[^.]+\.{name}" for name in _NAMES if "." not in name]
    + [name.replace(".", r"\.") for name in _NAMES if "." in name]
) + ")$"


@fact
def sysctl_runtime(ctx: HostContext) -> dict[str, str] | None:
    """The values the running kernel applies; None on an image, where only the persisted ones exist."""
    if ctx.offline:
        return None
    out = ctx.run_argv(["sysctl", "-a", "--pattern", RUNTIME_PATTERN], ok=(0, 255))
    return parse_sysctl(out.stdout)


@fact
def sysctl_persisted(ctx: HostContext) -> list[tuple[str, str, str]]:
    """(key, value, file) assignments of the persisted configuration, in the order they apply."""
    candidates = expand_globs(ctx, [*(f"{directory}/*.conf" for directory in SYSCTL_DIRS), SYSCTL_CONF])
    return persisted_settings(read_files(ctx, candidates)) if candidates else []


UNNEEDED_MODULES = ("cramfs", "freevxfs", "hfs", "hfsplus", "jffs2", "udf", "dccp", "sctp", "rds", "tipc")
MODPROBE_DIRS = ("/usr/lib/modprobe.d", "/lib/modprobe.d", "/run/modprobe.d", "/etc/modprobe.d")


@fact
def module_files(ctx: HostContext) -> dict[str, list[str]]:
    """For each unneeded module, the files that provide it in any installed kernel's module tree."""
    names = [arg for module in UNNEEDED_MODULES for arg in ("-o", "-name", f"{module}.ko*")][1:]
    out = ctx.run_argv(["sh", "-c", '[ -d /lib/modules ] || exit 0; find /lib/modules "(" "$@" ")" -print', "sh",
                        *names])
    found: dict[str, list[str]] = {module: [] for module in UNNEEDED_MODULES}
    for path in out.stdout.split():
        module = path.rsplit("/", 1)[-1].split(".ko", 1)[0]
        if module in found:
            found[module].append(path)
    return found


@fact
def modprobe_install_commands(ctx: HostContext) -> dict[str, str]:
    """module -> the command of its last `install` line in modprobe.d (same name: later directory wins)."""
    listing = expand_globs(ctx, [f"{directory}/*.conf" for directory in MODPROBE_DIRS])
    chosen: dict[str, str] = {}
    for directory in MODPROBE_DIRS:
        for path in listing:
            if path.rsplit("/", 1)[0] == directory:
                chosen[path.rsplit("/", 1)[1]] = path
    commands = {}
    for _, text in read_files(ctx, [chosen[name] for name in sorted(chosen)]):
        for line in text.splitlines():
            words = line.split()
            if len(words) >= 3 and words[0] == "install":
                commands[words[1].replace("-", "_")] = " ".join(words[2:])
    return commands


@dataclass(frozen=True)
class MandatoryAccessControl:
    name: str | None  # apparmor, selinux, or None when neither is enabled
    enforcing: bool | None  # None when the profiles cannot be read
    detail: str


@fact
def mandatory_access_control(ctx: HostContext) -> MandatoryAccessControl:
    """AppArmor or SELinux as the running kernel applies it; on an image, as the image would boot."""
    if ctx.offline:
        return _mandatory_access_control_configured(ctx)
    out = ctx.run(
        "echo apparmor=$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null);"
        " echo selinux=$(cat /sys/fs/selinux/enforce 2>/dev/null);"
        " echo enforce_profiles=$(grep -c '(enforce)' /sys/kernel/security/apparmor/profiles 2>/dev/null"
        " || echo unreadable)"
    )
    values = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    if values.get("selinux") == "1":
        return MandatoryAccessControl("selinux", True, "SELinux enforcing")
    if values.get("apparmor") == "Y":
        profiles = values.get("enforce_profiles", "unreadable")
        if not profiles.isdigit():
            return MandatoryAccessControl("apparmor", None, "AppArmor enabled, profiles unreadable")
        return MandatoryAccessControl("apparmor", int(profiles) > 0, f"AppArmor enabled, {profiles} profiles enforcing")
    if values.get("selinux") == "0":
        return MandatoryAccessControl("selinux", False, "SELinux permissive")
    return MandatoryAccessControl(None, False, "neither AppArmor nor SELinux is enabled in the running kernel")


def _mandatory_access_control_configured(ctx: HostContext) -> MandatoryAccessControl:
    """SELinux configured to enforce, or AppArmor installed, enabled and not switched off on the kernel command line."""
    out = ctx.run_argv(["sh", "-c", MAC_CONFIGURATION])
    values = parse_shell_assignments(out.stdout)
    cmdline = " ".join(value for key, value in values.items() if key.startswith("GRUB_CMDLINE_LINUX")).split()
    if values.get("SELINUX") == "enforcing" and "selinux=0" not in cmdline:
        return MandatoryAccessControl("selinux", True, "SELinux configured to enforce (/etc/selinux/config)")
    if installed(ctx, "apparmor"):
        if "apparmor=0" in cmdline or any(word.startswith("security=") and word != "security=apparmor"
                                          for word in cmdline):
            return MandatoryAccessControl("apparmor", False, "AppArmor switched off on the kernel command line")
        if not enabled(ctx, "apparmor.service"):
            return MandatoryAccessControl("apparmor", False, "apparmor.service not enabled: no profile is loaded")
        return MandatoryAccessControl("apparmor", True, "AppArmor installed, apparmor.service enabled")
    return MandatoryAccessControl(None, False, "neither AppArmor installed nor SELinux configured to enforce")


# The boot configuration as the image carries it: SELinux's mode and the kernel command line GRUB passes.
MAC_CONFIGURATION = (
    "cat /etc/selinux/config 2>/dev/null; cat /etc/default/grub /etc/default/grub.d/*.cfg 2>/dev/null; true"
)
