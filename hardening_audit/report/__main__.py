"""Render, merge and compare results documents without auditing again.

    python -m hardening_audit.report render [-o DIR] RESULTS.json [RESULTS.json ...] [--compare-with OLD.json]
    python -m hardening_audit.report compare OLD.json NEW.json [-o DIR]

render writes DIR/compliance.html (and, for several inputs, the merged DIR/results.json);
compare prints, per host, the controls newly failing, newly passing and still failing, and
with -o also writes NEW's report with that comparison at the top.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from pathlib import Path

import pytest

from . import document as doc
from .compare import as_text, compare


def render(inputs: list[Path], out_dir: Path, previous: Path | None = None, *extra: str) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    args = [
        "-c", os.devnull, "--rootdir", str(out_dir), "--noconftest", "-q", "--tb=no", "-rN", "-p", "no:cacheprovider",
        "-p", "hardening_audit.report.replay", "-o", "render_collapsed=all",
        f"--html={out_dir / 'compliance.html'}", "--self-contained-html",
        *([f"--compare-with={previous}"] if previous else []), *extra, *map(str, inputs),
    ]
    # pytest's progress lines are the replayed results again: only the outcome is shown.
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        status = pytest.main(args)
    # Recorded failures make pytest exit 1; only a broken replay is an error here.
    if status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        print(output.getvalue()[-3000:], file=sys.stderr)
        return int(status)
    print(f"report: {out_dir / 'compliance.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hardening_audit.report", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render_cmd = commands.add_parser("render", help="write compliance.html from one or more results.json")
    render_cmd.add_argument("inputs", nargs="+", type=Path)
    render_cmd.add_argument("-o", "--output", type=Path, default=Path("reports"), help="directory (default: reports)")
    render_cmd.add_argument("--compare-with", type=Path, default=None, help="an earlier results.json")
    compare_cmd = commands.add_parser("compare", help="what changed between two results.json")
    compare_cmd.add_argument("old", type=Path)
    compare_cmd.add_argument("new", type=Path)
    compare_cmd.add_argument("-o", "--output", type=Path, default=None, help="also write NEW's report here")
    options = parser.parse_args(argv)
    try:
        if options.command == "render":
            documents = [doc.load(path) for path in options.inputs]
            if options.compare_with:
                doc.load(options.compare_with)
            if len(documents) > 1:
                options.output.mkdir(parents=True, exist_ok=True)
                (options.output / "results.json").write_text(
                    json.dumps(doc.merge(documents), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            return render(options.inputs, options.output, options.compare_with)
        old, new = doc.load(options.old), doc.load(options.new)
        print(as_text(compare(old, new)))
        return render([options.new], options.output, options.old) if options.output else 0
    except doc.DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
