"""The docstring continuation set: SWAG's CSV layout, real golds, disjoint splits, no easy cue."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bert_tf.datasets.docstring_choice import (
    DEFAULT_SOURCES,
    document_split,
    make_docstring_choice,
    source_documents,
)

SWAG_HEADER = (
    ",video-id,fold-ind,startphrase,sent1,sent2,gold-source,ending0,ending1,ending2,ending3,label"
)
SIZES = {"train": 200, "dev": 50, "test": 50}
BASELINE_BOUND = 0.4  # chance is 0.25 with 4 choices; a surface cue would reach well above


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("choice")
    info = make_docstring_choice(
        out / "a", train_examples=200, dev_examples=50, test_examples=50, seed=0
    )
    return out, info


@pytest.fixture(scope="module")
def documents():
    """Every source document's paragraphs, and the splits each sentence occurs in."""
    paragraphs, homes = {}, defaultdict(set)
    for name, _, found in source_documents(DEFAULT_SOURCES):
        paragraphs[name] = found
        for sentence in (s for sentences in found for s in sentences):
            homes[sentence].add(document_split(name, with_test=True))
    return paragraphs, homes


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _endings(row):
    return [row[f"ending{i}"] for i in range(4)]


def test_csv_has_swag_layout_and_counts(built):
    _, info = built
    assert info["counts"] == SIZES
    folds = []
    for split in SIZES:
        assert Path(info[split]).name == {"dev": "val.csv"}.get(split, f"{split}.csv")
        header = Path(info[split]).read_text(encoding="utf-8").splitlines()[0]
        assert header == SWAG_HEADER
        rows = _rows(info[split])
        assert len(rows) == SIZES[split] and all(None not in row for row in rows)
        assert [int(row[""]) for row in rows] == list(range(len(rows)))
        labels = [int(row["label"]) for row in rows]
        assert info["labels"][split] == [labels.count(k) for k in range(4)]
        assert max(info["labels"][split]) - min(info["labels"][split]) <= 1  # balanced
        for row in rows:
            assert row["startphrase"] == f"{row['sent1']} {row['sent2']}"
            assert row["gold-source"] == "gold" and 1 <= len(row["sent2"].split()) <= 3
            folds.append(int(row["fold-ind"]))
    assert len(set(folds)) == len(folds)


def test_label_indexes_the_real_next_sentence_and_distractors_differ(built, documents):
    _, info = built
    paragraphs, _ = documents
    for split in SIZES:
        for row in _rows(info[split]):
            label, endings = int(row["label"]), _endings(row)
            gold = f"{row['sent2']} {endings[label]}"
            follows = {
                (a, b)
                for sentences in paragraphs[row["video-id"]]
                for a, b in zip(sentences, sentences[1:])
            }
            assert (row["sent1"], gold) in follows
            assert len(set(endings)) == 4  # no distractor equals the gold or another one
            for i, ending in enumerate(endings):
                if i != label:
                    assert f"{row['sent2']} {ending}".lower() != gold.lower()


def test_splits_share_no_document_and_no_sentence(built, documents):
    _, info = built
    _, homes = documents
    sources = {}
    for split in SIZES:
        rows = _rows(info[split])
        sources[split] = {row["video-id"] for row in rows}
        assert {document_split(name, with_test=True) for name in sources[split]} == {split}
        for row in rows:
            choices = [f"{row['sent2']} {ending}" for ending in _endings(row)]
            for sentence in [row["sent1"], *choices]:  # distractors come from the split too
                assert homes[sentence] == {split}
    assert not sources["train"] & sources["dev"]
    assert not sources["train"] & sources["test"] and not sources["dev"] & sources["test"]


def test_jsonl_matches_csv(built):
    _, info = built
    for split in SIZES:
        assert Path(info["jsonl"][split]).suffix == ".jsonl"
        lines = Path(info["jsonl"][split]).read_text(encoding="utf-8").splitlines()
        rows = _rows(info[split])
        assert len(lines) == len(rows)
        for line, row in zip(lines, rows, strict=True):
            choices = [f"{row['sent2']} {ending}" for ending in _endings(row)]
            expected = {"context": row["sent1"], "choices": choices, "label": int(row["label"])}
            assert json.loads(line) == expected


def test_same_seed_gives_the_same_files(built):
    out, info = built
    again = make_docstring_choice(
        out / "b", train_examples=200, dev_examples=50, test_examples=50, seed=0
    )
    for split in SIZES:
        for first, second in (
            (info[split], again[split]),
            (info["jsonl"][split], again["jsonl"][split]),
        ):
            assert Path(first).read_bytes() == Path(second).read_bytes()


def _accuracy(rows, score) -> float:
    """Accuracy of picking the best-scored ending, ties shared out evenly (expected value)."""
    total = 0.0
    for row in rows:
        scores = [score(row, ending) for ending in _endings(row)]
        best = [i for i, value in enumerate(scores) if value == max(scores)]
        total += (int(row["label"]) in best) / len(best)
    return total / len(rows)


def _words(text):
    return set(re.findall(r"\w+", text.lower()))


def test_trivial_baselines_stay_near_chance(built):
    _, info = built
    rows = _rows(info["dev"])
    longest = _accuracy(rows, lambda row, ending: len(ending))
    overlap = _accuracy(rows, lambda row, ending: len(_words(ending) & _words(row["startphrase"])))
    print(f"dev baselines: longest ending {longest:.3f}, word overlap {overlap:.3f}")
    assert longest < BASELINE_BOUND and overlap < BASELINE_BOUND
