"""Reading several configuration files of a host in one round trip."""

from __future__ import annotations

from .core import HostContext

# Prints each existing file as "### path" then its content.
CAT_WITH_NAMES = 'for f do [ -f "$f" ] && { printf "### %s\\n" "$f"; cat -- "$f"; echo; }; done; true'


def split_named_files(text: str) -> list[tuple[str, str]]:
    """The output of CAT_WITH_NAMES as (path, content) pairs, in order."""
    files: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("### /"):
            files.append((line[4:], []))
        elif files:
            files[-1][1].append(line)
    return [(path, "\n".join(lines)) for path, lines in files]


def read_files(ctx: HostContext, paths: list[str]) -> list[tuple[str, str]]:
    """(path, content) of each of the paths that exists, in the order given."""
    return split_named_files(ctx.run_argv(["sh", "-c", CAT_WITH_NAMES, "sh", *paths]).stdout)
