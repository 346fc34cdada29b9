"""The fact cache on a real (local) host: commands run once, evidence follows, errors never pass."""

import re

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

    @fact
    def chained(ctx):
        """Three commands, each built from the previous output: three rounds."""
        first = ctx.run_argv(["echo", "one"]).stdout.strip()
        second = ctx.run_argv(["echo", first, "two"]).stdout.strip()
        return ctx.run_argv(["sh", "-c", 'echo "$1" three; echo warning >&2', "sh", second])

    @fact
    def swallowing(ctx):
        """Its own error handling must not take a command that has not run yet for a failure."""
        try:
            return ctx.run_argv(["echo", "kept"]).stdout.strip()
        except Exception:
            return "swallowed"

    yield
    for name in ("greeting", "shout", "broken_command", "failing", "absent", "unparsable", "chained", "swallowing"):
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


GATHERED = ["greeting", "shout", "broken_command", "failing", "absent", "unparsable", "chained", "swallowing"]


def test_gather_computes_every_fact_in_one_remote_command_per_round(ctx):
    ctx.gather(GATHERED)
    assert ctx.commands_run == 3  # the longest chain (chained) has three commands
    view = Facts(ctx)
    assert view.shout == "HELLO WORLD" and view.swallowing == "kept"
    result = view.chained
    assert (result.stdout, result.stderr) == ("one two three\n", "warning\n")
    last = list(view.evidence)[-1]
    assert (last.command, last.exit_status, last.output) == (
        "sh -c 'echo \"$1\" three; echo warning >&2' sh 'one two'", 0, "one two three\n\nwarning")
    with pytest.raises(CheckError, match="command not found: no-such-command-hardening-audit"):
        view.broken_command
    with pytest.raises(CheckError, match="exited 3: oops"):
        view.failing
    with pytest.raises(CheckError, match="could not interpret unparsable"):
        view.unparsable
    with pytest.raises(NotApplicable, match="nothing to see"):
        view.absent
    assert ctx.commands_run == 3, "nothing runs again once gathered"


def test_gathered_facts_equal_facts_computed_one_by_one(ctx):
    gathered = HostContext(ctx.host, "local")
    gathered.gather(GATHERED)
    def seen(record):
        # The shell names itself in "not found" ("/bin/sh: 1:" alone, "sh: 5:" in a batch).
        evidence = [(r.command, r.exit_status, re.sub(r"^\S*sh: \d+: ", "", r.output)) for r in record.evidence]
        return repr(record.value), repr(record.error), evidence

    for name in GATHERED:
        assert seen(ctx.fact(name)) == seen(gathered.fact(name)), name
