"""HF safetensors import/export: real-checkpoint parity, exact round trips, named errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from ckpt_helpers import TINY, run, tiny_inputs
from safetensors.numpy import load_file, save_file

from bert_tf.checkpoints import CheckpointError, load_hf_checkpoint, save_hf_checkpoint


@pytest.fixture(scope="module")
def minilm(minilm_dir):
    return load_hf_checkpoint(minilm_dir)


def test_minilm_matches_reference_pytorch_outputs(minilm, minilm_reference):
    loaded = minilm
    assert loaded.config.num_layers == 6 and loaded.config.hidden_size == 384
    assert not loaded.has_heads and loaded.model is loaded.backbone
    assert loaded.skipped == ["embeddings.position_ids"]  # a buffer, not a weight
    ref = minilm_reference
    mask = ref["attention_mask"].astype("int32")
    assert (mask == 0).any(), "the fixture should include padded positions"
    out = loaded.backbone(
        {
            "input_word_ids": ref["input_ids"].astype("int32"),
            "input_mask": mask,
            "input_type_ids": ref["token_type_ids"].astype("int32"),
        }
    )
    sequence, pooled = np.asarray(out["sequence_output"]), np.asarray(out["pooled_output"])
    for case in range(mask.shape[0]):
        real = mask[case] == 1
        seq_delta = np.abs(sequence[case][real] - ref["sequence_output"][case][real]).max()
        pooled_delta = np.abs(pooled[case] - ref["pooled_output"][case]).max()
        assert seq_delta <= 1e-4, f"case {case}: sequence_output max |delta| {seq_delta}"
        assert pooled_delta <= 1e-4, f"case {case}: pooled_output max |delta| {pooled_delta}"


def _assert_same_weights(a, b) -> None:
    assert len(a.weights) == len(b.weights)
    for va, vb in zip(a.weights, b.weights):
        assert va.path.split("/")[1:] == vb.path.split("/")[1:]
        np.testing.assert_array_equal(np.asarray(va), np.asarray(vb), err_msg=va.path)


def test_backbone_round_trip_is_exact_with_bert_model_names(tiny_backbone, tmp_path):
    written = save_hf_checkpoint(tiny_backbone, tmp_path)
    assert [p.name for p in written] == ["config.json", "model.safetensors"]
    tensors = load_file(str(tmp_path / "model.safetensors"))
    assert not any(name.startswith(("bert.", "cls.")) for name in tensors)
    # PyTorch Linear layout [out, in]: the Keras kernel transposed.
    query = tiny_backbone.encoder_layers[1].attention.query.kernel
    np.testing.assert_array_equal(
        tensors["encoder.layer.1.attention.self.query.weight"], np.asarray(query).T
    )
    assert tensors["encoder.layer.0.intermediate.dense.weight"].shape == (96, 64)
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and config["num_hidden_layers"] == 2

    loaded = load_hf_checkpoint(tmp_path)
    assert loaded.config == TINY and loaded.tokenizer is None and not loaded.has_heads
    _assert_same_weights(tiny_backbone, loaded.backbone)
    inputs = tiny_inputs()
    want, got = run(tiny_backbone, inputs), run(loaded.backbone, inputs)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key])


def test_pretrainer_round_trip_keeps_heads(tiny_pretrainer, tmp_path):
    save_hf_checkpoint(tiny_pretrainer, tmp_path)
    tensors = load_file(str(tmp_path / "model.safetensors"))
    assert "bert.pooler.dense.weight" in tensors
    assert tensors["cls.seq_relationship.weight"].shape == (2, 64)
    assert tensors["cls.predictions.bias"].shape == (40,)
    assert len(tensors) == len(tiny_pretrainer.weights)  # tied decoder not duplicated

    loaded = load_hf_checkpoint(tmp_path)
    assert loaded.has_heads and type(loaded.model).__name__ == "BertPretrainer"
    _assert_same_weights(tiny_pretrainer, loaded.model)
    inputs = tiny_inputs()
    want, got = run(tiny_pretrainer, inputs), run(loaded.model, inputs)
    for key in ("mlm_logits", "nsp_logits"):
        np.testing.assert_array_equal(got[key], want[key])

    backbone_only = load_hf_checkpoint(tmp_path, with_heads=False)
    assert not backbone_only.has_heads
    assert "cls.predictions.bias" in backbone_only.skipped
    _assert_same_weights(tiny_pretrainer.backbone, backbone_only.backbone)


def test_reads_old_names_prefix_buffers_and_tied_decoder(tiny_pretrainer, tmp_path):
    save_hf_checkpoint(tiny_pretrainer, tmp_path)
    path = tmp_path / "model.safetensors"
    tensors = load_file(str(path))
    old = {}
    for name, value in tensors.items():
        name = name.replace("LayerNorm.weight", "LayerNorm.gamma")
        old[name.replace("LayerNorm.bias", "LayerNorm.beta")] = value
    old["bert.embeddings.position_ids"] = np.arange(32, dtype="int64")[None]
    old["cls.predictions.decoder.weight"] = tensors["bert.embeddings.word_embeddings.weight"]
    old["cls.predictions.decoder.bias"] = tensors["cls.predictions.bias"]
    save_file(old, str(path))
    loaded = load_hf_checkpoint(tmp_path)
    _assert_same_weights(tiny_pretrainer, loaded.model)

    old["cls.predictions.decoder.weight"] = old["cls.predictions.decoder.weight"] + 1.0
    save_file(old, str(path))
    with pytest.raises(CheckpointError, match="cls.predictions.decoder.weight"):
        load_hf_checkpoint(tmp_path)


def test_bert_prefixed_backbone_file_loads_into_a_backbone(tiny_backbone, tmp_path):
    save_hf_checkpoint(tiny_backbone, tmp_path)
    path = tmp_path / "model.safetensors"
    save_file({f"bert.{k}": v for k, v in load_file(str(path)).items()}, str(path))
    _assert_same_weights(tiny_backbone, load_hf_checkpoint(tmp_path).model)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.pop("pooler.dense.bias"), r"missing weight 'pooler\.dense\.bias'"),
        (
            lambda t: t.update({"classifier.weight": np.zeros((3, 64), "float32")}),
            r"unexpected weight 'classifier\.weight' with shape \(3, 64\)",
        ),
        (
            lambda t: t.update(
                {"encoder.layer.1.intermediate.dense.weight": np.zeros((64, 96), "float32")}
            ),
            r"weight 'encoder\.layer\.1\.intermediate\.dense\.weight' has shape \(64, 96\) "
            r"in the checkpoint but the model expects \(96, 64\)",
        ),
    ],
    ids=["missing", "unexpected", "shape"],
)
def test_mismatches_name_the_weight_in_strict_mode(tiny_backbone, tmp_path, edit, message):
    save_hf_checkpoint(tiny_backbone, tmp_path)
    path = tmp_path / "model.safetensors"
    tensors = load_file(str(path))
    edit(tensors)
    save_file(tensors, str(path))
    with pytest.raises(CheckpointError, match=message) as caught:
        load_hf_checkpoint(tmp_path, strict=True)
    assert str(path) in str(caught.value)


def test_missing_files_and_foreign_configs_are_named(tiny_backbone, tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_hf_checkpoint(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="config file not found"):
        load_hf_checkpoint(tmp_path)
    save_hf_checkpoint(tiny_backbone, tmp_path)
    (tmp_path / "model.safetensors").rename(tmp_path / "tf_model.h5")
    with pytest.raises(
        FileNotFoundError, match="no model.safetensors or pytorch_model.bin.*tf_model"
    ):
        load_hf_checkpoint(tmp_path)
    save_hf_checkpoint(tiny_backbone, tmp_path)
    config_path = tmp_path / "config.json"
    config = json.loads(config_path.read_text())
    config_path.write_text(json.dumps({**config, "model_type": "roberta"}))
    with pytest.raises(ValueError, match="model_type 'roberta'"):
        load_hf_checkpoint(tmp_path)
    del config["num_attention_heads"]
    config_path.write_text(json.dumps(config))
    with pytest.raises(ValueError, match="num_attention_heads"):
        load_hf_checkpoint(tmp_path)


def test_bfloat16_file_loads_as_float32(tiny_backbone, tmp_path):
    import ml_dtypes

    save_hf_checkpoint(tiny_backbone, tmp_path)
    path = tmp_path / "model.safetensors"
    tensors = {k: v.astype(ml_dtypes.bfloat16) for k, v in load_file(str(path)).items()}
    save_file(tensors, str(path))
    loaded = load_hf_checkpoint(tmp_path)
    word = np.asarray(loaded.backbone.embeddings.word_embeddings.embeddings)
    assert word.dtype == np.float32
    want = tensors["embeddings.word_embeddings.weight"].astype(np.float32)
    np.testing.assert_array_equal(word, want)


def test_saving_a_model_that_is_not_bert_is_refused(tmp_path):
    import keras

    with pytest.raises(TypeError, match="expected a BertBackbone, BertPretrainer.* got Sequential"):
        save_hf_checkpoint(keras.Sequential([keras.layers.Dense(2)]), tmp_path)


def test_minilm_tokenizer_comes_with_its_casing(minilm, minilm_dir):
    loaded = minilm  # its tokenizer_config.json says do_lower_case: true
    assert loaded.lower_case and loaded.tokenizer.lower_case
    assert loaded.vocab_file == minilm_dir / "vocab.txt"
    ids = loaded.tokenizer.tokenize(["Hello, World!"]).to_list()
    assert ids == [[7592, 1010, 2088, 999]]  # bert-base-uncased ids


def test_round_trip_writes_vocab_and_casing(tiny_backbone, minilm_vocab, tmp_path):
    from bert_tf.text import BertTokenizer

    tokenizer = BertTokenizer(minilm_vocab, lower_case=False)
    written = save_hf_checkpoint(tiny_backbone, tmp_path, tokenizer=tokenizer)
    assert [p.name for p in written][2:] == ["vocab.txt", "tokenizer_config.json"]
    assert (tmp_path / "vocab.txt").read_bytes() == minilm_vocab.read_bytes()
    assert json.loads((tmp_path / "tokenizer_config.json").read_text())["do_lower_case"] is False
    loaded = load_hf_checkpoint(tmp_path)
    assert loaded.lower_case is False and loaded.tokenizer.vocab_sha256 == tokenizer.vocab_sha256
    overridden = load_hf_checkpoint(tmp_path, load_tokenizer=False, lower_case=True)
    assert overridden.lower_case is True and overridden.tokenizer is None
