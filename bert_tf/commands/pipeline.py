"""`bert-tf pipeline`: run the TFX pipeline locally, compile it for Kubeflow, list its runs.

  run      LocalDagRunner + Beam DirectRunner + ML Metadata (SQLite) under the pipeline root;
           one progress line per component, then each component's state and wall time.
  compile  a Kubeflow Pipelines v2 / Vertex AI PipelineJob JSON (KubeflowV2DagRunner).
  status   the runs ML Metadata recorded: components, states, wall times, artifacts.

Without --config every setting is the default: the tiny pipeline on the offline corpus and
the docstring task (pipelines/configs/*.yaml are examples to copy).

Example:
    $ bert-tf pipeline run --pipeline-root runs/root --serving-dir runs/serving
    $ bert-tf pipeline compile --config pipelines/configs/vertex.yaml --output pipeline.json
    $ bert-tf pipeline status --pipeline-root runs/root
"""

from __future__ import annotations

import argparse
import dataclasses
import json

HELP = "run the TFX pipeline (raw text -> pushed SavedModel), compile it for Kubeflow, status"


def _add_config_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="pipeline config (YAML or JSON)")
    parser.add_argument("--pipeline-root", help="overrides the config's pipeline_root")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="run the pipeline locally")
    _add_config_flags(run)
    run.add_argument("--serving-dir", help="overrides push.serving_dir")
    compile_ = actions.add_parser("compile", help="write a Kubeflow V2 PipelineJob JSON")
    _add_config_flags(compile_)
    compile_.add_argument("--output", default="pipeline.json", help="the JSON file to write")
    compile_.add_argument("--image", help="overrides kubeflow.image")
    status = actions.add_parser("status", help="runs, component states and artifacts")
    _add_config_flags(status)
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")


def load_config(args: argparse.Namespace):
    """The config file (or the defaults) with the command-line overrides applied."""
    from bert_tf.pipeline.pipeline_config import PipelineConfig

    config = PipelineConfig.load(args.config) if args.config else PipelineConfig()
    if args.pipeline_root:
        config = config.replace(pipeline_root=args.pipeline_root)
    if getattr(args, "serving_dir", None):
        config = config.replace(push=dataclasses.replace(config.push, serving_dir=args.serving_dir))
    if getattr(args, "image", None):
        config = config.replace(kubeflow=dataclasses.replace(config.kubeflow, image=args.image))
    return config


def run(args: argparse.Namespace) -> int:
    config = load_config(args)
    if args.action == "compile":
        from bert_tf.pipeline.kubeflow_compile import compile_kubeflow

        print(json.dumps({"output": str(compile_kubeflow(config, args.output))}))
        return 0
    from bert_tf.pipeline.run_status import format_runs, list_runs

    if args.action == "status":
        runs = list_runs(config.metadata_file)
        if args.json:
            print(json.dumps([dataclasses.asdict(r) for r in runs], indent=2))
        else:
            print(format_runs(runs) or "no runs recorded")
        return 0
    from bert_tf.pipeline.local_run import run_local

    result = run_local(config)
    print(format_runs([result]))
    pushed = [c for c in result.components if c.properties.get("pushed") == "1"]
    where = pushed[0].properties.get("pushed_destination") if pushed else None
    print(json.dumps({"run_id": result.run_id, "pushed": where}))
    return 0
