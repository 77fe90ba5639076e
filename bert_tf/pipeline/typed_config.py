"""Strict loading of nested dataclasses from YAML/JSON mappings: unknown keys and wrong types
are errors that name the key.

A section's values are merged over the field's default instance, so a file only names what
it changes. Supported field types: str, int, float, bool, `X | None`, list[...], dict[str, ...]
and nested dataclasses.

Example:
    >>> from bert_tf.pipeline.config_sections import FinetuneSection
    >>> from_mapping(FinetuneSection, {"epochs": 2, "learning_rate": 1}).learning_rate
    1.0
    >>> from_mapping(FinetuneSection, {"epochs": "2"})
    Traceback (most recent call last):
    ...
    bert_tf.pipeline.typed_config.ConfigError: epochs: expected int, got str '2'
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A pipeline config value that does not fit its field (the message names the key)."""


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _check(value: Any, tp: Any, key: str, default: Any = dataclasses.MISSING) -> Any:
    """`value` converted to `tp` (ints widen to float; nested dataclasses are built)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in (o for o in options if o is not type(None)):
            try:
                return _check(value, option, key, default)
            except ConfigError as error:
                errors.append(str(error))
        raise ConfigError(errors[0] if len(errors) == 1 else f"{key}: {'; '.join(errors)}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {type(value).__name__}")
        base = default if dataclasses.is_dataclass(default) else None
        return from_mapping(tp, value, prefix=f"{key}.", base=base)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {type(value).__name__} {value!r}")
        (item,) = typing.get_args(tp) or (Any,)
        return [_check(v, item, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key}: expected a mapping, got {type(value).__name__}")
        _, item = typing.get_args(tp) or (str, Any)
        for name in value:
            if not isinstance(name, str):
                raise ConfigError(f"{key}: keys must be strings, got {name!r}")
        return {name: _check(v, item, f"{key}.{name}") for name, v in value.items()}
    if tp is Any:
        return value
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, bool) or not isinstance(value, tp):
        raise ConfigError(f"{key}: expected {_type_name(tp)}, got {type(value).__name__} {value!r}")
    return value


def from_mapping(
    cls: type[T], values: dict[str, Any], prefix: str = "", base: T | None = None
) -> T:
    """An instance of dataclass `cls` from `values` (merged over `base` or the defaults).

    Raises:
        ConfigError: an unknown key or a value of the wrong type (the message names the key).
    """
    if not isinstance(values, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: expected a mapping")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(
            f"unknown key {prefix}{unknown[0]!s} (known keys of {prefix.rstrip('.') or 'config'}: "
            f"{', '.join(sorted(fields))})"
        )
    converted = {}
    for name, value in values.items():
        field = fields[name]
        if base is not None:
            default = getattr(base, name)
        elif field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = dataclasses.MISSING
        converted[name] = _check(value, hints[name], prefix + name, default)
    try:
        return dataclasses.replace(base, **converted) if base is not None else cls(**converted)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{prefix.rstrip('.') or 'config'}: {error}") from None


def to_mapping(instance: Any) -> dict[str, Any]:
    """The plain-dict form of a dataclass instance (what `from_mapping` reads back)."""
    return dataclasses.asdict(instance)
