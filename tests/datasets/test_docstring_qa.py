"""The stdlib docstring QA set: valid SQuAD v1.1, answers at their offsets, disjoint modules."""

from __future__ import annotations

import json
from pathlib import Path

from bert_tf.data.readers import read_squad
from bert_tf.datasets.docstring_qa import ENTRIES_PER_CONTEXT, make_docstring_qa


def test_questions_answer_from_their_context_and_splits_share_no_module(tmp_path):
    info = make_docstring_qa(tmp_path, max_train=300, max_dev=60)
    assert info["counts"] == {"train": 300, "dev": 60}
    titles = {}
    for split in ("train", "dev"):
        examples = read_squad(info[split])  # checks every answer offset against the context
        assert len(examples) == info["counts"][split]
        for example in examples:
            name = example.question.removeprefix("What does ").removesuffix(" do?")
            answer = example.answers[0]
            assert example.context[answer.char_start :].startswith(answer.text)
            assert example.context[: answer.char_start].endswith(f"{name}: ")
            assert example.context.count(": ") >= ENTRIES_PER_CONTEXT - 1  # distractors too
        data = json.loads(Path(info[split]).read_text(encoding="utf-8"))["data"]
        titles[split] = {article["title"] for article in data}
    assert not titles["train"] & titles["dev"]
