"""The layers and models are backend-agnostic: no tensorflow imports, same numbers on JAX."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest

from bert_tf.models import BertBackbone

PACKAGE = Path(__file__).resolve().parents[2] / "bert_tf"


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            modules.update(a.value for a in node.args if isinstance(a, ast.Constant))
    return modules


def test_no_tensorflow_import_in_layers_or_models():
    files = sorted((PACKAGE / "layers").glob("*.py")) + sorted((PACKAGE / "models").glob("*.py"))
    assert len(files) >= 10
    offenders = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in files
        for module in _imported_modules(path)
        if module.split(".")[0] in ("tensorflow", "tf_keras", "torch", "jax")
        or module.startswith("keras.src")
    }
    assert not offenders, f"backend-specific imports: {sorted(offenders)}"


def test_import_check_sees_tensorflow(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import keras\nfrom tensorflow import nest\n")
    assert "tensorflow" in _imported_modules(bad)


_JAX_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np, keras
    assert keras.backend.backend() == "jax"
    from bert_tf.models import BertBackbone, BertPretrainer

    work = sys.argv[1]
    backbone = BertBackbone(json.load(open(f"{work}/config.json")))
    backbone.load_weights(f"{work}/backbone.weights.h5")
    inputs = dict(np.load(f"{work}/inputs.npz"))
    out = backbone.predict(inputs, verbose=0)
    np.savez(f"{work}/jax_out.npz", sequence_output=out["sequence_output"],
             pooled_output=out["pooled_output"], **{f"layer_{i}": o for i, o in
             enumerate(out["encoder_outputs"])})

    # A jitted JAX fit of the pre-trainer (stateless train step with its own metrics).
    keras.utils.set_random_seed(0)
    pretrainer = BertPretrainer(backbone)
    pretrainer.compile(keras.optimizers.AdamW(3e-3))
    rng = np.random.default_rng(0)
    x = dict(inputs, masked_lm_positions=rng.integers(0, 8, (len(inputs["input_mask"]), 3)))
    x["masked_lm_positions"] = x["masked_lm_positions"].astype("int32")
    y = {"masked_lm_ids": rng.integers(5, 50, x["masked_lm_positions"].shape).astype("int32"),
         "masked_lm_weights": np.ones(x["masked_lm_positions"].shape, "float32"),
         "next_sentence_labels": rng.integers(0, 2, (len(x["masked_lm_positions"]), 1))}
    history = pretrainer.fit(x, y, batch_size=4, epochs=4, verbose=0).history
    json.dump(history, open(f"{work}/history.json", "w"))

    # The MLM loss's hand-written gradient equals JAX autodiff of the library loss.
    import jax
    from bert_tf.models._losses import sparse_softmax_cross_entropy
    logits = rng.normal(0, 5, (3, 4, 50)).astype("float32")
    labels, w = rng.integers(0, 50, (3, 4)), rng.random((3, 4)).astype("float32")
    ours = jax.value_and_grad(lambda z: (sparse_softmax_cross_entropy(labels, z) * w).sum())
    ref = jax.value_and_grad(lambda z: (keras.losses.sparse_categorical_crossentropy(
        labels, z, from_logits=True) * w).sum())
    (a, ga), (b, gb) = ours(logits), ref(logits)
    json.dump({"loss": abs(float(a - b)), "grad": float(np.abs(ga - gb).max())},
              open(f"{work}/loss_diff.json", "w"))
    """
)


@pytest.mark.slow
def test_jax_backend_matches_tensorflow_and_trains(tiny_config, make_inputs, tmp_path):
    pytest.importorskip("jax")
    assert keras.backend.backend() == "tensorflow"
    backbone = BertBackbone(tiny_config)
    inputs = make_inputs(batch=4, seq=12)
    want = backbone.predict(inputs, verbose=0)
    backbone.save_weights(tmp_path / "backbone.weights.h5")
    (tmp_path / "config.json").write_text(tiny_config.to_json())
    np.savez(tmp_path / "inputs.npz", **inputs)

    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu")
    result = subprocess.run(
        [sys.executable, "-c", _JAX_SCRIPT, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PACKAGE.parent,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    got = np.load(tmp_path / "jax_out.npz")
    for key in ("sequence_output", "pooled_output"):
        assert np.abs(got[key] - want[key]).max() <= 1e-5, key
    for i, layer_output in enumerate(want["encoder_outputs"]):
        assert np.abs(got[f"layer_{i}"] - layer_output).max() <= 1e-5
    history = json.loads((tmp_path / "history.json").read_text())
    assert {"mlm_loss", "nsp_loss", "mlm_accuracy", "nsp_accuracy"} <= set(history)
    assert history["loss"][-1] < history["loss"][0]
    diff = json.loads((tmp_path / "loss_diff.json").read_text())
    assert diff["loss"] <= 1e-5 and diff["grad"] <= 1e-6, diff
