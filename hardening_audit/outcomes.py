"""The five outcomes of a control and the exceptions that produce them.

A check passes by returning, fails through ``assert``, and raises one of the
exceptions below when the control does not apply or could not be checked.
"""

import pytest

PASS = "pass"
FAIL = "fail"
NOT_APPLICABLE = "not_applicable"
WAIVED = "waived"
ERROR = "error"

STATUSES = (PASS, FAIL, NOT_APPLICABLE, WAIVED, ERROR)


class NotApplicable(pytest.skip.Exception):
    """The control's subject is absent by design; the reason is reported."""

    def __init__(self, reason: str):
        super().__init__(msg=reason, pytrace=False)
        self.reason = reason


class CheckError(Exception):
    """The evidence could not be read, so the control cannot be judged.

    Raised by facts (command missing, permission denied, unreachable host,
    output that does not parse). It never turns into a pass.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class HostUnreachable(CheckError):
    """The transport to the host failed; every control of the host errors."""


# The reason given on an image for a control that needs a running system, and for a fact that only exists on one.
OFFLINE_RUNTIME_REASON = "offline image: no running system"


def offline_only(what: str) -> NotApplicable:
    """The NotApplicable a runtime-only fact raises on an image."""
    return NotApplicable(f"{OFFLINE_RUNTIME_REASON} ({what})")
