"""Baseline loading, merging, host overrides and validation of bad input."""

import subprocess
import sys
from pathlib import Path

import pytest

from hardening_audit.baseline import BaselineError, load_baseline

REPO = Path(__file__).resolve().parents[2]
BASELINES = REPO / "baselines"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


@pytest.fixture
def search_dir(tmp_path: Path) -> Path:
    """A baselines directory holding the real default.yaml."""
    (tmp_path / "default.yaml").write_text((BASELINES / "default.yaml").read_text())
    return tmp_path


def test_default_baseline_loads_with_level_1():
    baseline = load_baseline("default", BASELINES)
    settings = baseline.for_host("web1")
    assert settings.level == 1
    assert settings.ssh.max_auth_tries == 4
    assert settings.ssh.permit_root_login == "no"


def test_strict_profile_extends_default_and_selects_level_2():
    settings = load_baseline("strict", BASELINES).for_host("web1")
    assert settings.level == 2
    assert settings.ssh.forwarding.tcp is False
    assert "hmac-sha1" not in settings.ssh.macs
    assert settings.ssh.max_auth_tries == 4  # inherited from default


def test_profile_without_extends_rests_on_default(search_dir):
    path = write(search_dir, "site.yaml", "ssh:\n  max_auth_tries: 3\n")
    settings = load_baseline(str(path), search_dir).for_host("h")
    assert settings.ssh.max_auth_tries == 3
    assert settings.ssh.login_grace_time == 60


def test_extends_chain_merges_in_order_and_lists_replace(search_dir):
    write(search_dir, "mid.yaml", "ssh:\n  max_auth_tries: 3\n  ciphers: [aes256-ctr, aes128-ctr]\n")
    write(search_dir, "top.yaml", "extends: mid\nssh:\n  ciphers: [aes256-ctr]\n")
    settings = load_baseline("top", search_dir).for_host("h")
    assert settings.ssh.max_auth_tries == 3
    assert settings.ssh.ciphers == ["aes256-ctr"]


def test_host_overrides_apply_by_glob_in_file_order(search_dir):
    write(search_dir, "site.yaml", (
        "hosts:\n"
        "  'web*':\n    ssh:\n      max_auth_tries: 2\n"
        "  web1:\n    level: 2\n    ssh:\n      max_auth_tries: 3\n"
    ))
    baseline = load_baseline("site", search_dir)
    assert baseline.for_host("web1").ssh.max_auth_tries == 3
    assert baseline.for_host("web1").level == 2
    assert baseline.for_host("web2").ssh.max_auth_tries == 2
    assert baseline.for_host("db1").ssh.max_auth_tries == 4
    assert baseline.for_host("ssh://x", "web7").ssh.max_auth_tries == 2


def test_bare_yaml_no_means_the_word_no(search_dir):
    write(search_dir, "site.yaml", "ssh:\n  permit_root_login: no\n")
    assert load_baseline("site", search_dir).for_host("h").ssh.permit_root_login == "no"


def test_checksum_changes_with_content(search_dir):
    write(search_dir, "a.yaml", "ssh:\n  max_auth_tries: 3\n")
    write(search_dir, "b.yaml", "ssh:\n  max_auth_tries: 2\n")
    assert load_baseline("a", search_dir).checksum != load_baseline("b", search_dir).checksum


BAD_FILES = [
    ("unknown top key", "sshh:\n  max_auth_tries: 3\n", "site.yaml: sshh: unknown key"),
    ("unknown nested key", "ssh:\n  max_auth_trys: 3\n", "site.yaml: ssh.max_auth_trys: unknown key"),
    ("wrong type", "ssh:\n  max_auth_tries: four\n", "site.yaml: ssh.max_auth_tries: expected an integer, found 'four'"),
    ("bool for int", "ssh:\n  max_sessions: true\n", "site.yaml: ssh.max_sessions: expected an integer, found true"),
    ("below minimum", "ssh:\n  max_auth_tries: 0\n", "site.yaml: ssh.max_auth_tries: must be at least 1, found 0"),
    ("bad choice", "level: 3\n", "site.yaml: level: expected one of 1, 2, found 3"),
    ("bad list item", "ssh:\n  ciphers: [aes256-ctr, 7]\n", "site.yaml: ssh.ciphers[1]: expected a non-empty string, found 7"),
    ("bad pattern", "ssh:\n  max_startups: 10-30-60\n", "site.yaml: ssh.max_startups: expected start:rate:full"),
    ("not a mapping", "- a\n- b\n", "site.yaml: expected a mapping, found a list"),
    ("bad yaml", "ssh:\n  max_auth_tries: [3\n", "site.yaml: invalid YAML at line"),
    ("bad host override", "hosts:\n  web1:\n    ssh:\n      banner: x\n", "site.yaml: hosts.web1.ssh.banner: unknown key"),
    ("extends in override", "hosts:\n  web1:\n    extends: x\n", "site.yaml: hosts.web1.extends: unknown key"),
    ("missing parent", "extends: nowhere\n", "site.yaml: extends: baseline 'nowhere' not found"),
]


@pytest.mark.parametrize("text, expected", [case[1:] for case in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_file_gives_one_line_naming_file_and_key(search_dir, text, expected):
    write(search_dir, "site.yaml", text)
    with pytest.raises(BaselineError) as caught:
        load_baseline("site", search_dir)
    message = str(caught.value)
    assert "\n" not in message
    assert expected in message


def test_missing_file(search_dir):
    with pytest.raises(BaselineError, match=r"nope\.yaml: baseline file not found"):
        load_baseline("nope", search_dir)


def test_extends_cycle(search_dir):
    write(search_dir, "a.yaml", "extends: b\n")
    write(search_dir, "b.yaml", "extends: a\n")
    with pytest.raises(BaselineError, match=r"extends: cycle in extends chain"):
        load_baseline("a", search_dir)


@pytest.mark.parametrize("case, expected", [
    ("sshh: 1\n", "sshh: unknown key"),
    ("ssh: [1\n", "invalid YAML"),
])
def test_cli_reports_bad_baseline_as_usage_error(tmp_path, case, expected):
    """The audit command exits 4 with one line, never a traceback."""
    path = write(tmp_path, "bad.yaml", case)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", f"--baseline={path}", f"--report-dir={tmp_path / 'r'}"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 4, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and expected in errors[0] and str(path) in errors[0], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
