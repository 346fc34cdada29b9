"""Kernel parameters: persisted configuration precedence and the kernel's per-interface combination."""

from pathlib import Path

from hardening_audit.facts.files import split_named_files
from hardening_audit.kernel_params import Param, params_of, runtime_findings
from hardening_audit.parsers.sysctl import effective_files, parse_sysctl, persisted_settings, persisted_value

FILES = [
    ("/usr/lib/sysctl.d/50-default.conf", "net.ipv4.conf.all.rp_filter = 2\nnet.ipv4.conf.*.log_martians = 1\n"),
    ("/etc/sysctl.d/50-default.conf", "net.ipv4.conf.all.rp_filter = 0\n"),
    ("/run/sysctl.d/10-early.conf", "; comment\nnet/ipv4/tcp_syncookies = 1\n"),
    ("/etc/sysctl.d/99-late.conf", "-net.ipv4.ip_forward = 1\n"),
    ("/etc/sysctl.conf", "net.ipv4.ip_forward=0\n"),
]


def test_same_name_in_etc_hides_usr_lib_and_files_apply_in_name_order():
    assert effective_files([path for path, _ in FILES]) == [
        "/run/sysctl.d/10-early.conf", "/etc/sysctl.d/50-default.conf", "/etc/sysctl.d/99-late.conf",
        "/etc/sysctl.conf"]
    settings = persisted_settings(FILES)
    assert persisted_value(settings, "net.ipv4.conf.all.rp_filter") == ("0", "/etc/sysctl.d/50-default.conf")
    assert persisted_value(settings, "net.ipv4.tcp_syncookies") == ("1", "/run/sysctl.d/10-early.conf")
    # /etc/sysctl.conf applies last
    assert persisted_value(settings, "net.ipv4.ip_forward") == ("0", "/etc/sysctl.conf")
    # the hidden /usr/lib file's glob does not apply
    assert persisted_value(settings, "net.ipv4.conf.eth0.log_martians") is None


def test_glob_keys_apply():
    settings = persisted_settings([("/etc/sysctl.d/60.conf", "net.ipv4.conf.*.log_martians = 1\n")])
    assert persisted_value(settings, "net.ipv4.conf.default.log_martians") == ("1", "/etc/sysctl.d/60.conf")


RUNTIME = parse_sysctl(
    "net.ipv4.conf.all.rp_filter = 1\nnet.ipv4.conf.eth0.rp_filter = 2\nnet.ipv4.conf.lo.rp_filter = 0\n"
    "net.ipv4.conf.all.accept_source_route = 0\nnet.ipv4.conf.eth0.accept_source_route = 1\n"
    "net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.eth0.send_redirects = 1\n"
    "net.ipv6.conf.all.accept_redirects = 0\nnet.ipv6.conf.eth0.accept_redirects = 1\n"
)


def test_per_interface_combination():
    rp = Param("KRN-04", "net.ipv4.conf.all.rp_filter", 1, combine="max")
    assert runtime_findings(rp, RUNTIME) == ["net.ipv4.conf.eth0.rp_filter = 2 (effective 2)"]
    source_route = Param("KRN-03", "net.ipv4.conf.all.accept_source_route", 0, combine="and")
    assert runtime_findings(source_route, RUNTIME) == []  # both must allow it
    send = Param("KRN-02", "net.ipv4.conf.all.send_redirects", 0, combine="or")
    assert runtime_findings(send, RUNTIME) == ["net.ipv4.conf.eth0.send_redirects = 1 (effective 1)"]
    ipv6 = Param("KRN-02", "net.ipv6.conf.all.accept_redirects", 0, combine="own")
    assert runtime_findings(ipv6, RUNTIME) == ["net.ipv6.conf.eth0.accept_redirects = 1 (effective 1)"]


def test_missing_setting_is_named():
    assert runtime_findings(params_of("KRN-08")[0], {}) == ["kernel.kptr_restrict not supported by this kernel"]


CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "kernel"


def test_weak_host_capture():
    runtime = parse_sysctl((CAPTURED / "krn-weak" / "sysctl-a.txt").read_text())
    assert runtime["net.ipv4.ip_forward"] == "1"
    files = split_named_files((CAPTURED / "krn-weak" / "sysctl-files.txt").read_text())
    settings = persisted_settings(files)
    # the /etc file of the same name hides /usr/lib's rp_filter = 2
    assert persisted_value(settings, "net.ipv4.conf.all.rp_filter") == ("0", "/etc/sysctl.d/50-vendor.conf")
    assert persisted_value(settings, "net.ipv4.tcp_syncookies") is None
    rp = next(p for p in params_of("KRN-04") if p.key.endswith("all.rp_filter"))
    assert "net.ipv4.conf.all.rp_filter = 0" in runtime_findings(rp, runtime)


def test_hardened_host_capture_is_compliant():
    runtime = parse_sysctl((CAPTURED / "hardened" / "sysctl-a.txt").read_text())
    settings = persisted_settings(split_named_files((CAPTURED / "hardened" / "sysctl-files.txt").read_text()))
    for control in ("KRN-01", "KRN-02", "KRN-03", "KRN-04", "KRN-05", "KRN-06"):
        for param in params_of(control):
            assert runtime_findings(param, runtime) == [], param
            value = persisted_value(settings, param.key)
            assert value is not None and param.complies(int(value[0])), param
