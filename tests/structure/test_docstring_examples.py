"""Every public module's `Example:` runs and prints what it says.

Examples run in a scratch directory that holds the files they name: `vocab.txt` (the real
uncased WordPiece vocabulary of all-MiniLM-L6-v2) and `corpus.txt` (real offline text). An
example that needs what a second cannot give (a real checkpoint, a training run, a server)
keeps `# doctest: +SKIP`, and must still be true. The layers and models, which need no
files, run at least one example each.
"""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import shutil
from pathlib import Path

import pytest

import bert_tf

SKIP_PACKAGES = ("bert_tf.pipeline",)  # importing TFX costs seconds; its tests run examples
MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(bert_tf.__path__, "bert_tf.")
    if not info.name.rsplit(".", 1)[-1].startswith("_")  # private helpers need no example
    and not info.name.startswith(SKIP_PACKAGES)
)
MUST_RUN = ("bert_tf.layers.", "bert_tf.models.")
SHELL_EXAMPLES = ("bert_tf.cli", "bert_tf.commands.", "bert_tf.demo")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, minilm_vocab, real_corpus) -> Path:
    directory = tmp_path_factory.mktemp("doctest")
    shutil.copyfile(minilm_vocab, directory / "vocab.txt")
    shutil.copyfile(real_corpus, directory / "corpus.txt")
    return directory


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, scratch, monkeypatch):
    module = importlib.import_module(name)
    source = Path(module.__file__).read_text(encoding="utf-8")
    is_package = Path(module.__file__).name == "__init__.py"
    shell = name.startswith(SHELL_EXAMPLES) and "\n    $ " in source  # a command line
    assert is_package or shell or ">>>" in source, f"{name} has no docstring example"
    monkeypatch.chdir(scratch)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags)
    assert result.failed == 0, f"{name}: {result.failed} example(s) failed (see the output)"
    if name.startswith(MUST_RUN):
        assert result.attempted > 0, f"{name}: its examples must run"
    assert os.getcwd() == str(scratch)
