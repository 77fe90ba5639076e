"""Imports run one way, from the CLI down to `layers/`: no package imports one above it.

Each top-level part of `bert_tf` has a rank; a module may import its own part or a part of
lower rank, never higher (imports inside functions count too). `layers/` and `models/` import
keras but never tensorflow, so they run on the JAX and torch backends.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "bert_tf"

# Part -> rank (lower ranks are below: they may be imported by higher ones).
RANKS = {
    "config": 0,
    "storage": 0,  # file access through tf.io.gfile, for every part
    "layers": 1,
    "text": 1,
    "models": 2,
    "data": 3,
    "datasets": 4,
    "checkpoints": 3,
    "evaluation": 4,
    "tasks": 5,
    "training": 6,
    "export": 7,
    "serving": 8,
    "compression": 8,  # distillation and int8 over models, tasks, training and export
    "pipeline": 9,
    "commands": 10,
    "cli": 11,  # above the commands it dispatches to (and their start-up helper)
    "cli_reference": 12,
    "demo": 11,  # runs the commands' start-up helper too
    "__init__": 10,
}
KERAS_ONLY = ("layers", "models")
# The declared exceptions, each with its reason (a lazy import inside one function).
UPWARD = {
    ("models/bert_backbone.py", "bert_tf.checkpoints.any_checkpoint"): (
        "BertBackbone.from_preset(path) loads a checkpoint directory: the one entry point "
        "keras-hub users expect"
    ),
}


def _part(module_path: Path) -> str:
    relative = module_path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_point_down(path: Path) -> None:
    part = _part(path)
    assert part in RANKS, f"{part}: give the new part of bert_tf a rank in this test"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in _imported_modules(tree):
        pieces = name.split(".")
        if pieces[0] in ("tensorflow", "tensorflow_text") and part in KERAS_ONLY:
            pytest.fail(f"{path.name} ({part}/) imports {name}: {part}/ must stay keras-only")
        if pieces[0] != "bert_tf" or len(pieces) < 2:
            continue
        target = pieces[1]
        if target == part or (str(path.relative_to(PACKAGE)), name) in UPWARD:
            continue
        assert RANKS.get(target, 99) < RANKS[part], (
            f"{path.relative_to(PACKAGE.parent)} ({part}, rank {RANKS[part]}) imports {name} "
            f"({target}, rank {RANKS.get(target)}): imports must point down"
        )
