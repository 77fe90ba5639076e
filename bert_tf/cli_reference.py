"""The CLI reference (`docs/cli.md`), generated from the parser's own `--help` texts.

A test compares the committed file with a fresh rendering, so the reference cannot go stale:
after changing a flag, regenerate it.

Example:
    $ python -m bert_tf.cli_reference > docs/cli.md
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

WIDTH = "100"  # help is wrapped at a fixed width, whatever the terminal


@contextlib.contextmanager
def _fixed_width() -> Iterator[None]:
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous


def render() -> str:
    """Markdown: `bert-tf --help`, then each subcommand's help in the CLI's order."""
    from bert_tf.cli import build_parser

    with _fixed_width():
        parser = build_parser()
        subparsers = next(a for a in parser._actions if a.dest == "command")
        parts = [
            "# `bert-tf` command reference",
            "",
            "Generated from the commands' own `--help` by "
            "`python -m bert_tf.cli_reference > docs/cli.md`; a test fails when it is "
            "stale.",
            "",
            "```text",
            parser.format_help().rstrip(),
            "```",
        ]
        for name, subparser in subparsers.choices.items():
            parts += ["", f"## `bert-tf {name}`", "", "```text"]
            parts += [subparser.format_help().rstrip(), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
