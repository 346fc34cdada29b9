"""Parse the account databases and their policy files: passwd, shadow, group, login.defs, /etc/shells."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Modular crypt format prefixes; a 13-character field of [./0-9A-Za-z] is traditional DES.
HASH_SCHEMES = {"$y$": "yescrypt", "$gy$": "gost-yescrypt", "$7$": "scrypt", "$6$": "sha512", "$5$": "sha256",
                "$2b$": "bcrypt", "$2a$": "bcrypt", "$2y$": "bcrypt", "$1$": "md5", "$sha1$": "sha1", "$md5": "sunmd5"}


@dataclass(frozen=True)
class PasswdEntry:
    name: str
    uid: int
    gid: int
    home: str
    shell: str


@dataclass(frozen=True)
class ShadowEntry:
    name: str
    password: str
    min_days: int | None
    max_days: int | None
    warn_days: int | None
    inactive_days: int | None

    @property
    def state(self) -> str:
        """empty, locked (``!``/``*`` prefix or no hash) or usable."""
        return password_state(self.password)

    @property
    def scheme(self) -> str | None:
        """The hashing scheme of the stored hash, locked ones included; None without a hash."""
        return hash_scheme(self.password)


@dataclass(frozen=True)
class GroupEntry:
    name: str
    gid: int
    members: tuple[str, ...]


def password_state(field: str) -> str:
    if field == "":
        return "empty"
    if field.startswith(("!", "*")):
        return "locked"
    return "usable"


def hash_scheme(field: str) -> str | None:
    stored = field.lstrip("!")
    for prefix, scheme in HASH_SCHEMES.items():
        if stored.startswith(prefix):
            return scheme
    if re.fullmatch(r"[./0-9A-Za-z]{13}", stored):
        return "des"
    return None


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def parse_passwd(text: str) -> list[PasswdEntry]:
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split(":")
        if len(fields) != 7:
            raise ValueError(f"passwd line with {len(fields)} fields: {fields[0]!r}")
        entries.append(PasswdEntry(fields[0], int(fields[2]), int(fields[3]), fields[5], fields[6]))
    return entries


def parse_shadow(text: str) -> dict[str, ShadowEntry]:
    entries = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split(":")
        if len(fields) != 9:
            raise ValueError(f"shadow line with {len(fields)} fields: {fields[0]!r}")
        entries[fields[0]] = ShadowEntry(fields[0], fields[1], _optional_int(fields[3]), _optional_int(fields[4]),
                                         _optional_int(fields[5]), _optional_int(fields[6]))
    return entries


def parse_group(text: str) -> list[GroupEntry]:
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        fields = line.split(":")
        if len(fields) != 4:
            raise ValueError(f"group line with {len(fields)} fields: {fields[0]!r}")
        entries.append(GroupEntry(fields[0], int(fields[2]), tuple(m for m in fields[3].split(",") if m)))
    return entries


def parse_login_defs(text: str) -> dict[str, str]:
    """KEY value lines; the last occurrence of a key wins, as shadow-utils reads it."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        if not value:
            key, _, value = line.partition("\t")
        values[key] = value.strip().strip('"')
    return values


def parse_shells(text: str) -> frozenset[str]:
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def parse_key_values(text: str) -> dict[str, str]:
    """``key = value`` and ``KEY=value`` lines (pwquality.conf, faillock.conf, useradd -D); later wins.

    A bare key (``enforce_for_root``) maps to "".
    """
    values = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        values[key.strip()] = value.strip() if sep else ""
    return values
