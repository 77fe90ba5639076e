"""Word counting as an Apache Beam job (DirectRunner): the local job's counts, exactly."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("apache_beam")

from bert_tf.cli import main  # noqa: E402
from bert_tf.text.word_count_beam import count_words_beam, learn_vocabulary_beam  # noqa: E402
from bert_tf.text.word_counting import count_words, top_words  # noqa: E402

DIRECT = ["--runner=DirectRunner"]


@pytest.fixture(scope="module")
def two_files(small_corpus, tmp_path_factory):
    root = tmp_path_factory.mktemp("beam")
    text = small_corpus.read_text(encoding="utf-8")
    (root / "a.txt").write_text(text[:120_000] + "Ärger im Büro, 東京で。\n", encoding="utf-8")
    (root / "b.txt").write_text(text[120_000:200_000], encoding="utf-8")
    return root


@pytest.mark.parametrize("lower_case", [True, False])
def test_beam_counts_equal_local_counts(two_files, lower_case):
    pattern = str(two_files / "*.txt")
    local = count_words([pattern], lower_case, split_bytes=30_000, workers=2, progress=False)
    beam = count_words_beam([pattern], lower_case, beam_pipeline_args=DIRECT,
                            split_bytes=30_000)  # fmt: skip
    assert beam == local and sum(beam.values()) > 30_000
    # A cap far below the distinct words: the local job spills sorted runs to disk and
    # merges them; Beam's Top.Smallest keeps the same words with the same counts.
    cap = len(local) // 20
    capped = count_words_beam([pattern], lower_case, max_unique_words=cap,
                              beam_pipeline_args=DIRECT)  # fmt: skip
    spilled = count_words([pattern], lower_case, max_unique_words=cap, split_bytes=30_000,
                          workers=2, progress=False)  # fmt: skip
    assert capped == top_words(local, cap) == spilled and len(capped) == cap


def test_learn_vocabulary_beam_writes_the_vocabulary_files(two_files, tmp_path):
    out = tmp_path / "vocab"
    summary = learn_vocabulary_beam([str(two_files / "*.txt")], 1000, str(out),
                                    beam_pipeline_args=DIRECT)  # fmt: skip
    vocab = (out / "vocab.txt").read_text(encoding="utf-8").splitlines()
    assert len(vocab) == summary["vocab_size"] == 1000 and vocab[1] == "[UNK]"
    config = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["lower_case"] is True
    counts = dict(line.rsplit("\t", 1) for line in (out / "word_counts.tsv").read_text(
        encoding="utf-8").splitlines())  # fmt: skip
    assert int(counts["the"]) > 100 and summary["unk_rate"] < 0.001
    with pytest.raises(FileNotFoundError, match="nothing"):
        learn_vocabulary_beam([str(tmp_path / "nothing*.txt")], 1000, str(out))


def test_vocab_command_on_beam(two_files, tmp_path, capsys):
    out = tmp_path / "vocab.txt"
    args = ["vocab", "--input", str(two_files / "a.txt"), "--vocab-size", "800"]
    args += ["--output", str(out), "--no-progress", "--runner", "beam", "--beam-args", *DIRECT]
    assert main(args) == 0
    stats = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert stats["vocab_size"] == 800 and stats["tokens_per_word"] > 1.0
