"""A small declarative schema for baseline files.

Every key of a baseline is declared here; validation reports the first problem
as the dotted key path and a plain sentence, which the loader prefixes with the
file name.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import dataclass
from typing import Any


class SchemaError(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return repr(value)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


class Type:
    description = "a value"

    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError


@dataclass
class Int(Type):
    minimum: int | None = None
    maximum: int | None = None

    @property
    def description(self) -> str:
        return "an integer"

    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(path, f"expected an integer, found {_describe(value)}")
        if self.minimum is not None and value < self.minimum:
            raise SchemaError(path, f"must be at least {self.minimum}, found {value}")
        if self.maximum is not None and value > self.maximum:
            raise SchemaError(path, f"must be at most {self.maximum}, found {value}")
        return value


@dataclass
class Str(Type):
    pattern: str | None = None
    hint: str = ""
    description = "a string"

    def check(self, value, path):
        if not isinstance(value, str) or not value.strip():
            raise SchemaError(path, f"expected a non-empty string, found {_describe(value)}")
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise SchemaError(path, f"expected {self.hint or self.pattern}, found {value!r}")
        return value


class Date(Type):
    description = "a date (YYYY-MM-DD)"

    def check(self, value, path):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise SchemaError(path, f"expected a date such as 2028-06-30, found {_describe(value)}") from None


class Bool(Type):
    description = "true or false"

    def check(self, value, path):
        if not isinstance(value, bool):
            raise SchemaError(path, f"expected true or false, found {_describe(value)}")
        return value


@dataclass
class Choice(Type):
    values: tuple

    @property
    def description(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def check(self, value, path):
        # YAML 1.1 reads a bare no/yes as a boolean; sshd-style choices mean the word.
        if isinstance(value, bool) and {"yes", "no"} & set(self.values):
            value = "yes" if value else "no"
        if value not in self.values:
            raise SchemaError(path, f"expected {self.description}, found {_describe(value)}")
        return value


class Network(Type):
    description = "an IP address or network (CIDR)"

    def check(self, value, path):
        try:
            ipaddress.ip_network(str(value), strict=False)
        except ValueError:
            raise SchemaError(path, f"expected an IP address or network such as 192.0.2.0/24, found {_describe(value)}") from None
        return str(value)


@dataclass
class ListOf(Type):
    item: Type

    @property
    def description(self) -> str:
        return f"a list of {self.item.description}s"

    def check(self, value, path):
        if not isinstance(value, list):
            raise SchemaError(path, f"expected {self.description}, found {_describe(value)}")
        return [self.item.check(v, f"{path}[{i}]") for i, v in enumerate(value)]


@dataclass
class Optional(Type):
    """A value that may be null: the control it tunes is then not applicable."""

    inner: Type

    @property
    def description(self) -> str:
        return f"{self.inner.description} or null"

    def check(self, value, path):
        return None if value is None else self.inner.check(value, path)


@dataclass
class Section(Type):
    fields: dict[str, Type]
    required: tuple[str, ...] = ()
    description = "a mapping"

    def check(self, value, path):
        if not isinstance(value, dict):
            raise SchemaError(path, f"expected a mapping, found {_describe(value)}")
        for key in self.required:
            if key not in value:
                raise SchemaError(_join(path, key), "missing (required)")
        checked = {}
        for key, item in value.items():
            if key not in self.fields:
                known = ", ".join(sorted(self.fields))
                raise SchemaError(_join(path, key), f"unknown key (known here: {known})")
            checked[key] = self.fields[key].check(item, _join(path, key))
        return checked


@dataclass
class MapOf(Type):
    """A mapping from free-form keys (e.g. host-name globs) to one value type."""

    value: Type
    description = "a mapping"

    def check(self, value, path):
        if not isinstance(value, dict):
            raise SchemaError(path, f"expected a mapping, found {_describe(value)}")
        return {
            Str().check(key, _join(path, key)): self.value.check(item, _join(path, key))
            for key, item in value.items()
        }
