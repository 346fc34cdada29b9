"""Waiver files: what is accepted, the one-line errors, which waiver covers a result."""

from __future__ import annotations

import datetime as dt

import pytest

from hardening_audit.waivers import WaiverError, find, load_waivers

TODAY = dt.date(2026, 12, 1)


def write(tmp_path, text):
    path = tmp_path / "waivers.yaml"
    path.write_text(text)
    return path


def test_unexpired_waiver_wins_over_an_expired_one(tmp_path):
    path = write(tmp_path, """
waivers:
  - {control: "SSH-*", hosts: "web*", justification: old, approver: A, expires: 2025-01-01}
  - {control: SSH-13, justification: banner from the load balancer, approver: B, expires: 2027-03-31}
""")
    old, current = load_waivers(path)
    assert (current.hosts, current.expires) == ("*", dt.date(2027, 3, 31))
    assert find([old, current], "SSH-13", ["ssh://web1", "web1"], TODAY) is current
    assert find([old, current], "SSH-01", ["ssh://web1", "web1"], TODAY) is old and old.expired(TODAY)
    assert find([old, current], "SSH-01", ["ssh://db1", "db1"], TODAY) is None


@pytest.mark.parametrize("text, message", [
    ("waivers:\n  - {control: SSH-01, justification: x, approver: y}\n", "waivers[0].expires: missing (required)"),
    ("waivers:\n  - {control: SSH-01, justification: x, approver: y, expires: soon}\n",
     "waivers[0].expires: expected a date such as 2027-03-31, found 'soon'"),
    ("waivers:\n  - {control: SSH-01, justification: x, approver: y, expires: 2027-01-01, owner: z}\n",
     "waivers[0].owner: unknown key (known: control, hosts, justification, approver, expires)"),
    ("waivers: [\n", "not valid YAML (line 2)"),
    ("rules: []\n", "expected a mapping with a 'waivers' list"),
])
def test_bad_waiver_files_give_one_line_naming_file_and_entry(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(WaiverError) as error:
        load_waivers(path)
    assert str(error.value) == f"{path}: {message}"
