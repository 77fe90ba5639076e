"""The offline corpus: same text on every machine with the pinned install, BERT's file format."""

from __future__ import annotations

from pathlib import Path

from bert_tf.datasets import offline_corpus

MODULE = '''"""A module that parses files. It reads every line of the input file."""


def parse(path):
    """Parse one file and return its records. Empty lines are skipped."""
'''


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_stdlib_comes_first_whatever_the_paths(monkeypatch, tmp_path):
    # A venv whose path sorts before the interpreter's (CI's /check/... vs /root/...) must
    # not change the order, or the first N sentences differ between machines.
    stdlib, venv = tmp_path / "z_stdlib", tmp_path / "a_venv" / "site-packages"
    stdlib.mkdir()
    venv.mkdir(parents=True)
    monkeypatch.setattr(offline_corpus.sysconfig, "get_paths", lambda: {"stdlib": str(stdlib)})
    monkeypatch.setattr(offline_corpus.site, "getsitepackages", lambda: [str(venv)])
    assert offline_corpus._package_roots() == [stdlib, venv]


def test_docstrings_leave_out_tests_and_the_base_interpreters_packages(tmp_path):
    root = tmp_path / "lib"
    _write(root / "parsers.py", MODULE)
    _write(root / "test_parsers.py", MODULE.replace("parses", "tests"))
    _write(root / "tests" / "helpers.py", MODULE.replace("parses", "helps"))
    _write(root / "site-packages" / "extra" / "mod.py", MODULE.replace("parses", "extras"))
    _write(root / "broken.py", "def (:\n")
    documents = list(offline_corpus.docstring_documents([root]))
    assert documents == [
        [
            "A module that parses files.",
            "It reads every line of the input file.",
            "Parse one file and return its records.",
            "Empty lines are skipped.",
        ]
    ]


def test_write_corpus_is_one_sentence_per_line_with_blank_lines_between_documents(tmp_path):
    path = tmp_path / "corpus.txt"
    stats = offline_corpus.write_corpus(path, max_bytes=50_000)
    text = path.read_text(encoding="utf-8")
    documents = text.rstrip("\n").split("\n\n")
    assert stats["documents"] == len(documents) >= 2
    assert stats["sentences"] == sum(len(d.splitlines()) for d in documents)
    assert stats["bytes"] == len(text.encode("utf-8")) >= 50_000
    assert all(line.strip() for d in documents for line in d.splitlines())
