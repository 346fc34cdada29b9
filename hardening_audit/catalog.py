"""``--list-controls``: the catalog as the checks declare it."""

from __future__ import annotations

import pytest
from _pytest.main import wrap_session

from .controls import DOMAINS, SEVERITY_RANK, Control, control_of

DOMAIN_ORDER = list(DOMAINS)


def collect_controls(session: pytest.Session) -> list[Control]:
    session.perform_collect()
    controls = {c.id: c for c in (control_of(item) for item in session.items) if c is not None}
    return sorted(controls.values(), key=lambda c: (DOMAIN_ORDER.index(c.id.split("-")[0]), c.id))


def image_support(control: Control) -> str:
    return "n/a" if control.runtime else "judged"


def list_controls(config: pytest.Config) -> int:
    def show(config: pytest.Config, session: pytest.Session) -> int:
        writer = config.get_terminal_writer()
        controls = collect_controls(session)
        writer.line(f"{'ID':<8} {'SEVERITY':<9} {'LEVEL':<5} {'DOMAIN':<11} {'IMAGES':<7} TITLE")
        for c in controls:
            writer.line(f"{c.id:<8} {c.severity:<9} {c.level:<5} {c.domain:<11} {image_support(c):<7} {c.title}")
        by_severity = sorted({c.severity for c in controls}, key=SEVERITY_RANK.get)
        counts = ", ".join(f"{sum(c.severity == s for c in controls)} {s}" for s in by_severity)
        writer.line(f"{len(controls)} controls ({counts}); IMAGES: 'judged' from persisted state on an offline "
                    f"image (--image), 'n/a' when only a running system has the evidence "
                    f"({sum(c.runtime for c in controls)} controls)")
        return 0

    return wrap_session(config, show)
