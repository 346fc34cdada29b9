"""Waivers: accepted failures, each with a justification, an approver and an expiry date.

    waivers:
      - control: SSH-13          # an ID or a glob (SSH-*)
        hosts: "web*"            # a glob on the host spec or its name (default: every host)
        justification: Banner set by the load balancer
        approver: Jane Doe (CISO)
        expires: 2027-03-31      # required; the waiver stops applying after this day

A matching waiver that has not expired turns a failure into ``waived``; the check still runs and
its evidence is kept. An expired waiver changes nothing and the result says it expired.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KEYS = ("control", "hosts", "justification", "approver", "expires")
REQUIRED = ("control", "justification", "approver", "expires")


class WaiverError(Exception):
    """A waiver file that cannot be used; the message is one line naming the file and the entry."""


@dataclass
class Waiver:
    index: int
    control: str
    hosts: str
    justification: str
    approver: str
    expires: dt.date
    matched: list[str] = field(default_factory=list)  # "host control" of the results it matched

    def matches(self, control_id: str, host_names: list[str]) -> bool:
        return fnmatch.fnmatchcase(control_id, self.control) and any(
            fnmatch.fnmatchcase(name, self.hosts) for name in host_names if name)

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    def terms(self, today: dt.date) -> dict:
        """The waiver as a result it applies to records it."""
        return {"control": self.control, "hosts": self.hosts, "justification": self.justification,
                "approver": self.approver, "expires": self.expires.isoformat(), "expired": self.expired(today)}

    def as_dict(self, today: dt.date) -> dict:
        """The waiver with the results it matched, for the run's list of waivers."""
        return {**self.terms(today), "matched": list(self.matched)}


def _entry(path: Path, index: int, raw) -> Waiver:
    where = f"{path}: waivers[{index}]"
    if not isinstance(raw, dict):
        raise WaiverError(f"{where}: expected a mapping with {', '.join(REQUIRED)}")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise WaiverError(f"{where}.{unknown[0]}: unknown key (known: {', '.join(KEYS)})")
    for key in REQUIRED:
        if raw.get(key) in (None, ""):
            raise WaiverError(f"{where}.{key}: missing (required)")
    expires = raw["expires"]
    if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
        try:
            expires = dt.date.fromisoformat(str(expires))
        except ValueError:
            raise WaiverError(f"{where}.expires: expected a date such as 2027-03-31, found {expires!r}") from None
    for key in ("control", "hosts", "justification", "approver"):
        if key in raw and not isinstance(raw[key], str):
            raise WaiverError(f"{where}.{key}: expected a string, found {raw[key]!r}")
    return Waiver(index, raw["control"], raw.get("hosts", "*"), raw["justification"], raw["approver"], expires)


def load_waivers(path: str | Path) -> list[Waiver]:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WaiverError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise WaiverError(f"{path}: not valid YAML{where}") from None
    if not isinstance(document, dict) or not isinstance(document.get("waivers"), list):
        raise WaiverError(f"{path}: expected a mapping with a 'waivers' list")
    unknown = sorted(set(document) - {"waivers"})
    if unknown:
        raise WaiverError(f"{path}: {unknown[0]}: unknown key (known: waivers)")
    return [_entry(path, index, raw) for index, raw in enumerate(document["waivers"])]


def find(waivers: list[Waiver], control_id: str, host_names: list[str], today: dt.date) -> Waiver | None:
    """The waiver that covers the control on this host: the first unexpired one in file order, else the
    first expired one (so that the result can say it expired), else None."""
    matching = [w for w in waivers if w.matches(control_id, host_names)]
    return next((w for w in matching if not w.expired(today)), matching[0] if matching else None)
