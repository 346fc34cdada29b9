"""APT's effective configuration as ``apt-config dump`` prints it, read the way APT and its tools read it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# apt's StringToBool (apt-pkg/contrib/strutl.cc), compared case-insensitively.
_FALSE_WORDS = {"no", "false", "without", "off", "disable"}
_TRUE_WORDS = {"yes", "true", "with", "on", "enable"}
# Text that strtol(text, &end, 0) consumes whole: leading white space, a sign, then hex, octal or decimal.
_C_INTEGER = re.compile(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")
# A "%xx" escape: the dump quotes '%', '=', '"', newlines, spaces and non-ASCII bytes in keys.
_ESCAPE = re.compile(rb"%([0-9a-fA-F]{2})")


def apt_bool(text: str) -> bool | None:
    """How APT reads a boolean: "1/yes/true/with/on/enable" or "0/no/false/without/off/disable".

    None where APT falls back to the caller's default: an empty or unrecognised value.
    """
    if text == "":
        return None
    number = _c_integer(text)
    if number in (0, 1):
        return number == 1
    lowered = text.lower()
    if lowered in _FALSE_WORDS:
        return False
    if lowered in _TRUE_WORDS:
        return True
    return None


def _c_integer(text: str) -> int | None:
    match = _C_INTEGER.fullmatch(text)
    if not match:
        return None
    digits = match[2]
    base = 16 if digits[:2].lower() == "0x" else 8 if digits.startswith("0") else 10
    number = int(digits, base)
    return -number if match[1] == "-" else number


def _unescape_key(key: str) -> str:
    return _ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), key.encode()).decode(errors="replace")


@dataclass(frozen=True)
class AptConfig:
    """(key, value) pairs in dump order; a list entry's key ends in ``::`` (an anonymous child)."""

    entries: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        """The value of a key, matched case-insensitively as APT looks keys up; None when unset."""
        wanted = key.lower()
        found = None
        for name, value in self.entries:
            if name.lower() == wanted:
                found = value
        return found

    def values(self, key: str) -> list[str]:
        """The values of the key's direct children, as python-apt's ``value_list`` (which
        unattended-upgrades uses) returns them: list entries (``key::``) and named children alike."""
        prefix = key.lower() + "::"
        return [value for name, value in self.entries
                if name.lower().startswith(prefix) and "::" not in name[len(prefix):]]

    def flag(self, key: str) -> bool | None:
        """The key read as an APT boolean; None when unset, empty or not a boolean APT recognises."""
        value = self.get(key)
        return None if value is None else apt_bool(value)

    def periodic_days(self, key: str) -> int | None:
        """An ``APT::Periodic`` interval in whole days ("7" or "7d"), 0 meaning never.

        None when unset or written another way apt.systemd.daily accepts ("always", "12h", "30m", "10s").
        """
        value = self.get(key)
        match = re.fullmatch(r"(\d+)d?", value or "")
        return int(match[1]) if match else None

    def periodic_active(self, key: str) -> bool | None:
        """Whether apt.systemd.daily acts on this ``APT::Periodic`` interval.

        The script defaults an unset interval to 0 and treats only the exact text "0" as never; any
        other value ("always", "1", "00", "12h") makes it run. None for an empty value, on which the
        script's shell tests fail.
        """
        value = self.get(key)
        if value is None:
            return False
        if value == "":
            return None
        return value != "0"

    def periodic_enabled(self) -> bool:
        """``APT::Periodic::Enable``: apt.systemd.daily exits early only when it is an integer equal to 0."""
        value = (self.get("APT::Periodic::Enable") or "").strip()
        return not (re.fullmatch(r"[+-]?\d+", value) and int(value) == 0)


def parse_apt_config_dump(text: str) -> AptConfig:
    """``apt-config dump``: one ``Key "value";`` line per item, the key %-escaped, the value raw."""
    entries = []
    pending = ""
    for line in text.splitlines():
        if pending:
            # a value holding a newline continues on the next line(s)
            line = pending + "\n" + line
            pending = ""
        key, sep, rest = line.partition(' "')
        if not sep:
            continue
        if not rest.endswith('";'):
            pending = line
            continue
        entries.append((_unescape_key(key), rest[:-2]))
    return AptConfig(tuple(entries))
