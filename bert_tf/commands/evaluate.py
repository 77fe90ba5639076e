"""`bert-tf evaluate`: score a fine-tuned model (a `bert-tf finetune` output directory) on a file.

Writes metrics.json and the predictions file into --output-dir: GLUE/CSV `predictions.tsv`
(`index<TAB>prediction`), SQuAD `predictions.json` ({qas_id: text}; v2.0 also null_odds.json),
CoNLL `predictions.conll` (`word gold predicted`) — each readable by `bert-tf score`.

Example:
    $ bert-tf evaluate --model-dir runs/mrpc --eval MRPC/dev.tsv --output-dir runs/mrpc/eval
"""

from __future__ import annotations

import argparse
import json

HELP = "evaluate a fine-tuned model: metrics JSON + predictions file"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--model-dir", required=True, help="a `bert-tf finetune` output dir")
    parser.add_argument("--task", help="task name; must match the model's (default: the model's)")
    parser.add_argument("--eval", required=True, help="file to evaluate on (the task's format)")
    parser.add_argument("--output-dir", required=True, help="where metrics and predictions go")
    parser.add_argument("--batch-size", type=int, default=64, help="prediction batch size")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bert_tf.tasks.model_bundle import ModelBundle

    bundle = ModelBundle.load(args.model_dir)
    model, tokenizer, task = bundle.model, bundle.tokenizer(), bundle.task
    if args.task and args.task.lower() != task.name:
        raise ValueError(f"{args.model_dir} was fine-tuned on {task.name}, not {args.task}")
    examples = task.read(args.eval)
    if not examples:
        raise ValueError(f"{args.eval}: no examples")
    features = task.build_features(tokenizer, examples)
    predictions = task.predict(model, examples, features, args.batch_size)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = task.write_predictions(out, examples, predictions)
    metrics = None
    if task.is_labelled(examples):
        metrics = {k: float(v) for k, v in task.metrics(examples, predictions).items()}
    summary = {
        "task": task.name,
        "eval_file": args.eval,
        "metrics": metrics,
        "predictions": str(path),
    }
    (out / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary))
    return 0
