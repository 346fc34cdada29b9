"""Parse file listings printed by ``find -printf`` with FIND_FORMAT; shared by every domain."""

from __future__ import annotations

from dataclasses import dataclass

# mode owner group type path: the format every fact passes to find -printf.
FIND_FORMAT = "%m %u %g %y %p\\n"


@dataclass(frozen=True)
class FileStat:
    path: str
    mode: int
    owner: str
    group: str
    kind: str  # "f" regular file, "d" directory, "l" symlink, as find's %y prints

    @property
    def mode_text(self) -> str:
        return f"{self.mode:04o}"


def parse_find_listing(text: str) -> list[FileStat]:
    """Lines of ``find -printf '%m %u %g %y %p\\n'``."""
    stats = []
    for line in text.splitlines():
        if not line.strip():
            continue
        mode, owner, group, kind, path = line.split(" ", 4)
        stats.append(FileStat(path, int(mode, 8), owner, group, kind))
    return stats
