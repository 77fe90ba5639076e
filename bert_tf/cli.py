"""The `bert-tf` command: one entry point, a subcommand per stage.

Each subcommand lives in `bert_tf/commands/<name>.py` and exposes `HELP` (one line),
`configure(parser)` and `run(args) -> int`. Modules import TensorFlow inside `run`
only, so `bert-tf --help` answers at once.

Example:
    $ bert-tf vocab --input corpus.txt --vocab-size 8000 --output vocab.txt
    $ bert-tf tokenize --vocab vocab.txt --pair < pairs.tsv
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence

# Subcommand name -> module under bert_tf.commands (kept in pipeline order).
COMMANDS = {
    "vocab": "vocab",
    "tokenize": "tokenize",
    "convert": "convert",
    "create-pretraining-data": "create_pretraining_data",
    "pretrain": "pretrain",
    "finetune": "finetune",
    "evaluate": "evaluate",
    "score": "score",
    "extract-features": "extract_features",
    "compress": "compress",
    "export": "export",
    "pipeline": "pipeline",
    "serve": "serve",
    "predict": "predict",
}


def _available_commands() -> dict[str, object]:
    modules = {}
    for name, module_name in COMMANDS.items():
        try:
            modules[name] = importlib.import_module(f"bert_tf.commands.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"bert_tf.commands.{module_name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bert-tf",
        description="BERT on TensorFlow: vocabulary, data, pre-training, fine-tuning, export.",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log debug messages; print the traceback of an error",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in _available_commands().items():
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line (`argv`, else `sys.argv`); returns the exit status.

    Run as the `bert-tf` program (no `argv`) and without `-v`, TensorFlow's known-harmless
    start-up messages are hidden (`bert_tf.commands.startup_noise`); `-v` shows everything.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if argv is None and not args.verbose:
        from bert_tf.commands.startup_noise import quiet_startup

        return quiet_startup(lambda: _run(args))
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args._run(args) or 0)
    except (FileNotFoundError, ValueError) as error:
        if args.verbose:  # -v: the whole story, for bug reports
            traceback.print_exc()
        print(f"bert-tf {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"bert-tf {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
