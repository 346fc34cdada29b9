"""The verdict every control must reach on every booted lab host (lab baseline, level 1).

Each host's scenarios (tests/lab/scenarios) put it into a known state; a
comment names what makes a verdict differ from the host it is compared with.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

DEFAULT_BASELINE = Path(__file__).resolve().parents[1] / "baselines" / "default.yaml"

SSH_CONTROLS = [f"SSH-{n:02d}" for n in range(1, 19)]
FW_CONTROLS = [f"FW-{n:02d}" for n in range(1, 12)]
BAK_CONTROLS = [f"BAK-{n:02d}" for n in range(1, 11)]
ACC_CONTROLS = [f"ACC-{n:02d}" for n in range(1, 17)]

# A host whose baseline declares no backup job (level 1: BAK-05 and BAK-10 are level 2).
BAK_NONE = dict.fromkeys(BAK_CONTROLS, "not_applicable")
BAK_LEVEL_2 = {"BAK-05": "not_applicable", "BAK-10": "not_applicable"}
BAK_HARDENED = {**dict.fromkeys(BAK_CONTROLS, "pass"), **BAK_LEVEL_2}

SSH_HARDENED = dict.fromkeys(SSH_CONTROLS, "pass")

# sshd as Debian 12 ships it, with the lab baseline (AllowUsers auditor required).
SSH_DEBIAN_DEFAULT = {
    **SSH_HARDENED,
    "SSH-01": "fail",  # PermitRootLogin prohibit-password (baseline: no)
    "SSH-02": "fail",  # PasswordAuthentication yes
    "SSH-05": "fail",  # default MACs include umac-64
    "SSH-07": "fail",  # MaxAuthTries 6
    "SSH-08": "fail",  # LoginGraceTime 120
    "SSH-09": "fail",  # ClientAliveInterval 0
    "SSH-10": "fail",  # X11Forwarding yes
    "SSH-11": "fail",  # no AllowUsers
    "SSH-13": "fail",  # Banner none
    "SSH-14": "fail",  # sshd_config 0644
    "SSH-17": "fail",  # MaxStartups 10:30:100
}

SSH_WEAK = {
    **SSH_DEBIAN_DEFAULT,
    "SSH-01": "fail",  # PermitRootLogin yes
    "SSH-03": "fail",  # PermitEmptyPasswords yes
    "SSH-04": "fail",  # CBC ciphers
    "SSH-07": "fail",  # MaxAuthTries 10
    "SSH-08": "fail",  # LoginGraceTime 0
    "SSH-14": "fail",  # world-writable drop-in, world-readable host key
    "SSH-15": "fail",  # HostbasedAuthentication yes, IgnoreRhosts no, PermitUserEnvironment yes
    "SSH-18": "fail",  # 1024-bit RSA host key
}

ACC_LEVEL_2 = {"ACC-09": "not_applicable", "ACC-13": "not_applicable", "ACC-16": "not_applicable"}
ACC_HARDENED = {**dict.fromkeys(ACC_CONTROLS, "pass"), **ACC_LEVEL_2}

# Accounts as Debian 12 sets them up (with the lab's auditor, allowlisted for NOPASSWD sudo).
ACC_DEBIAN_DEFAULT = {
    **ACC_HARDENED,
    "ACC-05": "fail",  # PASS_MAX_DAYS 99999, PASS_MIN_DAYS 0
    "ACC-06": "fail",  # no pam_pwquality
    "ACC-07": "fail",  # no pam_faillock
    "ACC-12": "fail",  # no Defaults logfile
    "ACC-14": "fail",  # UMASK 022
}

KRN_CONTROLS = [f"KRN-{n:02d}" for n in range(1, 12)]


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def _machine_mac() -> str:
    """KRN-11 as the lab machine's kernel decides it (lab hosts share it, and see the same /sys)."""
    if _read("/sys/fs/selinux/enforce") == "1":
        return "pass"
    if _read("/sys/module/apparmor/parameters/enabled") == "Y":
        profiles = _read("/sys/kernel/security/apparmor/profiles")
        return "error" if profiles is None else "pass" if "(enforce)" in profiles else "fail"
    return "fail"


# kernel.* values and the security modules are the lab machine's own (one kernel for every
# host): KRN-07 and KRN-11 follow it. No lab host installs a kernel, so no module tree
# provides the unneeded modules (KRN-10).
MACHINE_ASLR = "pass" if _read("/proc/sys/kernel/randomize_va_space") == "2" else "fail"
KRN_HARDENED = {
    **dict.fromkeys(KRN_CONTROLS, "pass"),
    "KRN-07": MACHINE_ASLR,
    "KRN-08": "not_applicable",
    "KRN-11": _machine_mac(),
}
# A fresh network namespace's defaults, nothing persisted.
KRN_DEFAULT = {
    **KRN_HARDENED,
    "KRN-02": "fail",  # accept/secure/send_redirects 1
    "KRN-03": "fail",  # conf.default.accept_source_route 1
    "KRN-04": "fail",  # rp_filter 0
    "KRN-06": "fail",  # log_martians 0
    "KRN-09": "fail",  # nothing persisted
}

FS_CONTROLS = [f"FS-{n:02d}" for n in range(1, 8)]
# No lab host has a bootloader (FS-07); FS-06 is level 2.
FS_HARDENED = {**dict.fromkeys(FS_CONTROLS, "pass"), "FS-06": "not_applicable", "FS-07": "not_applicable"}
FS_DEFAULT = {**FS_HARDENED, "FS-05": "fail"}  # nspawn's /tmp and /dev/shm lack noexec

PAT_CONTROLS = [f"PAT-{n:02d}" for n in range(1, 9)]
# PAT-08 follows the day of the run: Debian 12's end of support in the default baseline.
DEBIAN_12_END = next(r["end"] for r in yaml.safe_load(DEFAULT_BASELINE.read_text())["patching"]["supported_releases"]
                     if (r["id"], r["version"]) == ("debian", "12"))
SUPPORTED_TODAY = "pass" if dt.date.today() <= DEBIAN_12_END else "fail"
PAT_HARDENED = {**dict.fromkeys(PAT_CONTROLS, "pass"), "PAT-04": "not_applicable", "PAT-07": "not_applicable",
                "PAT-08": SUPPORTED_TODAY}
# Every lab host starts without package sources or lists (base/auditor), and without unattended-upgrades.
PAT_NO_SOURCES = {
    **PAT_HARDENED,
    "PAT-01": "fail",  # unattended-upgrades not installed
    "PAT-02": "fail",  # no lists of the security archive
    "PAT-03": "not_applicable",
    "PAT-06": "not_applicable",
}

LOG_CONTROLS = [f"LOG-{n:02d}" for n in range(1, 13)]
DET_CONTROLS = [f"DET-{n:02d}" for n in range(1, 5)]
LOG_LEVEL_2 = dict.fromkeys(("LOG-04", "LOG-08", "LOG-09", "LOG-10", "LOG-11", "DET-03", "DET-04"), "not_applicable")
LOG_HARDENED = {**dict.fromkeys(LOG_CONTROLS + DET_CONTROLS, "pass"), **LOG_LEVEL_2}
# Debian minimal: journald with its persistent journal, nothing else; the lab baseline names log-server.
LOG_DEFAULT = {
    **LOG_HARDENED,
    "LOG-03": "fail",  # no forwarding to log-server
    "LOG-06": "fail",  # Debian leaves dpkg.log, alternatives.log, apt/history.log... 0644
    "LOG-07": "fail",  # no logrotate
    "LOG-12": "fail",  # no time synchronisation daemon
    "DET-01": "fail",  # no AIDE
    "DET-02": "fail",
}

SVC_CONTROLS = [f"SVC-{n:02d}" for n in range(1, 8)]
# fs.suid_dumpable is the lab machine's (one kernel for every host): SVC-06 follows it where the rest complies.
MACHINE_SUID_DUMPABLE = "pass" if _read("/proc/sys/fs/suid_dumpable") == "0" else "fail"
SVC_HARDENED = {**dict.fromkeys(SVC_CONTROLS, "pass"), "SVC-05": "not_applicable", "SVC-06": MACHINE_SUID_DUMPABLE}
# Debian minimal: no MTA, no cron or at, no core limit.
SVC_DEFAULT = {
    **SVC_HARDENED,
    "SVC-04": "not_applicable",
    "SVC-06": "fail",
    "SVC-07": "not_applicable",
}

FW_LEVEL_2 = {"FW-10": "not_applicable", "FW-11": "not_applicable"}

FW_HARDENED = {**dict.fromkeys(FW_CONTROLS, "pass"), **FW_LEVEL_2}

FW_NONE = {
    **dict.fromkeys(FW_CONTROLS, "fail"),
    **FW_LEVEL_2,
    "FW-08": "pass",  # only sshd listens (tcp/22 is allowed)
}

EXPECTED_BY_DOMAIN: dict[str, dict[str, str]] = {
    "hardened": {**SSH_HARDENED, **FW_HARDENED, **BAK_HARDENED},
    "ssh-weak": {**SSH_WEAK, **FW_NONE, "FS-02": "fail"},  # the 0666 sshd drop-in is world-writable
    "fw-iptables": {
        **SSH_DEBIAN_DEFAULT,
        **FW_HARDENED,
        "FW-04": "fail",  # rules.v6 leaves IPv6 INPUT at ACCEPT
        "FW-05": "fail",  # no IPv6 loopback rules
        "FW-06": "fail",  # IPv6 FORWARD ACCEPT
        "FW-09": "fail",  # IPv6 inbound default accept opens every port
    },
    "fw-ufw": {
        **SSH_DEBIAN_DEFAULT,
        **FW_HARDENED,
        "FW-09": "fail",  # ufw's before.rules accept DHCP (udp/68), mDNS (udp/5353) and UPnP (udp/1900)
    },
    "fw-firewalld": {
        **SSH_DEBIAN_DEFAULT,
        **FW_HARDENED,
        "FW-05": "fail",  # firewalld drops no spoofed 127.0.0.0/8 or ::1 sources
    },
    "fw-none": {**SSH_DEBIAN_DEFAULT, **FW_NONE, "FW-08": "fail"},  # busybox httpd on *:8080
    "fw-accept-all": {
        **SSH_DEBIAN_DEFAULT,
        **FW_HARDENED,
        "FW-02": "fail",  # nftables.service and netfilter-persistent both enabled
        "FW-09": "fail",  # "ct state new accept" in a second base chain
    },
    "backup-server": {**SSH_DEBIAN_DEFAULT, **FW_NONE},
    "bak-weak": {
        **SSH_DEBIAN_DEFAULT,
        **FW_NONE,
        **BAK_HARDENED,
        "BAK-01": "fail",  # no timer
        "BAK-02": "fail",  # newest snapshot dated 2024-01-01
        "BAK-03": "fail",  # /root not in the snapshot
        "BAK-06": "fail",  # the etc-archive job keeps plain tar archives
        "BAK-07": "fail",  # repositories /var/backups/restic and /var/backups/archive on the root filesystem
        "BAK-08": "fail",  # password and environment files 0644, archives 0644
        "BAK-09": "fail",  # last run of restic-etc.service failed
    },
    "bak-borg-weak": {
        **SSH_DEBIAN_DEFAULT,
        **FW_NONE,
        **BAK_HARDENED,
        "BAK-01": "fail",  # weekly timer, daily required
        "BAK-06": "fail",  # borg encryption none
    },
}

EXPECTED_BY_DOMAIN["hardened"].update({**ACC_HARDENED, **KRN_HARDENED, **FS_HARDENED, **SVC_HARDENED,
                                       **PAT_HARDENED, **LOG_HARDENED})
EXPECTED_BY_DOMAIN["fs-weak"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    **FS_DEFAULT,
    "FS-01": "fail",  # /etc/shadow 0644
    "FS-02": "fail",  # /srv/shared/notes.txt 0666, /srv/drop 0777 without sticky bit
    "FS-03": "fail",  # /srv/orphan.dat owned by 4242:4242
    "FS-04": "fail",  # /usr/local/bin/suid-true
}
EXPECTED_BY_DOMAIN["krn-weak"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    **KRN_DEFAULT,
    "KRN-01": "fail",  # net.ipv4.ip_forward = 1, persisted
    # KRN-05 passes at runtime (a unit sets tcp_syncookies without persisting it): KRN-09 only.
}
EXPECTED_BY_DOMAIN["backup-server"].update(
    {**ACC_DEBIAN_DEFAULT, "ACC-04": "fail", "ACC-10": "fail"}  # the backup account has /bin/sh
)
EXPECTED_BY_DOMAIN["acc-weak"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    **dict.fromkeys(ACC_CONTROLS, "fail"),
    **ACC_LEVEL_2,
    "FS-02": "fail",  # /home/bob is 0777 without the sticky bit
    # ACC-01 toor has UID 0; ACC-02 guest has an empty password; ACC-03 bob and carol share UID 1002;
    # ACC-04 daemon has /bin/sh; ACC-08 legacy has an MD5 hash; ACC-11 NOPASSWD: ALL through User_Alias OPS;
    # ACC-15 /home/bob is 0777 and /home/legacy/.netrc exists.
}

EXPECTED_BY_DOMAIN["bak-weak"]["SVC-07"] = "fail"  # cron installed with Debian's defaults: no cron.allow
EXPECTED_BY_DOMAIN["svc-weak"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    "FW-08": "fail",  # inetd on tcp/23, exim4 on tcp/25, all addresses
    **dict.fromkeys(SVC_CONTROLS, "fail"),
    "SVC-05": "not_applicable",
    # SVC-01 inetutils-telnetd, inetutils-inetd; SVC-02 avahi-daemon.socket, exim4 on *:25; SVC-03 telnet;
    # SVC-04 exim4 on *:25; SVC-06 no core limit; SVC-07 no cron.allow or at.allow, /etc/crontab 0644.
}

EXPECTED_BY_DOMAIN["apt-mirror"] = {**SSH_DEBIAN_DEFAULT, **FW_NONE, "FW-08": "fail"}  # busybox httpd on *:80
EXPECTED_BY_DOMAIN["pat-weak"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    **PAT_HARDENED,
    "PAT-01": "fail",  # APT::Periodic::Unattended-Upgrade "0" in a later file
    "PAT-02": "fail",  # ha-lab-tool 1.0 installed, 1.1 in the security suite
    "PAT-05": "fail",  # /run/reboot-required
    "PAT-06": "fail",  # [trusted=yes] source with an unsigned Release
}
EXPECTED_BY_DOMAIN["pat-stale"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    **PAT_HARDENED,
    "PAT-01": "fail",  # unattended-upgrades removed, configuration left (rc)
    "PAT-03": "fail",  # bookworm-backports never fetched
}
EXPECTED_BY_DOMAIN["log-server"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    "FW-08": "fail",  # rsyslog on tcp/514, chronyd on udp/123, for the lab
    "LOG-03": "not_applicable",  # the central log host itself (hosts: override)
    "LOG-05": "not_applicable",  # logging.log_server: true
    # LOG-12 fails: it is the lab's time source (local stratum) and reaches no server itself.
}
EXPECTED_BY_DOMAIN["log-weak"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    "FW-08": "fail",  # rsyslog accepts logs on tcp/514 and udp/514
    "LOG-02": "fail",  # Storage=volatile in a later drop-in
    "LOG-05": "fail",  # imtcp and imudp inputs
    # LOG-03 fails: it forwards to 198.18.0.250, not to log-server.
}
EXPECTED_BY_DOMAIN["log-udp"] = {
    **SSH_DEBIAN_DEFAULT,
    **FW_NONE,
    "FW-08": "fail",  # rsyslog's UDP sending socket is bound to 0.0.0.0 on a random port
    "LOG-03": "pass",  # *.* @log-server:514 (UDP: LOG-04 at level 2)
    "DET-02": "pass",  # dailyaidecheck.timer enabled by the package (DET-01 fails: no database)
}

EXPECTED: dict[str, dict[str, str]] = {
    name: {**BAK_NONE, **ACC_DEBIAN_DEFAULT, **KRN_DEFAULT, **FS_DEFAULT, **SVC_DEFAULT, **PAT_NO_SOURCES,
           **LOG_DEFAULT, **controls}
    for name, controls in EXPECTED_BY_DOMAIN.items()
}
