"""Firewall: limit the attack surface to the connections the host needs.

Every check reads the rules the kernel has loaded, normalised into one model
whichever manager (nftables, iptables, ufw, firewalld) wrote them; FW-07 also
reads what each enabled manager would load at boot.
"""

import ipaddress

from hardening_audit.controls import control
from hardening_audit.facts.firewall import default_verdicts
from hardening_audit.outcomes import NotApplicable
from hardening_audit.parsers.firewall_model import LOOPBACK_SOURCES, describe_match, port_text
from hardening_audit.ports import is_allowed, range_allowed

FAMILY_NAMES = {"ip": "IPv4", "ip6": "IPv6"}
DENY = ("drop", "reject")
NFTABLES_FIX = "e.g. in /etc/nftables.conf"


def _families(facts):
    """IPv4, and IPv6 unless the host has it switched off."""
    return ["ip"] if facts.ipv6_disabled else ["ip", "ip6"]


def _verdict_text(verdict):
    return verdict or "accept (no filter chain on that hook)"


@control(
    "FW-01", title="A host firewall is installed and its ruleset is loaded", severity="high", level=1,
    cis=["4.1.1"],
    remediation="Install one firewall manager (apt-get install nftables) and load a ruleset with an input "
    "filter chain (systemctl enable --now nftables after writing /etc/nftables.conf).",
)
def test_fw_01_firewall_loaded(facts):
    """Without a loaded packet filter every listening service is reachable
    from the network. The loaded state counts: an installed firewall whose
    rules are not loaded protects nothing."""
    state = facts.firewall
    assert state.installed, "expected a firewall manager (nftables, iptables, ufw or firewalld), found none installed"
    chains = state.loaded.base_chains("ip", "input") + state.loaded.base_chains("ip6", "input")
    assert chains, f"expected a filter chain on the input hook, found none loaded (installed: {', '.join(state.installed)})"


@control(
    "FW-02", title="Exactly one firewall manager is in charge", severity="medium", level=1,
    cis=["4.1.1"],
    remediation="Keep one manager and disable the others' boot services, e.g. "
    "systemctl disable --now netfilter-persistent when nftables.service manages the rules.",
)
def test_fw_02_single_manager(facts):
    """Two managers loading rules at boot overwrite or contradict each other;
    the ruleset then depends on start order rather than on a reviewed
    configuration. Read as CIS 4.1.1 does: a manager is in charge when its
    boot service is enabled (ufw also needs ENABLED=yes)."""
    enabled = [f"{m.name} ({m.boot_unit})" for m in facts.firewall.enabled]
    assert len(enabled) == 1, (
        f"expected exactly one firewall manager enabled at boot, found {', '.join(enabled) if enabled else 'none'}"
    )


def _assert_inbound_denied(facts, family):
    verdict = facts.firewall.loaded.default_verdict(family, "input")
    assert verdict in DENY, (
        f"{FAMILY_NAMES[family]} inbound default expected drop or reject, found {_verdict_text(verdict)}"
    )


@control(
    "FW-03", title="IPv4 inbound traffic is denied by default", severity="high", level=1,
    cis=["4.3.8", "4.4.2.1", "4.2.7"], ssg=["set_iptables_default_rule"],
    remediation=f"Set the input chain's policy to drop ({NFTABLES_FIX}: `policy drop;`), "
    "or `ufw default deny incoming`, or `iptables -P INPUT DROP` and save the rules.",
)
def test_fw_03_ipv4_inbound_default_deny(facts):
    """With a default deny only the services explicitly allowed are reachable;
    a service started later, by mistake or by an intruder, stays closed. A new
    packet from outside to a port no rule names must be dropped or rejected,
    by a chain policy or a final unconditional rule, in at least one of the
    base chains it must pass."""
    _assert_inbound_denied(facts, "ip")


@control(
    "FW-04", title="IPv6 inbound traffic is denied by default", severity="high", level=1,
    cis=["4.4.3.1"],
    remediation=f"Filter IPv6 as IPv4: an inet-family table ({NFTABLES_FIX}), `IPV6=yes` in /etc/default/ufw, "
    "or `ip6tables -P INPUT DROP` saved to /etc/iptables/rules.v6; or disable IPv6.",
)
def test_fw_04_ipv6_inbound_default_deny(facts):
    """A host often has IPv6 addresses (link-local at least) even where nobody
    planned for them; a firewall that only filters IPv4 leaves every service
    open over IPv6. A host with IPv6 disabled passes."""
    if facts.ipv6_disabled:
        return
    _assert_inbound_denied(facts, "ip6")


def _covers(sources, network):
    target = ipaddress.ip_network(network)
    for source in sources or ():
        try:
            candidate = ipaddress.ip_network(source, strict=False)
        except ValueError:
            continue
        if candidate.version == target.version and target.subnet_of(candidate):
            return True
    return False


@control(
    "FW-05", title="Loopback traffic is accepted on lo, spoofed loopback traffic is dropped", severity="medium",
    level=1, cis=["4.3.6", "4.2.4"],
    remediation=f"Add, before the other input rules ({NFTABLES_FIX}): `iif lo accept`, "
    "`iifname != lo ip saddr 127.0.0.0/8 drop`, `iifname != lo ip6 saddr ::1 drop`.",
)
def test_fw_05_loopback(facts):
    """Local services talk over lo and must keep working under a default
    deny; a packet claiming a loopback source on a real interface is forged
    and could reach services bound to localhost."""
    state = facts.firewall
    missing = []
    for family in _families(facts):
        rules = state.loaded.rules(family, "input")
        if not any(r.verdict == "accept" and r.match.loopback_only and r.match.dports is None for r in rules):
            missing.append(f"{FAMILY_NAMES[family]} accept on lo")
        loopback = LOOPBACK_SOURCES[family]
        if not any(r.verdict in DENY and not r.match.loopback_only and _covers(r.match.sources, loopback) for r in rules):
            missing.append(f"{FAMILY_NAMES[family]} drop of {loopback} from other interfaces")
    assert not missing, f"expected loopback accepted and spoofed loopback dropped, missing {'; '.join(missing)}"


@control(
    "FW-06", title="Forwarding is denied by default unless the host is a router", severity="medium", level=1,
    ssg=["set_iptables_default_rule_forward"],
    remediation=f"Set the forward chain's policy to drop ({NFTABLES_FIX}: `policy drop;`), "
    "or `ufw default deny routed`, or `iptables -P FORWARD DROP`; set firewall.forwarding: true on routers.",
)
def test_fw_06_forward_default_deny(facts, baseline):
    """A host that is not a router must not pass traffic between networks:
    if forwarding gets switched on (by a container runtime, a VPN, an
    intruder) the firewall still stops it."""
    state = facts.firewall
    if baseline.firewall.forwarding:
        raise NotApplicable("baseline declares the host a router (firewall.forwarding: true)")
    found = {f: state.loaded.default_verdict(f, "forward") for f in _families(facts)}
    open_families = [f"{FAMILY_NAMES[f]} {_verdict_text(v)}" for f, v in found.items() if v not in DENY]
    assert not open_families, f"forward default expected drop or reject, found {', '.join(open_families)}"


def _deny_or_accept(verdict):
    return "deny" if verdict in DENY else "accept"


@control(
    "FW-07", title="The ruleset persists across reboot", severity="medium", level=1,
    cis=["4.3.10"], ssg=["service_iptables_enabled", "service_ufw_enabled"],
    remediation="Save the loaded rules where the manager's boot service reads them "
    "(nft list ruleset > /etc/nftables.conf; netfilter-persistent save; ufw enable) and enable that service.",
)
def test_fw_07_persistent(facts):
    """Rules loaded by hand disappear at the next reboot, and the host comes
    back unprotected. The enabled managers' saved configuration (for nftables:
    /etc/nftables.conf loaded into a throw-away network namespace) must give
    the same default verdict as the loaded rules on every hook; drop and
    reject count as the same (deny)."""
    state = facts.firewall
    assert state.enabled, "expected a firewall manager's boot service enabled, found none: the rules are lost at reboot"
    saved, loaded = default_verdicts(facts.firewall_saved), default_verdicts(state.loaded)
    families = _families(facts)
    differences = [
        f"{FAMILY_NAMES[family]} {hook}: saved {_deny_or_accept(saved[family, hook])}, "
        f"loaded {_deny_or_accept(loaded[family, hook])}"
        for family, hook in saved
        if family in families and _deny_or_accept(saved[family, hook]) != _deny_or_accept(loaded[family, hook])
    ]
    managers = ", ".join(m.name for m in state.enabled)
    assert not differences, f"expected the saved rules ({managers}) to match the loaded ones, found {'; '.join(differences)}"


@control(
    "FW-08", title="Every socket listening beyond loopback is an allowed service", severity="high", level=1,
    runtime=True,
    seed=["only necessary connections"],
    remediation="Stop and disable the service, bind it to 127.0.0.1, or add its port to firewall.allowed_inbound "
    "if the host is meant to offer it.",
)
def test_fw_08_listening_sockets(facts, baseline):
    """Each listening socket is a door; the firewall is the second line, the
    first is not to open doors nobody needs. Sockets bound to loopback only
    cannot be reached from the network and do not count."""
    allowed = baseline.firewall.allowed_inbound
    exposed: dict[tuple[str, int], list] = {}
    for sock in facts.listening_sockets:
        if not sock.loopback_only and not is_allowed(sock.protocol, sock.port, allowed):
            exposed.setdefault((sock.protocol, sock.port), []).append(sock)
    messages = []
    for (protocol, port), sockets in sorted(exposed.items()):
        addresses = ", ".join(dict.fromkeys(s.address for s in sockets))
        processes = ", ".join(dict.fromkeys(p for s in sockets for p in s.processes)) or "unknown"
        messages.append(
            f"{protocol}/{port} is listening on {addresses} (process {processes}) but not in firewall.allowed_inbound"
        )
    assert not messages, "; ".join(messages)


def _new_inbound_accepts(state, family):
    for rule in state.loaded.rules(family, "input"):
        if rule.verdict == "accept" and rule.match.admits_new and not rule.match.loopback_only:
            yield rule


@control(
    "FW-09", title="Every inbound accept rule is narrow", severity="high", level=1,
    cis=["4.4.2.4"],
    remediation="Replace broad accept rules with one rule per allowed service (e.g. `tcp dport 22 accept`) and "
    "remove rules for ports the baseline does not allow.",
)
def test_fw_09_narrow_accept_rules(facts, baseline):
    """A rule that accepts new traffic to any port, in any base chain, undoes
    the default deny as soon as chain priorities or policies change; a rule
    for a port the host does not serve is an open door waiting for a service.
    Read as a CIS auditor reads 4.4.2.4 (rules exist for the open ports, and
    only for them): every accept rule for new inbound traffic must name
    destination ports, all in firewall.allowed_inbound. Rules for loopback,
    for ICMP only, or for established/related traffic only are exempt. An
    input hook whose default is accept opens every port and fails too."""
    state, allowed = facts.firewall, baseline.firewall.allowed_inbound
    problems = []
    for family in _families(facts):
        verdict = state.loaded.default_verdict(family, "input")
        if verdict not in DENY:
            problems.append(f"{FAMILY_NAMES[family]} inbound default is {_verdict_text(verdict)}: every port is open")
        for rule in _new_inbound_accepts(state, family):
            if rule.match.icmp_only:
                continue
            if rule.match.dports is None:
                conditions = describe_match(rule.match, with_states=False) or "traffic"
                problems.append(f"'{rule.text}' in {rule.chain} accepts new {conditions} to any port")
                continue
            protocols = sorted(rule.match.protocols or {"tcp", "udp"})
            outside = [f"{p}/{port_text((r,))}" for p in protocols for r in rule.match.dports
                       if not range_allowed(p, r, allowed)]
            if outside:
                problems.append(f"'{rule.text}' in {rule.chain} accepts {', '.join(outside)}, "
                                "not in firewall.allowed_inbound")
    assert not problems, "; ".join(dict.fromkeys(problems))


@control(
    "FW-10", title="Management ports accept new connections only from the admin networks", severity="medium",
    level=2,
    remediation="Restrict the SSH accept rule to the admin networks, e.g. `ip saddr 192.0.2.0/24 tcp dport 22 "
    "accept` (ufw: `ufw allow from 192.0.2.0/24 to any port 22 proto tcp`).",
)
def test_fw_10_admin_sources(facts, baseline):
    """SSH reachable from everywhere invites credential attacks from the whole
    internet; limiting it to the administrators' networks removes almost all
    of them. Applies when the baseline lists firewall.admin_sources; the
    management ports are the ports sshd listens on."""
    ports = sorted({int(p) for p in facts.sshd.values("port")})
    admin = baseline.firewall.admin_sources
    if admin is None:
        raise NotApplicable("baseline lists no firewall.admin_sources")
    state = facts.firewall
    problems = []
    for family in _families(facts):
        if state.loaded.default_verdict(family, "input") not in DENY:
            problems.append(f"{FAMILY_NAMES[family]} inbound default accepts everyone")
        for rule in _new_inbound_accepts(state, family):
            reaches = rule.match.dports is None or any(lo <= p <= hi for p in ports for lo, hi in rule.match.dports)
            if rule.match.icmp_only or not reaches:
                continue
            sources = rule.match.sources
            if sources is None or not all(any(_covers([a], s) for a in admin) for s in sources):
                problems.append(f"'{rule.text}' in {rule.chain} admits {', '.join(sources or ['any source'])}")
    assert not problems, (
        f"expected port {', '.join(map(str, ports))} open only to {', '.join(admin)}, found {'; '.join(dict.fromkeys(problems))}"
    )


@control(
    "FW-11", title="Outbound traffic is denied by default with an allowlist", severity="low", level=2,
    remediation=f"Set the output chain's policy to drop and accept only the destinations the host needs "
    f"({NFTABLES_FIX}: `policy drop;` plus e.g. `udp dport 53 accept`, `tcp dport 443 accept`).",
)
def test_fw_11_egress(facts, baseline):
    """Egress filtering stops a compromised host from fetching tools, calling
    home or attacking others. Applies when the baseline sets firewall.egress:
    filtered."""
    if baseline.firewall.egress == "open":
        raise NotApplicable("baseline leaves outbound traffic open (firewall.egress: open)")
    state = facts.firewall
    problems = []
    for family in _families(facts):
        verdict = state.loaded.default_verdict(family, "output")
        if verdict not in DENY:
            problems.append(f"{FAMILY_NAMES[family]} outbound default is {_verdict_text(verdict)}")
        elif not any(r.verdict == "accept" for r in state.loaded.rules(family, "output")):
            problems.append(f"{FAMILY_NAMES[family]} outbound has no allowlist (no accept rule)")
    assert not problems, f"expected outbound denied by default with an allowlist, found {'; '.join(problems)}"
