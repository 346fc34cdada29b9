"""A pytest plugin that replays results documents as test results, so that pytest-html renders them.

``pytest -p hardening_audit.report.replay a.json b.json --html=...``: each result of the
(merged) documents becomes one item whose outcome is the recorded status; the report
hooks then build the same page a live audit does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..outcomes import ERROR, FAIL, NOT_APPLICABLE, PASS, WAIVED
from . import document as doc
from .compare import as_text, compare
from .hooks import ReportHooks
from .summary import comparison_html


class RecordedFailure(Exception):
    """A recorded fail or error, replayed."""


class ReplayItem(pytest.Item):
    def __init__(self, *, result: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.result = result

    def runtest(self) -> None:
        status, message = self.result["status"], self.result["message"]
        if status in (NOT_APPLICABLE, WAIVED):
            pytest.skip(message or status)
        if status in (FAIL, ERROR):
            raise RecordedFailure(message or status)
        if status != PASS:
            raise RecordedFailure(f"unknown status {status!r}")

    def repr_failure(self, excinfo, style=None) -> str:
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, f"{self.result['control']}[{self.result['host']}]"


class ResultsFile(pytest.File):
    def collect(self):
        state: ReplayState = self.config.pluginmanager.get_plugin("hardening-audit-replay")
        if self.path != state.first_input:
            return
        for result in state.document["results"]:
            yield ReplayItem.from_parent(self, name=f"{result['control']}[{result['host']}]", result=result)


class ReplayState:
    def __init__(self, inputs: list[Path], previous: Path | None):
        self.inputs = inputs
        self.first_input = inputs[0].resolve()
        self.document = doc.merge([doc.load(path) for path in inputs])
        self.previous = doc.load(previous) if previous else None
        self.previous_label = str(previous) if previous else ""

    def comparison(self) -> str:
        if self.previous is None:
            return ""
        return comparison_html(compare(self.previous, self.document), self.previous_label)

    def comparison_text(self) -> str:
        return as_text(compare(self.previous, self.document)) if self.previous is not None else ""

    def pytest_collect_file(self, file_path: Path, parent):
        if file_path.resolve() in {path.resolve() for path in self.inputs}:
            return ResultsFile.from_parent(parent, path=file_path)
        return None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if isinstance(item, ReplayItem) and report.when == "call":
            report.audit = item.result


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--compare-with", default=None, metavar="RESULTS_JSON",
                     help="an earlier results.json: add what changed since then to the report")
    parser.addoption("--plain-pytest-html", action="store_true",
                     help="pytest-html's own page for the same results, without the compliance report (bench peer)")


def pytest_configure(config: pytest.Config) -> None:
    inputs = [Path(arg) for arg in config.args if arg.endswith(".json")]
    if not inputs:
        raise pytest.UsageError("give one or more results.json files to replay")
    try:
        previous = config.getoption("compare_with")
        state = ReplayState(inputs, Path(previous) if previous else None)
    except doc.DocumentError as error:
        raise pytest.UsageError(str(error)) from None
    config.pluginmanager.register(state, "hardening-audit-replay")
    # pytest-html's environment table would describe this machine, not the audited run.
    try:
        from pytest_metadata.plugin import metadata_key
    except ImportError:
        pass
    else:
        metadata = config.stash[metadata_key]
        metadata.clear()
        metadata["Rendered from"] = ", ".join(str(path) for path in inputs)
    if not config.getoption("plain_pytest_html"):
        config.pluginmanager.register(ReportHooks(lambda: state.document, state.comparison), "hardening-audit-report")
