"""`bert-tf score`: official metrics of a predictions file against gold data, as one JSON line.

Each task shape scores its own predictions files:
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
  csv, tsv, jsonl, swag   --gold: the labelled file; --predictions: as for glue/NAME (accuracy;
                          Pearson for regression; a choice index for multiple choice).

Example:
    $ bert-tf score --task squad-v2.0 --gold dev-v2.0.json --predictions preds.json \\
        --na-probs na_prob.json
    {"exact": 64.8, "f1": 67.9, "total": 11873, ...}
"""

from __future__ import annotations

import argparse
import json

HELP = "score a predictions file with the task's official metrics (SQuAD, conlleval, GLUE, ...)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--task", required=True, help="a task name, as in bert-tf finetune")
    parser.add_argument("--gold", help="gold file (not used by conll)")
    parser.add_argument("--predictions", required=True, help="predictions file")
    parser.add_argument("--na-probs", help="squad-v2.0: JSON {qas_id: no-answer probability}")
    parser.add_argument(
        "--na-prob-thresh",
        type=float,
        help="squad-v2.0: predict no answer when na_prob exceeds this (default 1.0)",
    )


def run(args: argparse.Namespace) -> int:
    from bert_tf.tasks import make_task

    task = make_task(args.task)
    options = {"na_probs": args.na_probs, "na_prob_thresh": args.na_prob_thresh}
    metrics = task.score_files(args.gold, args.predictions, **options)
    print(json.dumps(metrics))
    return 0
