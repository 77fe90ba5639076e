"""Real English text that is on every machine after `pip install`, as a BERT corpus.

Two sources, read without importing anything: the Python reference manual topics in
`pydoc_data.topics` and the docstrings of installed packages (parsed with `ast`). The
corpus is written in google-research/bert's format: one sentence per line, a blank line
between documents. Order is deterministic (sorted paths), so a pinned install gives the
same bytes on every machine.

Example:
    >>> from bert_tf.datasets.offline_corpus import write_corpus
    >>> stats = write_corpus("corpus.txt", max_bytes=2_000_000)
    >>> stats["documents"] > 100
    True
"""

from __future__ import annotations

import ast
import re
import site
import sys
import sysconfig
import warnings
from collections.abc import Iterator
from pathlib import Path

from bert_tf.text.sentence_splitting import split_sentences

_CODE_LIKE = re.compile(r"^\s*(>>>|\.\.\.|\$ |[:@]\w+|\{|\}|[-=~^*]{3,}\s*$)")


def _paragraphs(text: str) -> Iterator[str]:
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or any(_CODE_LIKE.match(line) for line in lines):
            continue
        paragraph = " ".join(line.strip() for line in lines)
        if len(paragraph.split()) >= 4:  # drop headings and one-word fragments
            yield paragraph


def document_sentences(text: str) -> list[str]:
    """The sentences of one document's prose, code blocks and headings left out."""
    return [s for p in _paragraphs(text) for s in split_sentences(p)]


def pydoc_documents() -> Iterator[list[str]]:
    """One document per topic of the Python language reference (about 1 MB of text)."""
    from pydoc_data.topics import topics

    for name in sorted(topics):
        sentences = document_sentences(topics[name])
        if len(sentences) >= 2:
            yield sentences


_INSTALL_DIRS = {"site-packages", "dist-packages"}


def _package_roots() -> list[Path]:
    """The standard library first, then this environment's packages.

    The order is by role, never by path, so the corpus does not depend on where the
    interpreter or the virtual environment happens to live.
    """
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    packages = sorted({Path(p) for p in site.getsitepackages() if Path(p).is_dir()} - {stdlib})
    return [stdlib, *packages]


def _is_source(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if "test" in path.name or {"test", "tests"}.intersection(parts):
        return False
    # The base interpreter's own site-packages (under the stdlib) is not part of the pinned
    # install, so it is left out; a venv's site-packages is a root of its own.
    return not _INSTALL_DIRS.intersection(parts[:-1])


def docstring_documents(roots: list[Path] | None = None) -> Iterator[list[str]]:
    """One document per Python source file: its module, class and function docstrings."""
    for root in roots or _package_roots():
        for path in sorted(root.rglob("*.py")):
            if not _is_source(path, root):
                continue
            try:
                source = path.read_text(encoding="utf-8")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    tree = ast.parse(source)
            except (SyntaxError, UnicodeDecodeError, ValueError, OSError, RecursionError):
                continue
            sentences: list[str] = []
            for node in ast.walk(tree):
                if isinstance(
                    node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
                ):
                    doc = ast.get_docstring(node, clean=True)
                    if doc:
                        sentences.extend(document_sentences(doc))
            if len(sentences) >= 2:
                yield sentences


def iter_documents(max_bytes: int | None = None) -> Iterator[list[str]]:
    """pydoc topics first, then package docstrings, until about `max_bytes` of text."""
    total = 0
    for source in (pydoc_documents(), docstring_documents()):
        for sentences in source:
            yield sentences
            total += sum(len(s.encode("utf-8")) + 1 for s in sentences) + 1
            if max_bytes is not None and total >= max_bytes:
                return


def write_corpus(path: str | Path, max_bytes: int | None = None) -> dict[str, int]:
    """Write the corpus (one sentence per line, blank line between documents).

    Returns counts: `documents`, `sentences`, `bytes`.
    """
    stats = {"documents": 0, "sentences": 0, "bytes": 0}
    with open(path, "w", encoding="utf-8") as out:
        for sentences in iter_documents(max_bytes):
            block = "\n".join(sentences) + "\n\n"
            out.write(block)
            stats["documents"] += 1
            stats["sentences"] += len(sentences)
            stats["bytes"] += len(block.encode("utf-8"))
    return stats


if __name__ == "__main__":  # python -m bert_tf.datasets.offline_corpus OUT [MAX_BYTES]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    print(write_corpus(sys.argv[1], limit))
