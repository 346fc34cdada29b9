"""The fact cache on a real (local) host: commands run once, evidence follows, errors never pass."""

import pytest
import testinfra

from hardening_audit.facts.core import FACTS, Facts, HostContext, fact
from hardening_audit.outcomes import CheckError, NotApplicable


@pytest.fixture
def ctx():
    return HostContext(testinfra.get_host("local://"), "local")


@pytest.fixture(autouse=True)
def test_facts():
    @fact
    def greeting(ctx):
        return ctx.run_argv(["echo", "hello world"]).stdout.strip()

    @fact
    def shout(ctx):
        return ctx.value("greeting").upper()

    @fact
    def broken_command(ctx):
        return ctx.run_argv(["no-such-command-hardening-audit"])

    @fact
    def failing(ctx):
        return ctx.run("echo oops >&2; exit 3")

    @fact
    def absent(ctx):
        raise NotApplicable("nothing to see")

    @fact
    def unparsable(ctx):
        return int(ctx.run("echo forty-two").stdout)

    yield
    for name in ("greeting", "shout", "broken_command", "failing", "absent", "unparsable"):
        FACTS.pop(name)


def test_fact_runs_its_command_once_per_host(ctx):
    first, second = Facts(ctx), Facts(ctx)
    assert first.greeting == "hello world"
    assert second.greeting == "hello world"
    assert ctx.commands_run == 1
    assert [r.command for r in second.evidence] == ["echo 'hello world'"]


def test_dependent_fact_carries_the_evidence_of_what_it_used(ctx):
    view = Facts(ctx)
    assert view.shout == "HELLO WORLD"
    assert [(r.command, r.exit_status, r.output) for r in view.evidence] == [("echo 'hello world'", 0, "hello world")]


def test_missing_command_is_an_error_naming_it(ctx):
    with pytest.raises(CheckError, match="command not found: no-such-command-hardening-audit"):
        Facts(ctx).broken_command


def test_unexpected_exit_status_is_an_error_with_stderr(ctx):
    view = Facts(ctx)
    with pytest.raises(CheckError, match="exited 3: oops"):
        view.failing
    with pytest.raises(CheckError):
        Facts(ctx).failing
    assert ctx.commands_run == 1
    assert [r.exit_status for r in view.evidence] == [3]


def test_parse_failure_is_an_error_not_a_pass(ctx):
    with pytest.raises(CheckError, match="could not interpret unparsable"):
        Facts(ctx).unparsable


def test_not_applicable_is_cached_and_reraised(ctx):
    for _ in range(2):
        with pytest.raises(NotApplicable, match="nothing to see"):
            Facts(ctx).absent


def test_system_fact_on_this_machine(ctx):
    info = Facts(ctx).system
    assert info.hostname and info.os != "unknown"
    assert info.uid >= 0
