"""The `Example:` sections of the layer and model docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import bert_tf.layers
import bert_tf.models

MODULES = [
    info.name
    for package in (bert_tf.layers, bert_tf.models)
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + ".")
    if not info.name.rsplit(".", 1)[-1].startswith("_")  # private helpers need no example
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    assert ">>>" in Path(module.__file__).read_text(), f"{name} has no docstring example"
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
