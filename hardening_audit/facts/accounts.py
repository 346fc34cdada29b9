"""Accounts, their credentials and the policies that govern them: shadow-utils, PAM, sudo.

Password hashes are read (root only) to judge their scheme; evidence keeps
the scheme and never the hash (see redact).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..outcomes import CheckError, NotApplicable
from ..parsers.accounts import (
    GroupEntry,
    PasswdEntry,
    ShadowEntry,
    parse_group,
    parse_key_values,
    parse_login_defs,
    parse_passwd,
    parse_shadow,
    parse_shells,
)
from ..parsers.pam import PamLine, parse_pam
from ..parsers.listing import FIND_FORMAT, FileStat, parse_find_listing
from ..parsers.sudoers import Sudoers, parse_sudoers
from .core import HostContext, fact
from .files import read_files, stat_paths
from .system import require_root

SUDOERS = "/etc/sudoers"
PAM_FILES = ("common-auth", "common-account", "common-password", "common-session", "su")


@dataclass(frozen=True)
class AccountDatabase:
    passwd: list[PasswdEntry]
    shadow: dict[str, ShadowEntry]
    groups: list[GroupEntry]
    login_defs: dict[str, str]
    shells: frozenset[str]
    useradd_defaults: dict[str, str]

    @property
    def uid_min(self) -> int:
        return int(self.login_defs.get("UID_MIN", "1000"))

    def has_login_shell(self, entry: PasswdEntry) -> bool:
        return entry.shell in self.shells

    def password_users(self) -> list[ShadowEntry]:
        """Accounts a password can open: a usable hash, or an empty field."""
        return [s for s in self.shadow.values() if s.state in ("usable", "empty")]


@fact
def accounts(ctx: HostContext) -> AccountDatabase:
    require_root(ctx)
    files = dict(read_files(ctx, ["/etc/login.defs", "/etc/shells"]))
    if "/etc/login.defs" not in files:
        raise CheckError("/etc/login.defs is missing")
    return AccountDatabase(
        passwd=parse_passwd(ctx.run_argv(["getent", "passwd"]).stdout),
        shadow=parse_shadow(ctx.run_argv(["getent", "shadow"]).stdout),
        groups=parse_group(ctx.run_argv(["getent", "group"]).stdout),
        login_defs=parse_login_defs(files["/etc/login.defs"]),
        shells=parse_shells(files.get("/etc/shells", "")),
        useradd_defaults=parse_key_values(ctx.run_argv(["useradd", "-D"]).stdout),
    )


@fact
def pam(ctx: HostContext) -> dict[str, list[PamLine]]:
    """The PAM files of Debian's common stacks and su, by file name."""
    files = read_files(ctx, [f"/etc/pam.d/{name}" for name in PAM_FILES])
    parsed = {path.rsplit("/", 1)[-1]: parse_pam(text) for path, text in files}
    if "common-password" not in parsed:
        raise CheckError("/etc/pam.d/common-password is missing: this PAM layout is not supported")
    return parsed


@fact
def pwquality_settings(ctx: HostContext) -> dict[str, str]:
    """pwquality.conf, then pwquality.conf.d/*.conf in name order: later settings win."""
    out = ctx.run("cat /etc/security/pwquality.conf /etc/security/pwquality.conf.d/*.conf 2>/dev/null; true")
    return parse_key_values(out.stdout)


@fact
def faillock_settings(ctx: HostContext) -> dict[str, str]:
    out = ctx.run_argv(["cat", "/etc/security/faillock.conf"], ok=(0, 1))
    return parse_key_values(out.stdout)


@dataclass(frozen=True)
class SudoConfiguration:
    sudoers: Sudoers
    files: list[FileStat]


@fact
def sudo_configuration(ctx: HostContext) -> SudoConfiguration:
    """/etc/sudoers and the files its include directives name, as sudo reads them."""
    require_root(ctx)
    main = read_files(ctx, [SUDOERS])
    if not main:
        installed = ctx.run("command -v sudo || true").stdout.strip()
        if not installed:
            raise NotApplicable("sudo is not installed")
        raise CheckError(f"sudo is installed but {SUDOERS} is missing")
    sudoers = parse_sudoers(main)
    included: list[str] = []
    for kind, path in sudoers.includes:
        if kind == "file":
            included.append(path)
            continue
        listing = ctx.run_argv(["find", path, "-mindepth", "1", "-maxdepth", "1", "-type", "f", "-printf", "%f\\n"],
                               ok=(0, 1))
        # sudo skips names containing "." or ending in "~" (editor backups, package leftovers).
        names = sorted(n for n in listing.stdout.split() if "." not in n and not n.endswith("~"))
        included.extend(f"{path.rstrip('/')}/{name}" for name in names)
    if included:
        parse_sudoers(read_files(ctx, included), into=sudoers)
    stats = ctx.run_argv(["find", SUDOERS, *included, "-maxdepth", "0", "-printf", FIND_FORMAT])
    return SudoConfiguration(sudoers, parse_find_listing(stats.stdout))


@dataclass(frozen=True)
class Homes:
    directories: dict[str, FileStat | None]  # account name -> its home (None: missing)
    dotfiles: list[str]


@fact
def home_directories(ctx: HostContext) -> Homes:
    """Homes of the accounts with a login shell, and trust/credential dotfiles in them."""
    db: AccountDatabase = ctx.value("accounts")
    owners = {e.home: e.name for e in db.passwd if db.has_login_shell(e) and e.home.startswith("/")}
    if not owners:
        return Homes({}, [])
    homes = sorted(owners)
    found = {s.path: s for s in stat_paths(ctx, homes)}
    dotfiles = ctx.run_argv(["find", *homes, "-maxdepth", "1", "(", "-name", ".rhosts", "-o", "-name", ".netrc",
                             "-o", "-name", ".forward", ")", "-printf", "%p\\n"], ok=(0, 1))
    return Homes({owners[h]: found.get(h) for h in homes}, dotfiles.stdout.split())


@fact
def umask_settings(ctx: HostContext) -> list[tuple[str, str]]:
    """(file, umask) of every default umask the login files set: login.defs UMASK and umask commands."""
    out = ctx.run("grep -H -E '^[[:space:]]*(UMASK|umask)[[:space:]]' /etc/login.defs /etc/profile "
                  "/etc/bash.bashrc /etc/profile.d/*.sh 2>/dev/null; true")
    settings = []
    for line in out.stdout.splitlines():
        path, _, statement = line.partition(":")
        words = statement.split()
        if len(words) >= 2 and words[1].isdigit():
            settings.append((path, words[1]))
    return settings
