"""Kernel: network and memory hardening parameters.

KRN-01..08 judge the value the running kernel applies (per interface where
the kernel combines conf.all with the interface's own value) and also fail
when the persisted configuration sets a non-compliant value, which would
apply at the next boot. A value right at runtime but not persisted fails
KRN-09 only. Persisted means the effective result of /usr/lib/sysctl.d,
/run/sysctl.d, /etc/sysctl.d (same name: /etc over /run over /usr/lib;
name order, later wins) and /etc/sysctl.conf.
"""

from hardening_audit.controls import control
from hardening_audit.kernel_params import Param, param_findings, params_of, wanted
from hardening_audit.outcomes import CheckError, NotApplicable
from hardening_audit.parsers.sysctl import persisted_value

SYSCTL_FIX = "Set it in /etc/sysctl.d/60-hardening.conf and apply with `sysctl --system`"


def _assert_params(facts, control_id):
    persisted = facts.sysctl_persisted
    found = param_findings(control_id, facts.sysctl_runtime, lambda key: persisted_value(persisted, key))
    assert not found, f"found {'; '.join(found)} (expected {wanted(control_id)})"


@control(
    "KRN-01", title="IP forwarding is off unless the host is a router", severity="medium", level=1,
    cis=["3.3.1"], ssg=["sysctl_net_ipv4_ip_forward"],
    remediation=f"net.ipv4.ip_forward = 0 and net.ipv6.conf.all.forwarding = 0. {SYSCTL_FIX}.",
)
def test_krn_01_ip_forwarding(facts, baseline):
    """A host that forwards packets can be used to reach networks behind it
    and to bypass filtering; only routers need it (firewall.forwarding)."""
    if baseline.firewall.forwarding:
        raise NotApplicable("baseline declares the host a router (firewall.forwarding: true)")
    _assert_params(facts, "KRN-01")


@control(
    "KRN-02", title="ICMP redirects are neither accepted nor sent", severity="medium", level=1,
    cis=["3.3.x"],
    remediation=f"accept_redirects, secure_redirects and send_redirects = 0 for conf.all and conf.default "
    f"(IPv4; accept_redirects for IPv6 too). {SYSCTL_FIX}.",
)
def test_krn_02_redirects(facts):
    """Redirects let anyone on the link rewrite the host's routing table;
    only routers should send them."""
    _assert_params(facts, "KRN-02")


@control(
    "KRN-03", title="Source-routed packets are rejected", severity="medium", level=1,
    cis=["3.3.x"],
    remediation=f"accept_source_route = 0 for conf.all and conf.default, IPv4 and IPv6. {SYSCTL_FIX}.",
)
def test_krn_03_source_route(facts):
    """Source routing lets the sender choose the path, e.g. through a
    trusted host, to reach what it could not reach directly."""
    _assert_params(facts, "KRN-03")


@control(
    "KRN-04", title="Reverse-path filtering is on", severity="low", level=1,
    cis=["3.3.x"],
    remediation=f"net.ipv4.conf.all.rp_filter = 1 and net.ipv4.conf.default.rp_filter = 1. {SYSCTL_FIX}.",
)
def test_krn_04_rp_filter(facts):
    """Strict reverse-path filtering drops packets whose source address could
    not be reached back through the interface they came in on: spoofed
    traffic. The kernel applies the larger of conf.all and the interface's
    value; CIS asks for strict mode (1)."""
    _assert_params(facts, "KRN-04")


@control(
    "KRN-05", title="TCP SYN cookies are on", severity="medium", level=1,
    cis=["3.3.x"], ssg=["sysctl_net_ipv4_tcp_syncookies"],
    remediation=f"net.ipv4.tcp_syncookies = 1. {SYSCTL_FIX}.",
)
def test_krn_05_syncookies(facts):
    """SYN cookies keep the host answering legitimate clients during a SYN
    flood."""
    _assert_params(facts, "KRN-05")


@control(
    "KRN-06", title="Martians are logged; broadcast ICMP and bogus errors are ignored", severity="low", level=1,
    cis=["3.3.x"],
    remediation=f"log_martians = 1 (conf.all and conf.default), icmp_echo_ignore_broadcasts = 1, "
    f"icmp_ignore_bogus_error_responses = 1. {SYSCTL_FIX}.",
)
def test_krn_06_icmp_and_martians(facts):
    """Logged martians reveal spoofing attempts; answering broadcast pings
    makes the host an amplifier (smurf); bogus ICMP errors fill the logs."""
    _assert_params(facts, "KRN-06")


@control(
    "KRN-07", title="Full address-space layout randomisation", severity="high", level=1,
    ssg=["sysctl_kernel_randomize_va_space"],
    remediation=f"kernel.randomize_va_space = 2. {SYSCTL_FIX}.",
)
def test_krn_07_aslr(facts):
    """Randomised stack, heap and mapping addresses make memory-corruption
    exploits unreliable."""
    _assert_params(facts, "KRN-07")


@control(
    "KRN-08", title="Kernel information and tracing are restricted", severity="medium", level=2,
    remediation=f"kernel.kptr_restrict = 1, kernel.dmesg_restrict = 1, kernel.yama.ptrace_scope = 1, "
    f"kernel.unprivileged_bpf_disabled = 1, kernel.perf_event_paranoid = 2 (or stricter). {SYSCTL_FIX}.",
)
def test_krn_08_kernel_info(facts):
    """Kernel addresses, the kernel log, ptrace of other processes, BPF and
    perf events give an attacker on the host the information and the tools to
    escalate. A setting this kernel lacks fails, naming it."""
    _assert_params(facts, "KRN-08")


def _required(level: int) -> list[Param]:
    controls = ["KRN-01", "KRN-02", "KRN-03", "KRN-04", "KRN-05", "KRN-06", "KRN-07"] + (["KRN-08"] if level >= 2 else [])
    return [param for control_id in controls for param in params_of(control_id)]


@control(
    "KRN-09", title="Every required parameter is persisted", severity="low", level=1,
    cis=["3.3.x"],
    remediation=f"Write every required value to /etc/sysctl.d/60-hardening.conf. {SYSCTL_FIX}.",
)
def test_krn_09_persisted(facts, baseline):
    """A value set only at runtime (by hand, by a script) is lost at the next
    reboot and the kernel default returns. Each required parameter of the
    selected controls (KRN-01 only where the host is no router) must be
    persisted with a compliant value."""
    persisted = facts.sysctl_persisted
    missing = []
    for param in _required(baseline.level):
        if param.control == "KRN-01" and baseline.firewall.forwarding:
            continue
        saved = persisted_value(persisted, param.key)
        if saved is None:
            missing.append(f"{param.key} not persisted")
        elif not saved[0].lstrip("-").isdigit() or not param.complies(int(saved[0])):
            missing.append(f"{param.key} persisted as {saved[0]} ({saved[1]})")
    assert not missing, f"expected every required kernel parameter persisted, found {'; '.join(missing)}"


@control(
    "KRN-10", title="Unneeded filesystems and network protocols cannot be loaded", severity="low", level=1,
    cis=["1.1.1.x", "3.2.x"],
    remediation="For each module listed: `install MODULE /bin/false` and `blacklist MODULE` in "
    "/etc/modprobe.d/MODULE.conf (then rmmod it if loaded).",
)
def test_krn_10_unneeded_modules(facts):
    """Rarely used filesystem and protocol code is where kernel exploits live;
    code that cannot be loaded cannot be attacked. A module passes when no
    installed kernel provides it, or modprobe configuration replaces its
    loading with /bin/false or /bin/true (a blacklist alone does not stop an
    explicit modprobe)."""
    files, installs = facts.module_files, facts.modprobe_install_commands
    loadable = [module for module, paths in files.items()
                if paths and installs.get(module) not in ("/bin/false", "/bin/true", "/usr/bin/false", "/usr/bin/true")]
    assert not loadable, f"expected unneeded modules absent or disabled, found loadable {', '.join(loadable)}"


@control(
    "KRN-11", title="A mandatory access control system is enforcing", severity="medium", level=1,
    cis=["1.3.x"],
    remediation="Enable AppArmor (apt-get install apparmor apparmor-utils; apparmor=1 security=apparmor on the "
    "kernel command line) and put its profiles in enforce mode (aa-enforce /etc/apparmor.d/*).",
)
def test_krn_11_mac(facts):
    """AppArmor or SELinux confines services to what they need, so one
    compromised daemon does not own the host. Judged in the kernel the host
    runs: AppArmor enabled with at least one profile enforcing, or SELinux
    enforcing."""
    mac = facts.mandatory_access_control
    if mac.enforcing is None:
        raise CheckError(mac.detail)
    assert mac.enforcing, f"expected AppArmor or SELinux enforcing, found {mac.detail}"
