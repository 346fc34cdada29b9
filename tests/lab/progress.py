"""Progress lines on stderr and the one error type the CLI reports without a traceback."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator


class LabError(Exception):
    """An expected failure (not root, build failed, host not ready): reported as one line."""


def say(message: str) -> None:
    print(f"lab: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def step(message: str) -> Iterator[None]:
    """Print one line when the step finishes, with its duration."""
    started = time.monotonic()
    yield
    say(f"{message} ({time.monotonic() - started:.1f} s)")
