"""Detection: tampering and intrusion attempts get noticed.

A periodic job counts only when it really runs: an enabled timer, or a cron job of a cron that
starts. Debian's cron.daily scripts for AIDE and chkrootkit exit when systemd is running (their
timers take over), so on such a host only the timers count for them.
"""

from hardening_audit.controls import control
from hardening_audit.outcomes import NotApplicable
from hardening_audit.parsers.packages import present

AIDE_TIMERS = ("dailyaidecheck.timer",)
SCANNER_TIMERS = ("chkrootkit.timer", "rkhunter.timer")


def _cron_runs(facts):
    return facts.of("daemon_state", ("cron.service", "cronie.service")).active


def _cron_lines_running(facts, command):
    return [line for line in facts.scheduled_lines if command in line.split()] if _cron_runs(facts) else []


@control(
    "DET-01", title="File integrity monitoring is installed and initialised", severity="medium", level=1,
    cis=["6.3.1"], ssg=["package_aide_installed", "aide_build_database"],
    remediation="apt-get install aide aide-common; aideinit (builds /var/lib/aide/aide.db).",
)
def test_det_01_aide(facts):
    """Only a baseline of file checksums taken while the system was clean
    shows which binaries and configuration files were changed afterwards."""
    aide = facts.aide
    assert aide.installed, "expected AIDE installed with its database initialised, found AIDE not installed"
    assert aide.initialised, f"expected AIDE's database initialised, found no database at {aide.database}"


@control(
    "DET-02", title="The integrity check runs periodically", severity="medium", level=1,
    cis=["6.3.2"], ssg=["aide_periodic_checking_systemd_timer"],
    remediation="systemctl enable --now dailyaidecheck.timer (or a cron.d entry running aide --check).",
)
def test_det_02_aide_scheduled(facts):
    """A database nobody compares against detects nothing. The check must
    run by itself: an enabled timer, or a cron entry of a running cron that
    runs aide (Debian's cron.daily script does nothing under systemd)."""
    assert facts.aide.installed, "expected AIDE's check scheduled, found AIDE not installed"
    timers = [t for t in AIDE_TIMERS if facts.of("daemon_state", (t,)).active]
    cron = _cron_lines_running(facts, "aide") + _cron_lines_running(facts, "/usr/bin/aide")
    assert timers or cron, ("expected dailyaidecheck.timer enabled or a cron entry running aide, "
                            "found neither")


@control(
    "DET-03", title="Brute-force protection is active for SSH", severity="low", level=2,
    runtime=True,
    seed=["detection components"],
    remediation="apt-get install fail2ban; enable the [sshd] jail in /etc/fail2ban/jail.d/sshd.local; "
    "systemctl enable --now fail2ban (or install sshguard).",
)
def test_det_03_bruteforce(facts, baseline):
    """Password guessing against SSH never stops on an exposed host; banning
    a source after a few failures turns it into noise. Required when the
    baseline says so (detection.bruteforce)."""
    if not baseline.detection.bruteforce:
        raise NotApplicable("the baseline does not require brute-force protection (detection.bruteforce)")
    sshguard = facts.of("daemon_state", ("sshguard.service",))
    fail2ban = facts.of("daemon_state", ("fail2ban.service",))
    if sshguard.active:
        return
    assert fail2ban.active, "expected fail2ban (sshd jail) or sshguard enabled and running, found neither"
    assert facts.fail2ban_sshd_jail, "expected fail2ban's sshd jail running, found fail2ban without it"


@control(
    "DET-04", title="A rootkit scanner runs periodically", severity="low", level=2,
    remediation='apt-get install rkhunter; CRON_DAILY_RUN="true" in /etc/default/rkhunter (with cron running), '
    "or enable a scanner's timer.",
)
def test_det_04_malware_scan(facts, baseline):
    """Rootkits hide from the tools an administrator uses; a scanner that
    looks for their traces only helps when it runs by itself. rkhunter's
    daily job does nothing unless CRON_DAILY_RUN is true."""
    if not baseline.detection.malware_scan:
        raise NotApplicable("the baseline does not require a malware scan (detection.malware_scan)")
    timers = [t for t in SCANNER_TIMERS if facts.of("daemon_state", (t,)).active]
    rkhunter = bool(present(facts.packages, ["rkhunter"]))
    daily_run = facts.rkhunter_defaults.get("CRON_DAILY_RUN", "").lower() in ("true", "yes", "1")
    rkhunter_cron = rkhunter and daily_run and _cron_runs(facts)
    found = "rkhunter installed, CRON_DAILY_RUN " + ("on" if daily_run else "off") if rkhunter else "no rkhunter"
    assert timers or rkhunter_cron, (f"expected a scanner's timer enabled or rkhunter's daily cron run with cron "
                                     f"running, found {found}{'' if _cron_runs(facts) else ', cron not running'}")
