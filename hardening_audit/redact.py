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
# Secrets in KEY=value assignments (environment files, unit Environment= lines).
_SECRET_ASSIGNMENT = re.compile(r"\b([A-Z0-9_]*(?:PASSWORD|PASSPHRASE|SECRET|TOKEN|ACCESS_KEY)[A-Z0-9_]*)=(?!<redacted>)(\S+)")
# Credentials inside URLs: scheme://user:password@host
_URL_CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)([^@\s]+)(@)")
# The password field of a shadow or gshadow line: name:FIELD:...
_SHADOW_LINE = re.compile(
    r"^([a-z_][a-z0-9_.-]*\$?:)(!*)([^:!*\n][^:\n]*)"
    r"(:\d*(?::\d*){5}:[^:\n]*|:[a-z0-9_,.-]*:[a-z0-9_,.-]*)$",  # shadow's 7 fields, or gshadow's 2
    re.MULTILINE,
)


def redact(text: str) -> str:
    # Each pattern needs its marker in the text: most command output has none of them, and every
    # command's output passes here.
    if "PRIVATE KEY-----" in text:
        text = _PRIVATE_KEY_BLOCK.sub(lambda m: f"{m.group(1)}\n{REDACTED}\n{m.group(4)}".rstrip("\n"), text)
    if "$" in text:
        text = _CRYPT_HASH.sub(lambda m: m.group(1) + REDACTED, text)
    if "=" in text:
        text = _SECRET_ASSIGNMENT.sub(lambda m: _keep_file_reference(m), text)
    if "://" in text:
        text = _URL_CREDENTIALS.sub(lambda m: m.group(1) + REDACTED + m.group(3), text)
    if ":" in text:
        text = _SHADOW_LINE.sub(_redact_shadow_field, text)
    return text


def _keep_file_reference(match: re.Match) -> str:
    """RESTIC_PASSWORD_FILE=/etc/restic/pw names a file, not a secret: keep it."""
    key, value = match.groups()
    if key.endswith(("_FILE", "_COMMAND", "PASSCOMMAND")) or value.startswith("/"):
        return match.group(0)
    return f"{key}={REDACTED}"


def _redact_shadow_field(match: re.Match) -> str:
    name, lock, secret, rest = match.groups()
    if secret.endswith(REDACTED):
        return match.group(0)
    return f"{name}{lock}{REDACTED}{rest}"
