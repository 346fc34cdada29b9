"""Load a baseline: resolve ``extends`` chains, validate, merge, apply host overrides.

Every baseline rests on ``default.yaml`` (unless it is that file), so a
profile only states what it changes.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .keys import BASELINE
from .schema import SchemaError

DEFAULT_NAME = "default"
PROFILE_ONLY_KEYS = ("description", "extends", "hosts")


class BaselineError(Exception):
    """A baseline file that cannot be used; the message is one line naming file and key."""


@dataclass(frozen=True)
class Baseline:
    name: str
    path: Path
    settings: dict[str, Any]
    host_overrides: tuple[tuple[str, dict[str, Any]], ...]

    @property
    def checksum(self) -> str:
        canonical = json.dumps(
            {"settings": self.settings, "hosts": self.host_overrides}, sort_keys=True, default=str
        )
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def for_host(self, *names: str) -> "Settings":
        """The settings for a host: overrides whose glob matches one of its names apply in file order."""
        merged = copy.deepcopy(self.settings)
        for pattern, override in self.host_overrides:
            if any(fnmatch.fnmatchcase(name, pattern) for name in names if name):
                merged = _merge(merged, override)
        return Settings(merged)


class Settings:
    """Read-only attribute access to a merged baseline: ``baseline.ssh.max_auth_tries``."""

    def __init__(self, data: dict[str, Any], path: str = ""):
        self._data = data
        self._path = path

    def __getattr__(self, key: str) -> Any:
        try:
            value = self._data[key]
        except KeyError:
            raise AttributeError(f"baseline has no key {self._path}{key}") from None
        return Settings(value, f"{self._path}{key}.") if isinstance(value, dict) else value

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def as_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)


def resolve_path(name_or_path: str, search_dir: Path, relative_to: Path | None = None) -> Path:
    """A bare name resolves in the baselines directory; anything path-like is a path."""
    looks_like_path = "/" in name_or_path or name_or_path.endswith((".yaml", ".yml"))
    if looks_like_path:
        path = Path(name_or_path)
        if not path.is_absolute() and relative_to is not None:
            path = relative_to / path
        return path
    return search_dir / f"{name_or_path}.yaml"


def load_baseline(name_or_path: str, search_dir: Path) -> Baseline:
    path = resolve_path(name_or_path, search_dir)
    chain = _load_chain(path, search_dir, seen=())
    default_path = (search_dir / f"{DEFAULT_NAME}.yaml").resolve()
    if chain[0][0].resolve() != default_path:
        chain = _load_chain(default_path, search_dir, seen=()) + chain
    settings: dict[str, Any] = {}
    overrides: list[tuple[str, dict[str, Any]]] = []
    for _, data in chain:
        settings = _merge(settings, {k: v for k, v in data.items() if k not in PROFILE_ONLY_KEYS})
        overrides.extend(data.get("hosts", {}).items())
    name = path.stem if path.parent.resolve() == search_dir.resolve() else str(path)
    return Baseline(name, path, settings, tuple(overrides))


def _load_chain(path: Path, search_dir: Path, seen: tuple[Path, ...]) -> list[tuple[Path, dict]]:
    """The files from the root of the extends chain down to ``path``, each validated."""
    resolved = path.resolve()
    if resolved in seen:
        cycle = " -> ".join(str(p) for p in (*seen, resolved))
        raise BaselineError(f"{seen[-1]}: extends: cycle in extends chain ({cycle})")
    data = _read(path)
    parent = data.get("extends")
    if parent is None:
        return [(path, data)]
    parent_path = resolve_path(parent, search_dir, relative_to=path.parent)
    if not parent_path.is_file():
        raise BaselineError(f"{path}: extends: baseline {parent!r} not found ({parent_path})")
    return _load_chain(parent_path, search_dir, (*seen, resolved)) + [(path, data)]


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BaselineError(f"{path}: invalid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    try:
        return BASELINE.check(data, "")
    except SchemaError as exc:
        raise BaselineError(f"{path}: {exc}") from None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; lists and scalars replace."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
