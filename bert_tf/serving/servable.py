"""`Servable`: one loaded version of one model, checking requests against its SignatureDefs.

It loads `BASE/NAME/VERSION/` with `tf.saved_model.load` (after importing `tensorflow_text`, so
the tokenizer ops are registered), reads the `SignatureDefMap` from `saved_model.pb` for
request checks and `GetModelMetadata`, reads the bert_tf contract from its assets when there is
one, and replays the warm-up records in `assets.extra/tf_serving_warmup_requests`.

Example:
    >>> servable = Servable("bert", 1, "models/bert/1")  # doctest: +SKIP
    >>> servable.run("serving_default", {"text": np.array([b"hi"], object)})  # doctest: +SKIP
    {'probabilities': array([[0.4, 0.6]], dtype=float32), 'label': ..., 'label_id': ...}
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.serving.serving_error import ServingError

LOG = logging.getLogger(__name__)
WARMUP_FILE = Path("assets.extra") / "tf_serving_warmup_requests"
MAX_WARMUP_RECORDS = 1000  # TF Serving replays at most this many
CONTRACT_FILE = Path("assets") / "bert_tf_contract.json"


class Servable:
    """A SavedModel version ready to answer `run(signature, inputs)` with numpy arrays."""

    def __init__(
        self,
        name: str,
        version: int,
        path: str | Path,
        max_text_bytes: int = 1 << 20,
        xla_cpu_compilation_enabled: bool = False,
    ):
        import tensorflow as tf
        import tensorflow_text  # noqa: F401  (registers the tokenizer ops before loading)
        from tensorflow.core.protobuf import saved_model_pb2

        self.name, self.version, self.path = name, int(version), Path(path)
        pb = self.path / "saved_model.pb"
        try:
            saved_model = saved_model_pb2.SavedModel.FromString(pb.read_bytes())
        except Exception as error:  # DecodeError, OSError
            raise ServingError(
                "DATA_LOSS", f"cannot parse {pb}: {type(error).__name__}: {error}"
            ) from None
        if not saved_model.meta_graphs:
            raise ServingError("DATA_LOSS", f"{pb} holds no MetaGraphDef")
        self.signature_defs = {
            key: sig
            for key, sig in saved_model.meta_graphs[0].signature_def.items()
            if not key.startswith("__")  # __saved_model_init_op
        }
        self.xla = uses_xla(saved_model)
        if self.xla and not xla_cpu_compilation_enabled:
            raise ServingError(
                "FAILED_PRECONDITION",
                f"{self.path} is compiled with XLA (exported with jit_compile); start the "
                "server with --xla_cpu_compilation_enabled (TF Serving takes the same flag, "
                "and without it fails the first request)",
            )
        self._functions = tf.saved_model.load(str(self.path)).signatures
        contract = self.path / CONTRACT_FILE
        self.contract = json.loads(contract.read_text("utf-8")) if contract.exists() else None
        # Raw-text inputs (checked for UTF-8 and size); serialized tf.Examples are bytes.
        self.text_inputs = set((self.contract or {}).get("inputs", ["text", "text_pair"]))
        exported_limit = (self.contract or {}).get("max_text_bytes") or max_text_bytes
        self.max_text_bytes = min(max_text_bytes, exported_limit)

    def signature(self, signature_name: str) -> Any:
        """The SignatureDef, or FAILED_PRECONDITION (TF Serving's status) naming the others."""
        if signature_name not in self.signature_defs:
            raise ServingError(
                "FAILED_PRECONDITION",
                f'Serving signature key "{signature_name}" not found. Model {self.name!r} '
                f"version {self.version} has {sorted(self.signature_defs)}",
            )
        return self.signature_defs[signature_name]

    def check_method(self, signature_name: str, api: str) -> None:
        """Refuses Classify/Regress as TF Serving does for a signature of another method;
        for a real classify/regress signature, says that this stand-in does not run them."""
        if signature_name not in self.signature_defs:
            raise ServingError(
                "INVALID_ARGUMENT", f"No signature was found with the name: {signature_name}"
            )
        kind = {"classify": "classification", "regress": "regression"}[api]
        wanted = f"tensorflow/serving/{api}"
        method = self.signature_defs[signature_name].method_name
        if method != wanted:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"Expected {kind} signature method_name to be {wanted}. Was: {method}",
            )
        raise ServingError(
            "UNIMPLEMENTED", f"this stand-in does not run {api}; use Predict or TF Serving"
        )

    def check(self, signature_name: str, inputs: dict[str, np.ndarray]) -> int | None:
        """Checks names, dtypes, ranks, batch sizes and text; returns the batch size B (>= 0)."""
        import tensorflow as tf

        sig = self.signature(signature_name)
        where = f"signature {signature_name!r} of model {self.name!r}"
        missing = sorted(set(sig.inputs) - set(inputs))
        extra = sorted(set(inputs) - set(sig.inputs))
        if missing or extra:
            wanted = ", ".join(f"{k} ({_describe(v)})" for k, v in sorted(sig.inputs.items()))
            problem = f"missing input(s) {missing}" if missing else f"unknown input(s) {extra}"
            raise ServingError("INVALID_ARGUMENT", f"{where}: {problem}; it takes: {wanted}")
        batch_sizes = {}
        for key, info in sig.inputs.items():
            array = inputs[key]
            want = tf.dtypes.as_dtype(info.dtype)
            got = tf.dtypes.as_dtype(array.dtype) if array.dtype != object else tf.string
            if got != want:
                raise ServingError(
                    "INVALID_ARGUMENT",
                    f"{where}: input {key!r} must be {_enum(info.dtype)}, got {_enum(got)}",
                )
            shape = info.tensor_shape
            dims = [d.size for d in shape.dim]
            fits = array.ndim == len(dims) and all(
                d < 0 or d == s for d, s in zip(dims, array.shape)
            )
            if not shape.unknown_rank and not fits:
                raise ServingError(
                    "INVALID_ARGUMENT",
                    f"{where}: input {key!r} must have shape {dims} (-1 = any), "
                    f"got {list(array.shape)}",
                )
            if array.ndim:
                batch_sizes[key] = array.shape[0]
            if want == tf.string and key in self.text_inputs:
                self._check_text(where, key, array)
        if len(set(batch_sizes.values())) > 1:
            sizes = ", ".join(f"{k} has {n}" for k, n in sorted(batch_sizes.items()))
            raise ServingError("INVALID_ARGUMENT", f"{where}: batch sizes differ ({sizes} rows)")
        return next(iter(batch_sizes.values()), None)

    def _check_text(self, where: str, key: str, array: np.ndarray) -> None:
        for index, value in enumerate(array.reshape(-1)):
            if len(value) > self.max_text_bytes:
                raise ServingError(
                    "INVALID_ARGUMENT",
                    f"{where}: input {key!r} row {index} has {len(value)} bytes; this server "
                    f"takes at most {self.max_text_bytes} per text (the export's max_text_bytes or "
                    "--max-text-bytes, whichever is smaller)",
                )
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ServingError(
                    "INVALID_ARGUMENT",
                    f"{where}: input {key!r} row {index} is not valid UTF-8 "
                    f"(byte {value[error.start]:#04x} at offset {error.start})",
                ) from None

    def run(
        self, signature_name: str, inputs: dict[str, np.ndarray], output_filter: Any = ()
    ) -> dict[str, np.ndarray]:
        """Runs a checked request; `output_filter` keeps only the named outputs."""
        import tensorflow as tf

        sig = self.signature(signature_name)
        unknown = sorted(set(output_filter) - set(sig.outputs))
        if unknown:
            raise ServingError(
                "INVALID_ARGUMENT",
                f"output_filter names {unknown}, not outputs of {signature_name!r}: "
                f"{sorted(sig.outputs)}",
            )
        tensors = {
            key: tf.constant(value, dtype=tf.dtypes.as_dtype(sig.inputs[key].dtype))
            for key, value in inputs.items()
        }
        try:
            outputs = self._functions[signature_name](**tensors)
        except tf.errors.OpError as error:
            raise ServingError.from_exception(error) from None
        keep = set(output_filter) or set(outputs)
        return {key: _numpy(value) for key, value in outputs.items() if key in keep}

    def warm_up(self) -> int:
        """Replays the warm-up PredictionLogs (at most 1000); returns how many ran."""
        import tensorflow as tf
        from tensorflow_serving.apis import prediction_log_pb2

        path = self.path / WARMUP_FILE
        if not path.exists():
            return 0
        count = 0
        for record in tf.data.TFRecordDataset(str(path)).take(MAX_WARMUP_RECORDS):
            log = prediction_log_pb2.PredictionLog.FromString(record.numpy())
            if log.WhichOneof("log_type") != "predict_log":
                continue  # classify/regress/multi_inference logs: APIs this server lacks
            request = log.predict_log.request
            inputs = {key: tf.make_ndarray(proto) for key, proto in request.inputs.items()}
            signature_name = request.model_spec.signature_name or "serving_default"
            self.check(signature_name, inputs)
            self.run(signature_name, inputs)
            count += 1
        return count


def uses_xla(saved_model: Any) -> bool:
    """Whether a function of the SavedModel proto must be compiled with XLA (jit_compile)."""
    for meta_graph in saved_model.meta_graphs:
        for function in meta_graph.graph_def.library.function:
            attr = function.attr.get("_XlaMustCompile")
            if attr is not None and attr.b:
                return True
    return False


def _numpy(tensor: Any) -> np.ndarray:
    """Tensor -> array; strings (scalars too) as object arrays of bytes, as tf.make_ndarray."""
    value = tensor.numpy()
    return np.array(value, dtype=object) if isinstance(value, bytes) else value


def _enum(dtype: Any) -> str:
    import tensorflow as tf

    return "DT_" + tf.dtypes.as_dtype(dtype).name.upper()


def _describe(info: Any) -> str:
    shape = "?" if info.tensor_shape.unknown_rank else [d.size for d in info.tensor_shape.dim]
    return f"{_enum(info.dtype)} {shape}"
