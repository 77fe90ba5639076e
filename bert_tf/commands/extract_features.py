"""`bert-tf extract-features`: per-token features of chosen layers, as google-research/bert's
extract_features.py writes them (JSON Lines, or TFRecord `tf.train.Example`s).

--model is an HF checkpoint directory, a `bert-tf finetune` output directory, or a .keras file
(then --vocab is needed). Each input line is one text, or `text_a ||| text_b`.

Example:
    $ bert-tf extract-features --model all-MiniLM-L6-v2/ --input lines.txt \\
        --layers -1,-2,-3,-4 --output features.jsonl --max-seq-length 128
"""

from __future__ import annotations

import argparse
import json

HELP = "write per-token features of chosen encoder layers (JSONL or TFRecord)"


def configure(parser: argparse.ArgumentParser) -> None:
    from bert_tf.commands.finetune import accept_negative_lists, parse_layers

    accept_negative_lists(parser)
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--model", required=True, help="HF dir, finetune output dir or .keras")
    parser.add_argument("--vocab", help="vocab.txt (needed for a bare .keras file)")
    parser.add_argument("--cased", action="store_true", help="keep case (default: lower-case)")
    parser.add_argument("--input", required=True, help="text file, one example per line")
    parser.add_argument("--output", required=True, help="out.jsonl or out.tfrecord")
    parser.add_argument(
        "--layers",
        type=parse_layers,
        default=[-1, -2, -3, -4],
        help="encoder layers, negative from the top (default -1,-2,-3,-4)",
    )
    parser.add_argument("--max-seq-length", type=int, default=128, help="tokens per line")
    parser.add_argument("--batch-size", type=int, default=32, help="lines per batch")


def run(args: argparse.Namespace) -> int:
    from bert_tf.tasks.feature_extractor import FeatureExtractor
    from bert_tf.tasks.model_sources import load_backbone
    from bert_tf.text.sequence_length import check_sequence_length

    with open(args.input, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise ValueError(f"{args.input}: no text lines")
    backbone, tokenizer, _ = load_backbone(args.model, args.vocab, lower_case=not args.cased)
    check_sequence_length(
        args.max_seq_length, backbone.config.max_position_embeddings, "--max-seq-length"
    )
    extractor = FeatureExtractor(
        backbone, tokenizer, args.max_seq_length, args.layers, args.batch_size
    )
    count = extractor.write(lines, args.output)
    print(json.dumps({"lines": count, "layers": args.layers, "output": args.output}))
    return 0
