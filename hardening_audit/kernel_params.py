"""The kernel parameters the KRN controls require, and how the kernel combines them.

For per-interface IPv4 settings the kernel combines ``conf.all`` with the
interface's own value: some are on when either is on (send_redirects,
secure_redirects, log_martians, accept_redirects on a non-forwarding host),
source routing only when both allow it, and reverse-path filtering uses the
larger value. IPv6 interfaces use their own value.
"""

from __future__ import annotations

from dataclasses import dataclass

IPV4_CONF = "net.ipv4.conf."
IPV6_CONF = "net.ipv6.conf."
IGNORED_INTERFACES = ("lo",)


@dataclass(frozen=True)
class Param:
    control: str
    key: str  # the persisted name, e.g. net.ipv4.conf.all.rp_filter
    expected: int
    at_least: bool = False  # True: any value >= expected passes
    combine: str = ""  # "or", "and", "max" or "own" for per-interface settings; "" for global ones

    def complies(self, value: int) -> bool:
        return value >= self.expected if self.at_least else value == self.expected

    @property
    def wanted(self) -> str:
        return f">= {self.expected}" if self.at_least else str(self.expected)


def _conf(control: str, family: str, name: str, expected: int, combine: str) -> list[Param]:
    prefix = IPV4_CONF if family == "ipv4" else IPV6_CONF
    return [Param(control, f"{prefix}{scope}.{name}", expected, combine=combine) for scope in ("all", "default")]


PARAMS: tuple[Param, ...] = (
    Param("KRN-01", "net.ipv4.ip_forward", 0),
    Param("KRN-01", "net.ipv6.conf.all.forwarding", 0),
    *_conf("KRN-02", "ipv4", "accept_redirects", 0, "or"),
    *_conf("KRN-02", "ipv4", "secure_redirects", 0, "or"),
    *_conf("KRN-02", "ipv4", "send_redirects", 0, "or"),
    *_conf("KRN-02", "ipv6", "accept_redirects", 0, "own"),
    *_conf("KRN-03", "ipv4", "accept_source_route", 0, "and"),
    *_conf("KRN-03", "ipv6", "accept_source_route", 0, "own"),
    *_conf("KRN-04", "ipv4", "rp_filter", 1, "max"),
    Param("KRN-05", "net.ipv4.tcp_syncookies", 1),
    *_conf("KRN-06", "ipv4", "log_martians", 1, "or"),
    Param("KRN-06", "net.ipv4.icmp_echo_ignore_broadcasts", 1),
    Param("KRN-06", "net.ipv4.icmp_ignore_bogus_error_responses", 1),
    Param("KRN-07", "kernel.randomize_va_space", 2),
    Param("KRN-08", "kernel.kptr_restrict", 1, at_least=True),
    Param("KRN-08", "kernel.dmesg_restrict", 1),
    Param("KRN-08", "kernel.yama.ptrace_scope", 1, at_least=True),
    Param("KRN-08", "kernel.unprivileged_bpf_disabled", 1, at_least=True),
    Param("KRN-08", "kernel.perf_event_paranoid", 2, at_least=True),
    Param("SVC-06", "fs.suid_dumpable", 0),
)


def params_of(control: str) -> list[Param]:
    return [p for p in PARAMS if p.control == control]


def interfaces(runtime: dict[str, str], prefix: str) -> list[str]:
    names = {key[len(prefix):].split(".", 1)[0] for key in runtime if key.startswith(prefix)}
    return sorted(names - {"all", "default", *IGNORED_INTERFACES})


def runtime_findings(param: Param, runtime: dict[str, str]) -> list[str]:
    """What the running kernel does wrong for one parameter, as "key value" phrases."""
    if param.key not in runtime:
        return [f"{param.key} not supported by this kernel"]
    value = int(runtime[param.key])
    findings = [] if param.complies(value) else [f"{param.key} = {value}"]
    if not param.combine or not param.key.split(".")[3] == "all":
        return findings
    prefix = param.key.rsplit(".", 2)[0] + "."  # net.ipv4.conf.
    name = param.key.rsplit(".", 1)[1]
    for interface in interfaces(runtime, prefix):
        own = runtime.get(f"{prefix}{interface}.{name}")
        if own is None:
            continue
        effective = _combine(param.combine, value, int(own))
        if not param.complies(effective):
            findings.append(f"{prefix}{interface}.{name} = {own} (effective {effective})")
    return findings


def _combine(how: str, all_value: int, own: int) -> int:
    if how == "or":
        return int(bool(all_value) or bool(own))
    if how == "and":
        return int(bool(all_value) and bool(own))
    if how == "max":
        return max(all_value, own)
    return own


def param_findings(control: str, runtime: dict[str, str] | None, persisted_value) -> list[str]:
    """What is wrong with a control's parameters, at runtime and in the persisted configuration
    (``persisted_value(key)`` gives (value, file) or None): an empty list when they comply.
    ``runtime`` None (an image): only the persisted values are judged."""
    found = []
    for param in params_of(control):
        if runtime is not None:
            found += runtime_findings(param, runtime)
        saved = persisted_value(param.key)
        if saved is not None and (not saved[0].lstrip("-").isdigit() or not param.complies(int(saved[0]))):
            found.append(f"{param.key} = {saved[0]} persisted in {saved[1]}")
    return found


def wanted(control: str) -> str:
    return ", ".join(f"{p.key} {p.wanted}" for p in params_of(control))
