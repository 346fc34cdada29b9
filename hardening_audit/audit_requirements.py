"""The events CIS Debian Linux 12 v1.1.0 (6.2.3.x) wants the audit rules to record, and what rules miss.

Groups, as the baseline names them (``logging.audit_watch``):

- identity (6.2.3.8): writes and attribute changes of the account databases, opasswd, and of the
  NSS and PAM configuration (nsswitch.conf, pam.conf, pam.d), which the same recommendation lists;
- sudoers (6.2.3.1): /etc/sudoers and /etc/sudoers.d;
- time (6.2.3.4): adjtimex, settimeofday and clock_settime, and /etc/localtime;
- logins (6.2.3.11 session and 6.2.3.12 login/logout): lastlog, faillock, utmp, wtmp, btmp;
- modules (6.2.3.19): init_module, finit_module, delete_module, and running /usr/bin/kmod.
  create_module and query_module, which some CIS editions add, are not required: Linux has not
  implemented them since 2.6, so a rule for them records nothing;
- permissions (6.2.3.9): the chmod, chown and xattr families.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .parsers.audit import AuditRule

# The ABI of a syscall rule without -F arch: auditctl uses the machine's own, 64-bit on amd64/arm64.
NATIVE_ARCH = "b64"
_ARCH_NAMES = {"b64": "b64", "x86_64": "b64", "aarch64": "b64", "ppc64le": "b64", "s390x": "b64",
               "b32": "b32", "i386": "b32", "i686": "b32", "armv7l": "b32", "arm": "b32"}
# Directories that are the same directory on Debian 12 (/var/run -> /run; merged /usr).
_ALIASES = (("/var/run/", "/run/"), ("/var/lock/", "/run/lock/"), ("/bin/", "/usr/bin/"),
            ("/sbin/", "/usr/sbin/"), ("/lib/", "/usr/lib/"))


@dataclass(frozen=True)
class Watch:
    path: str
    perms: str    # every letter must be in the rule's permissions

    def describe(self) -> str:
        return f"watch of {self.path} ({self.perms})"


@dataclass(frozen=True)
class Syscall:
    name: str

    def describe(self) -> str:
        return f"syscall {self.name}"


def _watches(perms: str, *paths: str) -> tuple[Watch, ...]:
    return tuple(Watch(path, perms) for path in paths)


def _syscalls(*names: str) -> tuple[Syscall, ...]:
    return tuple(Syscall(name) for name in names)


REQUIREMENTS: dict[str, tuple[Watch | Syscall, ...]] = {
    "identity": _watches("wa", "/etc/group", "/etc/passwd", "/etc/gshadow", "/etc/shadow",
                         "/etc/security/opasswd", "/etc/nsswitch.conf", "/etc/pam.conf", "/etc/pam.d"),
    "sudoers": _watches("wa", "/etc/sudoers", "/etc/sudoers.d"),
    "time": _syscalls("adjtimex", "settimeofday", "clock_settime") + _watches("wa", "/etc/localtime"),
    "logins": _watches("wa", "/var/log/lastlog", "/var/run/faillock",
                       "/var/run/utmp", "/var/log/wtmp", "/var/log/btmp"),
    "modules": _syscalls("init_module", "finit_module", "delete_module") + _watches("x", "/usr/bin/kmod"),
    "permissions": _syscalls("chmod", "fchmod", "fchmodat", "chown", "fchown", "fchownat", "lchown",
                             "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr",
                             "fremovexattr"),
}


def _canonical(path: str) -> str:
    path = posixpath.normpath(path)
    for alias, real in _ALIASES:
        if (path + "/").startswith(alias):
            return posixpath.normpath(real + path[len(alias):])
    return path


def _records_all_outcomes(rule: AuditRule) -> bool:
    # a rule limited to failed or successful calls does not record every change
    return rule.action == "always" and rule.list_name == "exit" and \
        not any(name in ("success", "exit") for name, _, _ in rule.filters)


def _covers_watch(rule: AuditRule, watch: Watch) -> bool:
    if rule.kind != "watch" or not _records_all_outcomes(rule) or not set(watch.perms) <= set(rule.perms):
        return False
    wanted = _canonical(watch.path)
    for path in rule.paths:
        watched = _canonical(path)
        # -w and -F dir= on a directory watch the whole tree; -F path= only that inode
        if wanted == watched or (path not in rule.path_fields and wanted.startswith(watched.rstrip("/") + "/")):
            return True
    return False


def _arch(rule: AuditRule) -> str:
    return _ARCH_NAMES.get(rule.fields.get("arch", NATIVE_ARCH), rule.fields.get("arch", ""))


def _covers_syscall(rule: AuditRule, syscall: Syscall, arch: str) -> bool:
    return (rule.kind == "syscall" and not rule.paths and _records_all_outcomes(rule) and _arch(rule) == arch
            and (syscall.name in rule.syscalls or "all" in rule.syscalls))


def missing_requirements(rules: list[AuditRule], groups: list[str],
                         arches: tuple[str, ...] = (NATIVE_ARCH,)) -> list[str]:
    """What no rule records, for each requested group, as "watch of /etc/shadow (wa)" / "syscall adjtimex".

    A watch may be ``-w PATH -p PERMS`` or ``-a always,exit -F path=PATH -F perm=PERMS`` (a watch
    of a parent directory with -w or -F dir= covers it); the permission letters must include the
    required ones. A syscall needs an ``always,exit`` rule for each ABI in arches; the default is
    64-bit only (b32 rules are then neither required nor harmful): pass ("b64", "b32") to also
    require the 32-bit rules CIS writes for kernels that run 32-bit programs. Rules narrowed by
    other fields (auid>=1000 as CIS writes them, a0=) count; rules limited by success= or exit= do
    not. ``-a never`` rules are not weighed.
    """
    missing = []
    for group in groups:
        if group not in REQUIREMENTS:
            raise ValueError(f"unknown audit group {group!r}; known: {', '.join(REQUIREMENTS)}")
        for requirement in REQUIREMENTS[group]:
            if isinstance(requirement, Watch):
                if not any(_covers_watch(rule, requirement) for rule in rules):
                    missing.append(requirement.describe())
                continue
            for arch in arches:
                if not any(_covers_syscall(rule, requirement, arch) for rule in rules):
                    missing.append(requirement.describe() + (f" ({arch})" if len(arches) > 1 else ""))
    return missing
