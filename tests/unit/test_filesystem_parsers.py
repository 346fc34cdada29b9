"""Mount table and one-pass scan parsing."""

from pathlib import Path

import pytest

from hardening_audit.parsers.filesystem import parse_findmnt, parse_scan


def test_findmnt_with_escaped_paths_and_local_filter():
    mounts = parse_findmnt(
        "/ ext4 rw,relatime\n/proc proc rw,nosuid,nodev,noexec\n/tmp tmpfs rw,nosuid,nodev,noexec\n"
        "/srv/my\\x20share nfs4 rw\n"
    )
    assert [(m.target, m.local) for m in mounts] == [("/", True), ("/proc", False), ("/tmp", True),
                                                      ("/srv/my share", False)]
    assert "noexec" in mounts[2].options


def test_scan_lines():
    result = parse_scan(
        "ww 666 root root /srv/shared/notes.txt\nwd 777 root root /srv/drop\n"
        "uo 4242 4242 /srv/orphan.dat\nsu 4755 root root /usr/local/bin/suid-true\n"
    )
    assert result.world_writable_files == ["/srv/shared/notes.txt"]
    assert result.open_directories == ["/srv/drop"]
    assert result.unowned == ["/srv/orphan.dat (uid 4242, gid 4242)"]
    assert result.setid == [("/usr/local/bin/suid-true", "4755")]
    with pytest.raises(ValueError):
        parse_scan("garbage line\n")


CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "filesystem"


def test_captured_scans():
    weak = parse_scan((CAPTURED / "fs-weak" / "scan.txt").read_text())
    assert weak.world_writable_files == ["/srv/shared/notes.txt"]
    assert weak.open_directories == ["/srv/drop"]
    assert weak.unowned == ["/srv/orphan.dat (uid 4242, gid 4242)"]
    assert ("/usr/local/bin/suid-true", "4755") in weak.setid
    hardened = parse_scan((CAPTURED / "hardened" / "scan.txt").read_text())
    assert not hardened.world_writable_files and not hardened.open_directories and not hardened.unowned
    mounts = {m.target: m for m in parse_findmnt((CAPTURED / "hardened" / "findmnt.txt").read_text())}
    assert {"nodev", "nosuid", "noexec"} <= mounts["/tmp"].options
    assert not mounts["/proc"].local
