"""Every key a baseline may set. ``baselines/default.yaml`` documents each one."""

from .schema import Bool, Choice, Date, Int, ListOf, MapOf, Network, Optional, Section, Str

PERMIT_ROOT_LOGIN = ("no", "forced-commands-only", "prohibit-password", "yes")

SSH = Section(
    {
        "permit_root_login": Choice(PERMIT_ROOT_LOGIN[:-1]),
        "ciphers": ListOf(Str()),
        "macs": ListOf(Str()),
        "kex": ListOf(Str()),
        "max_auth_tries": Int(minimum=1),
        "login_grace_time": Int(minimum=1),
        "client_alive_interval": Int(minimum=1),
        "client_alive_count_max": Int(minimum=1),
        "forwarding": Section({"tcp": Bool(), "agent": Bool()}),
        "allow_users": Optional(ListOf(Str())),
        "allow_groups": Optional(ListOf(Str())),
        "max_startups": Str(r"\d+(:\d+:\d+)?", "start:rate:full, e.g. 10:30:60"),
        "max_sessions": Int(minimum=1),
        "rsa_min_bits": Int(minimum=1024),
    }
)

PORT_SPEC = Str(r"(tcp|udp|sctp)/\d{1,5}(-\d{1,5})?", "protocol/port or protocol/low-high, e.g. tcp/22")

FIREWALL = Section(
    {
        "allowed_inbound": ListOf(PORT_SPEC),
        "admin_sources": Optional(ListOf(Network())),
        "forwarding": Bool(),
        "egress": Choice(("open", "filtered")),
    }
)

BACKUP_JOB = Section(
    {
        "name": Str(),
        "tool": Choice(("restic", "borg", "archive")),
        "repository": Str(),
        "password_file": Optional(Str(r"/.*", "an absolute path")),
        "environment_file": Optional(Str(r"/.*", "an absolute path")),
        "paths": ListOf(Str(r"/.*", "an absolute path")),
        "schedule": Str(r"[\w@.:-]+\.timer|cron:/.+", "a systemd timer (name.timer) or cron:/path/to/crontab"),
        "service": Optional(Str(r"[\w@.:-]+\.service", "a systemd service (name.service)")),
        "max_interval_hours": Int(minimum=1),
        "max_age_hours": Int(minimum=1),
        "restore_probe": Optional(Str(r"/.*", "an absolute path")),
        "restore_static": Bool(),
        "encrypted_destination": Bool(),
    },
    required=("name", "tool", "repository", "paths", "schedule"),
)

BACKUPS = Section(
    {
        "required": Bool(),
        "verify": Choice(("metadata", "data")),
        "max_interval_hours": Int(minimum=1),
        "max_age_hours": Int(minimum=1),
        "jobs": ListOf(BACKUP_JOB),
    }
)

ACCOUNTS = Section(
    {
        "pass_max_days": Int(minimum=1),
        "pass_min_days": Int(minimum=0),
        "pass_warn_age": Int(minimum=0),
        "pwquality": Section({"minlen": Int(minimum=1), "minclass": Optional(Int(minimum=1, maximum=4))}),
        "lockout": Section({"deny": Int(minimum=1), "unlock_time": Int(minimum=0)}),
        "inactive_days": Int(minimum=0),
        "login_users": Optional(ListOf(Str())),
        "sudo_nopasswd_allowed": ListOf(Str()),
        "root_password": Choice(("any", "locked")),
    }
)

FILESYSTEM = Section(
    {
        "suid_allowed": ListOf(Str(r"/.*", "an absolute path")),
        "mount_options": MapOf(ListOf(Str(r"[a-z_]+", "a mount option such as nodev"))),
    }
)

SUPPORTED_RELEASE = Section(
    {
        "id": Str(r"[a-z0-9._-]+", "an os-release ID such as debian or ubuntu"),
        "version": Str(r"[0-9][0-9.]*", "an os-release VERSION_ID such as 12 or 24.04"),
        "name": Str(),
        "end": Date(),
        "source": Str(),
    },
    required=("id", "version", "end"),
)

PATCHING = Section(
    {
        "max_pending_security": Int(minimum=0),
        "max_list_age_days": Int(minimum=1),
        "max_pending": Optional(Int(minimum=0)),
        "verify_packages": ListOf(Str()),
        "supported_releases": ListOf(SUPPORTED_RELEASE),
    }
)

AUDIT_GROUPS = ("identity", "sudoers", "time", "logins", "modules", "permissions")
AUDITD_ACTIONS = ("ignore", "syslog", "rotate", "keep_logs", "email", "exec", "suspend", "single", "halt")

LOGGING = Section(
    {
        "syslog_daemon": Bool(),
        "remote_hosts": Optional(ListOf(Str(r"(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?",
                                            "host, host:port or [IPv6]:port"))),
        "transport": Choice(("tcp", "tls")),
        "log_server": Bool(),
        "audit_watch": ListOf(Choice(AUDIT_GROUPS)),
        "audit_storage": Section({
            key: ListOf(Choice(AUDITD_ACTIONS))
            for key in ("max_log_file_action", "space_left_action", "admin_space_left_action",
                        "disk_full_action", "disk_error_action")
        }),
    }
)

DETECTION = Section({"bruteforce": Bool(), "malware_scan": Bool()})

# Unit names (service, socket, path or timer, with or without the suffix) or shell globs.
SERVICES = Section(
    {
        "allowed": Optional(ListOf(Str())),
        "allowed_clients": ListOf(Str()),
    }
)

# The settings a baseline tunes; a per-host override may set any of them.
SETTINGS = {
    "level": Choice((1, 2)),
    "accounts": ACCOUNTS,
    "backups": BACKUPS,
    "detection": DETECTION,
    "filesystem": FILESYSTEM,
    "firewall": FIREWALL,
    "logging": LOGGING,
    "patching": PATCHING,
    "services": SERVICES,
    "ssh": SSH,
}

BASELINE = Section(
    {
        "description": Str(),
        "extends": Str(),
        "hosts": MapOf(Section(SETTINGS)),
        **SETTINGS,
    }
)
