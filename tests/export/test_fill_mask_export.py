"""Fill-mask export of a pre-training run directory (a tiny `BertPretrainer`, random heads):
`serving_default` and `serve_tokens` answer the in-process MLM head's top-k; models without
an MLM head are refused by name."""

from __future__ import annotations

import numpy as np
import pytest
from export_helpers import SEQ, TINY

TEXTS = ["the [MASK] sat on the [MASK].", "[MASK] is the capital of france.", "no mask here"]


@pytest.fixture(scope="module")
def pretrainer(tokenizer):
    import keras

    from bert_tf.models import BertBackbone, BertPretrainer

    keras.utils.set_random_seed(11)
    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **TINY)
    model = BertPretrainer(backbone)
    bias = model.mlm_head.bias
    bias.assign(np.random.default_rng(3).normal(0, 4, bias.shape).astype("float32"))
    return model


@pytest.fixture(scope="module")
def fill_mask_export(pretrainer, minilm_vocab, tmp_path_factory):
    from bert_tf.checkpoints import save_checkpoint
    from bert_tf.export import export_fill_mask

    base = tmp_path_factory.mktemp("fill_mask")
    save_checkpoint(pretrainer, base / "run", "bert-tf", vocab_file=minilm_vocab, lower_case=True)
    assert (base / "run" / "pretrainer.weights.h5").is_file()
    return export_fill_mask(base / "run", base / "fill" / "1", seq_length=SEQ, top_k=3)


def _in_process_top_k(pretrainer, tokens, k):
    """Per row: (mask positions, top-k ids [M, k], probabilities [M, k]) of the Keras head."""
    answers = []
    for row in range(len(tokens["input_word_ids"])):
        positions = np.flatnonzero(tokens["input_word_ids"][row] == 103)  # [MASK]
        inputs = {key: value[row : row + 1] for key, value in tokens.items()}
        inputs["masked_lm_positions"] = positions[None].astype(np.int32)
        logits = np.asarray(pretrainer(inputs)["mlm_logits"])[0]  # [M, V]
        probabilities = np.exp(logits - logits.max(-1, keepdims=True))
        probabilities /= probabilities.sum(-1, keepdims=True)
        best = np.argsort(-probabilities, axis=-1)[:, :k]  # [M, k]
        answers.append((positions, best, np.take_along_axis(probabilities, best, -1)))
    return answers


def test_served_answers_equal_the_in_process_head(fill_mask_export, pretrainer, tokenizer):
    from bert_tf.export import load_exported, read_contract
    from bert_tf.tasks.fill_mask_module import with_masks_in_text
    from bert_tf.text import BertPreprocessor

    contract = read_contract(fill_mask_export)
    assert contract["task"] == "fill_mask" and contract["task_settings"] == {"top_k": 3}
    assert contract["special_tokens_in_strings"] is True
    model = load_exported(fill_mask_export)
    served = model(text=np.array(TEXTS, object))
    tokens = with_masks_in_text(BertPreprocessor(tokenizer, SEQ))(TEXTS)
    tokens = {key: np.asarray(value) for key, value in tokens.items()}
    raw = model("serve_tokens", **tokens)
    for row, (positions, ids, probabilities) in enumerate(_in_process_top_k(pretrainer, tokens, 3)):
        count = len(positions)
        assert count == TEXTS[row].count("[MASK]")
        for answer in (served, raw):
            assert answer["mask_positions"][row, :count].tolist() == positions.tolist()
            assert (answer["mask_positions"][row, count:] == -1).all()
            np.testing.assert_array_equal(answer["token_ids"][row, :count], ids)
            np.testing.assert_allclose(
                answer["probabilities"][row, :count], probabilities, atol=1e-5
            )
        names = [[token.decode() for token in mask] for mask in served["tokens"][row, :count]]
        assert names == [[tokenizer.id_to_token(int(i)) for i in mask] for mask in ids]
    assert served["tokens"].shape == (3, 2, 3) and (served["tokens"][2] == b"").all()
    unmasked = model(
        text=np.array(["no mask", "[mask] written in lower case is not a mask"], object)
    )
    assert unmasked["mask_positions"].tolist() == [[-1], [-1]]  # one padding column, at least
    assert unmasked["token_ids"].shape == (2, 1, 3) and (unmasked["token_ids"] == -1).all()
    assert model(text=np.array([], object))["probabilities"].shape == (0, 1, 3)


def test_models_without_a_masked_lm_head_are_refused(tokenizer, tmp_path, minilm_vocab):
    from bert_tf.checkpoints import save_checkpoint
    from bert_tf.export import export_fill_mask, export_for_serving
    from bert_tf.models import BertBackbone
    from bert_tf.text import BertPreprocessor

    backbone = BertBackbone.from_preset("bert_tiny", vocab_size=tokenizer.vocab_size, **TINY)
    with pytest.raises(ValueError, match="masked-LM head .* not a BertBackbone"):
        export_for_serving(backbone, BertPreprocessor(tokenizer, SEQ), tmp_path / "1", "fill_mask")
    save_checkpoint(backbone, tmp_path / "run", "bert-tf", vocab_file=minilm_vocab)
    with pytest.raises(ValueError, match="head"):
        export_fill_mask(tmp_path / "run", tmp_path / "out" / "1")
