"""`python -m bert_tf.demo [--library] [--quick] [--output-dir DIR]`.

Example:
    $ python -m bert_tf.demo                    # pipeline -> pushed models -> served answers
    $ python -m bert_tf.demo --library --quick  # the library stages alone, small
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from bert_tf.demo import production_demo

    parser = argparse.ArgumentParser(
        prog="python -m bert_tf.demo",
        description=production_demo.__doc__.split("\n\nExample:")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--output-dir", default="demo_output", help="where outputs go")
    parser.add_argument("--quick", action="store_true", help="smaller stages, a first look")
    parser.add_argument(
        "--library", action="store_true", help="the library stages alone (no TFX, no server)"
    )
    parser.add_argument("--corpus-mb", type=float, default=5.0, help="--library: corpus size")
    parser.add_argument("--vocab-size", type=int, default=8000, help="--library: vocab size")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every library message")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore", category=FutureWarning)
    out = Path(args.output_dir)
    if args.library:
        from bert_tf.demo.library_demo import run_library_demo

        return run_library_demo(out, args.corpus_mb, args.vocab_size, args.quick)
    return production_demo.run_production_demo(out, args.quick)


if __name__ == "__main__":
    if "-v" in sys.argv[1:] or "--verbose" in sys.argv[1:]:
        sys.exit(main([a for a in sys.argv[1:] if a not in ("-v", "--verbose")]))
    from bert_tf.commands.startup_noise import quiet_startup

    sys.exit(quiet_startup(main))  # TensorFlow's known-harmless start-up lines hidden
