"""The registry of task shapes: every `*_task.py` module of `bert_tf.tasks` registers its shape.

A shape registers itself with `@register_shape`; the registry imports the `*_task` modules of
this package the first time it is asked, so adding a shape is adding its files, with no list
to edit. Look-ups go by command-line task name (`task_shape("glue/mrpc")`, a name ending in
"/" registers a family) or by the served task an export's contract names
(`served_shape("span")`).

Example:
    >>> task_shape("squad-v2.0").shape, served_shape("regression").shape
    ('span', 'classification')
    >>> "conll" in task_names() and "tagging" in [shape.shape for shape in shapes()]
    True
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, TypeVar

from bert_tf.tasks.task_shape import TaskShape

_SHAPES: dict[str, type[TaskShape]] = {}
_discovered = False
Shape = TypeVar("Shape", bound=type[TaskShape])


def register_shape(cls: Shape) -> Shape:
    """Class decorator: adds a `TaskShape` subclass to the registry (names must be unique)."""
    if not cls.shape:
        raise ValueError(f"{cls.__name__} sets no `shape` name")
    for other in _SHAPES.values():
        if other is cls or other.__qualname__ == cls.__qualname__:
            continue
        clash = set(other.task_names) & set(cls.task_names)
        clash |= set(other.served_as) & set(cls.served_as)
        if other.shape == cls.shape or clash:
            raise ValueError(f"{cls.__name__} and {other.__name__} both claim {sorted(clash)}")
    _SHAPES[cls.shape] = cls
    return cls


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    import bert_tf.tasks as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name.endswith("_task"):
            importlib.import_module(f"{package.__name__}.{module.name}")
    _discovered = True


def shapes() -> list[type[TaskShape]]:
    """Every registered shape, by name (the same order whatever was imported first)."""
    _discover()
    return [_SHAPES[name] for name in sorted(_SHAPES)]


def task_names() -> list[str]:
    """Every command-line task name ("glue/" stands for the GLUE family)."""
    return [name for shape in shapes() for name in shape.task_names]


def task_shape(task: str) -> type[TaskShape]:
    """The shape that answers a command-line task name (case-insensitive)."""
    key = task.lower()
    family = key.split("/", 1)[0] + "/" if "/" in key else None
    for shape in shapes():
        if key in shape.task_names or (family and family in shape.task_names):
            return shape
    names = ", ".join(name + ("NAME" if name.endswith("/") else "") for name in task_names())
    raise ValueError(f"unknown task {task!r}; expected one of {names}")


def parse_results(served_task: str, outputs: dict[str, Any], label_names: list[str]) -> list[Any]:
    """One typed result per row of a `serving_default` answer of `served_task`."""
    result_type = served_shape(served_task).result_type(served_task)
    missing = [name for name in result_type.OUTPUTS if name not in outputs]
    if missing:
        raise ValueError(f"a {served_task} answer needs outputs {missing}; got {sorted(outputs)}")
    return result_type.from_outputs(outputs, label_names)


def served_shape(served_task: str) -> type[TaskShape]:
    """The shape whose exports write `served_task` into their contract."""
    for shape in shapes():
        if served_task in shape.served_as:
            return shape
    served = sorted(name for shape in shapes() for name in shape.served_as)
    raise ValueError(f"unknown served task {served_task!r}; expected one of {', '.join(served)}")
