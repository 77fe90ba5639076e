"""A real multiple-choice set in SWAG's CSV format: which sentence continues this one?

Each example is two consecutive sentences of one paragraph of real documentation: a topic of
the Python reference (`pydoc_data.topics`) or a docstring of the standard library or of a named
installed package. The first sentence is the context (`sent1`); the second, the gold, is cut
after its opening words (`sent2`, one to three words) as SWAG cuts its captions, and `endingN`
is the rest. The distractors are real sentences of other documents that open with the same
words, so every choice reads as a whole sentence. Each is about as long as the gold and shares
exactly as many topic words with the context (lexical hard negatives, a light form of SWAG's
adversarial filtering), so neither length nor word overlap gives the gold away; ones from the
gold's package come first, none (nearly) repeats the gold or the context, and the gold's slot is
balanced and drawn with the seed. Contexts without such distractors are left out. Documents are
split by a hash of their name, so none feeds two splits; a sentence found in two splits is
used in neither.

Files in `out_dir`: `train.csv`, `val.csv` (and `test.csv`, which unlike SWAG's keeps its
labels) in SWAG's layout: an unnamed index column, `video-id` (the source document),
`fold-ind` (a running id), `startphrase` (`sent1 + " " + sent2`), `sent1`, `sent2`,
`gold-source` ("gold"), `ending0..3`, `label`; and the same examples in `train.jsonl`,
`val.jsonl` (`test.jsonl`): `{"context": sent1, "choices": [sent2 + " " + endingN], "label": k}`.

Example:
    >>> info = make_docstring_choice("choice", train_examples=100, dev_examples=20)
    >>> info["counts"], info["labels"]["dev"]
    ({'train': 100, 'dev': 20}, [5, 5, 5, 5])
    >>> Path(info["dev"]).name
    'val.csv'
"""

from __future__ import annotations

import ast
import csv
import hashlib
import importlib.util
import json
import random
import re
import sysconfig
import warnings
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from bert_tf.datasets.offline_corpus import document_sentences

DEFAULT_SOURCES = ("pydoc", "stdlib")  # on every install; other names are installed packages
MAX_OPENING_WORDS = 3  # longest `sent2`: the gold's opening words, shared by the distractors
_CONTEXT_WORDS = (4, 60)  # length of `sent1` in words
_CHOICE_WORDS = (6, 40)  # length of a continuation or distractor sentence in words
_LEFT_OUT = {"site-packages", "dist-packages", "test", "tests", "idlelib", "lib2to3", "turtledemo"}
_COMMON_WORDS = """the and for this that with are not will can from which its was has have been
but all any you your may must should would when then than there these those such other only into"""
_COMMON = frozenset(_COMMON_WORDS.split())  # words of three letters or more with no topic
_FILE_STEMS = {"train": "train", "dev": "val", "test": "test"}  # SWAG calls dev `val`

Document = tuple[str, str, list[list[str]]]  # (name, group, sentences of each paragraph)
Pair = tuple[str, str, str, str]  # (document name, group, context sentence, gold sentence)


def _paragraphs(text: str) -> list[list[str]]:
    """The sentences of each blank-line separated block of prose."""
    blocks = (document_sentences(block) for block in re.split(r"\n\s*\n", text))
    return [sentences for sentences in blocks if sentences]


_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")  # where statements nest


def _docstring_paragraphs(path: Path) -> list[list[str]]:
    """The paragraphs of a file's docstrings; only statements are visited (a docstring
    cannot sit in an expression), several times faster than `ast.walk`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError, OSError, RecursionError):
        return []
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _DOCUMENTED):
            found += _paragraphs(ast.get_docstring(node, clean=True) or "")
        for field in _BLOCKS:
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(reversed(block))
    return found


def _source_root(source: str) -> Path:
    if source == "stdlib":
        return Path(sysconfig.get_paths()["stdlib"])
    spec = importlib.util.find_spec(source)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {source!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def source_documents(sources: tuple[str, ...] = DEFAULT_SOURCES) -> Iterator[Document]:
    """(name, group, paragraphs) of every document, in a fixed order.

    A document is a pydoc topic (`pydoc/assignment`, group `pydoc`) or a source file
    (`stdlib/json/encoder.py`, group `stdlib/json`; `numpy/linalg/_linalg.py`, group `numpy`).
    Tests and the stdlib's own site-packages are left out.
    """
    for source in sources:
        if source == "pydoc":
            from pydoc_data.topics import topics

            for topic in sorted(topics):
                yield f"pydoc/{topic}", "pydoc", _paragraphs(topics[topic])
            continue
        root = _source_root(source)
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).parts
            if _LEFT_OUT.intersection(parts) or path.name.startswith("test"):
                continue
            group = f"stdlib/{parts[0].removesuffix('.py')}" if source == "stdlib" else source
            yield f"{source}/{'/'.join(parts)}", group, _docstring_paragraphs(path)


def document_split(name: str, with_test: bool) -> str:
    """A fifth of the documents (by a hash of the name) are dev; with `with_test` another
    fifth, taken from train, is test. Dev is the same either way."""
    digest = hashlib.sha256(name.encode()).digest()[0] % 5
    return {0: "dev", 1: "test" if with_test else "train"}.get(digest, "train")


def _fits(sentence: str, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= len(sentence.split()) <= bounds[1]


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def _topic_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _words(text) if len(w) > 2 and w not in _COMMON)


def _too_close(a: frozenset[str], b: frozenset[str]) -> bool:
    """Identical or nearly so: the word sets overlap by 80% or more."""
    return len(a & b) >= 0.8 * max(len(a | b), 1)


class _Split:
    """The context pairs and candidate sentences of one split, indexed by opening words."""

    def __init__(self) -> None:
        self.pairs: list[Pair] = []
        self.pool: dict[str, tuple[str, str]] = {}  # sentence -> (name, group), first seen
        # opening words -> (name, group, rest of the sentence, its length, its topic words,
        # the sentence's words) of each candidate that opens so
        self.openings: dict[str, list[tuple]] = defaultdict(list)

    def index(self) -> None:
        for sentence, (name, group) in self.pool.items():
            words, every = sentence.split(), _words(sentence)
            for k in range(1, MAX_OPENING_WORDS + 1):
                rest = " ".join(words[k:])
                entry = (name, group, rest, len(words) - k, _topic_words(rest), every)
                self.openings[" ".join(words[:k])].append(entry)

    def example(
        self, pair: Pair, distractors: int, rng: random.Random
    ) -> tuple[str, str, list[str]] | None:
        """(opening, gold ending, distractor endings), or None when too few sentences open
        like the gold, match its length and share as many topic words with the context."""
        name, group, context, gold = pair
        words = gold.split()
        for k in range(min(MAX_OPENING_WORDS, len(words) - 3), 0, -1):
            opening, ending = " ".join(words[:k]), " ".join(words[k:])
            start = _topic_words(f"{context} {opening}")
            size, shared = len(words) - k, len(start & _topic_words(ending))
            ranked = [
                (other_group != group, rng.random(), rest, every)
                for other, other_group, rest, length, topic, every in self.openings.get(opening, ())
                if other != name
                and abs(length - size) <= max(3, size // 3)
                and len(start & topic) == shared
            ]
            chosen: list[str] = []
            taken = [_words(context), _words(gold)]
            for *_, rest, every in sorted(ranked):
                if len(chosen) < distractors and not any(_too_close(every, s) for s in taken):
                    chosen.append(rest)
                    taken.append(every)
            if len(chosen) == distractors:
                return opening, ending, chosen
        return None


def _collect(sources: tuple[str, ...], with_test: bool) -> dict[str, _Split]:
    splits = {name: _Split() for name in ("train", "dev", "test")}
    homes: dict[str, set[str]] = defaultdict(set)  # sentence -> splits it occurs in
    for name, group, paragraphs in source_documents(sources):
        home = document_split(name, with_test)
        split = splits[home]
        for sentences in paragraphs:
            for sentence in sentences:
                homes[sentence].add(home)
                if _fits(sentence, _CHOICE_WORDS) and sentence[0].isalpha():
                    split.pool.setdefault(sentence, (name, group))
            for context, gold in zip(sentences, sentences[1:]):
                if _fits(context, _CONTEXT_WORDS) and gold in split.pool:
                    split.pairs.append((name, group, context, gold))
    for split in splits.values():
        split.pool = {s: where for s, where in split.pool.items() if len(homes[s]) == 1}
        unique: dict[tuple[str, str], Pair] = {}
        for pair in split.pairs:
            if len(homes[pair[2]]) == len(homes[pair[3]]) == 1:
                unique.setdefault(pair[2:], pair)  # a pair repeated in two files, once
        split.pairs = list(unique.values())
        split.index()
    return splits


def _write(stem: Path, header: list[str], rows: list[list]) -> None:
    """`stem.csv` in SWAG's layout and `stem.jsonl` with the same examples."""
    with open(f"{stem}.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    with open(f"{stem}.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            context, opening, endings, label = row[4], row[5], row[7:-1], row[-1]
            choices = [f"{opening} {ending}" for ending in endings]
            f.write(json.dumps({"context": context, "choices": choices, "label": label}) + "\n")


def make_docstring_choice(
    out_dir: str | Path,
    train_examples: int = 1500,
    dev_examples: int = 150,
    test_examples: int = 0,
    num_choices: int = 4,
    seed: int = 0,
    sources: tuple[str, ...] = DEFAULT_SOURCES,
) -> dict:
    """Write the SWAG-format CSV files and their JSONL twins (see the module docstring).

    A split holds up to its number of examples, fewer when its documents run out: the
    default sources give at most about 1,950 train and 175 dev examples (Python 3.10; with a
    test split, about 1,200 train and 480 test); name installed packages in `sources`
    ("numpy") for more.

    Returns {"train": path, "dev": path, ["test": path,] "jsonl": {split: path},
    "counts": {split: n}, "labels": {split: [examples whose gold is ending k, for each k]}}.
    """
    splits = _collect(sources, with_test=test_examples > 0)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    header = ["", "video-id", "fold-ind", "startphrase", "sent1", "sent2", "gold-source"]
    header += [f"ending{i}" for i in range(num_choices)] + ["label"]
    info: dict = {"jsonl": {}, "counts": {}, "labels": {}}
    wanted = {"train": train_examples, "dev": dev_examples, "test": test_examples}
    fold = 0
    for split, limit in wanted.items():
        if split == "test" and limit <= 0:
            continue
        rng = random.Random(f"{seed}/{split}")
        pairs = list(splits[split].pairs)
        rng.shuffle(pairs)
        rows: list[list] = []
        for pair in pairs:
            if len(rows) >= limit:
                break
            found = splits[split].example(pair, num_choices - 1, rng)
            if found is None:
                continue
            if len(rows) % num_choices == 0:  # each run of num_choices examples uses every slot
                slots = rng.sample(range(num_choices), num_choices)
            opening, gold, endings = found
            label = slots[len(rows) % num_choices]
            endings.insert(label, gold)
            name, _, context, _ = pair
            start = f"{context} {opening}"
            rows.append([len(rows), name, fold, start, context, opening, "gold", *endings, label])
            fold += 1
        _write(out / _FILE_STEMS[split], header, rows)
        info[split] = str(out / f"{_FILE_STEMS[split]}.csv")
        info["jsonl"][split] = str(out / f"{_FILE_STEMS[split]}.jsonl")
        info["counts"][split] = len(rows)
        info["labels"][split] = [sum(row[-1] == k for row in rows) for k in range(num_choices)]
    return info
