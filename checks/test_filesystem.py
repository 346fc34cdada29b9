"""Filesystem: sensitive files are protected.

FS-02..04 share one pass of find over every local filesystem (pseudo and
network filesystems are left out); mounts come from findmnt.
"""

from hardening_audit.controls import control
from hardening_audit.judge import describe, excess_permissions, listed
from hardening_audit.outcomes import NotApplicable

SECRET_FILES = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-")
TMP_OPTIONS = ("nodev", "nosuid", "noexec")


@control(
    "FS-01", title="Account database files are protected", severity="high", level=1,
    cis=["7.1.x"], ssg=["file_permissions_etc_shadow"],
    remediation="chown root:root /etc/passwd* /etc/group*; chmod 0644 them; chown root:shadow /etc/shadow* "
    "/etc/gshadow*; chmod 0640 them.",
)
def test_fs_01_account_files(facts):
    """Whoever writes passwd or group can make themselves root; whoever reads
    shadow can crack the hashes offline. passwd and group (and their "-"
    backups): 0644 root:root or stricter; shadow and gshadow: 0640
    root:shadow (or root:root) or stricter."""
    found = []
    for stat in facts.account_file_stats:
        secret = stat.path in SECRET_FILES
        allowed_groups = ("root", "shadow") if secret else ("root",)
        if stat.owner != "root" or stat.group not in allowed_groups or excess_permissions(stat, 0o640 if secret else 0o644):
            found.append(describe(stat))
    assert not found, f"expected passwd/group 0644 root:root and shadow/gshadow 0640 root:shadow, found {'; '.join(found)}"


@control(
    "FS-02", title="No world-writable files; world-writable directories are sticky", severity="medium", level=1,
    cis=["7.1.11"],
    remediation="chmod o-w the files listed; chmod +t the directories listed (or o-w where nobody else needs them).",
)
def test_fs_02_world_writable(facts):
    """A world-writable file can be changed by every local user, including a
    compromised service account; a world-writable directory without the
    sticky bit lets anyone delete or replace others' files in it."""
    scan = facts.filesystem_scan
    found = ([f"file {p}" for p in scan.world_writable_files]
             + [f"directory {p} without sticky bit" for p in scan.open_directories])
    assert not found, f"expected none world-writable, found {listed(found)}"


@control(
    "FS-03", title="No files without a known owner or group", severity="low", level=1,
    cis=["7.1.12"],
    remediation="chown the files to a known user and group (or remove them); they often come from removed "
    "accounts or unpacked archives.",
)
def test_fs_03_unowned(facts):
    """A file whose owner no longer exists is adopted by whoever next gets
    that UID."""
    unowned = facts.filesystem_scan.unowned
    assert not unowned, f"expected every file owned by a known user and group, found {listed(unowned)}"


@control(
    "FS-04", title="Set-UID/set-GID programs are all approved", severity="medium", level=1,
    remediation="chmod u-s,g-s the programs listed, or approve them in filesystem.suid_allowed after review.",
)
def test_fs_04_setid(facts, baseline):
    """Every set-UID or set-GID program runs with another identity's
    privileges and is a ladder for privilege escalation; an unexpected one is
    often a planted backdoor. Regular files only, on local filesystems."""
    allowed = set(baseline.filesystem.suid_allowed)
    extra = [f"{path} ({mode})" for path, mode in facts.filesystem_scan.setid if path not in allowed]
    assert not extra, f"expected only filesystem.suid_allowed set-UID/GID programs, found also {listed(extra)}"


def _mount_problems(mounts, wanted):
    """(path, options) pairs, each a separate mount with at least those options."""
    by_target = {m.target: m for m in mounts}
    problems = []
    for path, options in wanted:
        mount = by_target.get(path)
        if mount is None:
            problems.append(f"{path} is not a separate mount")
            continue
        missing = [o for o in options if o not in mount.options]
        if missing:
            problems.append(f"{path} ({mount.fstype}) lacks {','.join(missing)}")
    return problems


@control(
    "FS-05", title="/tmp and /dev/shm are separate mounts with nodev, nosuid, noexec", severity="medium", level=1,
    cis=["1.1.2.x"],
    remediation="Mount them as tmpfs with the options, e.g. in /etc/fstab: "
    "`tmpfs /tmp tmpfs nodev,nosuid,noexec,mode=1777 0 0` (and the same for /dev/shm).",
)
def test_fs_05_temporary_mounts(facts):
    """Every user can write to /tmp and /dev/shm: without these options an
    attacker can drop and run a binary there, or plant a set-UID program or a
    device node."""
    problems = _mount_problems(facts.mounts, [("/tmp", TMP_OPTIONS), ("/dev/shm", TMP_OPTIONS)])
    assert not problems, f"expected /tmp and /dev/shm mounted nodev,nosuid,noexec, found {'; '.join(problems)}"


@control(
    "FS-06", title="/home, /var/tmp and /var/log are separate mounts with the required options", severity="low",
    level=2, cis=["1.1.2.x"],
    remediation="Give each its own filesystem (or a bind mount) with the options of filesystem.mount_options "
    "in /etc/fstab.",
)
def test_fs_06_data_mounts(facts, baseline):
    """Separate filesystems keep a full log or home partition from filling
    the root filesystem, and their options stop device files, set-UID
    programs and (for /var/tmp and /var/log) executables there."""
    wanted = [(path, options) for path, options in baseline.filesystem.mount_options.as_dict().items()]
    if not wanted:
        raise NotApplicable("baseline lists no filesystem.mount_options")
    problems = _mount_problems(facts.mounts, wanted)
    assert not problems, f"expected the mounts of filesystem.mount_options, found {'; '.join(problems)}"


@control(
    "FS-07", title="Bootloader configuration is readable by root only", severity="low", level=1,
    cis=["1.4.x"],
    remediation="chown root:root /boot/grub/grub.cfg; chmod 0600 /boot/grub/grub.cfg (and user.cfg).",
)
def test_fs_07_bootloader(facts):
    """The bootloader configuration reveals kernel parameters and, where one
    is set, the boot password hash."""
    files = facts.bootloader_files
    if not files:
        raise NotApplicable("no GRUB configuration on this host (/boot/grub*/grub.cfg absent)")
    found = [describe(s) for s in files if s.owner != "root" or excess_permissions(s, 0o600)]
    assert not found, f"expected 0600 root-owned, found {'; '.join(found)}"
