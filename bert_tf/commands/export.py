"""`bert-tf export`: a fine-tuned model -> a TF Serving SavedModel with raw-text signatures.

--model-dir is a `bert-tf finetune` output directory; --output is TF Serving's version
directory BASE/NAME/VERSION (VERSION an integer). The SavedModel tokenizes, windows and
post-processes in the graph (`serving_default`: raw text in, labels / answer spans / entities
out) and also has `serve_tokens`, `serve_examples` and `contract` signatures, the vocabulary
and contract as assets, and warm-up records in assets.extra/.

Example:
    $ bert-tf export --model-dir runs/mrpc --output models/mrpc/1
"""

from __future__ import annotations

import argparse
import json

HELP = "export a fine-tuned model for TF Serving (raw text in, task answers out)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--model-dir", required=True, help="a `bert-tf finetune` output directory")
    add("--output", required=True, help="TF Serving version directory BASE/NAME/VERSION")
    pairs = parser.add_mutually_exclusive_group()
    pairs.add_argument(
        "--pair", dest="pair", action="store_true", default=None, help="classifier reads pairs"
    )
    pairs.add_argument("--single", dest="pair", action="store_false", help="single texts")
    add("--max-text-bytes", type=int, help="longest input string accepted (default 1000000)")
    add("--no-warmup", action="store_true", help="write no warm-up records")
    add("--overwrite", action="store_true", help="replace an existing version directory")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bert_tf.export import check_serving_ops, export_finetuned

    output = Path(args.output)
    if not output.name.isdigit():
        raise ValueError(
            f"--output {output} must end in a numeric version directory (BASE/NAME/1): TF "
            "Serving loads only integer-named versions"
        )
    if output.exists() and any(output.iterdir()) and not args.overwrite:
        raise ValueError(f"--output {output} exists and is not empty (pass --overwrite)")
    path = export_finetuned(
        args.model_dir,
        output,
        pair=args.pair,
        warmup=not args.no_warmup,
        max_text_bytes=args.max_text_bytes,
        overwrite=args.overwrite,
    )
    outside = check_serving_ops(path)
    if outside:
        raise ValueError(f"{path}: ops the TF Serving 2.16.1 image lacks: {', '.join(outside)}")
    contract = json.loads((path / "assets" / "bert_tf_contract.json").read_text())
    summary = {"export": str(path), "task": contract["task"], "inputs": contract["inputs"]}
    print(json.dumps({**summary, "outputs": contract["outputs"]}))
    return 0
