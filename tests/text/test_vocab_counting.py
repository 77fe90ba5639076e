"""Word counting for vocabularies: BERT's pre-tokens, exact across splits and processes,
streamed in bounded memory, capped, and clear about bad files."""

from __future__ import annotations

import collections
import gzip
import itertools
import logging
import subprocess
import sys
import tracemalloc

import pytest

from bert_tf.text import normalization, word_counting
from bert_tf.text.word_counter import WordCounter, _LazyTable
from bert_tf.text.word_counting import (
    count_texts,
    count_words,
    list_inputs,
    plan_splits,
    read_split,
    top_words,
)


def _reference(text: str, lower_case: bool) -> collections.Counter:
    """BERT's order: normalize the whole text, then split (the slow, obvious way)."""
    normalized = normalization.normalize_text(text, lower_case)
    return collections.Counter(normalization.word_split_pattern().findall(normalized))


def test_lazy_table_is_the_tokenizer_table():
    for lower_case in (True, False):
        table, lazy = normalization.python_translate_table(lower_case), _LazyTable(lower_case)
        sample = itertools.chain(range(0x30000), range(0x30000, 0x110000, 997), [0xFFFFF])
        assert all(lazy[cp] == table.get(cp, chr(cp)) for cp in sample)


@pytest.mark.parametrize("lower_case", [True, False])
def test_counter_equals_normalize_then_split(small_corpus, lower_case):
    # Real text, plus the characters where splitting first could differ from BERT's order:
    # controls that str.split treats as spaces but BERT drops, NBSP, CJK, accents, tabs.
    text = small_corpus.read_text(encoding="utf-8")[:200_000]
    text += (
        "a\x0bb c\x1cd e\x85f g\xa0h 東京タワー Ünïcödé\tﬁ x\u200by (Déjà-vu)! \x00z ΟΔΥΣΣΕΥΣ ΣΑΣ."
    )
    assert WordCounter(lower_case)(text) == _reference(text, lower_case)


def test_splits_and_processes_give_the_same_counts(small_corpus, tmp_path):
    text = small_corpus.read_text(encoding="utf-8")
    expected = _reference(text, True)
    # Lines that straddle split edges, CRLF endings, no final newline.
    odd = tmp_path / "odd.txt"
    odd.write_bytes(text[:50_000].replace("\n", "\r\n").encode("utf-8") + b"tail words")
    for path in (small_corpus, odd):
        whole = count_words([path], workers=1, progress=False)
        for split_bytes, workers in ((997, 1), (4096, 2), (64_000, 3)):
            assert count_words([path], workers=workers, split_bytes=split_bytes,
                               progress=False) == whole  # fmt: skip
    assert count_words([small_corpus], progress=False) == expected
    splits = plan_splits(list_inputs([small_corpus]), 10_000)
    assert "".join(b for s in splits for b in read_split(s)) == text  # every line once


def test_globs_and_gzip(small_corpus, tmp_path):
    (tmp_path / "a.txt").write_text("Alpha beta.\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.txt.gz", "wt", encoding="utf-8") as f:
        f.write("beta gamma\n")
    counts = count_words([str(tmp_path / "*.txt*")], progress=False)
    assert counts == {"alpha": 1, "beta": 2, ".": 1, "gamma": 1}


def test_streaming_generator_in_bounded_memory(small_corpus):
    """A generator of 40x the text runs in the memory of a batch plus the capped table."""
    lines = small_corpus.read_text(encoding="utf-8").splitlines()[:2000]  # ~200 KB
    size = sum(len(line) for line in lines)
    tracemalloc.start()
    counts = count_texts(
        (line for _ in range(40) for line in lines), max_unique_words=500, batch_chars=100_000
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(counts) == 500
    assert peak < 8 * size < 40 * size  # the 8 MB of text never sits in memory
    once = count_texts(lines)
    assert counts == top_words(collections.Counter({w: 40 * c for w, c in once.items()}), 500)


def test_max_unique_words_keeps_the_exact_most_frequent(small_corpus, caplog, monkeypatch):
    exact = count_words([small_corpus], progress=False)
    cap = len(exact) // 2 + 1  # the table stays below 2 x cap: nothing spills
    capped = count_words([small_corpus], max_unique_words=cap, progress=False)
    assert capped == top_words(exact, cap) and len(capped) == cap
    assert min(capped.values()) >= max(c for w, c in exact.items() if w not in capped)
    # A small cap: the table spills sorted runs to disk many times, and a low run limit
    # makes them merge while counting; the result is still the exact top 100.
    monkeypatch.setattr(word_counting, "MAX_RUNS", 3)
    with caplog.at_level(logging.INFO, logger="bert_tf.text.word_counting"):
        small = count_words(
            [small_corpus], max_unique_words=100, split_bytes=20_000, progress=False
        )
    assert "merging" in caplog.text
    assert small == top_words(exact, 100) and len(small) == 100
    with pytest.raises(ValueError, match="max_unique_words"):
        count_words([small_corpus], max_unique_words=0, progress=False)


def test_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        count_words([tmp_path / "missing.txt"], progress=False)
    with pytest.raises(FileNotFoundError, match=r"nothing\*.txt"):
        count_words([str(tmp_path / "nothing*.txt")], progress=False)
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"good line\n" * 300 + "café\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1.txt: invalid UTF-8 at byte 3003"):
        count_words([bad], progress=False)
    with pytest.raises(ValueError, match=r"latin1.txt: invalid UTF-8 at byte 3003"):
        count_words([bad], split_bytes=1000, workers=2, progress=False)
    with pytest.raises(TypeError, match="strings"):
        count_texts([b"bytes"])


UNGUARDED = """
from bert_tf.text.word_counting import count_words
counts = count_words([{path!r}], workers=2, split_bytes=20_000, progress=False)
print("counted", sum(counts.values()))
"""


@pytest.mark.parametrize("how", ["script", "stdin"])
def test_a_script_without_a_main_guard_counts_once(small_corpus, tmp_path, how):
    """Workers do not re-run the caller's script (they would, forever, without the
    `if __name__ == "__main__":` guard; from stdin they could not start)."""
    code = UNGUARDED.format(path=str(small_corpus))
    script = tmp_path / "count.py"
    script.write_text(code, encoding="utf-8")
    command = [sys.executable, str(script)] if how == "script" else [sys.executable, "-"]
    done = subprocess.run(command, input=None if how == "script" else code, text=True,
                          capture_output=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    expected = sum(count_words([small_corpus], progress=False).values())
    assert done.stdout.splitlines() == [f"counted {expected}"]
