"""Reading several configuration files of a host in one round trip."""

from __future__ import annotations

from ..parsers.listing import FIND_FORMAT, FileStat, parse_find_listing
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


# Expands each argument as a shell glob (a directory ending in "/": every file in it) and prints the
# files that exist, in the order of the arguments and, within one, sorted.
EXPAND_GLOBS = ('for pattern do case $pattern in */) pattern="${pattern}*";; esac; '
                'for f in $pattern; do [ -f "$f" ] && printf "%s\\n" "$f"; done; done; true')


def expand_globs(ctx: HostContext, patterns) -> list[str]:
    """The existing files the patterns name, in one round trip."""
    patterns = list(patterns)
    if not patterns:
        return []
    return ctx.run_argv(["sh", "-c", EXPAND_GLOBS, "sh", *patterns]).stdout.split("\n")[:-1]


def stat_paths(ctx: HostContext, paths, depth: int = 0) -> list[FileStat]:
    """Owner, group and mode of each path that exists (and of its entries down to depth), in one find."""
    out = ctx.run_argv(["find", *paths, "-maxdepth", str(depth), "-printf", FIND_FORMAT], ok=(0, 1))
    return parse_find_listing(out.stdout)
