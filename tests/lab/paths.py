"""Where the lab keeps its cache (survives runs) and its runtime state (one lab run)."""

from __future__ import annotations

import os
from pathlib import Path

from .progress import LabError

DEFAULT_CACHE_DIR = "/var/cache/hardening-audit/lab"
DEFAULT_RUNTIME_DIR = "/run/hardening-audit-lab"

PACKAGE_DIR = Path(__file__).resolve().parent
SCENARIO_DIR = PACKAGE_DIR / "scenarios"
CHROOT_HELPER = PACKAGE_DIR / "in_chroot.sh"


def _checked(path: Path) -> Path:
    # overlayfs mount options are split on ',' and ':' and ssh_config on blanks:
    # such characters in a lab path would break both silently.
    if any(char in str(path) for char in ",: \t\n"):
        raise LabError(f"lab path must not contain ',', ':' or blanks: {path}")
    return path


def cache_dir() -> Path:
    return _checked(Path(os.environ.get("HA_LAB_CACHE", DEFAULT_CACHE_DIR)).absolute())


def runtime_dir() -> Path:
    return _checked(Path(os.environ.get("HA_LAB_RUNTIME", DEFAULT_RUNTIME_DIR)).absolute())
