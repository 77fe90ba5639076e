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
SAMPLE_CONTEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a region in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to King "
    "Charles III of West Francia."
)
SAMPLES = {
    "text": ["Peter Blackburn visited Brussels in May.", "BERT reads the whole sentence."],
    "text_pair": ["He went to Belgium.", "It is bidirectional."],
    "question": ["Who was the Norse leader?", "In what country is Normandy located?"],
    "context": [SAMPLE_CONTEXT, SAMPLE_CONTEXT],
}


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

    samples = dict(SAMPLES if inputs is None else inputs)
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
                name: tf.train.Feature(bytes_list=tf.train.BytesList(value=[str(v[row]).encode()]))
                for name, v in batch.items()
            }
            examples.append(tf.train.Example(features=tf.train.Features(feature=features)))
        serialized = np.array([e.SerializeToString() for e in examples], dtype=object)
        logs.append(_request("serve_examples", {"examples": serialized}))
        segments = [tf.constant(batch[name].tolist()) for name in names]
        tokens = module.preprocessor(tuple(segments) if len(segments) == 2 else segments[0])
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
