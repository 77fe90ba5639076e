"""Command-line flags made from config fields, so a command never copies a default by hand.

A field declared with `bert_tf.config.option(default, help)` becomes `--field-name`, typed by
its annotation, with its help, choices and default from the field. The flag's own default is
None, so an option not given leaves the config's default in place.

Example:
    >>> import argparse, dataclasses
    >>> from bert_tf.config import option
    >>> @dataclasses.dataclass(frozen=True)
    ... class Run:
    ...     epochs: int = option(3, "training epochs")
    >>> parser = argparse.ArgumentParser()
    >>> add_config_flags(parser, Run)
    >>> given_options(parser.parse_args(["--epochs", "5"]), Run)
    {'epochs': 5}
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from typing import Any


def option_fields(config_class: type) -> list[dataclasses.Field]:
    """The fields of `config_class` that are command-line options."""
    return [f for f in dataclasses.fields(config_class) if f.metadata.get("cli", False)]


def flag_type(field: dataclasses.Field) -> Any:
    """int, float or str, from the field's annotation (`int | None` is int)."""
    annotation = str(field.type)
    return int if "int" in annotation else float if "float" in annotation else str


def add_config_flags(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    config_class: type,
    owners: dict[str, list[str]] | None = None,
    names: Sequence[str] | None = None,
) -> None:
    """Adds one flag per option field of `config_class` (or of those in `names`), skipping
    flags already there; `owners` adds who takes the option to its help."""
    for field in option_fields(config_class):
        if names is not None and field.name not in names:
            continue
        flag = "--" + field.name.replace("_", "-")
        container = getattr(parser, "_container", parser)
        if flag in container._option_string_actions:
            continue
        notes = list((owners or {}).get(field.name, []))
        if field.default not in (None, dataclasses.MISSING):
            notes.append(f"default {field.default}")
        suffix = f" ({'; '.join(notes)})" if notes else ""
        choices = field.metadata.get("choices")
        parser.add_argument(
            flag,
            type=None if choices else flag_type(field),
            choices=choices,
            help=field.metadata["help"] + suffix,
        )


def given_options(args: argparse.Namespace, config_class: type) -> dict[str, Any]:
    """The option fields of `config_class` given on the command line."""
    values = {f.name: getattr(args, f.name, None) for f in option_fields(config_class)}
    return {name: value for name, value in values.items() if value is not None}
