"""Same bytes for the same seed (any worker count), GZIP, whole words, reader, CLI, Beam."""

from __future__ import annotations

import glob
import gzip
import json
from pathlib import Path

import numpy as np
from pretraining_helpers import original_ids, read_records

from bert_tf.data.pretraining import create_pretraining_data


def _build(corpus: Path, vocab: Path, out: Path, **kwargs) -> dict:
    options = dict(num_shards=3, chunk_bytes=64 * 1024, progress=False)
    options.update(kwargs)
    return create_pretraining_data([str(corpus)], str(vocab), str(out), **options)


def _shard_bytes(out: Path) -> list[bytes]:
    return [Path(p).read_bytes() for p in sorted(glob.glob(str(out / "pretraining-*")))]


def test_same_seed_same_bytes_for_any_worker_count(small_corpus, minilm_vocab, tmp_path):
    one = _build(small_corpus, minilm_vocab, tmp_path / "w1", num_workers=1)
    two = _build(small_corpus, minilm_vocab, tmp_path / "w2", num_workers=2)
    _build(small_corpus, minilm_vocab, tmp_path / "w0", num_workers=0)
    reference = _shard_bytes(tmp_path / "w1")
    assert len(reference) == 3 and all(len(shard) > 10_000 for shard in reference)
    for name in ("w2", "w0"):
        assert _shard_bytes(tmp_path / name) == reference, name
    assert one["chunks"] > 4 and one["instances"] == two["instances"]
    _build(small_corpus, minilm_vocab, tmp_path / "seed", num_workers=0, seed=7)
    assert _shard_bytes(tmp_path / "seed") != reference


def test_gzip_round_trip(small_corpus, minilm_vocab, tmp_path):
    _build(small_corpus, minilm_vocab, tmp_path / "raw", num_workers=0)
    stats = _build(small_corpus, minilm_vocab, tmp_path / "gz", num_workers=0, compression="GZIP")
    files = sorted(glob.glob(str(tmp_path / "gz" / "pretraining-*")))
    assert files and all(f.endswith(".tfrecord.gz") for f in files) and "GZIP" in stats["note"]
    assert [gzip.decompress(Path(f).read_bytes()) for f in files] == _shard_bytes(tmp_path / "raw")
    packed = read_records(str(tmp_path / "gz" / "pretraining-*"))
    plain = read_records(str(tmp_path / "raw" / "pretraining-*"))
    for key in plain:
        np.testing.assert_array_equal(packed[key], plain[key])
    on_disk = json.loads((tmp_path / "gz" / "stats.json").read_text())
    assert on_disk["instances"] == len(plain["input_ids"]) == stats["instances"]


def test_whole_word_masking_never_splits_a_word(small_corpus, minilm_vocab, vocab_info, tmp_path):
    stats = _build(small_corpus, minilm_vocab, tmp_path, num_workers=0, whole_word_masking=True)
    records = read_records(str(tmp_path / "pretraining-*"))
    ids = original_ids(records)
    masked = np.zeros(ids.shape, dtype=bool)
    rows, cols = np.nonzero(records["masked_lm_weights"])
    masked[rows, records["masked_lm_positions"][rows, cols]] = True
    special = np.isin(ids, [0, 100, 101, 102, 103]) | (records["input_mask"] == 0)
    continues = vocab_info.is_continuation[ids] & ~special
    continues[:, 1:] &= ~special[:, :-1]  # a "##" piece right after [SEP] starts its own unit
    continues[:, 0] = False
    # A piece that continues a word is masked exactly when the piece before it is.
    joined = continues[:, 1:]
    np.testing.assert_array_equal(masked[:, 1:][joined], masked[:, :-1][joined])
    assert joined[masked[:, 1:]].sum() > 200  # plenty of multi-piece words were masked
    counts = records["masked_lm_weights"].sum(axis=1)
    lengths = records["input_mask"].sum(axis=1)
    assert (counts <= np.minimum(20, np.maximum(1, np.rint(lengths * 0.15)))).all()
    assert 0.12 < stats["masked_fraction"] < 0.155


def test_reader_yields_the_pretrainer_contract(small_corpus, minilm_vocab, tmp_path):
    import tensorflow as tf

    from bert_tf.data.pretraining import read_pretraining_dataset

    out = tmp_path
    _build(small_corpus, minilm_vocab, out, num_workers=0)
    records = read_records(str(out / "pretraining-*"))
    dataset = read_pretraining_dataset(str(out / "pretraining-*"), 16, 128, 20, seed=1)
    x, y = next(iter(dataset))
    assert sorted(x) == ["input_mask", "input_type_ids", "input_word_ids", "masked_lm_positions"]
    for key in ("input_word_ids", "input_mask", "input_type_ids"):
        assert x[key].shape == (16, 128) and x[key].dtype == tf.int32
    assert x["masked_lm_positions"].shape == (16, 20) and x["masked_lm_positions"].dtype == tf.int32
    assert y["masked_lm_ids"].dtype == tf.int32 and y["masked_lm_ids"].shape == (16, 20)
    assert y["masked_lm_weights"].dtype == tf.float32
    assert y["next_sentence_labels"].shape == (16,) and y["next_sentence_labels"].dtype == tf.int32
    ordered = read_pretraining_dataset(
        str(out / "pretraining-*"), 1000, 128, 20, shuffle=False, drop_remainder=False
    )
    total = sum(int(batch[1]["next_sentence_labels"].shape[0]) for batch in ordered)
    assert total == len(records["input_ids"])


def test_cli_run(small_corpus, minilm_vocab, tmp_path, capsys):
    from bert_tf.cli import main

    code = main([
        "create-pretraining-data", "--input", str(small_corpus), "--vocab", str(minilm_vocab),
        "--output-dir", str(tmp_path), "--max-seq-length", "64", "--max-predictions-per-seq",
        "10", "--dupe-factor", "2", "--num-shards", "2", "--workers", "0", "--gzip",
        "--whole-word-masking", "--seed", "3", "--no-progress",
    ])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert printed["instances"] == stats["instances"] > 1000
    assert stats["config"]["max_seq_length"] == 64 and stats["config"]["whole_word_masking"]
    records = read_records(str(tmp_path / "pretraining-*"), 64, 10)
    assert records["input_ids"].shape == (stats["instances"], 64)
    assert main(["create-pretraining-data", "--input", str(tmp_path / "missing.txt"),
                 "--vocab", str(minilm_vocab), "--output-dir", str(tmp_path)]) == 2  # fmt: skip


def test_beam_driver_writes_the_same_files(small_corpus, minilm_vocab, tmp_path):
    local = _build(small_corpus, minilm_vocab, tmp_path / "local", num_workers=2)
    beam = _build(small_corpus, minilm_vocab, tmp_path / "beam", runner="beam")
    names = sorted(Path(p).name for p in glob.glob(str(tmp_path / "beam" / "*")))
    assert names == [f"pretraining-0000{i}-of-00003.tfrecord" for i in range(3)] + ["stats.json"]
    for key in ("instances", "documents", "masked", "random_next", "mask_token", "donors"):
        assert beam[key] == local[key], key
    assert beam["same_document_negatives"] == local["same_document_negatives"] == 0
    assert _shard_bytes(tmp_path / "beam") == _shard_bytes(tmp_path / "local")
