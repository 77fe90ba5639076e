"""`bert-tf predict`: ask a served model (TF Serving or `bert-tf serve`), JSON lines out.

Texts come from the command line (`TEXT [TEXT_PAIR]`; for QA models, QUESTION CONTEXT; in
general one column per input of the model's contract, and a last list input takes the rest
of the row) or from --input FILE, one row per line with a tab between the columns. Each
answer is one JSON line in input order, typed by the model's task (label and probabilities,
score, answer span, entities, embeddings, ...). `--signature serve_examples`
sends the same rows as serialized tf.Examples (what TFMA and InfraValidator call). The
model's contract is read over the wire; `--contract` gives it as a file instead (the
export's `assets/bert_tf_contract.json`, or the export directory), which TF Serving's REST
API needs for exports whose `contract` signature takes no inputs.

Example:
    $ bert-tf predict --target localhost:8500 --model bert "a fine, moving film"
    {"label": "positive", "label_id": 1, "probabilities": {"negative": 0.08, "positive": 0.92}}
    $ bert-tf predict --target localhost:8501 --rest --model bert --contract models/bert/1 \\
        --input reviews.txt
"""

from __future__ import annotations

import argparse
import json
import sys

HELP = "send texts to a served model over gRPC or REST and print JSON lines"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--target", required=True, help="HOST:PORT of the gRPC (or, with --rest, REST) port")
    add("--model", required=True, help="model name as the server knows it")
    add(
        "--version",
        type=lambda v: int(v) if v.isdigit() else v,
        help="a version number or label (default: the newest version the server has)",
    )
    add(
        "--signature",
        default="serving_default",
        choices=["serving_default", "serve_examples"],
        help="signature that takes the rows (default serving_default)",
    )
    add("--rest", action="store_true", help="use the REST API instead of gRPC")
    add("--input", help="file of rows (tab between columns); '-' reads stdin")
    add(
        "--contract",
        metavar="PATH",
        help="the model's contract JSON (or its export directory) instead of asking the server",
    )
    add("--batch-size", type=int, default=32, help="rows per request (default 32)")
    add("--timeout", type=float, default=30.0, help="deadline per request in seconds")
    add(
        "texts",
        nargs="*",
        metavar="TEXT",
        help="TEXT [TEXT_PAIR] (or QUESTION CONTEXT; one per input of the model)",
    )


def _rows(args: argparse.Namespace) -> list[list[str]]:
    if args.input and args.texts:
        raise ValueError("give TEXT arguments or --input, not both")
    if not args.input:
        if not args.texts:
            raise ValueError("give TEXT [TEXT_PAIR] or --input FILE")
        return [list(args.texts)]
    if args.input == "-":
        lines = sys.stdin.read().splitlines()
    else:
        with open(args.input, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    return [line.split("\t") for line in lines if line.strip()]


def run(args: argparse.Namespace) -> int:
    from bert_tf.serving.bert_serving_client import BertServingClient
    from bert_tf.serving.serving_error import ServingError

    rows = _rows(args)
    client = BertServingClient(
        args.target,
        args.model,
        rest=args.rest,
        version=args.version,
        timeout=args.timeout,
        batch_size=args.batch_size,
        contract=args.contract,
    )
    try:
        for result in client.predict_rows(rows, signature=args.signature):
            print(json.dumps(result.to_json()))
        return 0
    except ServingError as error:
        print(f"bert-tf predict: {error.code}: {error.message}", file=sys.stderr)
        return 1
    finally:
        client.close()
