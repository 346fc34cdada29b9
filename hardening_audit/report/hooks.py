"""pytest-html hooks that turn its page into the compliance report, for a live audit and a replay."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .rows import cells as result_cells
from .rows import details, header_cells
from .summary import filters_html, prefix_html

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1"/>'


class ReportHooks:
    """Registered as a plugin; ``document`` gives the results document when the page is written."""

    def __init__(self, document: Callable[[], dict[str, Any]], comparison: Callable[[], str] = lambda: ""):
        self.document = document
        self.comparison = comparison

    def pytest_html_report_title(self, report) -> None:
        report.title = "Hardening compliance report"

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[1:1] = header_cells()
        cells[:] = [cell for cell in cells if not _dropped(cell)]

    def pytest_html_results_table_row(self, report, cells: list[str]) -> None:
        audit = getattr(report, "audit", None)
        if audit is not None or report.when != "call":
            cells[1:1] = result_cells(audit)
        cells[:] = [cell for cell in cells if not _dropped(cell)]

    def pytest_html_results_table_html(self, report, data: list[str]) -> None:
        audit = getattr(report, "audit", None)
        if audit is not None:
            data[:] = [details(audit)]

    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str], session) -> None:
        document = self.document()
        if not document["results"]:
            return
        prefix.append(prefix_html(document, self.comparison()))
        postfix.append(filters_html(document))

    def pytest_unconfigure(self, config) -> None:
        add_viewport(getattr(config.option, "htmlpath", None))


# pytest-html's test node ID, duration and links columns mean nothing to an auditor, and every cell
# costs the browser time on a page of thousands of rows.
DROPPED_COLUMNS = ("testId", "duration", "links")


_DROPPED_CELL = re.compile("|".join(
    [*(re.escape(f'col-{name}"') for name in DROPPED_COLUMNS),
     *(re.escape(f'data-column-type="{name}"') for name in DROPPED_COLUMNS), "^<th>Links</th>$"]))


def _dropped(cell: str) -> bool:
    return _DROPPED_CELL.search(cell) is not None


def add_viewport(path: str | None) -> None:
    """pytest-html's page has no viewport tag: phones would lay it out at desktop width."""
    if not path or not Path(path).is_file():
        return
    page = Path(path).read_text(encoding="utf-8")
    if VIEWPORT not in page:
        Path(path).write_text(page.replace('<meta charset="utf-8"/>', '<meta charset="utf-8"/>' + VIEWPORT, 1),
                              encoding="utf-8")
