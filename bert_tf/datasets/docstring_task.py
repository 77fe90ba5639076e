"""A real classification task derived from offline text: which library wrote this sentence?

Each example is one sentence from a docstring of an installed package, and its label is the
package it came from (numpy, pandas, sklearn, nltk by default). The labels arise from where the
text lives, not from a model, so the task is real; it needs domain knowledge that a pre-trained
encoder brings ("estimator", "dtype", "corpus"). Files are split into train and dev by a hash
of their path, so no source file feeds both splits, and sentences found in more than one package
are dropped. Output is the generic CSV format (`text,label`) read by `bert_tf.data.readers`.

Example:
    >>> from bert_tf.datasets.docstring_task import make_docstring_task
    >>> info = make_docstring_task("task_dir", train_per_class=500, dev_per_class=100)
    >>> sorted(info["labels"])
    ['nltk', 'numpy', 'pandas', 'sklearn']
"""

from __future__ import annotations

import csv
import hashlib
import random
import site
from collections import defaultdict
from pathlib import Path

from bert_tf.datasets.offline_corpus import document_sentences

DEFAULT_PACKAGES = ("numpy", "pandas", "sklearn", "nltk")


def _package_sentences(root: Path, with_test: bool) -> dict[str, list[str]]:
    """split name -> sentences of that package's docstrings (6 to 60 words each).

    A source file's split comes from a hash of its path: a fifth of the files are dev; with
    `with_test` another fifth (taken from train) is the held-out test split.
    """
    import ast
    import warnings

    by_split: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for path in sorted(root.rglob("*.py")):
        relative = str(path.relative_to(root.parent))
        if "/tests/" in relative or path.name.startswith("test"):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError, RecursionError):
            continue
        digest = hashlib.sha256(relative.encode()).digest()[0]
        split = {0: "dev", 1: "test" if with_test else "train"}.get(digest % 5, "train")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node, clean=True)
                for sentence in document_sentences(doc or ""):
                    if 6 <= len(sentence.split()) <= 60:
                        by_split[split].append(sentence)
    return by_split


def make_docstring_task(
    out_dir: str | Path,
    packages: tuple[str, ...] = DEFAULT_PACKAGES,
    train_per_class: int = 2000,
    dev_per_class: int = 300,
    seed: int = 0,
    test_per_class: int = 0,
) -> dict:
    """Write `train.csv` and `dev.csv` (columns `text,label`), balanced across packages, and
    with `test_per_class` a held-out `test.csv` from source files in neither.

    Returns {"train": path, "dev": path, ["test": path,] "labels": [...],
    "counts": {split: {label: n}}}.
    """
    site_packages = Path(site.getsitepackages()[0])
    found: dict[str, dict[str, list[str]]] = {}
    for package in packages:
        root = site_packages / package
        if not root.is_dir():
            raise FileNotFoundError(f"package {package!r} is not installed under {site_packages}")
        found[package] = _package_sentences(root, with_test=test_per_class > 0)

    owners: dict[str, set[str]] = defaultdict(set)
    for package, splits in found.items():
        for sentences in splits.values():
            for sentence in sentences:
                owners[sentence].add(package)

    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info: dict = {"labels": list(packages), "counts": {}}
    splits = [("train", train_per_class), ("dev", dev_per_class)]
    splits += [("test", test_per_class)] if test_per_class > 0 else []
    for split, per_class in splits:
        rows = []
        for package in packages:
            unique = sorted({s for s in found[package][split] if len(owners[s]) == 1})
            rng.shuffle(unique)
            rows.extend((sentence, package) for sentence in unique[:per_class])
        rng.shuffle(rows)
        path = out / f"{split}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["text", "label"])
            writer.writerows(rows)
        info[split] = str(path)
        info["counts"][split] = {p: sum(1 for _, label in rows if label == p) for p in packages}
    return info
