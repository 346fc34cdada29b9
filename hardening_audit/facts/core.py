"""Facts: what a host is, read once per host per session and shared by every control.

A fact is a function ``(ctx, *args) -> value`` registered with ``@fact``
(arguments, such as a declared backup job, must be hashable). It runs
commands through ``ctx.run`` (each one recorded as evidence), parses their
output with pure functions, and raises ``CheckError`` when it cannot read its
evidence or ``NotApplicable`` when its subject is absent by design. Its value,
or its exception, is cached for the host; a control that reads it gets the
evidence of every command behind it.

``HostContext.gather`` computes many facts in few round trips: it evaluates
them all, and each one that needs a command not run yet stops there
(``_Deferred``); the commands they wait for then run together in one remote
command, and the facts are evaluated again, until none waits. A fact's code
does not change: it runs its commands one after the other, as it reads them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, Callable

from ..outcomes import CheckError, HostUnreachable, NotApplicable
from ..parsers.batch import BatchAnswer, batch_script, split_batch
from ..redact import redact
from ..timeouts import CommandTimeout

FACTS: dict[str, Callable[["HostContext"], Any]] = {}

# Shell exit statuses that mean the command itself is unusable on this host.
COMMAND_NOT_FOUND = 127
NOT_EXECUTABLE = 126


# More rounds than any chain of commands a fact runs one after the other.
MAX_GATHER_ROUNDS = 12


class _Deferred(BaseException):
    """While gathering: the command this fact needs next has not run yet. Not an Exception, so
    that neither a fact's own error handling nor the fact cache takes it for a failure: the fact
    is left uncached and computed again once its command has run."""


def fact(function: Callable[["HostContext"], Any]) -> Callable[["HostContext"], Any]:
    FACTS[function.__name__] = function
    return function


@dataclass(frozen=True)
class CommandRecord:
    command: str
    exit_status: int
    output: str

    def as_dict(self) -> dict[str, Any]:
        return {"command": self.command, "exit_status": self.exit_status, "output": self.output}


@dataclass(frozen=True)
class CommandOutput:
    command: str
    exit_status: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class FactRecord:
    value: Any
    error: Exception | None
    evidence: tuple[CommandRecord, ...]


class HostContext:
    """One audited host: its transport, its cached facts, the commands they ran."""

    def __init__(self, host, spec: str):
        self.host = host
        self.spec = spec
        # An offline image (root file system or disk): no running system behind the commands.
        self.offline = bool(getattr(host.backend, "offline", False))
        self.commands_run = 0
        self._facts: dict[tuple, FactRecord] = {}
        self._answers: dict[str, BatchAnswer] = {}  # rendered command -> its answer from a batch
        self._waiting: dict[str, None] | None = None  # while gathering: the commands facts wait for
        self._collecting: list[list[CommandRecord]] = []
        self._unreachable: HostUnreachable | None = None

    def run(self, command: str, *args: str, ok: tuple[int, ...] = (0,)) -> CommandOutput:
        """Run a command (arguments quoted by the backend) and record it as evidence.

        An exit status outside ``ok`` raises ``CheckError``: a fact never
        builds on output it did not expect.
        """
        if self._unreachable is not None:
            raise self._unreachable
        rendered = self.host.backend.quote(command, *args)
        result = self._answers.get(rendered)
        if result is None:
            if self._waiting is not None:
                self._waiting[rendered] = None
                raise _Deferred()
            result = self._remote(command, *args)
        output = CommandOutput(rendered, result.rc, result.stdout, result.stderr)
        combined = result.stdout + (("\n" if result.stdout and result.stderr else "") + result.stderr)
        record = CommandRecord(rendered, result.rc, redact(combined.rstrip("\n")))
        if self._collecting:
            self._collecting[-1].append(record)
        if result.rc not in ok:
            raise CheckError(_failure_reason(output))
        return output

    def _remote(self, command: str, *args: str):
        try:
            result = self.host.run(command, *args)
        except Exception as exc:  # every backend reports transport failures its own way
            result = _remote_exit_255(exc)
            if result is None:
                state = "timed out" if isinstance(exc, CommandTimeout) else "unreachable"
                self._unreachable = HostUnreachable(f"host {state}: {_transport_reason(exc)}")
                raise self._unreachable from None
        self.commands_run += 1
        return result

    def gather(self, keys: list) -> None:
        """Compute these facts (a name, or a tuple of name and arguments) with one remote command
        per round: see the module's description. A fact still waiting after the last round is
        left to be computed when a control asks for it."""
        keys = [key if isinstance(key, tuple) else (key,) for key in keys]
        for _ in range(MAX_GATHER_ROUNDS):
            self._waiting = {}
            try:
                for key in keys:
                    if key not in self._facts:
                        try:
                            self.fact(*key)
                        except _Deferred:
                            pass
            finally:
                waiting, self._waiting = list(self._waiting), None
            if not waiting or not self._run_batch(waiting):
                return

    def _run_batch(self, rendered: list[str]) -> bool:
        """Run these command lines in one remote command and keep their answers; False when the
        batch could not run (the commands then run one by one, when asked for)."""
        boundary = f"HA-BATCH-{secrets.token_hex(8)}"
        try:
            # All at once: a round's commands are independent (backup tools of several jobs, for one).
            result = self._remote("sh -c %s sh %s", batch_script(rendered, concurrent=True), boundary)
        except HostUnreachable:
            return False
        try:
            answers = split_batch(result.stdout, boundary, len(rendered))
        except ValueError:
            return False
        self._answers.update(zip(rendered, answers))
        return True

    def run_argv(self, argv: list[str], ok: tuple[int, ...] = (0,)) -> CommandOutput:
        """Run a command given as an argument vector; every word is quoted."""
        return self.run(" ".join(["%s"] * len(argv)), *argv, ok=ok)

    def fact(self, name: str, *args: Any) -> FactRecord:
        key = (name, *args)
        record = self._facts.get(key)
        if record is None:
            record = self._compute(name, args)
            self._facts[key] = record
        if self._collecting:
            self._collecting[-1].extend(record.evidence)
        return record

    def value(self, name: str, *args: Any) -> Any:
        """A fact's value for another fact; its error propagates."""
        record = self.fact(name, *args)
        if record.error is not None:
            raise _fresh(record.error)
        return record.value

    def _compute(self, name: str, args: tuple) -> FactRecord:
        try:
            provider = FACTS[name]
        except KeyError:
            raise KeyError(f"no fact named {name!r}") from None
        evidence: list[CommandRecord] = []
        self._collecting.append(evidence)
        try:
            value, error = provider(self, *args), None
        except (CheckError, NotApplicable) as exc:
            value, error = None, exc
        except Exception as exc:  # a parser that chokes must not become a pass
            value, error = None, CheckError(f"could not interpret {name}: {exc}")
        finally:
            self._collecting.pop()
        return FactRecord(value, error, tuple(dict.fromkeys(evidence)))


class Facts:
    """A check's view of its host's facts, gathering the evidence it relied on."""

    def __init__(self, ctx: HostContext):
        self._ctx = ctx
        self.evidence: dict[CommandRecord, None] = {}

    @property
    def offline(self) -> bool:
        """The target is an image: only persisted state can be judged."""
        return self._ctx.offline

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.of(name)

    def of(self, name: str, *args: Any) -> Any:
        """A fact that takes arguments, e.g. ``facts.of("backup_state", job)``."""
        record = self._ctx.fact(name, *args)
        self.evidence.update(dict.fromkeys(record.evidence))
        if record.error is not None:
            raise _fresh(record.error)
        return record.value


def _fresh(error: Exception) -> Exception:
    """A new instance, so a cached error does not carry one check's traceback into the next."""
    if isinstance(error, (CheckError, NotApplicable)):
        return type(error)(error.reason)
    return error


def _failure_reason(output: CommandOutput) -> str:
    detail = (output.stderr or output.stdout).strip().splitlines()
    last = detail[-1] if detail else ""
    if output.exit_status == COMMAND_NOT_FOUND:
        return f"command not found: {output.command.split()[0]}"
    if output.exit_status == NOT_EXECUTABLE or "permission denied" in last.lower():
        return f"permission denied: {output.command}: {last}"
    if last.startswith("sudo:"):
        return f"sudo failed: {last}"
    return f"{output.command} exited {output.exit_status}" + (f": {last}" if last else "")


# What the OpenSSH client itself prints when it, not the remote command, fails.
_SSH_CLIENT_FAILURE = re.compile(
    r"^(ssh: |Permission denied \(|Host key verification failed|kex_exchange_identification|"
    r"Connection (closed|reset|timed out|refused)|Received disconnect|banner exchange)", re.M
)


def _remote_exit_255(exc: Exception):
    """testinfra's ssh backend raises on exit status 255, which ssh uses for its own failures but
    which a remote command may return too (sshd -T on a broken configuration does): give that back
    as the command's result."""
    result = exc.args[0] if isinstance(exc, RuntimeError) and exc.args else None
    stderr = getattr(result, "stderr", None)
    if getattr(result, "rc", None) != 255 or not isinstance(stderr, str) or _SSH_CLIENT_FAILURE.search(stderr):
        return None
    return result


def _transport_reason(exc: Exception) -> str:
    # The ssh backend raises RuntimeError(CommandResult) when ssh itself exits 255.
    result = exc.args[0] if exc.args else None
    stderr = getattr(result, "stderr", None)
    if isinstance(stderr, str) and stderr.strip():
        return stderr.strip().splitlines()[-1]
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
