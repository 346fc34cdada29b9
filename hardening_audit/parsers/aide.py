"""AIDE configuration: where its database lives."""

from __future__ import annotations

import re

# Compiled-in defaults of Debian's aide (used when aide.conf sets nothing).
DEFAULT_DATABASE_IN = "/var/lib/aide/aide.db"
DEFAULT_DATABASE_OUT = "/var/lib/aide/aide.db.new"
_MACRO = re.compile(r"@@\{(\w+)\}")


def _path(url: str) -> str:
    # database URLs: file:/path, or a plain path; other schemes (stdin, fd:) are kept as written
    return url.removeprefix("file:")


def aide_database_paths(config_text: str) -> tuple[str, str]:
    """(database_in, database_out) of aide.conf text, as paths when they are ``file:`` URLs.

    ``@@define NAME value`` macros are expanded where ``@@{NAME}`` is used, ``@@undef`` removes
    one, and ``@@ifdef`` / ``@@ifndef`` / ``@@else`` / ``@@endif`` blocks are honoured for defined
    names (other ``@@if`` tests are taken as true). ``database`` is the name AIDE before 0.16
    used for ``database_in``. Included files (``@@include``, Debian's ``@@x_include``) are not
    read: pass their text appended if they can set the database.
    """
    macros: dict[str, str] = {}
    values = {"database_in": DEFAULT_DATABASE_IN, "database_out": DEFAULT_DATABASE_OUT}
    active = [True]
    for raw in config_text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        directive = words[0]
        if directive in ("@@ifdef", "@@ifndef"):
            defined = len(words) > 1 and words[1] in macros
            active.append(active[-1] and defined == (directive == "@@ifdef"))
        elif directive.startswith("@@if"):
            active.append(active[-1])
        elif directive == "@@else":
            if len(active) > 1:
                active[-1] = active[-2] and not active[-1]
        elif directive == "@@endif":
            if len(active) > 1:
                active.pop()
        elif not active[-1]:
            continue
        elif directive == "@@define" and len(words) > 1:
            macros[words[1]] = _MACRO.sub(lambda m: macros.get(m[1], m[0]), " ".join(words[2:]))
        elif directive == "@@undef" and len(words) > 1:
            macros.pop(words[1], None)
        elif "=" in line and not line.startswith("@@"):
            key, _, value = line.partition("=")
            key = key.strip().lower()
            if key == "database":
                key = "database_in"
            if key in values:
                values[key] = _path(_MACRO.sub(lambda m: macros.get(m[1], m[0]), value.strip()))
    return values["database_in"], values["database_out"]
