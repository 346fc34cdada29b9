"""Patching: updates arrive automatically, from authenticated sources, and are applied.

Pending updates are what the host's own package lists offer (a simulated
dist-upgrade, so updates a plain upgrade keeps back count too), classified by
the release each newer version comes from. List ages are the time since
each enabled source's Release file was last fetched successfully.
"""

import datetime as dt

from hardening_audit.controls import control
from hardening_audit.judge import listed
from hardening_audit.outcomes import NotApplicable
from hardening_audit.parsers.apt_config import apt_bool

# Per-source options that switch off or weaken signature checks.
INSECURE_SOURCE_OPTIONS = ("trusted", "allow-insecure", "allow-weak", "allow-downgrade-to-insecure")


def _assert_pending(updates, limit, kind):
    described = [f"{u.package} {u.installed} -> {u.available} ({', '.join(u.origins)})" for u in updates]
    assert len(updates) <= limit, f"expected at most {limit} pending {kind} updates, found {len(updates)}: " \
                                  f"{listed(described)}"


def _enabled_sources(facts):
    sources = [s for s in facts.package_sources if s.enabled]
    if not sources:
        raise NotApplicable("no enabled package source")
    return sources


@control(
    "PAT-01", title="Automatic security updates are enabled", severity="high", level=1,
    seed=["automatic patch update"],
    remediation="apt-get install unattended-upgrades; in /etc/apt/apt.conf.d/20auto-upgrades set "
    'APT::Periodic::Update-Package-Lists "1" and APT::Periodic::Unattended-Upgrade "1" (and remove later '
    "files that set them to 0); keep the security origin in Unattended-Upgrade::Origins-Pattern; "
    "systemctl enable --now apt-daily.timer apt-daily-upgrade.timer.",
)
def test_pat_01_automatic_updates(facts):
    """Security fixes protect only once installed; a server that waits for
    someone to log in and upgrade stays exposed for days or weeks after an
    advisory. Each part is read as it takes effect: the package installed (a
    removed package whose configuration remains does nothing), the APT
    settings as apt-config resolves every file, the origin patterns with
    their variables expanded against the security archive's release, and
    the timers that start the daily runs."""
    auto = facts.automatic_updates
    found = [] if auto.installed else [f"{auto.tool} {'not installed' if auto.state == 'not installed' else f'in state {auto.state}'}"]
    found += [f"{key} off" if on is False else f"{key} unreadable" for key, on in auto.settings.items() if not on]
    if not auto.security_allowed:
        found.append(auto.security_detail)
    found += [f"{timer} {state}" for timer, state in auto.timers.items() if state not in ("enabled", "enabled-runtime")]
    assert not found, (f"expected {auto.tool} installed, daily list updates and upgrades on, the security archive "
                       f"allowed and the timers enabled; found {'; '.join(found)}")


@control(
    "PAT-02", title="No security update is pending", severity="high", level=1,
    cis=["1.2.2.1"], ssg=["security_patches_up_to_date"],
    remediation="apt-get update && apt-get dist-upgrade (then reboot if /run/reboot-required appears).",
)
def test_pat_02_security_updates(facts, baseline):
    """A published security update tells everyone what the flaw is; an
    installed package with a newer version in the security archive is a
    known, fixed vulnerability still open on this host. Without package
    lists of the security archive no pending update could be seen, so that
    fails too."""
    if not facts.security_releases:
        raise AssertionError("expected package lists of the distribution's security archive, found none: "
                             "no security update can be seen or installed")
    _assert_pending([u for u in facts.pending_updates if u.security], baseline.patching.max_pending_security,
                    "security")


@control(
    "PAT-03", title="Package lists were refreshed recently", severity="medium", level=1,
    remediation="Run apt-get update and fix what it reports (an unreachable or broken source); keep "
    'APT::Periodic::Update-Package-Lists "1" with apt-daily.timer enabled.',
)
def test_pat_03_list_age(facts, baseline):
    """Pending updates are only visible in fresh lists: a host whose lists
    are stale reports "nothing to install" while fixes wait. Age is the time
    since each enabled source's Release file was last stored by a successful
    fetch (the file's change time); the update-success stamp and the
    Release's Date field do not prove that, and a source never fetched has
    no age at all."""
    _enabled_sources(facts)
    limit = baseline.patching.max_list_age_days
    found = [f"{a.source} never fetched" if a.age_seconds is None else f"{a.source} {a.age_seconds / 86400:.1f} days old"
             for a in facts.list_ages if a.age_seconds is None or a.age_seconds > limit * 86400]
    assert not found, f"expected every enabled source's lists younger than {limit} days, found {'; '.join(found)}"


@control(
    "PAT-04", title="Pending non-security updates stay under the threshold", severity="low", level=1,
    remediation="apt-get update && apt-get dist-upgrade in the next maintenance window.",
)
def test_pat_04_other_updates(facts, baseline):
    """Bug fixes and point-release updates left to pile up make the next
    upgrade large and risky, and some fix security problems without an
    advisory."""
    limit = baseline.patching.max_pending
    if limit is None:
        raise NotApplicable("the baseline sets no patching.max_pending")
    _enabled_sources(facts)
    _assert_pending([u for u in facts.pending_updates if not u.security], limit, "non-security")


@control(
    "PAT-05", title="No reboot is pending to activate updates", severity="medium", level=1,
    runtime=True,
    remediation="Reboot the host in the next maintenance window (needrestart shows which services need a restart "
    "meanwhile).",
)
def test_pat_05_reboot(facts):
    """An updated kernel or C library protects nothing until the host runs
    it. The kernel comparison applies only where a kernel package is
    installed (a container runs its machine's kernel)."""
    state = facts.reboot_state
    found = []
    if state.marker:
        found.append("/run/reboot-required" + (f" (for {', '.join(state.packages)})" if state.packages else ""))
    if state.newest_kernel and state.newest_kernel != state.running_kernel:
        found.append(f"running kernel {state.running_kernel}, newest installed {state.newest_kernel}")
    assert not found, f"expected no pending reboot, found {'; '.join(found)}"


@control(
    "PAT-06", title="Every package source is authenticated", severity="high", level=1,
    cis=["1.2.1.1", "1.2.1.2"], ssg=["apt_conf_disallow_unauthenticated"],
    remediation="Remove trusted=yes and allow-insecure options from the sources listed, give each its "
    "repository key with Signed-By, and delete the insecure APT options from /etc/apt/apt.conf.d.",
)
def test_pat_06_authenticated_sources(facts):
    """Whoever can change the packages a host installs owns the host: every
    source must be signed and its signature checked. A disabled entry does
    not count; an enabled one must have no option that skips the check, and
    its Release file must verify with its Signed-By key (or the system
    keyring)."""
    sources = _enabled_sources(facts)
    found = [f"{s.type} {s.uri} {s.suite} has {option}={s.options[option]} ({s.file})"
             for s in sources for option in INSECURE_SOURCE_OPTIONS
             if option in s.options and apt_bool(s.options[option])]
    found += [f"apt option {option}" for option in facts.insecure_apt_options]
    found += [f"{source}: {problem}" for source, problem in facts.release_signatures.items() if problem]
    assert not found, f"expected every source authenticated, found {'; '.join(found)}"


@control(
    "PAT-07", title="Files of security-relevant packages are unmodified", severity="medium", level=2,
    remediation="Reinstall the package (apt-get install --reinstall PACKAGE) after finding out who changed the "
    "file and why.",
)
def test_pat_07_package_integrity(facts, baseline):
    """A changed sshd, sudo, PAM module or login binary is how a compromised
    host keeps its attacker. Conffiles are configuration (the other
    controls judge them) and do not count."""
    findings = facts.of("modified_package_files", tuple(baseline.patching.verify_packages))
    found = [f"{f.path} missing" if f.missing else f"{f.path} ({', '.join(f.failed) or f.error} differs)"
             for f in findings]
    assert not found, f"expected the packages' files as installed, found {listed(found)}"


@control(
    "PAT-08", title="The distribution release is still supported", severity="high", level=1,
    remediation="Upgrade to a supported release of the distribution.",
)
def test_pat_08_supported_release(facts, baseline):
    """Once its support ends a release gets no security updates at all: every
    flaw found later stays open. Supported means listed in
    patching.supported_releases with an end date on or after the day of the
    audit; a distribution the list does not name is not applicable."""
    release = facts.system.os_release
    distro, version = release.get("ID", ""), release.get("VERSION_ID", "")
    name = release.get("PRETTY_NAME") or f"{distro} {version}"
    known = [r for r in baseline.patching.supported_releases if r["id"] == distro]
    if not known:
        raise NotApplicable(f"{name}: distribution {distro or '(no ID)'} not in patching.supported_releases")
    entry = next((r for r in known if r["version"] == version), None)
    today = dt.date.today()
    assert entry is not None, (f"expected one of {', '.join(r['id'] + ' ' + r['version'] for r in known)}, "
                               f"found {name}")
    assert entry["end"] >= today, f"expected support until at least {today}, found {name} supported until {entry['end']}"
