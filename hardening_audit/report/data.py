"""The data the report's script renders a result's details from, embedded once in the page.

Per control: title, severity, level, domain, rationale, remediation, references. Per result:
status, finding and the indices of its evidence. Each distinct evidence record is stored once
(facts are shared by controls) and shortened to what a page can hold; results.json keeps it whole.
"""

from __future__ import annotations

import json
from typing import Any

from .rows import outcome, references_text

MAX_LINES = 200
MAX_CHARS = 20_000


def _shortened(output: str) -> tuple[str, int]:
    lines = output.split("\n") if output else []
    kept = "\n".join(lines[:MAX_LINES])[:MAX_CHARS]
    return kept, len(lines)


def page_data(document: dict[str, Any]) -> dict[str, Any]:
    controls: dict[str, list] = {}
    evidence: dict[tuple, int] = {}
    results: dict[str, list] = {}
    for result in document["results"]:
        controls.setdefault(result["control"], [
            result["title"], result["severity"], result["level"], result["domain"], result["rationale"],
            result["remediation"] or "none given", references_text(result["references"]) or ["none"],
        ])
        indices = []
        for record in result["evidence"]:
            output, lines = _shortened(record["output"])
            key = (record["command"], record["exit_status"], output, lines)
            indices.append(evidence.setdefault(key, len(evidence)))
        results[f'{result["host"]}\t{result["control"]}'] = [result["status"], outcome(result), indices]
    return {"controls": controls, "evidence": [list(key) for key in evidence], "results": results,
            "maxLines": MAX_LINES}


def data_script(document: dict[str, Any]) -> str:
    # "</" inside the JSON would end the script element early.
    text = json.dumps(page_data(document), ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="audit-data">{text}</script>'
