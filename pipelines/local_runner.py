"""Run the bert_tf TFX pipeline locally (LocalDagRunner, Beam DirectRunner, MLMD in SQLite).

A thin runner, as in the TFX templates: the pipeline itself is `bert_tf.pipeline`. Copy a
config from `pipelines/configs/`, edit it, and run

    python pipelines/local_runner.py --config pipelines/configs/local.yaml

(the same as `bert-tf pipeline run --config ...`).
"""

import argparse

from bert_tf.pipeline import PipelineConfig, run_local
from bert_tf.pipeline.run_status import format_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="pipeline config (YAML or JSON); default: built-in")
    args = parser.parse_args()
    config = PipelineConfig.load(args.config) if args.config else PipelineConfig()
    print(format_runs([run_local(config)]))


if __name__ == "__main__":
    main()
