"""TF Serving warm-up records: `assets.extra/tf_serving_warmup_requests`.

A TFRecord of `tensorflow_serving.apis.prediction_log_pb2.PredictionLog`s, each a real
`PredictRequest` (batch of 1 and of several) for `serving_default`, `serve_examples` and
`serve_tokens`. TF Serving (and bert_tf's local server) replays them before it marks a
version AVAILABLE, so the first user request does not pay for graph warm-up.

Example:
    >>> write_warmup_requests("models/sst2/1", module)  # doctest: +SKIP
    PosixPath('models/sst2/1/assets.extra/tf_serving_warmup_requests')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

WARMUP_FILE = "tf_serving_warmup_requests"


def _utf8(value: Any) -> list[bytes]:
    """A bytes feature's values: one string, or each string of a list input's row."""
    if isinstance(value, str | bytes):
        value = [value]
    return [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in value]


def _request(signature: str, inputs: Mapping[str, Any]) -> Any:
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2, prediction_log_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.signature_name = signature
    for name, value in inputs.items():
        request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
    return prediction_log_pb2.PredictionLog(
        predict_log=prediction_log_pb2.PredictLog(request=request)
    )


def warmup_requests(module: Any, inputs: Mapping[str, Sequence[str]] | None = None) -> list:
    """`PredictionLog`s for a `ServingModule`: batch sizes 1 and all samples, per signature."""
    import numpy as np
    import tensorflow as tf

    if inputs is None:
        from bert_tf.tasks import served_shape

        inputs = served_shape(module.task).sample_inputs
    samples = dict(inputs)
    names = module.input_names
    missing = [name for name in names if name not in samples]
    if missing:
        raise ValueError(f"warm-up inputs need {', '.join(missing)} for this {module.task} model")
    strings = {name: np.array(list(samples[name]), dtype=object) for name in names}
    count = {len(values) for values in strings.values()}
    if len(count) != 1 or 0 in count:
        raise ValueError("warm-up inputs must all hold the same, non-zero number of strings")
    logs = []
    for size in sorted({1, count.pop()}):
        batch = {name: values[:size] for name, values in strings.items()}
        logs.append(_request("serving_default", batch))
        examples = []
        for row in range(size):
            features = {
                name: tf.train.Feature(bytes_list=tf.train.BytesList(value=_utf8(v[row])))
                for name, v in batch.items()
            }
            examples.append(tf.train.Example(features=tf.train.Features(feature=features)))
        serialized = np.array([e.SerializeToString() for e in examples], dtype=object)
        logs.append(_request("serve_examples", {"examples": serialized}))
        tokens = module.sample_tokens({name: tf.constant(batch[name].tolist()) for name in names})
        logs.append(_request("serve_tokens", {k: np.asarray(v) for k, v in tokens.items()}))
    return logs


def write_warmup_requests(
    export_dir: str | Path, module: Any, inputs: Mapping[str, Sequence[str]] | None = None
) -> Path:
    """Writes the warm-up TFRecord into `export_dir/assets.extra/`; returns its path."""
    import tensorflow as tf

    try:
        logs = warmup_requests(module, inputs)
    except ImportError as error:
        raise ImportError(
            "warm-up records need tensorflow-serving-api (pip install 'bert_tf[tfx]'), "
            "or export with warmup=False"
        ) from error
    path = Path(export_dir) / "assets.extra" / WARMUP_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with tf.io.TFRecordWriter(str(path)) as writer:
        for log in logs:
            writer.write(log.SerializeToString())
    return path
