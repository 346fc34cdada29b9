"""Parse OpenSSH server output: ``sshd -T`` and ``ssh-keygen -l``."""

from __future__ import annotations

from dataclasses import dataclass

# sshd -T prints one line per value for these keywords (e.g. one "hostkey" line per key).
_MULTI_VALUED = {
    "hostkey", "listenaddress", "port", "acceptenv", "subsystem", "setenv",
    "allowusers", "allowgroups", "denyusers", "denygroups", "permitopen",
    "permitlisten", "authorizedkeysfile", "channeltimeout",
}


@dataclass(frozen=True)
class SshdConfig:
    """The effective sshd configuration: lower-case keyword to its values, in order."""

    options: dict[str, tuple[str, ...]]

    def get(self, keyword: str) -> str | None:
        values = self.options.get(keyword.lower())
        return values[0] if values else None

    def values(self, keyword: str) -> tuple[str, ...]:
        """Every value of a keyword; a line holding several words yields each word."""
        words: list[str] = []
        for value in self.options.get(keyword.lower(), ()):
            words.extend(value.split())
        return tuple(words)

    def algorithms(self, keyword: str) -> tuple[str, ...]:
        """A comma-separated algorithm list (Ciphers, MACs, KexAlgorithms)."""
        value = self.get(keyword) or ""
        return tuple(a for a in value.split(",") if a)


def parse_sshd_t(text: str) -> SshdConfig:
    options: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        keyword, _, value = line.partition(" ")
        keyword = keyword.lower()
        if keyword in options and keyword not in _MULTI_VALUED:
            raise ValueError(f"sshd -T printed {keyword!r} twice")
        options.setdefault(keyword, []).append(value.strip())
    if "permitrootlogin" not in options or "passwordauthentication" not in options:
        raise ValueError("sshd -T output lacks permitrootlogin/passwordauthentication")
    # OpenSSH before 8.7 names keyboard-interactive authentication ChallengeResponseAuthentication.
    if "kbdinteractiveauthentication" not in options and "challengeresponseauthentication" in options:
        options["kbdinteractiveauthentication"] = options["challengeresponseauthentication"]
    return SshdConfig({k: tuple(v) for k, v in options.items()})


@dataclass(frozen=True)
class HostKey:
    path: str
    bits: int | None
    type: str | None  # RSA, ECDSA, ED25519, DSA; None when the file could not be read

    @property
    def readable(self) -> bool:
        return self.type is not None


def parse_keygen_fingerprints(text: str, paths: list[str]) -> list[HostKey]:
    """Output of ``ssh-keygen -l -f`` for each path in turn, ``unreadable`` marking a failure.

    A fingerprint line reads: ``3072 SHA256:... comment (RSA)``.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != len(paths):
        raise ValueError(f"expected {len(paths)} fingerprint lines, got {len(lines)}")
    keys = []
    for path, line in zip(paths, lines):
        if line.startswith("unreadable"):
            keys.append(HostKey(path, None, None))
            continue
        bits, _, rest = line.partition(" ")
        key_type = rest.rsplit("(", 1)[-1].rstrip(")") if rest.endswith(")") else None
        keys.append(HostKey(path, int(bits), key_type))
    return keys
