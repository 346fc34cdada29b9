"""Several commands in one round trip: the script's real output splits back into each command's
exit status, output and error output, byte for byte."""

from pathlib import Path

import subprocess

import pytest

from hardening_audit.parsers.batch import BatchAnswer, batch_script, split_batch

CAPTURED = Path(__file__).resolve().parent.parent / "data" / "captured" / "batch"
BOUNDARY = "HA-BATCH-0123456789abcdef"


def test_the_script_is_what_ran():
    commands = (CAPTURED / "commands.txt").read_text().splitlines()
    assert batch_script(commands) == (CAPTURED / "script.sh").read_text()


def test_answers_split_back_per_command():
    assert split_batch((CAPTURED / "output.txt").read_text(), BOUNDARY, 7) == [
        BatchAnswer(0, "no newline at the end", ""),
        BatchAnswer(0, "two lines\nsecond\n", ""),
        BatchAnswer(2, "", "ls: cannot access '/nonexistent-path': No such file or directory\n"),
        BatchAnswer(3, "", ""),
        BatchAnswer(0, "", ""),
        BatchAnswer(0, "", ""),
        BatchAnswer(0, "", "käse\n"),
    ]


@pytest.mark.parametrize("cut", [0, 40, 200, -1])
def test_an_incomplete_batch_is_refused(cut):
    text = (CAPTURED / "output.txt").read_text()
    with pytest.raises(ValueError):
        split_batch(text[:cut], BOUNDARY, 7)


def test_a_batch_of_another_size_is_refused():
    with pytest.raises(ValueError, match="expected 8 answers, found 7"):
        split_batch((CAPTURED / "output.txt").read_text(), BOUNDARY, 8)


def test_commands_run_at_once_answer_as_one_after_the_other():
    commands = (CAPTURED / "commands.txt").read_text().splitlines() + ["sleep 0.2; echo slow", "echo fast"]
    answers = []
    for concurrent in (False, True):
        script = batch_script(commands, concurrent=concurrent)
        proc = subprocess.run(["sh", "-c", script, "sh", BOUNDARY], capture_output=True, text=True, check=True)
        answers.append(split_batch(proc.stdout, BOUNDARY, len(commands)))
    assert answers[0] == answers[1]
    assert answers[1][-2:] == [BatchAnswer(0, "slow\n", ""), BatchAnswer(0, "fast\n", "")]
