"""Pre-training data on a non-local filesystem: inputs, vocabulary, shards and stats on
TensorFlow's `ram://`, through both drivers, the same bytes as a local build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_tf.data.pretraining import create_pretraining_data, file_io


def _copy_to_ram(path: Path, name: str) -> str:
    target = f"ram://bert_tf_test/{name}"
    file_io.write_bytes(target, path.read_bytes())
    return target


@pytest.mark.parametrize("runner", ["local", "beam"])
def test_ram_filesystem_end_to_end(runner, small_corpus, minilm_vocab, tmp_path):
    corpus = _copy_to_ram(small_corpus, f"{runner}/text/corpus.txt")
    vocab = _copy_to_ram(minilm_vocab, f"{runner}/vocab.txt")
    out = f"ram://bert_tf_test/{runner}/out"
    options = dict(num_shards=2, chunk_bytes=64 * 1024, progress=False, num_workers=0)
    stats = create_pretraining_data(
        [f"ram://bert_tf_test/{runner}/text/*.txt"], vocab, out, runner=runner, **options
    )
    local = create_pretraining_data(
        [str(small_corpus)], str(minilm_vocab), str(tmp_path), **options
    )
    assert stats["input_files"] == [corpus]
    names = [p.rsplit("/", 1)[-1] for p in file_io.glob(out + "/*")]
    assert names == ["pretraining-00000-of-00002.tfrecord", "pretraining-00001-of-00002.tfrecord",
                     "stats.json"]  # fmt: skip
    for name in names[:2]:
        assert file_io.read_bytes(f"{out}/{name}") == (tmp_path / name).read_bytes()
    on_ram = json.loads(file_io.read_bytes(f"{out}/stats.json"))
    assert on_ram["instances"] == local["instances"] > 1000
    assert on_ram["output_files"] == [f"{out}/{name}" for name in names[:2]]
