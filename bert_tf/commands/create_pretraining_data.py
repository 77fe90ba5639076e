"""`bert-tf create-pretraining-data`: text -> sharded TFRecords of masked LM + NSP instances.

Example:
    $ bert-tf create-pretraining-data --input corpus.txt --vocab vocab.txt --output-dir data/ \\
        --max-seq-length 128 --max-predictions-per-seq 20 --dupe-factor 5 --seed 12345
    $ bert-tf create-pretraining-data --input 'gs://bucket/text/*.txt' --vocab vocab.txt \\
        --output-dir gs://bucket/data --runner beam --beam-args --runner=DataflowRunner ...
"""

from __future__ import annotations

import argparse
import json

HELP = "build masked LM + next sentence prediction pre-training TFRecords from text files"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input",
        nargs="+",
        required=True,
        metavar="FILE",
        help="text files or glob patterns (one sentence per line, blank line "
        "between documents; .gz read too)",
    )
    parser.add_argument("--vocab", required=True, help="WordPiece vocab.txt")
    parser.add_argument("--output-dir", required=True, help="where shards and stats.json go")
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--max-predictions-per-seq", type=int, default=20)
    parser.add_argument("--masked-lm-prob", type=float, default=0.15)
    parser.add_argument(
        "--dupe-factor",
        type=int,
        default=1,
        help="passes over the corpus, each with different pairs and masks",
    )
    parser.add_argument("--short-seq-prob", type=float, default=0.1)
    parser.add_argument("--whole-word-masking", action="store_true")
    parser.add_argument(
        "--cased", action="store_true", help="keep case and accents (cased vocabulary)"
    )
    parser.add_argument(
        "--plain-text",
        action="store_true",
        help="lines are running text: split sentences (documents still separated by blank lines)",
    )
    parser.add_argument("--num-shards", type=int, default=4)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local builder processes (default: one per core; 0: in-process)",
    )
    parser.add_argument(
        "--gzip", action="store_true", help="GZIP-compress the shards (.tfrecord.gz)"
    )
    parser.add_argument("--runner", choices=("local", "beam"), default="local")
    parser.add_argument(
        "--beam-args",
        nargs=argparse.REMAINDER,
        default=[],
        help="the rest of the command line goes to Beam's PipelineOptions",
    )
    parser.add_argument(
        "--chunk-bytes",
        type=int,
        default=512 * 1024,
        help="text per work unit (random-next window, shuffle window)",
    )
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from bert_tf.data.pretraining import create_pretraining_data

    stats = create_pretraining_data(
        args.input,
        args.vocab,
        args.output_dir,
        lower_case=not args.cased,
        max_seq_length=args.max_seq_length,
        max_predictions_per_seq=args.max_predictions_per_seq,
        masked_lm_prob=args.masked_lm_prob,
        dupe_factor=args.dupe_factor,
        short_seq_prob=args.short_seq_prob,
        whole_word_masking=args.whole_word_masking,
        seed=args.seed,
        num_shards=args.num_shards,
        num_workers=args.workers,
        compression="GZIP" if args.gzip else None,
        plain_text=args.plain_text,
        chunk_bytes=args.chunk_bytes,
        runner=args.runner,
        beam_args=args.beam_args,
        progress=not args.no_progress,
    )
    keys = ("documents", "instances", "instances_per_s", "random_next_rate", "masked_fraction")
    print(json.dumps({key: stats[key] for key in keys}))
    return 0
