"""`bert-tf score`: official metrics of a predictions file against gold data, as one JSON line.

Tasks and files:
  squad-v1.1, squad-v2.0  --gold: the dataset JSON; --predictions: JSON {qas_id: answer text}
                          ("" = no answer); v2.0 --na-probs: JSON {qas_id: no-answer prob}.
                          Keys and percentages as the official evaluate-v1.1/v2.0 scripts.
  conll                   --predictions: a conlleval file (`token ... gold predicted` per
                          line, blank line between sentences); precision/recall/f1 in percent.
  glue/NAME               --gold: the task's dev TSV; --predictions: TSV with header
                          `index<TAB>prediction` (the GLUE submission format) or JSON, either a
                          list of predictions in file order or {index: prediction}; index is the
                          0-based data row of the gold file (or the guid "dev-7"); a prediction
                          is a label name (JSON: also a class index; STS-B: a number).
                          Metrics as fractions, keyed as GLUE_TASKS lists them.

Example:
    $ bert-tf score --task squad-v2.0 --gold dev-v2.0.json --predictions preds.json \\
        --na-probs na_prob.json
    {"exact": 64.8, "f1": 67.9, "total": 11873, ...}
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

HELP = "score predictions with the official SQuAD, CoNLL (conlleval) or GLUE metrics"
SQUAD_TASKS = ("squad-v1.1", "squad-v2.0")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--task", required=True, help="squad-v1.1, squad-v2.0, conll or glue/NAME (glue/mrpc)"
    )
    parser.add_argument("--gold", help="gold file (not used by conll)")
    parser.add_argument("--predictions", required=True, help="predictions file")
    parser.add_argument("--na-probs", help="squad-v2.0: JSON {qas_id: no-answer probability}")
    parser.add_argument(
        "--na-prob-thresh",
        type=float,
        default=1.0,
        help="squad-v2.0: predict no answer when na_prob exceeds this (default 1.0)",
    )


def run(args: argparse.Namespace) -> int:
    task = args.task.lower()
    if args.na_probs and task != "squad-v2.0":
        raise ValueError("--na-probs applies to --task squad-v2.0 only")
    if task == "conll":
        from bert_tf.evaluation.tagging_metrics import conlleval_metrics

        metrics = conlleval_metrics(args.predictions)
    elif task in SQUAD_TASKS or task.startswith("glue/"):
        if not args.gold:
            raise ValueError(f"--task {args.task} needs --gold")
        metrics = _squad(task, args) if task in SQUAD_TASKS else _glue(task, args)
    else:
        raise ValueError(
            f"unknown task {args.task!r}; expected squad-v1.1, squad-v2.0, conll, or glue/NAME"
        )
    print(json.dumps(metrics))
    return 0


def _load_json(path: str) -> Any:
    from bert_tf.data.readers.malformed_input_error import MalformedInputError

    with open(path, encoding="utf-8-sig") as handle:
        try:
            return json.load(handle)
        except json.JSONDecodeError as error:
            raise MalformedInputError(path, error.lineno, f"invalid JSON: {error.msg}") from None


def _squad(task: str, args: argparse.Namespace) -> dict[str, float]:
    from bert_tf.data.readers.squad import read_squad
    from bert_tf.evaluation.squad_metrics import (
        squad_gold_answers,
        squad_v1_metrics,
        squad_v2_metrics,
    )

    gold = squad_gold_answers(read_squad(args.gold, check_offsets=False))
    predictions = _load_json(args.predictions)
    if not isinstance(predictions, dict) or not all(
        isinstance(v, str) for v in predictions.values()
    ):
        raise ValueError(f"{args.predictions}: expected a JSON object {{qas_id: answer text}}")
    if task == "squad-v1.1":
        return squad_v1_metrics(gold, predictions)
    na_probs = _load_json(args.na_probs) if args.na_probs else None
    if na_probs is not None and not isinstance(na_probs, dict):
        raise ValueError(f"{args.na_probs}: expected a JSON object {{qas_id: probability}}")
    return squad_v2_metrics(gold, predictions, na_probs, args.na_prob_thresh)


def _glue(task: str, args: argparse.Namespace) -> dict[str, float]:
    from bert_tf.data.readers.glue import GLUE_TASKS, glue_task_name, read_glue
    from bert_tf.evaluation.glue_metrics import glue_metrics

    name = glue_task_name(task)
    examples = read_glue(name, args.gold)
    if any(example.label is None for example in examples):
        raise ValueError(f"{args.gold}: no label column; score against a dev file")
    keyed = _glue_predictions(args.predictions)
    position = {example.guid: index for index, example in enumerate(examples)}
    predictions: list[Any] = [None] * len(examples)
    for key, value in keyed.items():
        index = position.get(key, int(key) if key.isdigit() else None)
        if index is None or not 0 <= index < len(examples):
            raise ValueError(f"{args.predictions}: index {key!r} is not a row of {args.gold}")
        if predictions[index] is not None:
            raise ValueError(f"{args.predictions}: row {index} predicted twice")
        predictions[index] = value
    missing = [str(i) for i, value in enumerate(predictions) if value is None]
    if missing:
        raise ValueError(f"{args.predictions}: no prediction for rows {', '.join(missing[:5])}")
    if GLUE_TASKS[name].is_regression:
        try:
            predictions = [float(value) for value in predictions]
        except (TypeError, ValueError):
            raise ValueError(f"{args.predictions}: STS-B predictions must be numbers") from None
    return glue_metrics(name, predictions, [example.label for example in examples])


def _glue_predictions(path: str) -> dict[str, Any]:
    """Reads {key: prediction} from the GLUE submission TSV or a JSON list/object."""
    from bert_tf.data.readers.malformed_input_error import MalformedInputError
    from bert_tf.data.readers.reading import iter_lines

    if os.path.splitext(path)[1].lower() == ".json":
        data = _load_json(path)
        if isinstance(data, list):
            return {str(index): value for index, value in enumerate(data)}
        if isinstance(data, dict):
            return {str(key): value for key, value in data.items()}
        raise ValueError(f"{path}: expected a JSON list or object of predictions")
    lines = iter_lines(path)
    header = next(lines, (1, ""))[1].split("\t")
    if header != ["index", "prediction"]:
        raise MalformedInputError(path, 1, f"expected header 'index<TAB>prediction', got {header}")
    predictions = {}
    for number, line in lines:
        fields = line.split("\t")
        if len(fields) != 2:
            raise MalformedInputError(path, number, f"expected 2 columns, got {len(fields)}")
        if fields[0] in predictions:
            raise MalformedInputError(path, number, f"index {fields[0]!r} repeated")
        predictions[fields[0]] = fields[1]
    return predictions
