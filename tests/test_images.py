"""The golden-image gate: images audited offline (directory and raw disk), the gate's exit status,
waivers, read-only access, nothing left attached, and the CI examples' own command lines."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.audit_runs import LAB_BASELINE, REPO, verdicts
from tests.images import (attachments_of, build_lab_images, file_digest, podman_lab_images, podman_layers, podman_state,
                          tree_manifest)

OFFLINE_REASON = "offline image: no running system"
# Controls only a running system can answer (--list-controls shows them as n/a on images).
RUNTIME_CONTROLS = {"FW-08", "BAK-02", "BAK-03", "BAK-04", "BAK-05", "BAK-06", "BAK-07", "BAK-09", "PAT-05",
                    "LOG-12", "SVC-04", "DET-03"}
# Where the hardened image, judged offline, differs from the same root booted (hardened), and why.
OFFLINE_DIFFERENCES = {
    "DET-01": ("fail", "AIDE's database is made after boot"),
    "PAT-02": ("not_applicable", "the package lists are fetched after boot"),
    "PAT-03": ("not_applicable", "the package lists are fetched after boot"),
    "SSH-18": ("not_applicable", "the image has no host keys: made at first boot"),
}
WEAK_GATE = {"SSH-01", "SSH-02", "SSH-03", "SSH-14", "FS-01", "FW-01", "FW-03", "FW-04", "FW-09", "LOG-03", "PAT-01"}


@pytest.fixture(scope="module")
def images(lab, tmp_path_factory):
    return build_lab_images(lab, tmp_path_factory.mktemp("images"))


def audit(tmp_path: Path, *args: str, **kwargs) -> tuple[subprocess.CompletedProcess, dict]:
    """The suite on images, as a build pipeline runs it (no lab namespace: images are local files)."""
    report_dir = tmp_path / "report"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", f"--baseline={LAB_BASELINE}", f"--report-dir={report_dir}",
         "-p", "no:randomly", "-p", "no:cacheprovider", *args],
        cwd=REPO, capture_output=True, text=True, timeout=600, **kwargs)
    results = report_dir / "results.json"
    return proc, json.loads(results.read_text()) if results.exists() else {}


def gate_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("gate --fail-on"))


@pytest.fixture(scope="module")
def hardened_run(images, tmp_path_factory):
    """The hardened image as a directory and as a bare ext4 disk, gated at high; its tree and file
    recorded around the audit."""
    tree, digest = tree_manifest(images.hardened_dir), file_digest(images.hardened_disk)
    proc, document = audit(tmp_path_factory.mktemp("hardened-image"), f"--image={images.hardened_dir}",
                           f"--image={images.hardened_disk}", "--fail-on=high")
    return proc, document, (tree, digest), (tree_manifest(images.hardened_dir), file_digest(images.hardened_disk))


def test_hardened_image_passes_the_gate_as_directory_and_disk(hardened_run, images):
    proc, document, _, _ = hardened_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert gate_line(proc.stdout) == "gate --fail-on high: passed (nothing failed at high or above)"
    directory, disk = verdicts(document, "image://img-hardened"), verdicts(document, "image://img-hardened.raw")
    assert len(directory) == 104 and directory == disk
    assert {control for control, status in directory.items() if status == "fail"} == {"DET-01", "KRN-11"}
    assert "error" not in directory.values()
    hosts = {h["host"]: h["hostname"] for h in document["hosts"]}
    assert hosts == {"image://img-hardened": "img-hardened", "image://img-hardened.raw": "img-hardened"}


def test_runtime_controls_are_not_applicable_on_images_and_judged_on_the_booted_host(hardened_run, full_audit):
    _, document, _, _ = hardened_run
    offline = {r["control"]: r for r in document["results"] if r["host"] == "image://img-hardened.raw"}
    for control in RUNTIME_CONTROLS:
        assert offline[control]["status"] == "not_applicable", control
        level_reason = "level 2 not selected" if offline[control]["level"] == 2 else None
        assert offline[control]["message"] in (OFFLINE_REASON, level_reason), control
        assert offline[control]["evidence"] == [], f"{control}: nothing is read for a runtime control on an image"
    booted = {r["control"]: r for r in full_audit[1]["results"] if r["host"] == "ssh://hardened"}
    for control in RUNTIME_CONTROLS:
        assert OFFLINE_REASON not in booted[control]["message"], control
    assert {c for c in RUNTIME_CONTROLS if booted[c]["status"] == "pass"} >= {"FW-08", "LOG-12", "SVC-04"}


def test_the_hardened_root_judged_offline_agrees_with_it_booted(hardened_run, full_audit):
    """img-hardened is hardened's root before boot (plus no host keys): every control judged on images
    gets the booted host's verdict, except where boot itself changes the system."""
    offline = verdicts(hardened_run[1], "image://img-hardened.raw")
    booted = verdicts(full_audit[1], "ssh://hardened")
    differing = {control: (offline[control], booted[control]) for control in offline
                 if control not in RUNTIME_CONTROLS and offline[control] != booted[control]}
    assert differing == {control: (status, booted[control]) for control, (status, _) in OFFLINE_DIFFERENCES.items()}


def test_an_image_audit_changes_nothing_and_leaves_nothing_attached(hardened_run, images):
    _, _, before, after = hardened_run
    assert after[1] == before[1], "the disk image's checksum changed"
    changed = sorted(path for path in set(before[0]) | set(after[0]) if before[0].get(path) != after[0].get(path))
    assert not changed, f"the directory image changed: {changed[:10]}"
    assert attachments_of(images.hardened_disk, images.weak_disk) == []


def test_weak_image_fails_the_gate_naming_its_controls(images, tmp_path):
    digest = file_digest(images.weak_disk)
    proc, document = audit(tmp_path, f"--image={images.weak_dir}", f"--image={images.weak_disk}", "--fail-on=high")
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    line = gate_line(proc.stdout)
    assert line.startswith("gate --fail-on high: FAILED by ")
    for host in ("image://img-weak", "image://img-weak.raw"):
        failing = {c for c, s in verdicts(document, host).items() if s in ("fail", "error")}
        tripped = {r["control"] for r in document["results"] if r["host"] == host
                   and r["status"] in ("fail", "error") and r["severity"] in ("critical", "high")}
        assert tripped == WEAK_GATE, host
        assert failing > WEAK_GATE  # medium and low failures are reported, below the gate
    listed = line.removeprefix("gate --fail-on high: FAILED by ").split(" and ")[0].split(", ")
    assert len(listed) == 20 and line.endswith(f" and {2 * len(WEAK_GATE) - 20} more")
    assert {entry.split()[1] for entry in listed} <= WEAK_GATE
    assert "image://img-weak SSH-03 (critical fail)" in listed
    assert file_digest(images.weak_disk) == digest
    assert attachments_of(images.weak_disk) == []


def test_waivers_decide_the_gate_on_an_image(images, tmp_path):
    """A waiver with a future expiry turns a failure into waived and the gate passes; an expired one
    does not; one that matches nothing is reported as unused."""
    selection = "--controls=SSH-01,SSH-02,SSH-03,SSH-14,FS-01"
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - {control: 'SSH-0[123]', hosts: 'image://img-weak*', justification: sshd is replaced at first boot,"
        " approver: CISO, expires: 2099-12-31}\n"
        "  - {control: 'SSH-14', hosts: img-weak, justification: keys regenerated at first boot, approver: CISO,"
        " expires: 2099-12-31}\n"
        "  - {control: FS-01, hosts: img-weak, justification: fixed by the provisioning job, approver: CISO,"
        " expires: 2099-12-31}\n"
        "  - {control: FW-01, hosts: img-weak, justification: not selected, approver: CISO, expires: 2099-12-31}\n")
    proc, document = audit(tmp_path / "future", f"--image={images.weak_disk}", selection, "--fail-on=high",
                           f"--waivers={waivers}")
    assert proc.returncode == 0, proc.stdout[-3000:]
    results = {r["control"]: r for r in document["results"]}
    assert {r["status"] for r in results.values()} == {"waived"}
    assert results["FS-01"]["message"].startswith("waived until 2099-12-31, approved by CISO: fixed by the "
                                                  "provisioning job; finding: ")
    assert results["FS-01"]["evidence"], "a waived check still runs and keeps its evidence"
    assert "waiver 4 (FW-01 on img-weak, expires 2099-12-31): unused, it matched no failed result" in proc.stdout

    waivers.write_text("waivers:\n  - {control: FS-01, hosts: img-weak, justification: fixed by the provisioning"
                       " job, approver: CISO, expires: 2020-01-01}\n")
    proc, document = audit(tmp_path / "expired", f"--image={images.weak_disk}", "--controls=FS-01",
                           "--fail-on=high", f"--waivers={waivers}")
    assert proc.returncode == 1
    (result,) = document["results"]
    assert result["status"] == "fail"
    assert result["message"].endswith("(waiver expired on 2020-01-01: fixed by the provisioning job)")
    assert gate_line(proc.stdout) == "gate --fail-on high: FAILED by image://img-weak.raw FS-01 (high fail)"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["interrupted", "killed"])
def test_an_interrupted_or_killed_audit_leaves_no_loop_device_or_mount(images, tmp_path, sig):
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", f"--image={images.weak_disk}", f"--report-dir={tmp_path}",
         "-p", "no:cacheprovider"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not attachments_of(images.weak_disk) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert attachments_of(images.weak_disk), "the image was never attached"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 10  # the kernel releases an orphaned namespace's loop device shortly after
    while attachments_of(images.weak_disk) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert attachments_of(images.weak_disk) == []


def test_a_bad_image_is_refused_in_one_line(tmp_path):
    empty = tmp_path / "empty.raw"
    empty.write_bytes(bytes(1024 * 1024))
    for image, message in ((tmp_path / "missing.raw", "no such file or directory"),
                           (empty, "neither a file system (ext4, xfs) nor a partition table (MBR or GPT) at its start")):
        proc = subprocess.run([sys.executable, "-m", "pytest", f"--image={image}", f"--report-dir={tmp_path}"],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 4
        assert proc.stderr.strip() == f"ERROR: {image}: {message}"
        assert "Traceback" not in proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def podman_images(images, tmp_path_factory):
    with podman_lab_images(images.hardened_dir, tmp_path_factory.mktemp("podman")) as podman:
        yield podman


def test_podman_images_are_audited_from_their_layers_without_a_container(podman_images, hardened_run, tmp_path):
    """The hardened root imported into podman gets the directory's verdicts; a layer on top that lets
    root log in fails SSH-01 and nothing else changes. podman's storage, containers and mounts stay
    as they were."""
    layers = podman_layers(podman_images.root_login)
    assert len(layers) == 2
    before = ([tree_manifest(layer) for layer in layers], podman_state())
    proc, document = audit(tmp_path, f"--image=podman:{podman_images.hardened}",
                           f"--image=podman:{podman_images.root_login}", "--fail-on=high")
    assert proc.returncode == 1, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert gate_line(proc.stdout) == ("gate --fail-on high: FAILED by image://podman-img-hardened-root-login SSH-01 "
                                      "(high fail)")
    directory = verdicts(hardened_run[1], "image://img-hardened")
    assert verdicts(document, "image://podman-img-hardened") == directory
    assert verdicts(document, "image://podman-img-hardened-root-login") == {**directory, "SSH-01": "fail"}
    (root_login,) = [r for r in document["results"]
                     if r["host"] == "image://podman-img-hardened-root-login" and r["control"] == "SSH-01"]
    assert root_login["message"] == "PermitRootLogin expected no or stricter, found yes"
    assert ([tree_manifest(layer) for layer in layers], podman_state()) == before
    assert attachments_of(*layers) == []


def test_a_podman_image_podman_does_not_have_is_refused_in_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pytest", "--image=podman:localhost/no-such-image",
                           f"--report-dir={tmp_path}"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 4
    assert proc.stderr.strip() == ("ERROR: podman:localhost/no-such-image: podman image inspect: inspecting object: "
                                   "localhost/no-such-image: image not known")


def _gate_commands() -> dict[str, str]:
    """The gate step of each CI example, as the pipeline runs it."""
    github = yaml.safe_load((REPO / "examples/ci/github-actions.yml").read_text())
    (step,) = [s for s in github["jobs"]["gate"]["steps"] if s.get("name") == "Audit the image (gate)"]
    gitlab = yaml.safe_load((REPO / "examples/ci/gitlab-ci.yml").read_text())
    return {"github": step["run"], "gitlab": "\n".join(gitlab["audit-image"]["script"])}


@pytest.mark.parametrize("example", ["github", "gitlab"])
def test_the_ci_examples_gate_images_with_their_own_command_lines(images, tmp_path, example):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "hardening-audit").symlink_to(REPO)
    (workspace / ".venv").symlink_to(Path(sys.prefix))
    command = _gate_commands()[example]
    cwd = workspace / "hardening-audit" if example == "github" else workspace
    for image, expected in ((images.hardened_disk, 0), (images.weak_dir, 1)):
        reports = tmp_path / f"reports-{image.name}"
        env = {**os.environ, "IMAGE": str(image), "BASELINE": str(LAB_BASELINE), "FAIL_ON": "high",
               "WAIVERS": "examples/ci/waivers.yaml", "REPORT_DIR": str(reports), "GITHUB_WORKSPACE": str(workspace),
               "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
        proc = subprocess.run(["sh", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == expected, proc.stdout[-3000:] + proc.stderr[-2000:]
        assert (reports / "junit.xml").is_file() and (reports / "compliance.html").is_file()
        document = json.loads((reports / "results.json").read_text())
        det01 = next(r for r in document["results"] if r["control"] == "DET-01")
        assert det01["status"] == "waived", "the example's waiver covers DET-01 on every image"
