"""Secrets never reach evidence: hashes keep only their scheme, private keys only their armour."""

from hardening_audit.redact import REDACTED, redact

SHADOW = """root:$y$j9T$Wq3eXl2Zb1/Ab$Vn0m5QnJ8k3uFhJX1Pp8y1Q5jv9cS7xwQ1yZ8aL5p2D:19700:0:99999:7:::
daemon:*:19700:0:99999:7:::
legacy:abXyZ123.456/:19700:0:99999:7:::
locked:!$6$saltsalt$hAsHhAsHhAsH:19700:0:99999:7:::
nologin:!*:19700::::::
empty::19700:0:99999:7:::"""


def test_shadow_hashes_keep_scheme_only():
    out = redact(SHADOW)
    assert "Wq3eXl2Zb1" not in out and "hAsHhAsH" not in out and "abXyZ123" not in out
    lines = out.splitlines()
    assert lines[0] == f"root:$y${REDACTED}:19700:0:99999:7:::"
    assert lines[1] == SHADOW.splitlines()[1]
    assert lines[2] == f"legacy:{REDACTED}:19700:0:99999:7:::"
    assert lines[3] == f"locked:!$6${REDACTED}:19700:0:99999:7:::"
    assert lines[4:] == SHADOW.splitlines()[4:]


def test_hash_inside_other_text():
    assert redact("password $2b$12$abcdefghijklmnopqrstuv found") == f"password $2b${REDACTED} found"


def test_private_key_block_is_removed():
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\nAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----"
    out = redact(f"before\n{key}\nafter")
    assert "b3BlbnNzaC1rZXktdjEAAAA" not in out and "AAAEbm9uZQ" not in out
    assert out == f"before\n-----BEGIN OPENSSH PRIVATE KEY-----\n{REDACTED}\n-----END OPENSSH PRIVATE KEY-----\nafter"


def test_truncated_private_key_is_removed_to_the_end():
    out = redact("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nmore")
    assert "MIIEpAIBAAKCAQEA" not in out and out.endswith(REDACTED)


def test_public_material_and_config_stay():
    text = "permitrootlogin no\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI comment\nprice $5 today"
    assert redact(text) == text


def test_secret_assignments_and_url_credentials():
    text = ("RESTIC_PASSWORD=hunter2\nBORG_PASSPHRASE='s3cr3t'\nRESTIC_PASSWORD_FILE=/etc/restic/pw\n"
            "AWS_SECRET_ACCESS_KEY=abc123\nrest:https://backup:topsecret@server:8000/repo")
    out = redact(text)
    assert "hunter2" not in out and "s3cr3t" not in out and "abc123" not in out and "topsecret" not in out
    assert "RESTIC_PASSWORD_FILE=/etc/restic/pw" in out
    assert f"rest:https://backup:{REDACTED}@server:8000/repo" in out
