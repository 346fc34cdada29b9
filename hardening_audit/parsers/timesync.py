"""Time synchronisation status: chrony, systemd-timesyncd (timedatectl) and ntpsec (ntpq)."""

from __future__ import annotations

from dataclasses import dataclass

# chronyc source states: "*" synchronised to, "+" combined with it; "-" usable but not combined;
# "?" unreachable, "x" falseticker, "~" too variable.
CHRONY_SELECTED = {"*", "+"}
# ntpq tally codes: "*" system peer, "o" PPS peer, "+" candidate, "#" backup; " " "x" "." "-" rejected.
NTPQ_SELECTED = {"*", "o", "+", "#"}


@dataclass(frozen=True)
class ChronySource:
    mode: str          # "^" server, "=" peer, "#" reference clock
    state: str         # see CHRONY_SELECTED
    address: str
    stratum: int
    poll: int          # log2 seconds
    reach: int         # the 8-bit reachability register (printed in octal)
    last_rx: int | None  # seconds since the last sample; None when never (chrony prints 2**32-1)

    @property
    def selected(self) -> bool:
        return self.state in CHRONY_SELECTED


def parse_chronyc_sources(text: str) -> list[ChronySource]:
    """``chronyc -n -c sources``: one CSV line per source (mode, state, address, stratum, poll, reach,
    last rx, offsets...)."""
    sources = []
    for line in text.splitlines():
        fields = line.strip().split(",")
        if len(fields) < 7 or not fields[3].lstrip("-").isdigit():
            continue
        last_rx = int(fields[6]) if fields[6].isdigit() else None
        sources.append(ChronySource(fields[0], fields[1], fields[2], int(fields[3]), int(fields[4]),
                                    int(fields[5], 8), None if last_rx == 2**32 - 1 else last_rx))
    return sources


def _properties(text: str) -> dict[str, str]:
    properties = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            properties[key.strip()] = value.strip()
    return properties


def _yes(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


@dataclass(frozen=True)
class TimeStatus:
    timezone: str | None
    can_ntp: bool | None       # a time sync service is installed
    ntp: bool | None           # that service is enabled
    synchronized: bool | None  # the kernel clock is marked synchronised
    properties: dict[str, str]


def parse_timedatectl_show(text: str) -> TimeStatus:
    """``timedatectl show``: Timezone, CanNTP, NTP, NTPSynchronized... as ``Key=value`` lines."""
    values = _properties(text)
    return TimeStatus(values.get("Timezone"), _yes(values.get("CanNTP")), _yes(values.get("NTP")),
                      _yes(values.get("NTPSynchronized")), values)


@dataclass(frozen=True)
class TimesyncServers:
    server_name: str | None     # the server systemd-timesyncd talks to now ("" or None: none)
    server_address: str | None
    link: tuple[str, ...]       # from the network configuration (DHCP, .network files)
    system: tuple[str, ...]     # NTP= of timesyncd.conf
    runtime: tuple[str, ...]
    fallback: tuple[str, ...]   # FallbackNTP=, used when no other server is known
    properties: dict[str, str]


def parse_timesync_servers(text: str) -> TimesyncServers:
    """``timedatectl show-timesync``: ServerName, ServerAddress and the *NTPServers lists."""
    values = _properties(text)

    def servers(key: str) -> tuple[str, ...]:
        return tuple(values.get(key, "").split())

    return TimesyncServers(values.get("ServerName") or None, values.get("ServerAddress") or None,
                           servers("LinkNTPServers"), servers("SystemNTPServers"),
                           servers("RuntimeNTPServers"), servers("FallbackNTPServers"), values)


@dataclass(frozen=True)
class NtpPeer:
    tally: str         # see NTPQ_SELECTED
    remote: str        # ntpq cuts it to 15 characters
    refid: str
    stratum: int
    type: str          # u unicast, p pool, l local clock, b/B broadcast, s/S symmetric...
    reach: int         # the 8-bit reachability register (printed in octal)

    @property
    def selected(self) -> bool:
        return self.tally in NTPQ_SELECTED


def parse_ntpq_peers(text: str) -> list[NtpPeer]:
    """``ntpq -pn`` (ntpsec): the peer table under its header and "====" line.

    The first column is the tally code, glued to the remote name (a blank when rejected).
    """
    peers = []
    for line in text.splitlines():
        if len(line) < 2 or line.lstrip().startswith(("remote", "=")):
            continue
        fields = line[1:].split()
        if len(fields) < 7 or not fields[2].isdigit():
            continue
        reach = int(fields[6], 8) if fields[6].isdigit() else 0
        peers.append(NtpPeer(line[0], fields[0], fields[1], int(fields[2]), fields[3], reach))
    return peers
