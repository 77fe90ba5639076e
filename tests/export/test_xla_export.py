"""`export_for_serving(..., jit_compile=True)`: the model and heads as one XLA cluster.

Every shape's XLA export answers `serve_tokens` and `serving_default` like its plain export;
its SavedModel marks the function XLA must compile, the serving-op check still passes, and
`bert-tf serve` loads it only with --xla_cpu_compilation_enabled (TF Serving's flag).
"""

from __future__ import annotations

import numpy as np
import pytest
from export_helpers import SEQ, SPAN_SETTINGS, TAGS, TEXTS

RECIPES = {
    "classification": ("classifier", dict(label_names=["neg", "neutral", "pos"], pair=True)),
    "span": ("span_model", SPAN_SETTINGS),
    "tagging": ("tagger", dict(label_names=TAGS, stride=5)),
    "fill_mask": ("masked_lm", dict(top_k=3)),
}


@pytest.fixture(scope="module")
def xla_exports(request, tmp_path_factory, preprocessor):
    from bert_tf.export import export_for_serving

    base = tmp_path_factory.mktemp("xla")
    built = {}
    for task, (fixture, options) in RECIPES.items():
        model = request.getfixturevalue(fixture)
        built[task] = export_for_serving(model, preprocessor, base / task / "1", task,
                                         jit_compile=True, warmup=False, **options)  # fmt: skip
    return built


def _tokens(rows: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = rng.integers(1000, 5000, size=(rows, SEQ)).astype(np.int32)
    ids[:, 0], ids[:, -1] = 101, 102
    mask = np.ones_like(ids)
    mask[0, SEQ // 2 :] = 0  # a padded row
    return {"input_word_ids": ids * mask, "input_mask": mask, "input_type_ids": 0 * ids}


@pytest.mark.parametrize("task", sorted(RECIPES))
def test_xla_export_answers_like_the_plain_export(task, xla_exports, exports):
    import tensorflow as tf
    from tensorflow.core.protobuf import saved_model_pb2

    from bert_tf.serving.servable import uses_xla

    plain = tf.saved_model.load(str(exports[task]))
    xla = tf.saved_model.load(str(xla_exports[task]))
    for rows in (1, 3):  # a new batch size compiles a new XLA executable
        tokens = {k: tf.constant(v) for k, v in _tokens(rows).items()}
        want = plain.signatures["serve_tokens"](**tokens)
        got = xla.signatures["serve_tokens"](**tokens)
        assert set(got) == set(want)
        for key in want:
            if want[key].dtype.is_floating:
                np.testing.assert_allclose(got[key], want[key], atol=2e-5, rtol=1e-4)
            else:
                np.testing.assert_array_equal(got[key], want[key])

    def saved(path):
        return saved_model_pb2.SavedModel.FromString((path / "saved_model.pb").read_bytes())

    assert uses_xla(saved(xla_exports[task])) and not uses_xla(saved(exports[task]))


def test_xla_classifier_serves_raw_text_and_passes_the_serving_op_check(xla_exports, exports):
    import tensorflow as tf

    from bert_tf.export import check_serving_ops

    assert check_serving_ops(xla_exports["classification"]) == []
    texts = tf.constant(TEXTS)
    want = tf.saved_model.load(str(exports["classification"])).signatures["serving_default"](
        text=texts, text_pair=texts
    )
    got = tf.saved_model.load(str(xla_exports["classification"])).signatures["serving_default"](
        text=texts, text_pair=texts
    )
    np.testing.assert_allclose(got["probabilities"], want["probabilities"], atol=1e-5)
    np.testing.assert_array_equal(got["label"], want["label"])


def test_the_server_loads_an_xla_export_only_with_the_flag(xla_exports):
    from bert_tf.serving.servable import Servable
    from bert_tf.serving.serving_error import ServingError

    path = xla_exports["classification"]
    with pytest.raises(ServingError, match="--xla_cpu_compilation_enabled") as refused:
        Servable("bert", 1, path)
    assert refused.value.code == "FAILED_PRECONDITION"
    servable = Servable("bert", 1, path, xla_cpu_compilation_enabled=True)
    outputs = servable.run("serve_tokens", _tokens(2))
    assert outputs["logits"].shape == (2, 3)
