"""The serving canary's check, run in a fresh process: load an exported SavedModel the way a
model server does, replay its warm-up records and golden requests, report what answered.

    python -m bert_tf.pipeline.canary_check MODEL_DIR GOLDEN.json REPORT.json

Exit status 0 when every request answered (and, for classification, `serving_default` and
`serve_examples` agree and name labels of the contract); 1 otherwise, with the errors in the
report.

Example:
    >>> report = check_model("serving/bert/1", [{"text": "An array."}])  # doctest: +SKIP
    >>> report["ok"], report["warmup_requests"]  # doctest: +SKIP
    (True, 6)
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

WARMUP_FILE = os.path.join("assets.extra", "tf_serving_warmup_requests")
CONTRACT_FILE = os.path.join("assets", "bert_tf_contract.json")


def _batch_sizes(outputs: dict[str, Any]) -> set[int]:
    return {int(value.shape[0]) for value in outputs.values() if value.shape.rank}


def replay_warmup(model: Any, model_dir: str) -> int:
    """Calls the signature of every warm-up PredictionLog; returns how many answered."""
    import tensorflow as tf
    from tensorflow_serving.apis import prediction_log_pb2

    path = os.path.join(model_dir, WARMUP_FILE)
    if not tf.io.gfile.exists(path):
        raise FileNotFoundError(f"{model_dir} has no warm-up records ({WARMUP_FILE})")
    count = 0
    for record in tf.data.TFRecordDataset(path):
        log = prediction_log_pb2.PredictionLog.FromString(record.numpy())
        request = log.predict_log.request
        name = request.model_spec.signature_name or "serving_default"
        inputs = {key: tf.constant(tf.make_ndarray(value)) for key, value in request.inputs.items()}
        outputs = model.signatures[name](**inputs)
        if not outputs:
            raise ValueError(f"warm-up request {count} ({name}) returned nothing")
        count += 1
    if not count:
        raise ValueError(f"{path} holds no requests")
    return count


def _serialized_examples(rows: list[dict[str, Any]], names: list[str]) -> list[bytes]:
    from bert_tf.tasks.task_records import encode_record

    return [encode_record({name: row[name] for name in names}).SerializeToString() for row in rows]


def replay_golden(model: Any, contract: dict[str, Any], rows: list[dict[str, Any]]) -> int:
    """Sends the golden requests through serving_default (and serve_examples); checks the
    answers agree and, for a classifier, name labels of the contract."""
    import tensorflow as tf

    from bert_tf.export.served_evaluation import request_columns

    names = list(contract["inputs"])
    missing = [name for name in names if any(name not in row for row in rows)]
    if missing:
        raise ValueError(f"golden requests lack the model's inputs {missing}")
    columns = request_columns(rows, names)  # a list input padded with "" (absent)
    inputs = {name: tf.constant(values.tolist()) for name, values in columns.items()}
    answers = model.signatures["serving_default"](**inputs)
    if _batch_sizes(answers) != {len(rows)}:
        raise ValueError(f"serving_default answered batch sizes {_batch_sizes(answers)}")
    if "serve_examples" in model.signatures:
        serialized = tf.constant(_serialized_examples(rows, names))
        via_examples = model.signatures["serve_examples"](examples=serialized)
        for key in answers:
            if key in via_examples and not bool(tf.reduce_all(answers[key] == via_examples[key])):
                raise ValueError(f"serve_examples and serving_default disagree on {key!r}")
    if "label" in answers and answers["label"].dtype == tf.string:
        known = set(contract.get("label_names") or [])
        labels = {value.decode() for value in answers["label"].numpy().tolist()}
        if known and not labels <= known:
            raise ValueError(f"labels {sorted(labels - known)} are not in the contract")
    return len(rows)


def check_model(model_dir: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Load `model_dir` and replay its requests; the report says what answered."""
    import tensorflow as tf
    import tensorflow_text  # noqa: F401 (registers the tokenizer ops the graph uses)

    report: dict[str, Any] = {"model_dir": model_dir, "ok": False, "errors": []}
    try:
        with tf.io.gfile.GFile(os.path.join(model_dir, CONTRACT_FILE)) as handle:
            contract = json.load(handle)
        model = tf.saved_model.load(model_dir)
        report["signatures"] = sorted(model.signatures)
        report["warmup_requests"] = replay_warmup(model, model_dir)
        report["golden_requests"] = replay_golden(model, contract, rows)
        report["ok"] = True
    except Exception as error:  # noqa: BLE001 (the report names whatever failed)
        report["errors"].append(f"{type(error).__name__}: {error}")
    return report


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    model_dir, golden_path, report_path = argv
    from bert_tf import storage

    rows = json.loads(storage.read_text(golden_path))
    report = check_model(model_dir, rows)
    storage.write_text(report_path, json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
