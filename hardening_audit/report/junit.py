"""JUnit XML as CI systems show it: one test suite per host, test cases named by control."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

SUITE_PREFIX = "hardening-audit"
OUTCOME_TAGS = {"failure": "failures", "error": "errors", "skipped": "skipped"}


def _properties(case: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in case.iter("property")}


def split_by_host(path: Path) -> None:
    """Rewrite pytest's single suite as <testsuites> holding one <testsuite name="hardening-audit HOST">
    per audited host; a case is named "CONTROL [severity] title" and its class is "HOST.domain"."""
    path = Path(path)
    if not path.is_file():
        return
    tree = ET.parse(path)
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if not suites:
        return
    template = suites[0]
    groups: dict[str, list[ET.Element]] = {}
    for suite in suites:
        for case in suite.findall("testcase"):
            props = _properties(case)
            host = props.get("host", "")
            if host and "control" in props:
                case.set("name", f'{props["control"]} [{props.get("severity", "")}] {props.get("title", "")}'.strip())
                case.set("classname", f'{host}.{props.get("domain", "")}')
            groups.setdefault(host, []).append(case)
    new_root = ET.Element("testsuites", {"name": SUITE_PREFIX})
    for host, cases in groups.items():
        suite = ET.SubElement(new_root, "testsuite", {
            "name": f"{SUITE_PREFIX} {host}" if host else SUITE_PREFIX,
            "hostname": host or template.get("hostname", ""),
            "timestamp": template.get("timestamp", ""),
            "tests": str(len(cases)),
            "time": f'{sum(float(c.get("time", "0") or 0) for c in cases):.3f}',
            **{attribute: str(sum(1 for c in cases if c.find(tag) is not None))
               for tag, attribute in OUTCOME_TAGS.items()},
        })
        suite.extend(cases)
    ET.indent(new_root)
    ET.ElementTree(new_root).write(path, encoding="utf-8", xml_declaration=True)
