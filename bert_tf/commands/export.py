"""`bert-tf export`: a fine-tuned model -> a TF Serving SavedModel with raw-text signatures.

--model-dir is a `bert-tf finetune` output directory; --output is TF Serving's version
directory BASE/NAME/VERSION (VERSION an integer). The SavedModel tokenizes, windows and
post-processes in the graph (`serving_default`: raw text in, labels / answer spans / entities
out) and also has `serve_tokens`, `serve_examples` and `contract` signatures, the vocabulary
and contract as assets, and warm-up records in assets.extra/.

A `bert-tf compress` output directory exports its compressed model (int8 again when it was
quantized). With `--task fill_mask`, --model-dir is a pre-trained masked LM instead (a
`bert-tf pretrain` output, an HF BertForMaskedLM / BertForPreTraining directory): raw text
with [MASK]s in, the --top-k tokens of every mask and their probabilities out.

Example:
    $ bert-tf export --model-dir runs/mrpc --output models/mrpc/1
    $ bert-tf export --model-dir runs/pretrain --task fill_mask --output models/fill/1
    $ bert-tf export --model-dir runs/mrpc --output models/mrpc/2 --xla   # XLA-compiled
"""

from __future__ import annotations

import argparse
import json

HELP = "export a fine-tuned model for TF Serving (raw text in, task answers out)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add(
        "--model-dir",
        required=True,
        help="a `bert-tf finetune` output directory (--task fill_mask: a pre-trained masked LM)",
    )
    add("--task", choices=["fill_mask"], help="serve a pre-trained masked LM as fill-mask")
    add("--top-k", type=int, default=5, help="fill_mask: tokens answered per mask (default 5)")
    add("--max-seq-length", type=int, default=128, help="fill_mask: tokens per text")
    add("--output", required=True, help="TF Serving version directory BASE/NAME/VERSION")
    pairs = parser.add_mutually_exclusive_group()
    pairs.add_argument(
        "--pair", dest="pair", action="store_true", default=None, help="classifier reads pairs"
    )
    pairs.add_argument("--single", dest="pair", action="store_false", help="single texts")
    add("--max-text-bytes", type=int, help="longest input string accepted (default 1000000)")
    add("--no-warmup", action="store_true", help="write no warm-up records")
    add("--overwrite", action="store_true", help="replace an existing version directory")
    add(
        "--xla",
        action="store_true",
        help="compile the model with XLA (jit_compile): faster on CPU; serve it with "
        "--xla_cpu_compilation_enabled, and warm up each batch size it will see",
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bert_tf.export import check_serving_ops, export_fill_mask, export_finetuned

    output = Path(args.output)
    if not output.name.isdigit():
        raise ValueError(
            f"--output {output} must end in a numeric version directory (BASE/NAME/1): TF "
            "Serving loads only integer-named versions"
        )
    if output.exists() and any(output.iterdir()) and not args.overwrite:
        raise ValueError(f"--output {output} exists and is not empty (pass --overwrite)")
    options = dict(
        warmup=not args.no_warmup,
        max_text_bytes=args.max_text_bytes,
        overwrite=args.overwrite,
        jit_compile=args.xla,
    )
    if args.task == "fill_mask":
        if args.pair is not None:
            raise ValueError("--pair/--single do not apply to --task fill_mask")
        path = export_fill_mask(args.model_dir, output, args.max_seq_length, args.top_k, **options)
    elif (Path(args.model_dir) / "compression_summary.json").exists():
        from bert_tf.compression.compress_run import export_compressed

        if args.pair is not None:
            raise ValueError("--pair/--single: a compressed model keeps its teacher's inputs")
        path = Path(export_compressed(args.model_dir, output, **options))
    else:
        path = export_finetuned(args.model_dir, output, pair=args.pair, **options)
    outside = check_serving_ops(path)
    if outside:
        raise ValueError(f"{path}: ops the TF Serving 2.16.1 image lacks: {', '.join(outside)}")
    contract = json.loads((path / "assets" / "bert_tf_contract.json").read_text())
    summary = {"export": str(path), "task": contract["task"], "inputs": contract["inputs"]}
    print(json.dumps({**summary, "outputs": contract["outputs"]}))
    return 0
