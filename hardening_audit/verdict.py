"""Turn a check's pytest outcome into a control result."""

from __future__ import annotations

from typing import Any

import pytest

from .controls import Control
from .facts.core import CommandRecord
from .outcomes import ERROR, FAIL, NOT_APPLICABLE, PASS, CheckError


def classify(excinfo: pytest.ExceptionInfo | None) -> tuple[str, str]:
    """(status, message) for the exception a check's setup or call ended with."""
    if excinfo is None:
        return PASS, ""
    error = excinfo.value
    if isinstance(error, pytest.skip.Exception):
        return NOT_APPLICABLE, error.msg or "not applicable"
    if isinstance(error, CheckError):
        return ERROR, error.reason
    if isinstance(error, AssertionError):
        return FAIL, assertion_message(error)
    return ERROR, f"check failed to run: {type(error).__name__}: {error}"


def assertion_message(error: AssertionError) -> str:
    """The check's own message, without pytest's rewritten-assert explanation."""
    text = str(error.args[0]) if error.args else ""
    message = text.split("\nassert ", 1)[0].strip()
    return message or "assertion failed"


def result_entry(
    control: Control, host: str, status: str, message: str, evidence: list[CommandRecord]
) -> dict[str, Any]:
    return {
        "host": host,
        "control": control.id,
        "domain": control.domain,
        "title": control.title,
        "severity": control.severity,
        "level": control.level,
        "status": status,
        "message": message,
        "rationale": control.rationale,
        "references": {kind: list(v) for kind, v in control.references.items()},
        "remediation": control.remediation,
        "evidence": [record.as_dict() for record in evidence],
    }
