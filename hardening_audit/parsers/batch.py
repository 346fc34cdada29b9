"""Several commands in one remote round trip: the shell script that runs them, and the split of
its output back into each command's exit status, standard output and standard error."""

from __future__ import annotations

import re
from dataclasses import dataclass

# mktemp failed on the host: nothing ran.
NO_SCRATCH = 97


@dataclass(frozen=True)
class BatchAnswer:
    rc: int
    stdout: str
    stderr: str


def batch_script(commands: list[str], concurrent: bool = False) -> str:
    """POSIX sh running the command lines (standard input empty, as a lone command has), one after
    the other or all at once, then printing, for each, a boundary line ``$1 INDEX STATUS``, its
    output, a boundary line ``$1 stderr`` and its error output; last ``$1 end``. The caller
    passes a boundary no output will contain."""
    lines = ['d=$(mktemp -d) || exit %d' % NO_SCRATCH, "trap 'rm -rf \"$d\"' EXIT"]
    for index, command in enumerate(commands):
        # The newline before ")" ends a trailing comment the command line may have.
        run = f'( {command}\n) </dev/null >"$d/{index}.out" 2>"$d/{index}.err"; echo $? >"$d/{index}.rc"'
        lines.append(f"{{ {run}; }} &" if concurrent else run)
    if concurrent:
        lines.append("wait")
    lines.append(f'i=0; while [ "$i" -lt {len(commands)} ]; do '
                 'printf "%s %s %s\\n" "$1" "$i" "$(cat "$d/$i.rc")"; cat "$d/$i.out"; '
                 'printf "\\n%s stderr\\n" "$1"; cat "$d/$i.err"; printf "\\n"; i=$((i + 1)); done; '
                 'printf "%s end\\n" "$1"')
    return "\n".join(lines) + "\n"


def split_batch(text: str, boundary: str, count: int) -> list[BatchAnswer]:
    """The answers of the batch_script output, in command order; ValueError when it is incomplete."""
    trailer = f"{boundary} end\n"
    if not text.endswith(trailer):
        raise ValueError("the batch output is cut short")
    text = text[:-len(trailer)]
    marker = re.escape(boundary)
    headers = list(re.finditer(rf"^{marker} (\d+) (\d+)\n", text, re.M))
    if [int(h[1]) for h in headers] != list(range(count)):
        raise ValueError(f"expected {count} answers, found {len(headers)}")
    answers = []
    for header, following in zip(headers, [*headers[1:], None]):
        segment = text[header.end():following.start() if following else len(text)]
        stdout, separator, stderr = segment.partition(f"\n{boundary} stderr\n")
        if not separator or not stderr.endswith("\n"):
            raise ValueError(f"answer {header[1]} is cut short")
        answers.append(BatchAnswer(int(header[2]), stdout, stderr[:-1]))
    return answers
