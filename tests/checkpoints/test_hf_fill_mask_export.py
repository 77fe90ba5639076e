"""Fill-mask export of an HF `BertForMaskedLM` file (the real MiniLM encoder, a random MLM head):
the served top-k ids and probabilities equal HF's `BertLMPredictionHead` formulas in NumPy,
the export keeps to the TF Serving image's ops, and `bert-tf serve` answers it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hf_layouts import write_layout
from safetensors.numpy import load_file, save_file

from bert_tf.export import check_serving_ops, export_for_serving, load_exported

pytestmark = pytest.mark.slow  # the real MiniLM weights, one export, one server start
TEXTS = [
    "Paris is the [MASK] of France.",
    "The [MASK] sat on the [MASK] all [MASK] long.",
    "No mask in this one.",
]
TOP_K = 5
SHARPEN = 12.0  # scales the head's logits


@pytest.fixture(scope="module")
def masked_lm(minilm_dir, tmp_path_factory):
    """(loaded checkpoint, its HF tensors, the fill-mask export directory)."""
    from bert_tf.checkpoints import CheckpointWarning, load_hf_checkpoint
    from bert_tf.text import BertPreprocessor

    files = tmp_path_factory.mktemp("masked_lm")
    write_layout(minilm_dir, files / "hf", "BertForMaskedLM")
    weights = load_file(str(files / "hf" / "model.safetensors"))
    # A sharper head than write_layout's random one (top probabilities near 1, not 1e-3).
    weights["cls.predictions.transform.LayerNorm.weight"] *= SHARPEN
    save_file(weights, str(files / "hf" / "model.safetensors"), metadata={"format": "pt"})
    (files / "hf" / "vocab.txt").write_bytes((minilm_dir / "vocab.txt").read_bytes())
    with pytest.warns(CheckpointWarning):  # BertForMaskedLM has no pooler: left initialised
        loaded = load_hf_checkpoint(files / "hf")
    preprocessor = BertPreprocessor(loaded.make_tokenizer(), seq_length=32)
    export = export_for_serving(
        loaded.task_model(), preprocessor, files / "fill" / "1", "fill_mask", top_k=TOP_K
    )
    return loaded, load_file(str(files / "hf" / "model.safetensors")), export


def _hf_head_probabilities(tensors, sequence_output):
    """HF BertLMPredictionHead: dense -> gelu (erf) -> LayerNorm(1e-12) -> tied decoder + bias,
    then the pipeline's softmax over the vocabulary. sequence_output: [N, H] -> [N, V]."""
    erf = np.vectorize(math.erf)
    x = sequence_output.astype(np.float64)
    h = x @ tensors["cls.predictions.transform.dense.weight"].T.astype(np.float64)
    h = h + tensors["cls.predictions.transform.dense.bias"]
    h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
    mean, var = h.mean(-1, keepdims=True), h.var(-1, keepdims=True)
    h = (h - mean) / np.sqrt(var + 1e-12)
    h = h * tensors["cls.predictions.transform.LayerNorm.weight"]
    h = h + tensors["cls.predictions.transform.LayerNorm.bias"]
    logits = h @ tensors["bert.embeddings.word_embeddings.weight"].T.astype(np.float64)
    logits = logits + tensors["cls.predictions.bias"]
    logits -= logits.max(-1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)  # [N, V]


def test_served_top_k_equals_hf_head_formulas_and_the_in_process_head(masked_lm):
    from bert_tf.tasks.fill_mask_module import with_masks_in_text
    from bert_tf.text import BertPreprocessor

    loaded, tensors, export = masked_lm
    served = load_exported(export)(text=np.array(TEXTS, object))
    assert served["token_ids"].shape == served["probabilities"].shape == (3, 3, TOP_K)
    assert served["tokens"].shape == (3, 3, TOP_K) and served["mask_positions"].shape == (3, 3)
    preprocessor = with_masks_in_text(BertPreprocessor(loaded.make_tokenizer(), seq_length=32))
    tokenizer = preprocessor.tokenizer
    tokens = {k: np.asarray(v) for k, v in preprocessor(TEXTS).items()}
    sequence = np.asarray(loaded.backbone(tokens)["sequence_output"])  # [B, T, H]
    worst, top = 0.0, 0.0
    for row, (text, ids) in enumerate(zip(TEXTS, tokens["input_word_ids"])):
        positions = np.flatnonzero(ids == tokenizer.mask_id)
        assert len(positions) == text.count("[MASK]")  # each "[MASK]" is one mask id
        padding = [-1] * (3 - len(positions))
        assert served["mask_positions"][row].tolist() == [*positions.tolist(), *padding]
        assert (served["token_ids"][row, len(positions) :] == -1).all()
        assert (served["probabilities"][row, len(positions) :] == 0).all()
        assert (served["tokens"][row, len(positions) :] == b"").all()
        if not len(positions):
            continue
        want = _hf_head_probabilities(tensors, sequence[row, positions])  # [M, V]
        head_inputs = {**{k: v[row : row + 1] for k, v in tokens.items()}}
        head_inputs["masked_lm_positions"] = positions[None].astype(np.int32)
        logits = np.asarray(loaded.model(head_inputs)["mlm_logits"])[0]  # [M, V] in process
        in_process = np.exp(logits - logits.max(-1, keepdims=True))
        in_process /= in_process.sum(-1, keepdims=True)
        for m, probabilities in enumerate(want):
            best = np.argsort(-probabilities)[:TOP_K]
            np.testing.assert_array_equal(served["token_ids"][row, m], best)
            got = served["probabilities"][row, m]
            np.testing.assert_allclose(got, probabilities[best], atol=1e-5, rtol=1e-4)
            np.testing.assert_allclose(got, in_process[m, best], atol=1e-5)
            worst = max(worst, float(np.abs(got - probabilities[best]).max()))
            top = max(top, float(got[0]))
            names = [token.decode() for token in served["tokens"][row, m]]
            assert names == [tokenizer.id_to_token(int(i)) for i in best]
    print(f"max |served - NumPy HF head| = {worst:.2e} (largest probability {top:.3f})")


def test_cli_export_is_servable_and_answers_through_bert_tf_serve_and_predict(
    masked_lm, tmp_path, capsys
):
    import json

    from bert_tf.cli import main
    from bert_tf.serving.bert_serving_client import BertServingClient
    from bert_tf.serving.server_process import ServerProcess
    from bert_tf.tasks.fill_mask_result import FillMaskResult

    _, _, export = masked_lm
    output = tmp_path / "fill" / "1"
    argv = ["export", "--model-dir", str(export.parents[1] / "hf"), "--task", "fill_mask"]
    argv += ["--top-k", str(TOP_K), "--max-seq-length", "32", "--output", str(output)]
    assert main(argv) == 0  # the command checks the serving ops itself
    assert check_serving_ops(output) == []
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["task"] == "fill_mask"
    in_process = FillMaskResult.from_outputs(
        load_exported(export)(text=np.array(TEXTS, object)), []
    )
    args = ["--model-base-path", str(output.parent), "--model-name", "fill"]
    with ServerProcess(args, tmp_path / "server.log", wait_for="fill") as server:
        results = BertServingClient(server.target, "fill").predict(TEXTS)
        assert main(["predict", "--target", server.target, "--model", "fill", TEXTS[1]]) == 0
    printed = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert all(isinstance(result, FillMaskResult) for result in results)
    assert [len(result.masks) for result in results] == [1, 3, 0]
    assert [[c["token"] for c in mask["candidates"]] for mask in printed["masks"]] == [
        [c.token for c in mask.candidates] for mask in results[1].masks
    ]  # the same answer as one row (probabilities within float noise of a batch of three)
    for result, want in zip(results, in_process):
        assert [mask.position for mask in result.masks] == [mask.position for mask in want.masks]
        for mask, wanted in zip(result.masks, want.masks):
            assert [c.token for c in mask.candidates] == [c.token for c in wanted.candidates]
            got = [c.probability for c in mask.candidates]
            np.testing.assert_allclose(got, [c.probability for c in wanted.candidates], atol=1e-6)
