"""A real extractive QA set in SQuAD v1.1 format, derived from the standard library's docs.

Every public function or method of a stdlib module whose docstring opens with a one-sentence summary
gives one entry `name: summary`. A context is the entries of a few functions of one module,
in source order; each question asks what one of them does (`What does json.dumps do?`), and
its answer is that function's summary, found by character offset in the context. So the
answers come from how the docs are written, not from a model, and a reader must find the
asked name among its neighbours and take the span after it. Modules are split into train and
dev by a hash of their name, so no module feeds both.

Example:
    >>> info = make_docstring_qa("qa", max_train=40, max_dev=10)
    >>> info["counts"]["train"], info["counts"]["dev"]
    (40, 10)
    >>> example = read_squad(info["dev"])[0]
    >>> example.question.startswith("What does "), example.answers[0].text[-1]
    (True, '.')
"""

from __future__ import annotations

import ast
import hashlib
import json
import random
import sysconfig
import warnings
from collections.abc import Iterator
from pathlib import Path

from bert_tf.data.readers.squad import read_squad  # noqa: F401 (the example reads it back)

ENTRIES_PER_CONTEXT = 4  # functions per context: the question's and three distractors
_MIN_WORDS, _MAX_WORDS = 4, 25  # summary length in words


def _summary(doc: str) -> str | None:
    """The docstring's first paragraph when it is one sentence of prose, else None."""
    first = " ".join(doc.strip().split("\n\n", 1)[0].split())
    words = first.split()
    if not (_MIN_WORDS <= len(words) <= _MAX_WORDS) or not first.endswith("."):
        return None
    if first.count(". ") or any(mark in first for mark in (">>>", "::", "(", "`", "*")):
        return None  # several sentences, code, or markup
    return first


def module_entries(path: Path, module: str) -> list[tuple[str, str]]:
    """(qualified name, summary) of the public functions and methods of one module, in
    source order."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError, RecursionError):
        return []
    entries = []
    for node in tree.body:
        methods = [(node, "")]
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            methods = [(child, f"{node.name}.") for child in node.body]
        for function, prefix in methods:
            if isinstance(function, ast.FunctionDef) and not function.name.startswith("_"):
                summary = _summary(ast.get_docstring(function, clean=True) or "")
                if summary:
                    entries.append((f"{module}.{prefix}{function.name}", summary))
    return entries


_LEFT_OUT = {"site-packages", "dist-packages", "test", "tests", "idlelib", "lib2to3", "turtledemo"}


def _stdlib_modules() -> Iterator[tuple[Path, str]]:
    """(path, dotted name) of the public modules of the standard library, tests left out."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(stdlib.rglob("*.py")):
        parts = path.relative_to(stdlib).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if not parts or _LEFT_OUT.intersection(parts) or "test" in parts[-1]:
            continue
        if not any(part.startswith("_") for part in parts):
            yield path, ".".join(parts)


def _articles(module: str, entries: list[tuple[str, str]]) -> list[dict]:
    paragraphs = []
    for begin in range(0, len(entries) - ENTRIES_PER_CONTEXT + 1, ENTRIES_PER_CONTEXT):
        chunk = entries[begin : begin + ENTRIES_PER_CONTEXT]
        context, qas = "", []
        for name, summary in chunk:
            context += ("" if not context else " ") + f"{name}: "
            qas.append(
                {
                    "id": f"{name}#{begin}",
                    "question": f"What does {name} do?",
                    "answers": [{"text": summary, "answer_start": len(context)}],
                }
            )
            context += summary
        paragraphs.append({"context": context, "qas": qas})
    return [{"title": module, "paragraphs": paragraphs}] if paragraphs else []


def make_docstring_qa(
    out_dir: str | Path, max_train: int = 800, max_dev: int = 200, seed: int = 0
) -> dict:
    """Write `train.json` and `dev.json` (SQuAD v1.1) from the standard library's docstrings.

    Returns {"train": path, "dev": path, "counts": {split: questions}}.
    """
    splits: dict[str, list[dict]] = {"train": [], "dev": []}
    for path, module in _stdlib_modules():
        split = "dev" if hashlib.sha256(module.encode()).digest()[0] % 5 == 0 else "train"
        splits[split] += _articles(module, module_entries(path, module))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info: dict = {"counts": {}}
    rng = random.Random(seed)
    for split, limit in (("train", max_train), ("dev", max_dev)):
        paragraphs = [(a["title"], p) for a in splits[split] for p in a["paragraphs"]]
        rng.shuffle(paragraphs)
        kept, count = [], 0
        for title, paragraph in paragraphs:
            take = paragraph["qas"][: limit - count]
            if not take:
                break
            kept.append({"title": title, "paragraphs": [{**paragraph, "qas": take}]})
            count += len(take)
        path = out / f"{split}.json"
        path.write_text(json.dumps({"version": "1.1", "data": kept}, indent=1), encoding="utf-8")
        info[split], info["counts"][split] = str(path), count
    return info
