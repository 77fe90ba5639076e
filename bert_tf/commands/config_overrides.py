"""`--set FIELD=VALUE`: the one way every command overrides a `BertConfig` field.

Values are read as JSON when they parse (`2`, `0.0`, `true`, `"gelu"`), else kept as text.

Example:
    >>> parse_override("hidden_size=64")
    ('hidden_size', 64)
    >>> parse_override("hidden_act=gelu")
    ('hidden_act', 'gelu')
"""

from __future__ import annotations

import argparse
import json


def parse_override(text: str) -> tuple[str, object]:
    """`FIELD=VALUE` -> (field, value); an argparse type, so a bad item is a usage error."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected FIELD=VALUE, got {text!r}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def add_override_flag(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Adds the repeatable `--set FIELD=VALUE` flag (stored as `args.overrides`)."""
    parser.add_argument(
        "--set",
        dest="overrides",
        type=parse_override,
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a BertConfig field, e.g. --set num_layers=2 --set dropout=0.0 (repeatable)",
    )
