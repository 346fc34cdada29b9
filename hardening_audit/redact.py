"""Remove secrets from evidence before it reaches any report.

Password hashes keep their scheme (auditors need to see "$6$" vs "$1$") and
lose everything after it; private key blocks keep their armour lines only.
"""

import re

REDACTED = "<redacted>"

_PRIVATE_KEY_BLOCK = re.compile(
    r"(-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----)(.*?)(-----END \2PRIVATE KEY-----|\Z)",
    re.DOTALL,
)
# Modular crypt format: $id$[params$]salt$hash, plus yescrypt's and bcrypt's ids.
_CRYPT_HASH = re.compile(r"(?<![\w$])(\$(?:1|2[abxy]?|5|6|7|y|gy|sha1|md5|argon2(?:id|i|d)?)\$)[^\s:,'\"]+")
# The password field of a shadow or gshadow line: name:FIELD:...
_SHADOW_LINE = re.compile(r"^([a-z_][a-z0-9_.-]*\$?:)(!*)([^:!*\n][^:\n]*)(:(?:[^:\n]*:){2,7}[^:\n]*)$", re.MULTILINE)


def redact(text: str) -> str:
    text = _PRIVATE_KEY_BLOCK.sub(lambda m: f"{m.group(1)}\n{REDACTED}\n{m.group(4)}".rstrip("\n"), text)
    text = _CRYPT_HASH.sub(lambda m: m.group(1) + REDACTED, text)
    return _SHADOW_LINE.sub(_redact_shadow_field, text)


def _redact_shadow_field(match: re.Match) -> str:
    name, lock, secret, rest = match.groups()
    if secret.endswith(REDACTED):
        return match.group(0)
    return f"{name}{lock}{REDACTED}{rest}"
